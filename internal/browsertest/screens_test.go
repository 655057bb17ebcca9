package browsertest

import "context"
import "fmt"
import "os"
import "path/filepath"
import "regexp"
import "strings"
import "testing"

import "github.com/chromedp/cdproto/emulation"
import "github.com/chromedp/chromedp"

import "github.com/dealgate/dealgate/internal/demo"

// demoApp starts the app with the demo data and signs counsel in.
func demoApp(t *testing.T) (*App, *Browser) {
	t.Helper()
	app := StartApp(t, nil)
	if _, err := demo.Load(context.Background(), app.DB, false); err != nil {
		t.Fatal(err)
	}
	return app, demoBrowser(t, app, "counsel@dealgate.example")
}

// demoBrowser is a browser signed in to app as the demo user email.
func demoBrowser(t *testing.T, app *App, email string) *Browser {
	t.Helper()
	b := NewBrowser(t)
	b.Do(t,
		chromedp.Navigate(app.URL+"/sign-in"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), demo.DemoPassword),
		chromedp.Click(chromedp.CSS(`[data-testid="form"] button[type="submit"]`)),
	)
	b.waitFor(t, `[data-testid="user-name"]`)
	return b
}

// listPages are the pages with lists (tables), by who may see them in the
// demo data.
var listPages = map[string][]string{
	"counsel@dealgate.example": {"/agreements", "/parties", "/register/expiring", "/deals", "/deals/1", "/deals/1/versions", "/agreements/1", "/taxonomy/versions"},
	"chair@dealgate.example":   {"/committee/reviews"},
	"admin@dealgate.example":   {"/admin/users", "/audit"},
}

// checkListFitsAndStacks fails t when the page at path overflows at 1280
// px, or when at 390 px a table does not stack into cards whose every cell
// is labelled with its column.
func (b *Browser) checkListFitsAndStacks(t *testing.T, app *App, path string) {
	t.Helper()
	b.Do(t, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(app.URL+path), chromedp.WaitVisible(chromedp.CSS("main")))
	if n := b.Count(t, "main table"); n == 0 {
		t.Errorf("%s: no table to check", path)
	}
	if page, table := b.overflow(t); page > 0 || table > 0 {
		t.Errorf("%s at 1280 px: page overflows by %d px, a table by %d px", path, page, table)
	}
	b.Do(t, chromedp.EmulateViewport(390, 800))
	defer b.Do(t, chromedp.EmulateViewport(1280, 800))
	if page, table := b.overflow(t); page > 0 || table > 0 {
		t.Errorf("%s at 390 px: page overflows by %d px, a table by %d px", path, page, table)
	}
	// Tables of rows stack (cells shown as blocks, the header row hidden);
	// a table whose rows are headed by a row header (field/before/after)
	// is narrow enough as it is.
	flat := b.Eval(t, `Array.from(document.querySelectorAll('main table')).filter(t => !t.querySelector('tbody th[scope=row]') && t.querySelector('tbody td') && getComputedStyle(t.querySelector('tbody td')).display === 'table-cell').map(t => t.dataset.testid || t.className).join(', ')`)
	if flat != "" {
		t.Errorf("%s at 390 px: tables that do not stack into cards: %s", path, flat)
	}
	// Every data cell of a stacked table says which column it is.
	unlabelled := b.Eval(t, `Array.from(document.querySelectorAll('main table:not(:has(tbody th[scope=row])) tbody td')).filter(td => !td.dataset.label && !td.hasAttribute('colspan') && td.textContent.trim() !== '' && !td.querySelector('.visually-hidden')).map(td => td.textContent.trim()).slice(0,3).join(' | ')`)
	if unlabelled != "" {
		t.Errorf("%s at 390 px: cells without a column label: %s", path, unlabelled)
	}
	// A stacked cell with nothing in it is not shown, so no label stands alone.
	bare := b.Eval(t, `Array.from(document.querySelectorAll('main table tbody td[data-label]')).filter(td => td.textContent.trim() === '' && !td.querySelector('img, svg, input, button') && getComputedStyle(td).display !== 'none').map(td => td.dataset.label).slice(0,3).join(', ')`)
	if bare != "" {
		t.Errorf("%s at 390 px: labels shown over empty cells: %s", path, bare)
	}
}

