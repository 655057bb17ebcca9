package browsertest

import "strings"
import "testing"

import "github.com/chromedp/chromedp"

// TestCategoryCoverPaths: on the demo register, the agreement list
// filtered by Agent hosting and Agent hosting's category page both find the
// memorandum through its §3 on Agentic platforms, labelled with the path
// that matched; both pages fit at 1280 and 390 px and pass axe.
func TestCategoryCoverPaths(t *testing.T) {
	t.Parallel()
	app, b := demoApp(t)
	b.Do(t, chromedp.Navigate(app.URL+"/taxonomy"), chromedp.WaitVisible(chromedp.CSS("main")))
	category := b.Eval(t, `document.querySelector('[data-key="agent-hosting"] a[href^="/taxonomy/categories/"]').getAttribute('href')`)
	id := strings.TrimPrefix(category, "/taxonomy/categories/")
	if id == "" || id == category {
		t.Fatalf("no link to Agent hosting: %q", category)
	}
	for _, page := range []struct{ name, path, label string }{
		{"agreements-covering", "/agreements?category=" + id, `[data-testid="agreement-cover"]`},
		{"category-covering", category, `[data-testid="covering-path"]`},
	} {
		b.Do(t, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(app.URL+page.path), chromedp.WaitVisible(chromedp.CSS("main")))
		if got := b.Eval(t, `Array.from(document.querySelectorAll('`+page.label+`')).map(e => e.textContent.trim()).join(' | ')`); !strings.Contains(got, "via Agentic platforms → Agent hosting (§3)") {
			t.Errorf("%s: labels %q", page.name, got)
		}
		for _, w := range []int64{1280, 390} {
			b.Do(t, chromedp.EmulateViewport(w, 800))
			if over, _ := b.overflow(t); over > 0 {
				t.Errorf("%s at %d px overflows by %d px", page.name, w, over)
			}
			b.axe(t, page.name)
		}
		b.Do(t, chromedp.EmulateViewport(1280, 800))
		b.screen(t, page.name, 1280)
		b.screen(t, page.name, 390)
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("browser problems: %v", p)
	}
}
