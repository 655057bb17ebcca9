package layout_test

import "bytes"
import "context"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"
import "github.com/a-h/templ"

import "github.com/dealgate/dealgate/web"
import "github.com/dealgate/dealgate/web/layout"

func renderPage(t *testing.T, p layout.Page, body string) *goquery.Document {
	t.Helper()
	ctx := templ.WithChildren(context.Background(), templ.Raw(body))
	var buf bytes.Buffer
	if err := layout.Base(p).Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestBaseDocument(t *testing.T) {
	doc := renderPage(t, layout.Page{
		Title:     "Deals",
		Nav:       []layout.NavItem{{Label: "Deals", Href: "/deals", Current: true}, {Label: "Agreements", Href: "/agreements"}},
		UserName:  "Ada <Lovelace>",
		CSRFToken: "csrf-token",
		Env:       "staging",
		Flashes:   []layout.Flash{{Kind: "success", Message: "Deal submitted"}},
	}, `<h1 data-testid="content">Deals</h1>`)

	if lang, _ := doc.Find("html").Attr("lang"); lang != "en-GB" {
		t.Errorf("lang = %q", lang)
	}
	if got := doc.Find("title").Text(); got != "Deals – Dealgate" {
		t.Errorf("title = %q", got)
	}
	if href, _ := doc.Find(`link[rel=stylesheet]`).Attr("href"); href != web.Asset("css/app.css") || !strings.Contains(href, "?v=") {
		t.Errorf("stylesheet href = %q", href)
	}
	scripts := doc.Find("script")
	if scripts.Length() != 2 {
		t.Fatalf("got %d scripts, want htmx and app.js", scripts.Length())
	}
	scripts.Each(func(_ int, s *goquery.Selection) {
		src, _ := s.Attr("src")
		if _, deferred := s.Attr("defer"); src == "" || !deferred || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("script must be external and deferred: src=%q", src)
		}
	})
	if src, _ := scripts.First().Attr("src"); src != web.Asset(web.HTMXScript) {
		t.Errorf("htmx src = %q", src)
	}
	cfg, _ := doc.Find(`meta[name="htmx-config"]`).Attr("content")
	if !strings.Contains(cfg, `"includeIndicatorStyles":false`) || !strings.Contains(cfg, `"allowEval":false`) {
		t.Errorf("htmx-config = %q", cfg)
	}

	skip := doc.Find("body > a.skip-link")
	if href, _ := skip.Attr("href"); href != "#main-content" || skip.Text() != "Skip to main content" {
		t.Errorf("skip link wrong: %q %q", href, skip.Text())
	}
	main := doc.Find("main#main-content")
	if tab, _ := main.Attr("tabindex"); tab != "-1" {
		t.Error("main must be focusable by the skip link")
	}
	if main.Find(`[data-testid="content"]`).Length() != 1 {
		t.Error("children not rendered inside main")
	}
	if banner := main.Children().First(); !banner.HasClass("notification-banner--success") || !strings.Contains(banner.Text(), "Deal submitted") {
		t.Error("flash must be the first thing in main")
	}

	nav := doc.Find(`header nav[aria-label="Main"]`)
	cur := nav.Find(`a[aria-current="page"]`)
	if cur.Length() != 1 || cur.Text() != "Deals" {
		t.Errorf("current nav item wrong: %d", cur.Length())
	}
	if got := doc.Find(`[data-testid="user-name"]`).Text(); !strings.Contains(got, "Ada <Lovelace>") {
		t.Errorf("user name = %q", got)
	}
	form := doc.Find(`form[data-testid="sign-out-form"]`)
	if m, _ := form.Attr("method"); m != "post" {
		t.Error("sign out must POST")
	}
	if a, _ := form.Attr("action"); a != layout.DefaultSignOutURL {
		t.Errorf("sign out action = %q", a)
	}
	if v, _ := form.Find(`input[name="_csrf"]`).Attr("value"); v != "csrf-token" {
		t.Error("sign out form lacks the CSRF token")
	}
	if doc.Find(`[data-testid="sign-in-link"]`).Length() != 0 {
		t.Error("sign in link shown to a signed-in user")
	}
	if !strings.Contains(doc.Find(`[data-testid="env-badge"]`).Text(), "staging") {
		t.Error("environment badge missing")
	}
	if doc.Find("footer").Length() != 1 || doc.Find("header").Length() != 1 {
		t.Error("header/footer missing")
	}
}

func TestBaseAnonymousProduction(t *testing.T) {
	doc := renderPage(t, layout.Page{Title: "Home", SignInURL: "/sign-in", Env: "production"}, "")
	if href, _ := doc.Find(`[data-testid="sign-in-link"]`).Attr("href"); href != "/sign-in" {
		t.Errorf("sign in href = %q", href)
	}
	if doc.Find(`form[data-testid="sign-out-form"]`).Length() != 0 {
		t.Error("sign out form shown to an anonymous visitor")
	}
	if doc.Find(`[data-testid="env-badge"]`).Length() != 0 {
		t.Error("environment badge shown in production")
	}
	if doc.Find("nav").Length() != 0 {
		t.Error("empty nav rendered")
	}
}
