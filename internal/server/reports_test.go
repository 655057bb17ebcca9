package server_test

import "bytes"
import "context"
import "encoding/csv"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "testing"
import "time"

import "github.com/xuri/excelize/v2"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// decideFixture approves the matrix's submitted deal: the chair and a
// member approve, the chair records the decision. It returns the deal's ID.
func (p *people) decideFixture(t *testing.T) int64 {
	t.Helper()
	f := p.dealFixture(t)
	ctx := context.Background()
	deals := postgres.NewDeals(p.app.db, postgres.NewRegister(p.app.db))
	reviews := postgres.NewReviews(p.app.db, deals)
	d, err := deals.Deal(ctx, f.other, f.otherSubmitted)
	if err != nil {
		t.Fatal(err)
	}
	r, err := reviews.OpenReview(ctx, p.user(t, "chair"), d.ID, d.Version, "")
	if err != nil {
		t.Fatalf("open review: %v", err)
	}
	for _, who := range []string{"chair", "member"} {
		if _, err := reviews.Vote(ctx, p.user(t, who), r.ID, dealgate.VoteInput{Choice: dealgate.VoteApprove, Rationale: who + " finds no conflict."}); err != nil {
			t.Fatalf("%s votes: %v", who, err)
		}
	}
	if _, err := reviews.Decide(ctx, p.user(t, "chair"), r.ID, d.CurrentVersion,
		dealgate.DecisionInput{Outcome: dealgate.OutcomeApproved, Memo: "Approved: nothing in the register restricts it."}); err != nil {
		t.Fatalf("decide: %v %v", err, dealgate.ErrorFields(err))
	}
	return d.ID
}

func TestDecisionRegisterPageDownloadsAndPacket(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	dealID := p.decideFixture(t)
	auditor := p.clients["auditor"]

	r := app.getWith(auditor, "/reports/decisions")
	doc := r.doc(t)
	if r.StatusCode != http.StatusOK || doc.Find(`[data-testid="decision-row"]`).Length() != 1 {
		t.Fatalf("register page: %d, %d rows", r.StatusCode, doc.Find(`[data-testid="decision-row"]`).Length())
	}
	if got := doc.Find(`[data-testid="decision-row"]`).Text(); !strings.Contains(got, "Approve 2, Flag 0, Abstain 0, Recused 0") || !strings.Contains(got, "under 1 day") || !strings.Contains(got, "not started") {
		t.Errorf("row reads %q", got)
	}
	links := doc.Find(`[data-testid="decision-downloads"] a`)
	if links.Length() != 3 {
		t.Fatalf("%d downloads", links.Length())
	}
	bodies := map[string]response{}
	for _, f := range []string{"csv", "xlsx", "pdf"} {
		r := app.getWith(auditor, "/reports/decisions/export?format="+f)
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Length") != strconv.Itoa(len(r.body)) ||
			!strings.HasSuffix(r.Header.Get("Content-Disposition"), "."+f+`"`) {
			t.Fatalf("%s: %d %q %q", f, r.StatusCode, r.Header.Get("Content-Length"), r.Header.Get("Content-Disposition"))
		}
		bodies[f] = r
	}
	recs, err := csv.NewReader(strings.NewReader(bodies["csv"].body)).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][1] != strconv.FormatInt(dealID, 10) || recs[1][13] != "Approved" {
		t.Fatalf("csv %q %v", recs, err)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(bodies["xlsx"].body)))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue("Decisions", "J2"); v != "2" {
		t.Errorf("xlsx votes for %q", v)
	}
	_ = x.Close()
	if !strings.HasPrefix(bodies["pdf"].body, "%PDF-") {
		t.Error("not a PDF")
	}
	if n := auditCount(t, app, "decisions.exported"); n != 3 {
		t.Errorf("%d export events, want 3", n)
	}
	// A period that cannot be read is 422 with the message, and no rows.
	if r := app.getWith(auditor, "/reports/decisions?from=yesterday"); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "Enter a date like") {
		t.Errorf("bad period: %d", r.StatusCode)
	}
	if r := app.getWith(auditor, "/reports/decisions/export?format=jsonl"); r.StatusCode != http.StatusNotFound {
		t.Errorf("jsonl register: %d", r.StatusCode)
	}

	// The deal page links the packet for admins, auditors and the chair,
	// not for members.
	deal := "/deals/" + strconv.FormatInt(dealID, 10)
	for role, want := range map[string]int{"auditor": 1, "chair": 1, "admin": 1, "member": 0} {
		if n := app.getWith(p.clients[role], deal).doc(t).Find(`[data-testid="decision-packet"]`).Length(); n != want {
			t.Errorf("%s sees %d packet links", role, n)
		}
	}
	pk := app.getWith(p.clients["chair"], deal+"/packet.pdf")
	if pk.StatusCode != http.StatusOK || pk.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pk.body, "%PDF-") ||
		pk.Header.Get("Content-Length") != strconv.Itoa(len(pk.body)) {
		t.Fatalf("packet: %d %s", pk.StatusCode, pk.Header.Get("Content-Type"))
	}
	if r := app.getWith(p.clients["member"], deal+"/packet.pdf"); r.StatusCode != http.StatusForbidden {
		t.Errorf("member packet: %d", r.StatusCode)
	}
	if n := auditCount(t, app, "deal.packet_exported"); n != 1 {
		t.Errorf("%d packet events", n)
	}
}

