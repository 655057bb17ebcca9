package server_test

import "bytes"
import "context"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "testing"

import "github.com/xuri/excelize/v2"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/postgres"

func TestAuditExportDownloadsVerifyAndAreAudited(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	auditor := p.clients["auditor"]

	// The list links to the filtered view's exports, without its paging.
	list := app.getWith(auditor, "/audit?actor=auditor%40example.com&per_page=25")
	if list.StatusCode != http.StatusOK {
		t.Fatalf("list: %d", list.StatusCode)
	}
	links := list.doc(t).Find(`[data-testid="audit-exports"] a`)
	if links.Length() != 4 {
		t.Fatalf("%d export links", links.Length())
	}
	csvHref, _ := links.First().Attr("href")
	if u, _ := url.Parse(csvHref); u.Path != "/audit/export" || u.Query().Get("actor") != "auditor@example.com" ||
		u.Query().Get("format") != "csv" || u.Query().Has("per_page") {
		t.Fatalf("CSV link %q", csvHref)
	}

	r := app.getWith(auditor, csvHref)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="dealgate-audit-start_`) || !strings.HasSuffix(cd, `.csv"`) {
		t.Fatalf("file name: %s", cd)
	}
	v, err := export.Verify(strings.NewReader(r.body))
	if err != nil || v.Proof.Rows < 1 {
		t.Fatalf("downloaded CSV: %v (%d rows)", err, v.Proof.Rows)
	}

	r = app.getWith(auditor, "/audit/export?format=xlsx&from=2000-01-01&to=2099-12-31")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Length") != strconv.Itoa(len(r.body)) {
		t.Fatalf("xlsx: %d, length %q for %d bytes", r.StatusCode, r.Header.Get("Content-Length"), len(r.body))
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="dealgate-audit-2000-01-01_2099-12-31.xlsx"` {
		t.Fatalf("xlsx name: %s", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Events")
	_ = f.Close()
	if len(rows) < 2 || rows[0][0] != "Seq" {
		t.Fatalf("xlsx rows: %v", rows)
	}

	r = app.getWith(auditor, "/audit/export?format=pdf")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.body, "%PDF-") || r.Header.Get("Content-Length") == "" {
		t.Fatalf("pdf: %d", r.StatusCode)
	}
	if r := app.getWith(auditor, "/audit/export?format=doc"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown format: %d", r.StatusCode)
	}
	if r := app.getWith(auditor, "/audit/export?from=yesterday"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad filter: %d", r.StatusCode)
	}

	// Every export is in the trail, with its format and rows.
	list = app.getWith(auditor, "/audit?action=audit.exported")
	if n := list.doc(t).Find(`[data-testid="audit-row"]`).Length(); n != 3 {
		t.Fatalf("%d export events", n)
	}
}

func TestAuditChainPageRunsVerification(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	admin := p.clients["admin"]
	if r := app.getWith(admin, "/audit/chain"); r.StatusCode != http.StatusOK || r.doc(t).Find(`[data-testid="chain-verify"]`).Length() != 1 {
		t.Fatalf("chain page: %d", r.StatusCode)
	}
	r := app.postForm(admin, "/audit/chain", url.Values{}, "/audit/chain")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, "The chain is intact") || !strings.Contains(r.body, "Events verified") {
		t.Fatalf("verify: %d\n%s", r.StatusCode, r.body)
	}
}

// TestAuditChainPageSaysWhenEventsArePending: while an older transaction
// that wrote an event is still open, a younger committed event waits to be
// sealed, and the chain page says so instead of calling it covered.
func TestAuditChainPageSaysWhenEventsArePending(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	admin := p.clients["admin"]
	ctx := context.Background()
	if err := app.db.WaitAuditSealed(ctx); err != nil {
		t.Fatal(err)
	}
	old, err := app.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = old.Rollback(ctx) }()
	if _, err := old.Exec(ctx, `INSERT INTO audit_event (occurred_at, actor_label, action, entity_type, entity_id)
		VALUES (now(), 'system', 'test.old', 'test', 'old')`); err != nil {
		t.Fatal(err)
	}
	if err := app.db.InTx(ctx, func(tx *postgres.Tx) error {
		return tx.Audit(ctx, dealgate.AuditEvent{Action: "test.young", EntityType: "test", EntityID: "young"})
	}); err != nil {
		t.Fatal(err)
	}
	r := app.postForm(admin, "/audit/chain", url.Values{}, "/audit/chain")
	pending := r.doc(t).Find(`[data-testid="chain-pending"]`).Text()
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, "The chain is intact") ||
		!strings.Contains(pending, "1 event written since the last seal is not in the chain yet") {
		t.Fatalf("verify with a pending event: %d %q", r.StatusCode, pending)
	}
	if err := old.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := app.db.WaitAuditSealed(ctx); err != nil {
		t.Fatal(err)
	}
	r = app.postForm(admin, "/audit/chain", url.Values{}, "/audit/chain")
	if r.doc(t).Find(`[data-testid="chain-pending"]`).Length() != 0 || !strings.Contains(r.body, "The chain is intact") {
		t.Fatalf("after sealing: %d\n%s", r.StatusCode, r.body)
	}
}
