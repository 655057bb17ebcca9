package server_test

import "context"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// TestReviewWithoutJavaScript walks the review with plain form posts: the
// chair opens a review, the negotiation gate refuses an uncleared deal,
// a vote and a decision are refused with their input kept, the chair cannot
// decide before quorum, then records an approval with conditions, and
// counsel see "Cleared to negotiate" and record the start of negotiation.
func TestReviewWithoutJavaScript(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	p.registerFixture(t)
	ctx := context.Background()
	deals := postgres.NewDeals(app.db, postgres.NewRegister(app.db))
	counsel := p.user(t, "counsel")
	d, err := deals.CreateDraft(ctx, counsel, "review-http-token-000000000001", dealgate.DealInput{Title: "Draft"})
	if err != nil {
		t.Fatal(err)
	}
	if d, err = deals.Submit(ctx, counsel, d.ID, d.Version, matrixDealInput(t, p)); err != nil {
		t.Fatal(err)
	}
	dealPath := "/deals/" + strconv.FormatInt(d.ID, 10)
	chair, member, cc := p.clients["chair"], p.clients["member"], p.clients["counsel"]

	// The deal page offers the chair, and only the chair, to open a review.
	if app.getWith(chair, dealPath).doc(t).Find(`a[href="`+dealPath+`/review"]`).Length() != 1 ||
		app.getWith(member, dealPath).doc(t).Find(`a[href="`+dealPath+`/review"]`).Length() != 0 {
		t.Fatal("the deal page does not offer the chair alone to open a review")
	}
	// The committee's queue offers the chair to open the review.
	if page := app.getWith(chair, "/committee"); page.doc(t).Find(`[data-testid="open-review"]`).Length() != 1 {
		t.Fatalf("queue: %s", page.body)
	}
	r := app.postForm(chair, dealPath+"/review", url.Values{"version": {strconv.FormatInt(d.Version, 10)}, "due_on": {"2001-01-01"}}, dealPath+"/review")
	if r.StatusCode != http.StatusUnprocessableEntity || r.doc(t).Find(`#due_on`).AttrOr("value", "") != "2001-01-01" || !strings.Contains(r.body, "after today") {
		t.Fatalf("due date in the past: %d %s", r.StatusCode, r.body)
	}
	r = app.postForm(chair, dealPath+"/review", url.Values{"version": {strconv.FormatInt(d.Version, 10)}}, dealPath+"/review")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/reviews/") {
		t.Fatalf("open review: %d %s", r.StatusCode, r.body)
	}
	review := r.Header.Get("Location")

	// Not cleared: the gate refuses, and the refusal is audited.
	page := app.getWith(cc, dealPath)
	if kind := page.doc(t).Find(`[data-testid="panel"]`).AttrOr("data-kind", ""); kind != "not-cleared" || page.doc(t).Find(`[data-testid="negotiation-form"]`).Length() != 0 {
		t.Fatalf("deal page before a decision: %s", kind)
	}
	// The deal page tells that the review runs; the committee get a link to it.
	if body := page.doc(t).Find(`[data-testid="panel"]`).Text(); !strings.Contains(body, "The committee is reviewing version 1") {
		t.Fatalf("deal page during the review: %q", body)
	}
	if page.doc(t).Find(`[data-testid="deal-review-link"]`).Length() != 0 {
		t.Fatal("counsel are offered a link to the committee's review")
	}
	if app.getWith(chair, dealPath).doc(t).Find(`a[href="`+dealPath+`/review"]`).Length() != 0 {
		t.Fatal("the deal page still offers to open a review while one runs")
	}
	if href := app.getWith(member, dealPath).doc(t).Find(`[data-testid="deal-review-link"]`).AttrOr("href", ""); href != review {
		t.Fatalf("the member's link to the review: %q, want %q", href, review)
	}
	r = app.postForm(cc, dealPath+"/negotiation", url.Values{"version": {strconv.FormatInt(d.Version, 10)}}, dealPath)
	if r.StatusCode != http.StatusSeeOther || p.countAudit(t, "deal.negotiation_refused") != 1 {
		t.Fatalf("negotiation before clearance: %d, %d refusals", r.StatusCode, p.countAudit(t, "deal.negotiation_refused"))
	}

	// The chair asks counsel; counsel see it on the deal page and answer.
	if r = app.postForm(chair, review+"/information", url.Values{"question": {""}}, review); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty question: %d", r.StatusCode)
	}
	if r = app.postForm(chair, review+"/information", url.Values{"question": {"Is the hosting exclusive?"}}, review); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ask: %d %s", r.StatusCode, r.body)
	}
	// The clock is paused, on the review page and on the committee's page.
	if !strings.Contains(app.getWith(member, review).doc(t).Find(`[data-testid="review-paused"]`).Text(), "waiting for counsel") {
		t.Fatalf("the review page does not say the review is paused")
	}
	if !strings.Contains(app.getWith(member, "/committee").doc(t).Find(`[data-testid="pending"]`).Text(), "Paused, due") {
		t.Fatalf("the committee's page does not say the review is paused")
	}
	if !strings.Contains(app.getWith(cc, dealPath).doc(t).Find(`[data-testid="panel"]`).Text(), "paused until counsel answers") {
		t.Fatalf("the deal page does not say the review is paused")
	}
	// The decision form warns the chair that counsel have not answered.
	if w := app.getWith(chair, review).doc(t).Find(`[data-testid="decide-open-rfis"]`).Text(); !strings.Contains(w, "still unanswered") {
		t.Fatalf("the decision form does not warn of the open request: %q", w)
	}
	answer := app.getWith(cc, dealPath).doc(t).Find(`[data-testid="deal-rfi"] a`).AttrOr("href", "")
	if !strings.Contains(answer, "/answer?request=") {
		t.Fatalf("no answer link on the deal page")
	}
	if r = app.postForm(cc, answer, url.Values{"answer": {" "}}, answer); r.StatusCode != http.StatusUnprocessableEntity || r.doc(t).Find(`#answer-error`).Length() != 1 {
		t.Fatalf("empty answer: %d %s", r.StatusCode, r.body)
	}
	// The answer carries a document: refused when it is not one (the typed
	// answer kept), then linked from the answer on the review page.
	fields := map[string]string{"_csrf": app.csrf(cc, answer), "answer": "Not exclusive."}
	if r = app.postMultipart(cc, answer, fields, "tool.exe", "application/octet-stream", []byte("MZ\x90binary")); r.StatusCode != http.StatusUnprocessableEntity ||
		r.doc(t).Find(`[data-testid="file-error"]`).Length() != 1 || r.doc(t).Find(`#answer`).Text() != "Not exclusive." {
		t.Fatalf("answer with an executable: %d %s", r.StatusCode, r.body)
	}
	if r = app.postMultipart(cc, answer, fields, "term-sheet.txt", "text/plain", []byte("Non-exclusive hosting.\n")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", r.StatusCode, r.body)
	}
	doc := app.getWith(member, review).doc(t)
	if doc.Find(`[data-testid="rfi-answer"]`).Length() != 1 {
		t.Fatalf("the answer is not on the review page")
	}
	if app.getWith(chair, review).doc(t).Find(`[data-testid="decide-open-rfis"]`).Length() != 0 {
		t.Fatal("the decision form still warns of an answered request")
	}
	if doc.Find(`[data-testid="review-paused"]`).Length() != 0 || !strings.Contains(doc.Find(`[data-testid="rfi-due-moved"]`).Text(), "moved the due date by 1 day") {
		t.Fatalf("after the answer: paused %d, moved %q", doc.Find(`[data-testid="review-paused"]`).Length(), doc.Find(`[data-testid="rfi-due-moved"]`).Text())
	}
	if href := doc.Find(`[data-testid="rfi-attachment"]`).AttrOr("href", ""); !strings.HasPrefix(href, "/deal-attachments/") ||
		!strings.Contains(app.getWith(member, href).body, "Non-exclusive hosting.") {
		t.Fatalf("the answer's document: %q", href)
	}
	if r = app.postForm(member, review+"/comments", url.Values{"body": {"Fine by me."}}, review); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d %s", r.StatusCode, r.body)
	}

	// A conditional approval without conditions: 422, the rationale kept.
	r = app.postForm(member, review+"/vote", url.Values{"choice": {"approve_conditions"}, "rationale": {"Sound rationale"}}, review)
	if r.StatusCode != http.StatusUnprocessableEntity || r.doc(t).Find(`#rationale`).Text() != "Sound rationale" || r.doc(t).Find(`#conditions-error`).Length() != 1 {
		t.Fatalf("vote without conditions: %d %s", r.StatusCode, r.body)
	}
	if r = app.postForm(member, review+"/vote", url.Values{"choice": {"approve"}, "rationale": {"Fine"}}, review); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("vote: %d %s", r.StatusCode, r.body)
	}
	decide := url.Values{"deal_version": {"1"}, "outcome": {"approved_conditions"}, "memo": {"Approved for hosting."}, "decision_conditions": {"No exclusivity."}}
	r = app.postForm(chair, review+"/decide", decide, review)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Quorum is not reached") || r.doc(t).Find(`#memo`).Text() != "Approved for hosting." {
		t.Fatalf("decision before quorum: %d %s", r.StatusCode, r.body)
	}
	if r = app.postForm(chair, review+"/vote", url.Values{"choice": {"approve"}, "rationale": {"Agreed"}}, review); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("chair votes: %d %s", r.StatusCode, r.body)
	}
	if r = app.postForm(chair, review+"/decide", decide, review); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("decide: %d %s", r.StatusCode, r.body)
	}
	page = app.getWith(member, review)
	if page.doc(t).Find(`[data-testid="decision"]`).Length() != 1 || page.doc(t).Find(`[data-testid="vote"]`).Length() != 2 {
		t.Fatalf("decided review: %s", page.body)
	}
	// Decided: no countdown to the due date, and the discussion is closed.
	if due := page.doc(t).Find(`[data-testid="review-due"]`).Text(); strings.Contains(due, "(") || page.doc(t).Find(`[data-testid="comment-form"]`).Length() != 0 {
		t.Fatalf("a decided review still counts down (%q) or takes comments", due)
	}
	if r = app.postForm(member, review+"/comments", url.Values{"body": {"Late thought."}}, review); r.StatusCode != http.StatusSeeOther ||
		p.countAudit(t, "review.commented") != 1 || !strings.Contains(app.getWith(member, review).body, "discussion is kept") {
		t.Fatalf("comment on a decided review: %d, %d comments", r.StatusCode, p.countAudit(t, "review.commented"))
	}

	// The committee's page and the review list show the decision.
	if doc := app.getWith(member, "/committee").doc(t); doc.Find(`[data-testid="decisions"] li`).Length() != 1 ||
		doc.Find(`[data-testid="see-all-decisions"]`).AttrOr("href", "") != "/committee/reviews?dir=desc&sort=decided&state=decided" {
		t.Fatalf("committee page after the decision: %s", doc.Text())
	}
	if doc := app.getWith(member, "/committee/reviews?dir=desc&sort=decided&state=decided").doc(t); doc.Find(`[data-testid="review-row"]`).Length() != 1 ||
		doc.Find(`[data-testid="filter-tag"]`).Length() != 1 {
		t.Fatalf("decided reviews: %s", doc.Text())
	}

	// Cleared: counsel see it first, with the conditions, and record the start.
	doc = app.getWith(cc, dealPath).doc(t)
	panel := doc.Find(`[data-testid="panel"]`)
	if panel.AttrOr("data-kind", "") != "cleared" || !strings.Contains(panel.Text(), "Cleared to negotiate") || !strings.Contains(panel.Text(), "No exclusivity.") {
		t.Fatalf("clearance panel: %q", panel.Text())
	}
	if list := app.getWith(cc, "/deals"); !strings.Contains(list.body, "Cleared to negotiate") {
		t.Errorf("My deals does not show the clearance: %s", list.body)
	}
	version := doc.Find(`[data-testid="negotiation-form"] input[name="version"]`).AttrOr("value", "")
	if r = app.postForm(cc, dealPath+"/negotiation", url.Values{"version": {version}}, dealPath); r.StatusCode != http.StatusSeeOther || p.countAudit(t, "deal.negotiation_started") != 1 {
		t.Fatalf("negotiation started: %d", r.StatusCode)
	}
	if !strings.Contains(app.getWith(cc, dealPath).body, "Negotiation started") {
		t.Error("deal page does not say negotiation started")
	}
}

