package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/postgres"
)

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
	answer := app.getWith(cc, dealPath).doc(t).Find(`[data-testid="deal-rfi"] a`).AttrOr("href", "")
	if !strings.Contains(answer, "/answer?request=") {
		t.Fatalf("no answer link on the deal page")
	}
	if r = app.postForm(cc, answer, url.Values{"answer": {" "}}, answer); r.StatusCode != http.StatusUnprocessableEntity || r.doc(t).Find(`#answer-error`).Length() != 1 {
		t.Fatalf("empty answer: %d %s", r.StatusCode, r.body)
	}
	if r = app.postForm(cc, answer, url.Values{"answer": {"Not exclusive."}}, answer); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", r.StatusCode, r.body)
	}
	if doc := app.getWith(member, review).doc(t); doc.Find(`[data-testid="rfi-answer"]`).Length() != 1 {
		t.Fatalf("the answer is not on the review page")
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

	// Cleared: counsel see it first, with the conditions, and record the start.
	doc := app.getWith(cc, dealPath).doc(t)
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
