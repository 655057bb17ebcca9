package browsertest

import _ "embed"
import "testing"

import "github.com/chromedp/chromedp"

// axeSource is axe-core (testdata/axe-core, MPL-2.0), injected into pages
// by the tests only: it is never served by the app.
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// axe runs axe-core's WCAG 2.2 A and AA rules on the current page and fails
// t with each violation.
func (b *Browser) axe(t *testing.T, page string) {
	t.Helper()
	if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	violations, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
		.then(r => r.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe-core on %s: %v", page, err)
	}
	for _, v := range violations {
		t.Errorf("%s: %s", page, v)
	}
}