// TestCommitteeSettingsForm saves the rules and re-renders bad input with
// its errors and the typed values.
func TestCommitteeSettingsForm(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	admin := p.clients["admin"]
	version := app.getWith(admin, "/committee/settings").doc(t).Find(`input[name="version"]`).AttrOr("value", "")
	form := url.Values{"version": {version}, "quorum": {"zero"}, "majority": {"two_thirds"}, "review_days": {"7"}, "clearance_days": {"30"}, "reminder_days": {"2"}, "hide_votes": {"true"}}
	r := app.postForm(admin, "/committee/settings", form, "/committee/settings")
	if r.StatusCode != http.StatusUnprocessableEntity || r.doc(t).Find(`#quorum`).AttrOr("value", "") != "zero" || r.doc(t).Find(`#quorum-error`).Length() != 1 {
		t.Fatalf("bad quorum: %d %s", r.StatusCode, r.body)
	}
	form.Set("quorum", "3")
	if r = app.postForm(admin, "/committee/settings", form, "/committee/settings"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.body)
	}
	doc := app.getWith(admin, "/committee/settings").doc(t)
	if doc.Find(`#quorum`).AttrOr("value", "") != "3" || doc.Find(`input[name="majority"][value="two_thirds"]`).AttrOr("checked", "x") == "x" || p.countAudit(t, "committee.rules_updated") != 1 {
		t.Fatalf("saved rules: %s", doc.Find("form").Text())
	}
	// The old version is stale: 409 with the typed values.
	if r = app.postForm(admin, "/committee/settings", form, "/committee/settings"); r.StatusCode != http.StatusConflict {
		t.Fatalf("stale rules: %d", r.StatusCode)
	}
}

