package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dealgate/dealgate/internal/demo"
)

// demoApp starts the app with the demo data and signs counsel in.
func demoApp(t *testing.T) (*App, *Browser) {
	t.Helper()
	app := StartApp(t, nil)
	if _, err := demo.Load(context.Background(), app.DB, false); err != nil {
		t.Fatal(err)
	}
	b := NewBrowser(t)
	b.Do(t,
		chromedp.Navigate(app.URL+"/sign-in"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "counsel@dealgate.example"),
		chromedp.SendKeys(chromedp.ID("password"), demo.DemoPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="form"] button[type="submit"]`)),
	)
	b.waitFor(t, `[data-testid="user-name"]`)
	return app, b
}

// overflow returns how many pixels the page is wider than the viewport,
// and the widest table's excess over its container.
func (b *Browser) overflow(t *testing.T) (page, table int) {
	t.Helper()
	page = int(b.evalFloat(t, `document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	table = int(b.evalFloat(t, `Math.max(0, ...Array.from(document.querySelectorAll('table')).map(t => t.scrollWidth - t.parentElement.clientWidth))`))
	return page, table
}

func (b *Browser) evalFloat(t *testing.T, expr string) float64 {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[float64](expr))
	if err != nil {
		t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// screen saves a full-page screenshot of the current page at width into
// $DEALGATE_SCREENS (make screens), and leaves the viewport at 1280×800.
func (b *Browser) screen(t *testing.T, name string, width int64) {
	t.Helper()
	dir := os.Getenv("DEALGATE_SCREENS")
	if dir == "" {
		return
	}
	b.Do(t, chromedp.EmulateViewport(width, 800))
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
		t.Fatal(err)
	}
	b.Do(t, chromedp.EmulateViewport(1280, 800))
}

// TestRegisterListsFitAndStack checks every register list at 1280 px (no
// horizontal overflow) and at 390 px (every cell labelled with its column,
// nothing cut off), on the demo data. It also measures the clause form and
// saves the screenshots of `make screens`.
func TestRegisterListsFitAndStack(t *testing.T) {
	t.Parallel()
	app, b := demoApp(t)
	for _, path := range []string{"/agreements", "/parties", "/register/expiring", "/deals"} {
		b.Do(t, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(app.URL+path), chromedp.WaitVisible(chromedp.CSS("main")))
		if page, table := b.overflow(t); page > 0 || table > 0 {
			t.Errorf("%s at 1280 px: page overflows by %d px, a table by %d px", path, page, table)
		}
		b.Do(t, chromedp.EmulateViewport(390, 800))
		if page, _ := b.overflow(t); page > 0 {
			t.Errorf("%s at 390 px: page overflows by %d px", path, page)
		}
		// Every data cell of a stacked table says which column it is.
		unlabelled := b.Eval(t, `Array.from(document.querySelectorAll('table.table--stack tbody td')).filter(td => !td.dataset.label && !td.hasAttribute('colspan')).map(td => td.textContent.trim()).slice(0,3).join(' | ')`)
		if unlabelled != "" {
			t.Errorf("%s at 390 px: cells without a column label: %s", path, unlabelled)
		}
	}

	b.Do(t, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(app.URL+"/agreements"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="agreements-table"]`)))
	// Dates are compact, their distance in words: never "in 2223 days".
	if got := b.Eval(t, `document.querySelector('[data-testid="agreements-table"]').innerText`); longDays.MatchString(got) || strings.Contains(got, "December") {
		t.Errorf("agreement list dates are not compact or not in words: %.300s", got)
	}
	b.screen(t, "agreements", 1280)
	b.screen(t, "agreements", 390)

	// The clause form of the first agreement.
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="agreement-row"] a`)), chromedp.WaitVisible(chromedp.CSS("h1")))
	href := b.Eval(t, `location.pathname`)
	b.Do(t, chromedp.Navigate(app.URL+href+"/clauses/new"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="form"]`)))
	h := b.evalFloat(t, `document.documentElement.scrollHeight`)
	t.Logf("clause form height at 1280×800: %.0f px (%.1f screens)", h, h/800)
	if page, _ := b.overflow(t); page > 0 {
		t.Errorf("clause form at 1280 px overflows by %d px", page)
	}
	b.screen(t, "clause-form", 1280)
	b.screen(t, "clause-form", 390)
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("browser problems: %v", p)
	}
}

// longDays matches a distance in days that words should have said in months or years.
var longDays = regexp.MustCompile(`\b\d{3,} days\b`)
