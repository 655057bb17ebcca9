package browsertest

import "bytes"
import "context"
import "fmt"
import "strings"
import "testing"

import "github.com/chromedp/chromedp"
import "github.com/xuri/excelize/v2"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/demo"

// TestAuditorReportsPacketAndPreparedDownload: on the demo data an auditor
// reads the decision register, opens a decided deal and downloads its
// decision packet, then has an Excel file of the audit trail prepared in the
// background and downloads it from its status page, once.
func TestAuditorReportsPacketAndPreparedDownload(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	if _, err := demo.Load(context.Background(), app.DB, false); err != nil {
		t.Fatal(err)
	}
	mustUser(t, app, "auditor@example.com", dealgate.RoleAuditor)
	b := NewBrowser(t)
	b.signIn(t, app, "auditor@example.com")
	b.waitFor(t, `[data-testid="user-name"]`)

	// The decision register fits 1280 px and stacks at 390 px.
	b.Do(t, chromedp.Navigate(app.URL+"/reports/decisions"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="decision-table"]`)))
	if n := b.Count(t, `[data-testid="decision-row"]`); n < 1 {
		t.Fatal("the demo's decision is not in the register")
	}
	for _, width := range []int64{1280, 390} {
		b.Do(t, chromedp.EmulateViewport(width, 900))
		if page, table := b.overflow(t); page > 0 || (width == 1280 && table > 0) {
			t.Errorf("register at %d px: page overflows by %d px, the table by %d px", width, page, table)
		}
	}
	b.Do(t, chromedp.EmulateViewport(1280, 900))
	b.shots(t, "decision-register")
	b.axe(t, "/reports/decisions")

	// The deal page links the packet; it is a PDF with the memo and votes.
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="decision-row"] td[data-label="Deal"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="decision-packet"]`)))
	href := b.Eval(t, `document.querySelector('[data-testid="decision-packet"]').getAttribute('href')`)
	name, data := b.download(t, href)
	text := inflatePDF(data)
	if !bytes.HasPrefix(data, []byte("%PDF-")) || !strings.Contains(name, "decision-packet") ||
		!strings.Contains(text, "Decision packet") || !strings.Contains(text, "Members, recusals and votes") || !strings.Contains(text, "hash ") {
		t.Fatalf("packet %q: PDF %v", name, bytes.HasPrefix(data, []byte("%PDF-")))
	}

	// Prepare an Excel file of the trail; the status page polls (htmx)
	// until it is ready.
	b.Do(t, chromedp.Navigate(app.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-prepare"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="audit-prepare"] button[value="xlsx"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="prepared-status"][data-state="ready"]`)))
	b.shots(t, "prepared-export")
	b.axe(t, "/exports/:id")
	href = b.Eval(t, `document.querySelector('[data-testid="prepared-download"]').getAttribute('href')`)
	name, data = b.download(t, href)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil || !strings.HasSuffix(name, `.xlsx"`) {
		t.Fatalf("prepared file %q: %v", name, err)
	}
	if rows, _ := f.GetRows("Events"); len(rows) < 2 {
		t.Errorf("prepared XLSX has %d rows", len(rows))
	}
	_ = f.Close()
	again, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => String(r.status))`, href), chromedp.EvalAwaitPromise))
	if err != nil || again != "404" {
		t.Errorf("second download: %s %v", again, err)
	}
}