func TestPreparedExportOverHTTP(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	auditor := p.clients["auditor"]

	list := app.getWith(auditor, "/audit?actor=auditor%40example.com&per_page=10")
	form := list.doc(t).Find(`[data-testid="audit-prepare"]`)
	action, _ := form.Attr("action")
	if u, _ := url.Parse(action); form.Length() != 1 || u.Path != "/audit/export/prepare" || u.Query().Get("actor") != "auditor@example.com" || u.Query().Has("per_page") {
		t.Fatalf("prepare form action %q", action)
	}
	if r := app.postForm(auditor, action, url.Values{"format": {"csv"}}, "/audit"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("prepare csv: %d", r.StatusCode)
	}
	r := app.postForm(auditor, action, url.Values{"format": {"xlsx"}}, "/audit")
	status := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(status, "/exports/") {
		t.Fatalf("prepare: %d %q", r.StatusCode, status)
	}
	// The status page: building (polled by htmx, with a link without
	// JavaScript), then ready with the download.
	var page response
	for range 200 {
		page = app.getWith(auditor, status)
		st, _ := page.doc(t).Find(`[data-testid="prepared-status"]`).Attr("data-state")
		if st == "building" {
			if page.doc(t).Find(`[data-testid="prepared-refresh"]`).Length() != 1 || page.doc(t).Find(`[hx-trigger="every 2s"]`).Length() != 1 {
				t.Fatal("a building export's page neither polls nor links to itself")
			}
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if st != "ready" {
			t.Fatalf("state %q: %s", st, page.doc(t).Find(`[data-testid="prepared-status"]`).Text())
		}
		break
	}
	href, ok := page.doc(t).Find(`[data-testid="prepared-download"]`).Attr("href")
	if !ok {
		t.Fatalf("no download link: %s", page.body)
	}
	// Another user cannot see or fetch it.
	for _, path := range []string{status, href} {
		if r := app.getWith(p.clients["admin"], path); r.StatusCode != http.StatusNotFound {
			t.Errorf("admin GET %s: %d", path, r.StatusCode)
		}
	}
	dl := app.getWith(auditor, href)
	if dl.StatusCode != http.StatusOK || dl.Header.Get("Content-Length") != strconv.Itoa(len(dl.body)) ||
		!strings.HasSuffix(dl.Header.Get("Content-Disposition"), `.xlsx"`) {
		t.Fatalf("download: %d %q", dl.StatusCode, dl.Header.Get("Content-Disposition"))
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(dl.body)))
	if err != nil {
		t.Fatalf("not an XLSX: %v", err)
	}
	rows, _ := x.GetRows("Events")
	for _, row := range rows[1:] {
		if row[3] != "auditor@example.com" {
			t.Errorf("the filter was lost: row by %q", row[3])
		}
	}
	_ = x.Close()
	// Downloaded once; the file is gone.
	if r := app.getWith(auditor, href); r.StatusCode != http.StatusNotFound {
		t.Errorf("second download: %d", r.StatusCode)
	}
}
