package server_test

import "bytes"
import "context"
import "mime/multipart"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// dealForm is a complete deal form over the register fixture.
func dealForm(t *testing.T, p *people) url.Values {
	t.Helper()
	in := matrixDealInput(t, p)
	return url.Values{
		"title": {in.Title}, "counterparty": {in.Counterparty}, "category_ids": in.CategoryIDs, "description": {in.Description},
		"rationale": {in.Rationale}, "value": {in.Value}, "currency": {in.Currency}, "term_start": {in.TermStart},
		"term_end": {in.TermEnd}, "worldwide": {"true"}, "negotiation_start": {in.NegotiationStart}, "sponsor": {in.Sponsor},
	}
}

func dealIDFrom(t *testing.T, location string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(location, "/deals/"), 10, 64)
	if err != nil {
		t.Fatalf("not a deal page: %q", location)
	}
	return id
}

func (p *people) countAudit(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := p.app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_event WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDealIntakeWithoutJavaScript drafts, refuses an incomplete submission
// with field errors and kept input, submits, makes a material change and
// withdraws, all with plain form posts.
func TestDealIntakeWithoutJavaScript(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	p.registerFixture(t)
	c := p.clients["counsel"]

	// Save an incomplete draft; tampered fields (an author, a status) are ignored.
	r := app.postForm(c, "/deals", url.Values{"title": {"Agentic hosting"}, "author_id": {strconv.FormatInt(p.ids["admin"], 10)}, "status": {"submitted"}}, "/deals/new")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save draft: %d %s", r.StatusCode, r.body)
	}
	id := dealIDFrom(t, r.Header.Get("Location"))
	page := app.getWith(c, "/deals/"+strconv.FormatInt(id, 10))
	if !strings.Contains(page.body, "Counsel Person") {
		t.Fatalf("draft page: %s", page.body)
	}
	// The status tag says "Draft" once; the line beside it says something else.
	if beside := page.doc(t).Find(`[data-testid="deal-version"]`).Text(); strings.Contains(strings.ToLower(beside), "draft") || strings.Contains(strings.ToLower(beside), "not submitted") {
		t.Errorf("the draft's status is repeated beside its tag: %q", beside)
	}
	row := app.getWith(c, "/deals").doc(t).Find(`[data-testid="deal-row"]`).Text()
	if !strings.Contains(row, "Draft") || strings.Count(strings.ToLower(row), "not submitted") > 0 {
		t.Errorf("the draft's row repeats its status: %q", row)
	}
	path := "/deals/" + strconv.FormatInt(id, 10)
	version := app.getWith(c, path+"/edit").doc(t).Find(`input[name="version"]`).AttrOr("value", "")

	// Submit incomplete: 422, the error summary, the typed title kept.
	form := url.Values{"title": {"Agentic hosting"}, "version": {version}, "action": {"submit"}, "negotiation_start": {"2001-01-01"}, "category_ids": {"99999"}}
	r = app.postForm(c, path+"/edit", form, path+"/edit")
	doc := r.doc(t)
	if r.StatusCode != http.StatusUnprocessableEntity || doc.Find(`[data-testid="error-summary"]`).Length() == 0 ||
		doc.Find(`#title`).AttrOr("value", "") != "Agentic hosting" || !strings.Contains(r.body, "after today") ||
		!strings.Contains(r.body, "current taxonomy") {
		t.Fatalf("incomplete submission: %d %s", r.StatusCode, r.body)
	}
	// Each error summary link lands on an input; the categories' and the
	// territory's on their group's first (the tree's, "worldwide").
	var targets []string
	doc.Find(`[data-testid="error-summary"] a`).Each(func(_ int, a *goquery.Selection) {
		id := strings.TrimPrefix(a.AttrOr("href", ""), "#")
		targets = append(targets, id)
		if doc.Find(`[id="`+id+`"]`).Filter("input, textarea, select").Length() != 1 {
			t.Errorf("error summary link #%s lands on no input", id)
		}
	})
	if got := strings.Join(targets, " "); !strings.Contains(got, "category_ids") || !strings.Contains(got, "worldwide") {
		t.Errorf("error summary links to %s", got)
	}

	// Submit complete: version 1, screened at once; a second click is refused.
	form = dealForm(t, p)
	form.Set("version", version)
	form.Set("action", "submit")
	if r = app.postForm(c, path+"/edit", form, path+"/edit"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", r.StatusCode, r.body)
	}
	if r = app.postForm(c, path+"/edit", form, path); r.StatusCode != http.StatusSeeOther || p.countAudit(t, "deal.submitted") != 1 {
		t.Fatalf("second submit: %d, %d submissions", r.StatusCode, p.countAudit(t, "deal.submitted"))
	}
	page = app.getWith(c, path)
	if !strings.Contains(page.body, "Version 1 screened on submission") || !strings.Contains(page.body, "Version 1 of 1") {
		t.Fatalf("submitted page: %s", page.body)
	}

	// One version: nothing to compare yet.
	if r := app.getWith(c, path+"/versions"); r.StatusCode != http.StatusOK || !strings.Contains(r.body, "nothing to compare yet") || strings.Contains(r.body, `data-testid="compare-row"`) {
		t.Fatalf("comparing a single version: %d", r.StatusCode)
	}

	// A material change: a new version with a note; the comparison shows it.
	rev := app.getWith(c, path+"/revise").doc(t)
	form = dealForm(t, p)
	form.Set("version", rev.Find(`input[name="version"]`).AttrOr("value", ""))
	form.Set("negotiation_start", "2089-07-01")
	form.Set("change_note", "Negotiation moved a month.")
	if r = app.postForm(c, path+"/revise", form, path+"/revise"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new version: %d %s", r.StatusCode, r.body)
	}
	cmp := app.getWith(c, path+"/versions")
	changed := cmp.doc(t).Find(`[data-testid="compare-row"][data-changed="true"]`)
	if changed.Length() != 1 || !strings.Contains(changed.Text(), "Proposed negotiation start") || !strings.Contains(cmp.body, "Material change") {
		t.Fatalf("comparison: %d changed rows\n%s", changed.Length(), cmp.body)
	}
	if !strings.Contains(app.getWith(c, path).body, "Superseded by version 2") {
		t.Fatal("version 1 not marked superseded")
	}

	// Withdraw needs a reason; then the deal is read-only.
	wd := app.getWith(c, path+"/withdraw").doc(t).Find(`input[name="version"]`).AttrOr("value", "")
	if r = app.postForm(c, path+"/withdraw", url.Values{"version": {wd}}, path+"/withdraw"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("withdraw without reason: %d", r.StatusCode)
	}
	if r = app.postForm(c, path+"/withdraw", url.Values{"version": {wd}, "reason": {"Dropped."}}, path+"/withdraw"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d %s", r.StatusCode, r.body)
	}
	page = app.getWith(c, path)
	if !strings.Contains(page.body, "Dropped.") || strings.Contains(page.body, "Make a new version") {
		t.Fatalf("withdrawn page: %s", page.body)
	}
	if r = app.getWith(c, path+"/revise"); r.StatusCode != http.StatusForbidden || r.doc(t).Find(`header a[href="/notifications"]`).Length() != 1 {
		t.Fatalf("revise a withdrawn deal: %d, or the error page lost the notifications link", r.StatusCode)
	}
}

