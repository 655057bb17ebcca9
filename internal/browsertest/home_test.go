package browsertest

import "strings"
import "testing"

import "github.com/chromedp/chromedp"
import "github.com/chromedp/chromedp/kb"

// TestShellLayoutAndSkipLink loads the app in Chromium (anonymous visitors
// land on sign-in) and checks the shell: landmarks, one h1, a skip link that
// is the first thing Tab reaches and moves focus to main, and no console
// errors or CSP violations.
func TestShellLayoutAndSkipLink(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	b := NewBrowser(t)

	b.Do(t,
		chromedp.Navigate(app.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("email")),
	)
	if loc := b.Eval(t, `location.pathname`); loc != "/sign-in" {
		t.Errorf("anonymous visitor landed on %q", loc)
	}
	if title := b.Eval(t, `document.title`); !strings.Contains(title, "Dealgate") {
		t.Errorf("title %q", title)
	}
	for sel, want := range map[string]int{
		"h1": 1, "main#main-content": 1, "header": 1, "footer": 1, `html[lang]`: 1, `label[for="email"]`: 1, `label[for="password"]`: 1,
	} {
		if got := b.Count(t, sel); got != want {
			t.Errorf("%s: %d, want %d", sel, got, want)
		}
	}
	b.Do(t, chromedp.KeyEvent(kb.Tab))
	if got := b.Eval(t, `document.activeElement.textContent.trim()`); got != "Skip to main content" {
		t.Errorf("first Tab focused %q, want the skip link", got)
	}
	b.Do(t, chromedp.KeyEvent(kb.Enter))
	if got := b.Eval(t, `document.activeElement.id`); got != "main-content" {
		t.Errorf("skip link moved focus to %q, want main-content", got)
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}
