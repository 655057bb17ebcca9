package browsertest

import "context"
import "os"
import "path/filepath"
import "strconv"
import "strings"
import "testing"
import "time"

import "github.com/chromedp/cdproto/emulation"
import "github.com/chromedp/chromedp"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// dealRegister adds the party and taxonomy a deal picks from.
func dealRegister(t *testing.T, app *App) {
	t.Helper()
	publishTaxonomy(t, app)
	ctx := context.Background()
	admin := userByEmail(t, app, "admin@example.com")
	reg := postgres.NewRegister(app.DB)
	// More categories, for the picker's filter to leave out.
	for i := range 8 {
		if _, err := reg.CreateCategory(ctx, admin, dealgate.CategoryInput{Name: "Extra category " + strconv.Itoa(i), Definition: "Padding."}); err != nil {
			t.Fatal(err)
		}
	}
	draft, err := reg.StartTaxonomyDraft(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.PublishTaxonomy(ctx, admin, draft.Version, "More categories"); err != nil {
		t.Fatal(err)
	}
	for _, in := range []dealgate.PartyInput{
		{Name: "Nimbus Web Services", Kind: dealgate.PartyCloudProvider, Aliases: []string{"NWS"}},
		{Name: "Azurine Cloud", Kind: dealgate.PartyCloudProvider},
	} {
		if _, err := reg.CreateParty(ctx, admin, in); err != nil {
			t.Fatal(err)
		}
	}
}

func userByEmail(t *testing.T, app *App, email string) *dealgate.User {
	t.Helper()
	var id int64
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT id FROM users WHERE email = $1`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	u, err := postgres.NewUsers(app.DB).ByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// shot saves a full-page PNG screenshot at width when DEALGATE_SCREENSHOTS names
// a directory (for looking at the screens; the test never compares them).
func (b *Browser) shot(t *testing.T, name string, width int64) {
	t.Helper()
	dir := os.Getenv("DEALGATE_SCREENSHOTS")
	if dir == "" {
		return
	}
	b.Do(t, chromedp.EmulateViewport(width, 900))
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+"-"+map[int64]string{1280: "1280", 390: "390"}[width]+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	b.Do(t, chromedp.EmulateViewport(1280, 900))
}

func (b *Browser) shots(t *testing.T, name string) {
	t.Helper()
	b.shot(t, name, 1280)
	b.shot(t, name, 390)
}

func day(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format(dealgate.DateLayout) }

// TestCounselDraftsSubmitsRevisesAndWithdrawsADeal walks counsel through a
// deal: draft, leave, come back, attach a PDF, submit, make a material
// change that creates version 2, compare the versions, and withdraw another
// deal.
func TestCounselDraftsSubmitsRevisesAndWithdrawsADeal(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	dealRegister(t, app)
	mustUser(t, app, "counsel@example.com", dealgate.RoleCounsel)
	b := NewBrowser(t)
	b.signIn(t, app, "counsel@example.com")
	b.waitFor(t, `[data-testid="user-name"]`)

	// Draft: a title and a counterparty picked by type-ahead over aliases.
	b.Do(t, chromedp.Navigate(app.URL+"/deals/new"), chromedp.WaitVisible(chromedp.ID("title")))
	// Compact at 1280 px: the categories are a tree and the regions sit in
	// columns (one row per category and region made it over 4,000 px).
	if h, _ := strconv.Atoi(b.Eval(t, `String(document.documentElement.scrollHeight)`)); h == 0 || h > 3000 {
		t.Errorf("the deal form is %d px tall at 1280 px", h)
	}
	b.Do(t, chromedp.SendKeys(chromedp.ID("title"), "Frontier agent hosting"),
		chromedp.SendKeys(chromedp.ID("counterparty"), "NWS"),
	)
	b.Do(t, chromedp.WaitReady(chromedp.CSS(`#counterparty-options option`))) // options of a datalist are never "visible"
	if v := b.Eval(t, `document.querySelector('#counterparty-options option').value`); v != "Nimbus Web Services" {
		t.Fatalf("type-ahead offers %q", v)
	}
	b.Do(t, chromedp.SetValue(chromedp.ID("counterparty"), "Nimbus Web Services"))
	b.htmxSettled(t)
	b.shots(t, "deal-form")
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="save-draft"]`)))
	b.waitFor(t, `[data-testid="deal-title"]`)
	dealURL := b.Eval(t, `location.pathname`)

	// Leave, and come back through "My deals".
	b.Do(t, chromedp.Navigate(app.URL+"/agreements"), chromedp.Navigate(app.URL+"/deals"))
	b.waitFor(t, `[data-testid="deal-row"]`)
	b.shots(t, "my-deals")
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="deal-row"] a`)))
	b.waitFor(t, `[data-testid="attachment-form"]`)

	// Attach a PDF.
	pdf := filepath.Join(t.TempDir(), "term-sheet.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n% term sheet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Do(t, chromedp.SetUploadFiles(chromedp.ID("file"), []string{pdf}),
		chromedp.Click(chromedp.CSS(`[data-testid="attachment-form"] button[type="submit"]`)))
	b.waitFor(t, `[data-testid="attachment-row"]`)

	// Complete and submit; the inline check says what is missing first.
	b.Do(t, chromedp.Navigate(app.URL+dealURL+"/edit"), chromedp.WaitVisible(chromedp.ID("description")),
		chromedp.SendKeys(chromedp.ID("description"), "Nimbus hosts Frontier's agents."),
	)
	b.Do(t, chromedp.Click(chromedp.ID("rationale")))
	b.waitFor(t, `[data-testid="deal-problems"]`)
	// The picker is the clause form's tree: its filter narrows it to what
	// matches (this taxonomy is flat).
	b.Do(t, chromedp.SendKeys(chromedp.ID("category_ids-filter"), "agent"))
	if shown := b.Eval(t, `Array.from(document.querySelectorAll('#category_ids-tree input')).filter(i => i.offsetParent !== null).map(i => i.labels[0].textContent.trim()).join('|')`); shown != "Agent hosting" {
		t.Fatalf("the filter leaves %q", shown)
	}
	catID := b.Eval(t, `Array.from(document.querySelectorAll('input[name="category_ids"]')).find(i => i.labels[0].textContent.includes('Agent hosting')).id`)
	b.Do(t,
		chromedp.Click(chromedp.ID(catID)),
		chromedp.SendKeys(chromedp.ID("rationale"), "Multi-cloud redundancy."),
		chromedp.SendKeys(chromedp.ID("value"), "250000000"),
		chromedp.SetValue(chromedp.ID("term_start"), day(90)),
		chromedp.SetValue(chromedp.ID("term_end"), day(900)),
		chromedp.Click(chromedp.ID("worldwide")),
		chromedp.SetValue(chromedp.ID("negotiation_start"), day(21)),
		chromedp.SendKeys(chromedp.ID("sponsor"), "VP, Agent Platforms"),
		chromedp.Click(chromedp.ID("title")),
	)
	b.waitFor(t, `[data-testid="deal-ready"]`)
	b.htmxSettled(t)
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="submit-deal"]`)))
	b.waitFor(t, `[data-testid="screening-state"]`)
	if v := b.Eval(t, `document.querySelector('[data-testid="deal-version"]').textContent`); v != "Version 1 of 1" {
		t.Fatalf("after submission: %q", v)
	}
	b.shots(t, "deal-submitted")

	// A material change: a new territory makes version 2.
	b.Do(t, chromedp.Click(chromedp.CSS(`a[href$="/revise"]`)), chromedp.WaitVisible(chromedp.ID("change_note")),
		chromedp.SendKeys(chromedp.ID("change_note"), "Limited to the EU."),
		chromedp.Click(chromedp.ID("worldwide")),
	)
	euID := b.Eval(t, `Array.from(document.querySelectorAll('input[name="regions"]')).find(i => i.value === 'EU').id`)
	b.Do(t, chromedp.Click(chromedp.ID(euID)))
	b.htmxSettled(t)
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="save-version"]`)))
	b.waitFor(t, `[data-testid="version-row"]`)
	if n := b.Count(t, `[data-testid="version-row"]`); n != 2 {
		t.Fatalf("%d versions", n)
	}
	b.Do(t, chromedp.Click(chromedp.CSS(`a[href$="/versions"]`)))
	b.waitFor(t, `[data-testid="compare-table"]`)
	if changed := b.Eval(t, `Array.from(document.querySelectorAll('[data-changed="true"] th')).map(th => th.textContent).join('|')`); !strings.Contains(changed, "Territory") || !strings.Contains(changed, "material") {
		t.Fatalf("comparison marks %q", changed)
	}
	b.shots(t, "deal-compare")

	// Withdraw another deal.
	other := submittedDeal(t, app, "counsel@example.com", "Inference failover with Azurine")
	b.Do(t, chromedp.Navigate(app.URL+"/deals/"+other+"/withdraw"), chromedp.WaitVisible(chromedp.ID("reason")),
		chromedp.SendKeys(chromedp.ID("reason"), "No longer needed."),
		chromedp.Click(chromedp.CSS(`[data-testid="form"] button[type="submit"]`)))
	b.waitFor(t, `[data-testid="withdrawn-reason"]`)
	b.Do(t, chromedp.Navigate(app.URL+dealURL))
	b.waitFor(t, `[data-testid="deal-title"]`)
	b.shots(t, "deal-page")
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}