// checkAuditLayout fails t when, at 1280 px, a word of the audit trail's
// short columns (when, who, action, record) is broken across lines or the
// "Prepare" buttons are not side by side, or when at 390 px they touch.
func (b *Browser) checkAuditLayout(t *testing.T, app *App) {
	t.Helper()
	b.Do(t, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(app.URL+"/audit"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-table"]`)))
	// Each word (an email is two: before and from its "@") is one box.
	broken := b.Eval(t, `(() => {
		const out = [];
		for (const td of document.querySelectorAll('[data-testid="audit-row"] td:is([data-label="When"], [data-label="Who"], [data-label="Action"], [data-label="Record"])')) {
			const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
			for (let n = walk.nextNode(); n; n = walk.nextNode()) {
				for (const m of n.data.matchAll(/\S+/g)) {
					const r = document.createRange();
					r.setStart(n, m.index);
					r.setEnd(n, m.index + m[0].length);
					if (r.getClientRects().length > 1) out.push(m[0]);
				}
			}
		}
		return out.slice(0, 3).join(' | ');
	})()`)
	if broken != "" {
		t.Errorf("/audit at 1280 px: words broken across lines: %s", broken)
	}
	buttons := `Array.from(document.querySelectorAll('[data-testid="audit-prepare"] button')).map(e => e.getBoundingClientRect())`
	if rows := b.Eval(t, `String(new Set(`+buttons+`.map(r => Math.round(r.top))).size)`); rows != "1" {
		t.Errorf("/audit at 1280 px: the Prepare buttons take %s rows", rows)
	}
	b.Do(t, chromedp.EmulateViewport(390, 800))
	defer b.Do(t, chromedp.EmulateViewport(1280, 800))
	// The gap between the buttons, and from the last to the table.
	gap := b.evalFloat(t, `(() => {
		const r = `+buttons+`, table = document.querySelector('[data-testid="audit-table"]').getBoundingClientRect();
		let gap = table.top - r[r.length - 1].bottom;
		for (let i = 1; i < r.length; i++) {
			gap = Math.min(gap, Math.max(r[i].top - r[i-1].bottom, r[i].left - r[i-1].right));
		}
		return gap;
	})()`)
	if gap < 8 {
		t.Errorf("/audit at 390 px: the Prepare buttons are %.0f px from each other or the table, want 8 or more", gap)
	}
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
	app := StartApp(t, nil)
	if _, err := demo.Load(context.Background(), app.DB, false); err != nil {
		t.Fatal(err)
	}
	for email, paths := range listPages {
		as := demoBrowser(t, app, email) // a browser's time budget each
		for _, path := range paths {
			as.checkListFitsAndStacks(t, app, path)
			if path == "/audit" {
				as.checkAuditLayout(t, app)
			}
		}
	}
	b := demoBrowser(t, app, "counsel@dealgate.example")

	b.Do(t, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(app.URL+"/agreements"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="agreements-table"]`)))
	// Dates are compact, their distance in words: never "in 2223 days".
	if got := b.Eval(t, `document.querySelector('[data-testid="agreements-table"]').innerText`); longDays.MatchString(got) || strings.Contains(got, "December") {
		t.Errorf("agreement list dates are not compact or not in words: %.300s", got)
	}
	b.axe(t, "agreement list at 1280 px")
	b.screen(t, "agreements", 1280)
	b.Do(t, chromedp.EmulateViewport(390, 800))
	b.axe(t, "agreement list at 390 px")
	b.Do(t, chromedp.EmulateViewport(1280, 800))
	b.screen(t, "agreements", 390)

	// The clause form of the first agreement.
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="agreement-row"] a`)), chromedp.WaitVisible(chromedp.CSS("h1")))
	href := b.Eval(t, `location.pathname`)
	b.Do(t, chromedp.Navigate(app.URL+href+"/clauses/new"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="form"]`)))
	h := b.evalFloat(t, `document.documentElement.scrollHeight`)
	t.Logf("clause form height at 1280×800: %.0f px (%.1f screens)", h, h/800)
	if h > twoScreens {
		t.Errorf("the empty clause form is %.0f px tall at 1280×800, more than two screens", h)
	}
	if page, _ := b.overflow(t); page > 0 {
		t.Errorf("clause form at 1280 px overflows by %d px", page)
	}
	b.axe(t, "clause form")
	b.screen(t, "clause-form", 1280)
	b.screen(t, "clause-form", 390)
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("browser problems: %v", p)
	}
}

// twoScreens is the clause form's goal: the common exclusivity clause fits
// in two screens at 1280×800.
const twoScreens = 1600

// longDays matches a distance in days that words should have said in months or years.
var longDays = regexp.MustCompile(`\b\d{3,} days\b`)

// visible says whether the element with id is rendered.
func (b *Browser) visible(t *testing.T, id string) bool {
	t.Helper()
	return b.Eval(t, fmt.Sprintf(`(function(){var e=document.getElementById(%q); return e && e.offsetParent !== null ? "yes" : "no"})()`, id)) == "yes"
}

// TestClauseFormRevealsFieldsByChoice checks the clause form's conditional
// reveal: with JavaScript the fields of a scope show only once it is
// chosen, and an exclusivity clause is saved; without JavaScript every
// field is in the page and the form still saves.
func TestClauseFormRevealsFieldsByChoice(t *testing.T) {
	t.Parallel()
	app, b := demoApp(t)
	b.Do(t, chromedp.Navigate(app.URL+"/agreements"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="agreement-row"] a`)),
		chromedp.Click(chromedp.CSS(`[data-testid="agreement-row"] a`)), chromedp.WaitVisible(chromedp.CSS("h1")))
	agreement := b.Eval(t, `location.pathname`)
	b.Do(t, chromedp.Navigate(app.URL+agreement+"/clauses/new"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="form"]`)))
	if n := b.Count(t, `input[name="restriction_scope"]:checked, input[name="worldwide"]:checked`); n != 0 {
		t.Errorf("%d answers pre-selected", n)
	}
	if v := b.Eval(t, `document.getElementById('kind').value`); v != "" {
		t.Errorf("kind pre-selected: %q", v)
	}
	for _, id := range []string{"restricted_parties", "restricted_kind", "exception_parties", "regions"} {
		if b.visible(t, id) {
			t.Errorf("%s shown before any choice", id)
		}
	}
	// Any party of a kind: its kind and the exceptions show, named parties do not.
	b.Do(t, chromedp.Click(chromedp.CSS(`input[name="restriction_scope"][value="kind"]`)))
	if !b.visible(t, "restricted_kind") || !b.visible(t, "exception_parties") || b.visible(t, "restricted_parties") {
		t.Error("choosing 'any party of a kind' did not reveal its fields only")
	}
	b.axe(t, "clause form, kind of party revealed")
	b.Do(t, chromedp.Click(chromedp.CSS(`input[name="restriction_scope"][value="named"]`)))
	if b.visible(t, "restricted_kind") || b.visible(t, "exception_parties") || !b.visible(t, "restricted_parties") {
		t.Error("choosing 'named parties' did not swap the revealed fields")
	}
	b.axe(t, "clause form, named parties revealed")
	b.Do(t, chromedp.Click(chromedp.CSS(`input[name="restriction_scope"][value="any"]`)))
	b.axe(t, "clause form, any party revealed")
	b.Do(t, chromedp.Click(chromedp.CSS(`input[name="worldwide"][value="false"]`)))
	if !b.visible(t, "regions") {
		t.Error("'only in some regions' did not reveal the regions")
	}
	b.axe(t, "clause form, regions revealed")
	// Fill in the common exclusivity clause and save it.
	b.Do(t,
		chromedp.SetValue(chromedp.ID("kind"), "exclusivity"),
		chromedp.Click(chromedp.CSS(`#category_ids`)),
		chromedp.Click(chromedp.CSS(`input[name="restriction_scope"][value="kind"]`)),
		chromedp.SetValue(chromedp.ID("restricted_kind"), "cloud_provider"),
		chromedp.Click(chromedp.CSS(`input[name="worldwide"][value="true"]`)),
		chromedp.SendKeys(chromedp.ID("text"), "No other cloud provider may list these products."),
	)
	if b.visible(t, "regions") {
		t.Error("regions still shown with worldwide chosen")
	}
	h := b.evalFloat(t, `document.documentElement.scrollHeight`)
	t.Logf("clause form filled in for an exclusivity clause, at 1280×800: %.0f px", h)
	if h > twoScreens {
		t.Errorf("the common exclusivity clause's form is %.0f px tall at 1280×800, more than two screens", h)
	}
	// The category filter opens the group that holds a match.
	b.Do(t, chromedp.SendKeys(chromedp.ID("category_ids-filter"), "compute"))
	if got := b.Eval(t, `Array.from(document.querySelectorAll('#category_ids-tree > ul > [data-tree-item]:not([hidden]) > .checkboxes__item label')).map(l => l.textContent.trim()).join('|')`); got != "AI services|Compute" { // the ticked category stays
		t.Errorf("filtering the categories for 'compute' left %q", got)
	}
	b.Eval(t, `(function(){var f=document.getElementById('category_ids-filter'); f.value=''; f.dispatchEvent(new Event('input')); return ''})()`)

	b.submit(t)
	b.waitFor(t, `[data-testid="notification-banner"], [data-testid="error-summary"]`)
	if n := b.Count(t, `[data-testid="error-summary"]`); n != 0 {
		t.Fatalf("clause not saved: %s", b.Eval(t, `document.querySelector('[data-testid="error-summary"]').innerText`))
	}
	// The agreement page links its party, and each clause its beneficiary and categories.
	if b.Count(t, `[data-testid="summary-list"] a[href^="/parties/"]`) == 0 || b.Count(t, `[data-testid="clause-links"] a[href^="/taxonomy/categories/"]`) == 0 ||
		b.Count(t, `[data-testid="clause-links"] a[href^="/parties/"]`) == 0 {
		t.Error("agreement page: party, beneficiary or categories are not links")
	}

	// Without JavaScript: every field is in the page and shown.
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.Do(t, chromedp.Navigate(app.URL+agreement+"/clauses/new"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="form"]`)))
	for _, id := range []string{"restricted_parties", "restricted_kind", "exception_parties", "regions"} {
		if !b.visible(t, id) {
			t.Errorf("without JavaScript %s is hidden", id)
		}
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("browser problems: %v", p)
	}
}

// TestAgreementFiltersShowAsRemovableTags checks that every filter in
// force shows as a tag that removes it, that "include the corporate
// family" widens a party filter, and that "clear all" drops them all.
func TestAgreementFiltersShowAsRemovableTags(t *testing.T) {
	t.Parallel()
	app, b := demoApp(t)
	b.Do(t, chromedp.Navigate(app.URL+"/agreements"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="agreement-row"]`)))
	party := b.Eval(t, `Array.from(document.querySelectorAll('[data-testid="agreement-row"] td[data-label="Party"] a')).find(a => a.textContent.trim() === 'Azurine Cloud').getAttribute('href').split('/').pop()`)
	b.Do(t, chromedp.Navigate(app.URL+"/agreements?party="+party+"&status=active"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="active-filters"]`)))
	tags := b.Eval(t, `Array.from(document.querySelectorAll('[data-testid="filter-tag"]')).map(a => a.innerText.replace('×','').replace('Remove filter','').trim()).join('|')`)
	if tags != "Party: Azurine Cloud|Status: Active" {
		t.Errorf("tags %q", tags)
	}
	rows := b.Count(t, `[data-testid="agreement-row"]`)
	// The family adds the parent's agreements (Azurine Corporation's memorandum).
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="include-family"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="active-filters"]`)))
	if got := b.Count(t, `[data-testid="agreement-row"]`); got <= rows {
		t.Errorf("with the corporate family %d rows, without %d", got, rows)
	}
	if !strings.Contains(b.Eval(t, `document.querySelector('[data-testid="active-filters"]').innerText`), "corporate family") {
		t.Error("no tag for the corporate family")
	}
	// Removing the status tag keeps the party.
	b.Do(t, chromedp.Navigate(app.URL+"/agreements?party="+party+"&status=active"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="filter-tag"]`)))
	href := b.Eval(t, `Array.from(document.querySelectorAll('[data-testid="filter-tag"]')).find(a => a.innerText.indexOf('Status') !== -1).getAttribute('href')`)
	b.Do(t, chromedp.Navigate(app.URL+href), chromedp.WaitVisible(chromedp.CSS(`[data-testid="active-filters"]`)))
	if got := b.Eval(t, `location.search`); got != "?party="+party {
		t.Errorf("after removing the status tag: %q", got)
	}
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="clear-filters"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="agreements-table"]`)))
	if n := b.Count(t, `[data-testid="filter-tag"]`); n != 0 || b.Eval(t, `location.search`) != "" {
		t.Errorf("after clear all: %d tags, query %q", n, b.Eval(t, `location.search`))
	}
}