// TestDealVisibility checks each kind of deal (own draft, draft shared read
// or edit, another counsel's draft, another counsel's submitted deal) for
// counsel and the committee.
func TestDealVisibility(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	f := p.dealFixture(t)
	svc := postgres.NewDeals(app.db, postgres.NewRegister(app.db))
	ctx := context.Background()
	shared, err := svc.CreateDraft(ctx, f.other, "visibility-shared-token-0001", dealgate.DealInput{Title: "Shared draft"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Share(ctx, f.other, shared.ID, dealgate.ShareInput{Email: "counsel@example.com", Access: dealgate.ShareRead}); err != nil {
		t.Fatal(err)
	}
	id := func(n int64) string { return "/deals/" + strconv.FormatInt(n, 10) }
	cases := []struct {
		who, path string
		want      int
	}{
		{"counsel", id(f.own), ok},
		{"counsel", id(shared.ID), ok},
		{"counsel", id(shared.ID) + "/edit", http.StatusForbidden},
		{"counsel", id(f.otherDraft), notFound},
		{"counsel", id(f.otherSubmitted), notFound},
		{"chair", id(f.own), notFound},
		{"chair", id(f.otherSubmitted), ok},
		{"member", id(shared.ID), notFound},
		{"auditor", id(f.otherSubmitted), ok},
		{"admin", id(f.otherDraft), notFound},
	}
	for _, tc := range cases {
		if got := app.getWith(p.clients[tc.who], tc.path).StatusCode; got != tc.want {
			t.Errorf("%s GET %s: %d, want %d", tc.who, tc.path, got, tc.want)
		}
	}
	list := app.getWith(p.clients["counsel"], "/deals").body
	if !strings.Contains(list, "Shared draft") || strings.Contains(list, "Submitted matrix deal") {
		t.Errorf("counsel's list: %s", list)
	}
	if list := app.getWith(p.clients["chair"], "/deals").body; !strings.Contains(list, "Submitted matrix deal") || strings.Contains(list, "Shared draft") {
		t.Errorf("chair's list: %s", list)
	}
	// Someone else's draft cannot be changed through its ID.
	r := app.postForm(p.clients["counsel"], id(f.otherDraft)+"/edit", url.Values{"title": {"Hijacked"}, "version": {"1"}}, "/deals")
	if r.StatusCode != http.StatusNotFound {
		t.Errorf("edit another counsel's draft: %d", r.StatusCode)
	}
}

// TestDealAttachmentUploadAndDownload attaches a PDF, refuses a disguised
// file, and downloads under a safe name; HEAD records no download.
func TestDealAttachmentUploadAndDownload(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, map[string]string{"DEALGATE_MAX_DOCUMENT_BYTES": "2048"})
	p := newPeople(t, app)
	f := p.dealFixture(t)
	c := p.clients["counsel"]
	path := "/deals/" + strconv.FormatInt(f.own, 10)
	upload := func(name string, content []byte) response {
		t.Helper()
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		_ = w.WriteField("_csrf", app.csrf(c, path))
		_ = w.WriteField("_once", app.onceToken(c, path))
		fw, _ := w.CreateFormFile("file", name)
		_, _ = fw.Write(content)
		_ = w.Close()
		req, _ := http.NewRequest(http.MethodPost, app.ts.URL+path+"/attachments", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return app.do(c, req)
	}
	if r := upload("report.pdf", []byte("MZ\x90\x00not a pdf")); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "must be a PDF") {
		t.Fatalf("disguised upload: %d", r.StatusCode)
	}
	if r := upload("huge.pdf", append([]byte("%PDF-1.4 "), bytes.Repeat([]byte("x"), 3000)...)); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "larger than the limit") {
		t.Fatalf("oversized upload: %d", r.StatusCode)
	}
	if r := upload("Term sheet.pdf", []byte("%PDF-1.4 term sheet")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.StatusCode, r.body)
	}
	href, found := app.getWith(c, path).doc(t).Find(`[data-testid="attachment-row"] a`).First().Attr("href")
	if !found {
		t.Fatal("no attachment listed")
	}
	req, _ := http.NewRequest(http.MethodHead, app.ts.URL+href, nil)
	if r := app.do(c, req); r.StatusCode != http.StatusOK || p.countAudit(t, "deal_attachment.downloaded") != 0 {
		t.Fatalf("HEAD: %d, %d downloads recorded", r.StatusCode, p.countAudit(t, "deal_attachment.downloaded"))
	}
	r := app.getWith(c, href)
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), `attachment; filename="deal-`) || p.countAudit(t, "deal_attachment.downloaded") != 1 {
		t.Fatalf("download: %d %v", r.StatusCode, r.Header)
	}
}