// submittedDeal submits a complete deal through the service and returns its ID.
func submittedDeal(t *testing.T, app *App, email, title string) string {
	t.Helper()
	ctx := context.Background()
	u := userByEmail(t, app, email)
	svc := postgres.NewDeals(app.DB, postgres.NewRegister(app.DB))
	var cat string
	if err := app.DB.Pool.QueryRow(ctx, `SELECT id::text FROM category WHERE key = 'agent-hosting'`).Scan(&cat); err != nil {
		t.Fatal(err)
	}
	d, err := svc.CreateDraft(ctx, u, "browser-deal-token-"+strings.ReplaceAll(title, " ", "")[:8], dealgate.DealInput{Title: title})
	if err != nil {
		t.Fatal(err)
	}
	in := dealgate.DealInput{Title: title, Counterparty: "Azurine Cloud", CategoryIDs: []string{cat}, Description: "Failover.",
		Rationale: "Resilience.", Value: "1000", Currency: "USD", TermStart: day(30), TermEnd: day(400), Worldwide: true,
		NegotiationStart: day(10), Sponsor: "Reliability"}
	if d, err = svc.Submit(ctx, u, d.ID, d.Version, in); err != nil {
		t.Fatalf("%v %v", err, dealgate.ErrorFields(err))
	}
	return strconv.FormatInt(d.ID, 10)
}

