package browsertest

import "context"
import "os"
import "path/filepath"
import "strings"
import "testing"

import "github.com/chromedp/chromedp"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// publishTaxonomy gives the register a published taxonomy to pick from.
func publishTaxonomy(t *testing.T, app *App) {
	t.Helper()
	ctx := context.Background()
	users, reg := postgres.NewUsers(app.DB), postgres.NewRegister(app.DB)
	admin, err := users.CreateUserWithPassword(ctx, dealgate.NewUser{Name: "Ada Admin", Email: "admin@example.com",
		Roles: []dealgate.Role{dealgate.RoleAdmin}, TimeZone: "Europe/London"}, password)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []dealgate.CategoryInput{
		{Key: "stateless-model-apis", Name: "Stateless model APIs", Definition: "Inference endpoints that keep no state between calls."},
		{Key: "agent-hosting", Name: "Agent hosting", Definition: "Running autonomous agents with memory, tools and long-lived state."},
	} {
		if _, err := reg.CreateCategory(ctx, admin, c); err != nil {
			t.Fatal(err)
		}
	}
	draft, err := reg.StartTaxonomyDraft(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.PublishTaxonomy(ctx, admin, draft.Version, "First version"); err != nil {
		t.Fatal(err)
	}
}

func (b *Browser) submit(t *testing.T) {
	t.Helper()
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="form"] button[type="submit"]`)))
}

// TestCounselRecordsAnAgreementAndFindsItBySearch walks counsel through
// adding a party, an agreement with a document and an exclusivity clause,
// then finding the agreement by a phrase of the clause text. A committee
// member then sees it read-only.
func TestCounselRecordsAnAgreementAndFindsItBySearch(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	publishTaxonomy(t, app)
	mustUser(t, app, "counsel@example.com", dealgate.RoleCounsel)
	mustUser(t, app, "member@example.com", dealgate.RoleMember)

	b := NewBrowser(t)
	b.signIn(t, app, "counsel@example.com")
	b.waitFor(t, `[data-testid="user-name"]`)

	// A party.
	b.Do(t,
		chromedp.Navigate(app.URL+"/parties/new"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Nimbus Web Services"),
		chromedp.Click(chromedp.CSS(`input[name="kind"][value="cloud_provider"]`)),
		chromedp.SendKeys(chromedp.ID("aliases"), "NWS"),
	)
	b.submit(t)
	b.waitFor(t, `.notification-banner`)
	if h := b.Eval(t, `document.querySelector('h1').textContent`); !strings.Contains(h, "Nimbus Web Services") {
		t.Fatalf("after adding the party the page says %q", h)
	}

	// An agreement with that party, found by its alias.
	b.Do(t,
		chromedp.Navigate(app.URL+"/agreements/new"),
		chromedp.WaitVisible(chromedp.ID("title")),
		chromedp.SendKeys(chromedp.ID("title"), "Frontier agent platform hosting"),
		chromedp.SendKeys(chromedp.ID("party"), "NWS"),
		chromedp.SetValue(chromedp.ID("kind"), "cloud_services"),
		chromedp.SetValue(chromedp.ID("status"), "active"),
		chromedp.SendKeys(chromedp.ID("value"), "50,000,000,000"),
		chromedp.SendKeys(chromedp.ID("summary"), "Nimbus becomes the exclusive third-party provider for Frontier."),
	)
	b.htmxSettled(t)
	b.submit(t)
	b.waitFor(t, `[data-testid="agreement-title"]`)
	agreementURL := b.Eval(t, `location.pathname`)

	// A document.
	doc := filepath.Join(t.TempDir(), "frontier-term-sheet.txt")
	if err := os.WriteFile(doc, []byte("Term sheet: Nimbus hosts the Frontier agent platform.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Do(t,
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{doc}),
		chromedp.Click(chromedp.CSS(`[data-testid="upload-form"] button[type="submit"]`)),
	)
	b.waitFor(t, `[data-testid="document-row"]`)
	if name := b.Eval(t, `document.querySelector('[data-testid="document-row"] a').textContent`); name != "frontier-term-sheet.txt" {
		t.Errorf("document listed as %q", name)
	}

	// An exclusivity clause.
	b.Do(t, chromedp.Click(chromedp.CSS(`a[href$="/clauses/new"]`)))
	b.waitFor(t, `#text`)
	catID := b.Eval(t, `Array.from(document.querySelectorAll('input[name="category_ids"]')).find(i => i.labels[0].textContent.includes('Agent hosting')).id`)
	b.Do(t,
		chromedp.SetValue(chromedp.ID("kind"), "exclusivity"),
		chromedp.Click(chromedp.ID(catID)),
		chromedp.Click(chromedp.CSS(`input[name="restriction_scope"][value="kind"]`)),
		chromedp.SetValue(chromedp.ID("restricted_kind"), "cloud_provider"),
		chromedp.Click(chromedp.CSS(`input[name="worldwide"][value="true"]`)),
		chromedp.SendKeys(chromedp.ID("section"), "2.1"),
		chromedp.SendKeys(chromedp.ID("text"), "Nimbus shall be the exclusive provider of agent hosting for the Frontier platform."),
	)
	b.submit(t)
	b.waitFor(t, `[data-testid="clause-sentence"]`)
	if s := b.Eval(t, `document.querySelector('[data-testid="clause-sentence"]').textContent`); !strings.Contains(s, "Agent hosting") {
		t.Errorf("clause reads %q", s)
	}

	// Found again by a phrase of the clause text.
	b.Do(t,
		chromedp.Navigate(app.URL+"/agreements"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), `"exclusive provider of agent hosting"`),
		chromedp.Click(chromedp.CSS(`[data-testid="agreement-filters"] button[type="submit"]`)),
	)
	// The unfiltered list already shows the agreement, so wait for what only a
	// search result has: the snippet with its highlighted hit.
	b.waitFor(t, `[data-testid="agreement-snippet"] mark`)
	if n := b.Count(t, `[data-testid="agreement-row"]`); n != 1 {
		t.Fatalf("search found %d agreements", n)
	}
	if hit := b.Eval(t, `document.querySelector('[data-testid="agreement-snippet"] mark').textContent`); hit == "" {
		t.Error("the snippet marks no hit")
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("browser reported problems:\n%s", strings.Join(p, "\n"))
	}

	// A member reads it, and can change nothing.
	m := NewBrowser(t)
	m.signIn(t, app, "member@example.com")
	m.waitFor(t, `[data-testid="user-name"]`)
	m.Do(t, chromedp.Navigate(app.URL+agreementURL))
	m.waitFor(t, `[data-testid="clause-sentence"]`)
	for _, sel := range []string{`a[href$="/edit"]`, `[data-testid="upload-form"]`, `a[href$="/clauses/new"]`, `a[href$="/retire"]`} {
		if n := m.Count(t, sel); n != 0 {
			t.Errorf("member sees %s", sel)
		}
	}
	if n := m.Count(t, `[data-testid="document-row"] a`); n != 1 {
		t.Errorf("member sees %d documents", n)
	}
}