// TestReviewListPage filters the review list: a bad date is 422 with the
// typed value and the other filters kept; tags remove one filter each.
func TestReviewListPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	p.reviewFixture(t)
	member := p.clients["member"]
	r := app.getWith(member, "/committee/reviews?state=open&due_from=soon")
	if r.StatusCode != http.StatusUnprocessableEntity || r.doc(t).Find(`#due_from`).AttrOr("value", "") != "soon" ||
		r.doc(t).Find(`#due_from-error`).Length() != 1 || r.doc(t).Find(`#state option[selected]`).AttrOr("value", "") != "open" {
		t.Fatalf("bad due date: %d %s", r.StatusCode, r.body)
	}
	if r = app.getWith(member, "/committee/reviews?counterparty=Nobody+Inc"); r.StatusCode != http.StatusUnprocessableEntity || r.doc(t).Find(`#counterparty-error`).Length() != 1 {
		t.Fatalf("unknown counterparty: %d", r.StatusCode)
	}
	doc := app.getWith(member, "/committee/reviews?state=open&due_from=2000-01-01").doc(t)
	if doc.Find(`[data-testid="review-row"]`).Length() != 1 || doc.Find(`[data-testid="filter-tag"]`).Length() != 2 {
		t.Fatalf("open, due since 2000: %s", doc.Text())
	}
	remove := doc.Find(`[data-testid="filter-tag"]`).First().AttrOr("href", "")
	if remove != "/committee/reviews?due_from=2000-01-01" {
		t.Errorf("removing the state filter: %q", remove)
	}
	if doc = app.getWith(member, "/committee/reviews?state=decided").doc(t); doc.Find(`[data-testid="review-row"]`).Length() != 0 || !strings.Contains(doc.Text(), "No reviews match") {
		t.Fatalf("no decided reviews: %s", doc.Text())
	}
	// The member is assigned: the dashboard lists the review as pending.
	doc = app.getWith(member, "/committee").doc(t)
	if doc.Find(`[data-testid="pending"] [data-testid="review-row"]`).Length() != 1 || doc.Find(`[data-testid="no-conflicts"]`).Length() != 1 {
		t.Fatalf("dashboard: %s", doc.Text())
	}
}
