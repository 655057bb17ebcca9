package browsertest

import "bytes"
import "compress/zlib"
import "context"
import "encoding/base64"
import "encoding/csv"
import "fmt"
import "io"
import "regexp"
import "strings"
import "testing"

import "github.com/chromedp/chromedp"
import "github.com/xuri/excelize/v2"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/postgres"

// download fetches href in the browser's session, as the download link
// would, and returns the file name it was given and its bytes.
func (b *Browser) download(t *testing.T, href string) (string, []byte) {
	t.Helper()
	out, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](fmt.Sprintf(`(async () => {
		const r = await fetch(%q);
		const a = new Uint8Array(await r.arrayBuffer());
		let s = "";
		for (let i = 0; i < a.length; i += 8192) s += String.fromCharCode.apply(null, a.subarray(i, i + 8192));
		return r.status + "\n" + (r.headers.get("Content-Disposition") || "") + "\n" + btoa(s);
	})()`, href), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("download %s: %v", href, err)
	}
	parts := strings.SplitN(out, "\n", 3)
	if parts[0] != "200" {
		t.Fatalf("download %s: status %s", href, parts[0])
	}
	data, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	return parts[1], data
}

// TestAuditorFiltersOneDealAndDownloadsReports: an auditor narrows the
// trail to one deal, downloads CSV, XLSX and PDF, and each file is read back.
func TestAuditorFiltersOneDealAndDownloadsReports(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	mustUser(t, app, "auditor@example.com", dealgate.RoleAuditor)
	ctx := context.Background()
	for i := range 12 {
		deal := 7
		if i%3 == 0 {
			deal = 8
		}
		if err := app.DB.InTx(ctx, func(tx *postgres.Tx) error {
			return tx.Audit(ctx, dealgate.AuditEvent{Action: "deal_attachment.added", EntityType: "deal_attachment", EntityID: fmt.Sprint(100 + i),
				After: map[string]any{"deal_id": deal, "filename": fmt.Sprintf("=term-sheet-%d.pdf", i)}})
		}); err != nil {
			t.Fatal(err)
		}
	}

	b := NewBrowser(t)
	b.signIn(t, app, "auditor@example.com")
	b.waitFor(t, `[data-testid="user-name"]`)
	b.Do(t,
		chromedp.Navigate(app.URL+"/audit"),
		chromedp.WaitVisible(chromedp.ID("deal")),
		chromedp.SendKeys(chromedp.ID("deal"), "7"),
	)
	// The unfiltered page shows the export links too: wait for the filtered one's.
	b.clickThrough(t, `[data-testid="audit-filters"] button[type="submit"]`, `[data-testid="audit-exports"]`)
	if n := b.Count(t, `[data-testid="audit-row"]`); n != 8 {
		t.Fatalf("deal 7 shows %d events, want 8", n)
	}
	href := func(format string) string {
		return b.Eval(t, fmt.Sprintf(`Array.from(document.querySelectorAll('[data-testid="audit-exports"] a')).map(a => a.getAttribute('href')).find(h => h.includes('format=%s'))`, format))
	}

	// CSV: header, 8 events, neutralised formulas, and it verifies.
	name, data := b.download(t, href("csv"))
	if !strings.Contains(name, `filename="dealgate-audit-start_`) || !strings.HasSuffix(name, `.csv"`) {
		t.Fatalf("CSV name %q", name)
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil || len(recs) != 1+8+1 || recs[0][0] != "seq" {
		t.Fatalf("CSV: %v, %d records", err, len(recs))
	}
	if v, err := export.Verify(bytes.NewReader(data)); err != nil || v.Proof.Rows != 8 {
		t.Fatalf("CSV verify: %v", err)
	}

	// XLSX: header, typed cells, 8 rows.
	_, data = b.download(t, href("xlsx"))
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Events")
	typ, _ := f.GetCellType("Events", "D2")
	raw, _ := f.GetCellValue("Events", "C2", excelize.Options{RawCellValue: true})
	_ = f.Close()
	if len(rows) != 9 || rows[0][2] != "Time" || typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString ||
		!regexp.MustCompile(`^\d+(\.\d+)?$`).MatchString(raw) {
		t.Fatalf("XLSX: %d rows, header %v, actor type %v, time raw %q", len(rows), rows[0], typ, raw)
	}

	// PDF: cover, table and summary pages, and the deal's filter on the cover.
	_, data = b.download(t, href("pdf"))
	pages := len(regexp.MustCompile(`/Type /Page\b`).FindAll(data, -1))
	text := inflatePDF(data)
	if !bytes.HasPrefix(data, []byte("%PDF-")) || pages < 3 || !strings.Contains(text, "Dealgate audit report") ||
		!strings.Contains(text, "By action") || !strings.Contains(text, "auditor@example.com") {
		t.Fatalf("PDF: %d pages, text has report %v", pages, strings.Contains(text, "Dealgate audit report"))
	}

	// Each download is an audit event.
	b.Do(t, chromedp.Navigate(app.URL+"/audit?action=audit.exported"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-table"]`)))
	if n := b.Count(t, `[data-testid="audit-row"]`); n != 3 {
		t.Fatalf("%d export events", n)
	}

	// The list fits 1280 px and stacks at 390 px without sideways scrolling.
	for _, width := range []int64{1280, 390} {
		b.Do(t, chromedp.EmulateViewport(width, 900), chromedp.Navigate(app.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-table"]`)))
		if over := b.Eval(t, `String(document.documentElement.scrollWidth - document.documentElement.clientWidth)`); over != "0" {
			t.Errorf("at %d px the page scrolls sideways by %s px", width, over)
		}
		if over := b.Eval(t, `(() => { const w = document.querySelector('.table-wrapper'); return String(w.scrollWidth - w.clientWidth); })()`); over != "0" {
			t.Errorf("at %d px the audit table overflows its wrapper by %s px", width, over)
		}
	}
}

func inflatePDF(data []byte) string {
	var out strings.Builder
	for _, m := range regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`).FindAllSubmatch(data, -1) {
		zr, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(zr)
		out.Write(b)
	}
	return out.String()
}