// TestPartyTypeAheadAndAddPartyAndComeBack checks the agreement form's
// party field: it offers parties by name or alias as you type, and a party
// not yet in the register is added through "add this party", which comes
// back to the form with everything typed kept.
func TestPartyTypeAheadAndAddPartyAndComeBack(t *testing.T) {
	t.Parallel()
	app, b := demoApp(t)
	b.Do(t, chromedp.Navigate(app.URL+"/agreements/new"), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("party"), "Azur"))
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.querySelectorAll('#party-options option').length > 0`)); err != nil {
		t.Fatalf("no suggestions: %v", err)
	}
	opts := b.Eval(t, `Array.from(document.querySelectorAll('#party-options option')).map(o => o.value).join('|')`)
	if !strings.Contains(opts, "Azurine Cloud") {
		t.Errorf("suggestions for 'Azur': %q", opts)
	}
	b.htmxSettled(t)

	b.Do(t,
		chromedp.SetValue(chromedp.ID("party"), "Zephyr Compute"),
		chromedp.SendKeys(chromedp.ID("title"), "Zephyr burst capacity"),
		chromedp.SetValue(chromedp.ID("kind"), "cloud_services"),
		chromedp.SendKeys(chromedp.ID("summary"), "Burst GPU capacity."),
	)
	b.submit(t)
	b.waitFor(t, `[data-testid="add-party"]`)
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="add-party"]`)), chromedp.WaitVisible(chromedp.ID("name")))
	if name := b.Eval(t, `document.getElementById('name').value`); name != "Zephyr Compute" {
		t.Errorf("party form name %q", name)
	}
	b.Do(t, chromedp.Click(chromedp.CSS(`input[name="kind"][value="cloud_provider"]`)))
	b.submit(t)
	b.waitFor(t, `#title`)
	if got := b.Eval(t, `[document.getElementById('title').value, document.getElementById('party').value, document.getElementById('kind').value, document.getElementById('summary').value].join('|')`); got != "Zephyr burst capacity|Zephyr Compute|cloud_services|Burst GPU capacity." {
		t.Fatalf("back on the agreement form: %q", got)
	}
	b.submit(t)
	b.waitFor(t, `[data-testid="agreement-title"]`)
	for _, p := range b.Problems() {
		if !strings.Contains(p, "status of 422") { // the form refused the unknown party, as it should
			t.Errorf("browser problem: %s", p)
		}
	}

	// Without JavaScript there is no type-ahead: the field links to the
	// party register's search, which finds a party by part of an alias.
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.Do(t, chromedp.Navigate(app.URL+"/agreements/new"), chromedp.WaitVisible(chromedp.ID("party")))
	href := b.Eval(t, `(document.querySelector('[data-testid="party-search"]') || {getAttribute: () => ''}).getAttribute('href')`)
	if href != "/parties" {
		t.Fatalf("without JavaScript the party field offers no search (link %q)", href)
	}
	b.Do(t, chromedp.Navigate(app.URL+href), chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "Azur"),
		chromedp.Submit(chromedp.ID("q")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="party-row"]`)))
	if got := b.Eval(t, `Array.from(document.querySelectorAll('[data-testid="party-link"]')).map(a => a.textContent).join('|')`); !strings.Contains(got, "Azurine Cloud") {
		t.Errorf("searching the party register for 'Azur' without JavaScript found %q", got)
	}
}

// TestImportChecksThenImportsWithOneUpload uploads a CSV once: the check
// reports it clean and "Import these N rows" imports the held file.
func TestImportChecksThenImportsWithOneUpload(t *testing.T) {
	t.Parallel()
	app, b := demoApp(t)
	file := filepath.Join(t.TempDir(), "lumen.csv")
	if err := os.WriteFile(file, []byte("agreement_ref,title,party,party_kind\n,,Tessellate Systems,reseller\n,,Orrery Retail,reseller\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Do(t, chromedp.Navigate(app.URL+"/register/import"), chromedp.WaitVisible(chromedp.ID("file")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}),
		chromedp.Click(chromedp.CSS(`[data-testid="import-form"] button[type="submit"]`)))
	b.waitFor(t, `[data-testid="import-report"], [data-testid="error-summary"]`)
	if b.Count(t, `[data-testid="import-checked-form"]`) == 0 {
		t.Fatalf("no import offered: %.900s", b.Eval(t, `document.querySelector("[data-testid=error-summary]").innerText`))
	}
	if label := b.Eval(t, `document.querySelector('[data-testid="import-checked-form"] button').textContent`); label != "Import these 2 rows" {
		t.Errorf("button %q", label)
	}
	// The check page has a notification banner too: wait for the next page's.
	b.clickThrough(t, `[data-testid="import-checked-form"] button`, `[data-testid="notification-banner"]`)
	if msg := b.Eval(t, `document.querySelector('[data-testid="notification-banner"]').innerText`); !strings.Contains(msg, "Imported 2 parties") {
		t.Errorf("after import: %q", msg)
	}
	b.Do(t, chromedp.Navigate(app.URL+"/parties?q=Tessellate"), chromedp.WaitVisible(chromedp.CSS("main")))
	if !strings.Contains(b.Eval(t, `document.querySelector('main').innerText`), "Tessellate Systems") {
		t.Error("Tessellate Systems not in the register after the import")
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("browser problems: %v", p)
	}
}

// TestRegisterPagesPassAxeInDarkMode runs axe-core (contrast included) on
// the register's changed pages with the dark colour scheme.
func TestRegisterPagesPassAxeInDarkMode(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	if _, err := demo.Load(context.Background(), app.DB, false); err != nil {
		t.Fatal(err)
	}
	// Each browser has a time budget; axe-core is slow under -race on a
	// busy machine, so the pages are shared out between two.
	var b *Browser
	for i, path := range []string{"/agreements?status=active", "/agreements/1", "/parties", "/register/expiring", "/register/import", "/deals/1"} {
		if i%3 == 0 {
			b = darkBrowser(t, app)
		}
		b.Do(t, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(app.URL+path), chromedp.WaitVisible(chromedp.CSS("main")))
		if dark := b.Eval(t, `String(matchMedia('(prefers-color-scheme: dark)').matches)`); dark != "true" {
			t.Fatalf("dark colour scheme not emulated on %s", path)
		}
		b.axe(t, path+" (dark, 1280 px)")
	}
	b = darkBrowser(t, app)
	b.Do(t, chromedp.EmulateViewport(390, 800), chromedp.Navigate(app.URL+"/agreements"), chromedp.WaitVisible(chromedp.CSS("main")))
	b.axe(t, "agreement list (dark, 390 px)")
	// The clause form with each choice's fields revealed.
	b.Do(t, chromedp.EmulateViewport(1280, 800), chromedp.Navigate(app.URL+"/agreements/1/clauses/new"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="form"]`)),
		chromedp.Click(chromedp.CSS(`input[name="restriction_scope"][value="kind"]`)),
		chromedp.Click(chromedp.CSS(`input[name="worldwide"][value="false"]`)))
	b.axe(t, "clause form, fields revealed (dark)")
}

// darkBrowser is counsel's browser with the dark colour scheme.
func darkBrowser(t *testing.T, app *App) *Browser {
	t.Helper()
	b := demoBrowser(t, app, "counsel@dealgate.example")
	if _, err := chromedp.Call(b.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
		t.Fatal(err)
	}
	return b
}