// TestDealSubmissionWithoutJavaScript submits with scripts disabled: the
// incomplete deal comes back with the error summary and what was typed;
// completed, it is submitted.
func TestDealSubmissionWithoutJavaScript(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	dealRegister(t, app)
	mustUser(t, app, "counsel@example.com", dealgate.RoleCounsel)
	b := NewBrowser(t)
	b.signIn(t, app, "counsel@example.com")
	b.waitFor(t, `[data-testid="user-name"]`)
	if _, err := chromedp.Call(b.Ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.Do(t, chromedp.Navigate(app.URL+"/deals/new"), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), "No-script deal"),
		chromedp.SendKeys(chromedp.ID("counterparty"), "Azurine Cloud"),
		chromedp.Click(chromedp.CSS(`[data-testid="save-draft"]`)))
	b.waitFor(t, `[data-testid="deal-title"]`)
	b.Do(t, chromedp.Click(chromedp.CSS(`a[href$="/edit"]`)), chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.Click(chromedp.CSS(`[data-testid="submit-deal"]`)))
	b.waitFor(t, `[data-testid="error-summary"]`)
	if v := b.Eval(t, `document.getElementById('title').value`); v != "No-script deal" {
		t.Fatalf("title not kept: %q", v)
	}
	if n := b.Count(t, `[data-testid="error-summary"] li`); n < 5 {
		t.Fatalf("%d problems listed", n)
	}
	catID := b.Eval(t, `document.querySelector('input[name="category_ids"]').id`)
	b.Do(t,
		chromedp.Click(chromedp.ID(catID)),
		chromedp.SendKeys(chromedp.ID("description"), "Failover hosting."),
		chromedp.SendKeys(chromedp.ID("rationale"), "Resilience."),
		chromedp.SendKeys(chromedp.ID("value"), "1000"),
		chromedp.SetValue(chromedp.ID("term_start"), day(30)),
		chromedp.SetValue(chromedp.ID("term_end"), day(400)),
		chromedp.Click(chromedp.ID("worldwide")),
		chromedp.SetValue(chromedp.ID("negotiation_start"), day(12)),
		chromedp.SendKeys(chromedp.ID("sponsor"), "Reliability"),
		chromedp.Click(chromedp.CSS(`[data-testid="submit-deal"]`)))
	b.waitFor(t, `[data-testid="screening-state"]`)
	if v := b.Eval(t, `document.querySelector('[data-testid="deal-version"]').textContent`); v != "Version 1 of 1" {
		t.Fatalf("after submission: %q", v)
	}
}
