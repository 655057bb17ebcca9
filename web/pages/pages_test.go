package pages_test

import "bytes"
import "context"
import "regexp"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"
import "github.com/a-h/templ"

import "github.com/dealgate/dealgate/web/layout"
import "github.com/dealgate/dealgate/web/pages"

func render(t *testing.T, c templ.Component) (*goquery.Document, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc, html
}

func TestHome(t *testing.T) {
	doc, _ := render(t, pages.Home(layout.Page{SignInURL: "/sign-in"}, pages.HomeView{
		Checks: []pages.HomeCheck{{Label: "Database", Status: "Connected", Kind: "approved"}},
	}))
	if doc.Find("h1").Length() != 1 {
		t.Errorf("want one h1, got %d", doc.Find("h1").Length())
	}
	if doc.Find(`h1[data-testid="home-heading"]`).Length() != 1 {
		t.Error("home-heading missing")
	}
	if intro := doc.Find(`[data-testid="home-intro"]`).Text(); !strings.Contains(intro, "exclusivity") {
		t.Errorf("intro = %q", intro)
	}
	if doc.Find(`[data-testid="home-checks"] .tag--approved`).Text() != "Connected" {
		t.Error("status check missing")
	}
	if !strings.HasSuffix(doc.Find("title").Text(), " – Dealgate") {
		t.Error("default title missing")
	}
}

func TestErrorPage(t *testing.T) {
	doc, _ := render(t, pages.ErrorPage(layout.Page{}, pages.ErrorView{Status: 404, Title: "Page not found", Message: "Check the address.", RequestID: "req-42"}))
	page := doc.Find(`[data-testid="error-page"]`)
	if page.Find("h1").Text() != "Page not found" {
		t.Errorf("h1 = %q", page.Find("h1").Text())
	}
	if !strings.Contains(page.Find(`[data-testid="error-reference"]`).Text(), "Reference: req-42") {
		t.Error("reference missing")
	}
	if href, _ := page.Find(`a[href="/"]`).Attr("href"); href != "/" {
		t.Error("link home missing")
	}
	if doc.Find("title").Text() != "Page not found – Dealgate" {
		t.Errorf("title = %q", doc.Find("title").Text())
	}
}

func TestErrorFragmentHasNoShell(t *testing.T) {
	_, html := render(t, pages.ErrorFragment(pages.ErrorView{Status: 500, Message: "Internal error", RequestID: "req-7"}))
	if strings.Contains(html, "<html") || strings.Contains(html, "<main") {
		t.Error("fragment must not include the page shell")
	}
	for _, want := range []string{`role="alert"`, `data-testid="error-fragment"`, "Internal error", "req-7"} {
		if !strings.Contains(html, want) {
			t.Errorf("fragment lacks %q", want)
		}
	}
}

var (
	inlineHandler = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	inlineStyle   = regexp.MustCompile(`(?i)\sstyle\s*=|<style`)
)

// TestNoInlineStyleOrScript renders the style guide, which uses every
// component, and checks that nothing would be blocked by a strict CSP.
func TestNoInlineStyleOrScript(t *testing.T) {
	doc, html := render(t, pages.StyleGuide(layout.Page{
		Nav:      []layout.NavItem{{Label: "Deals", Href: "/deals", Current: true}},
		UserName: "Ada", CSRFToken: "t", Env: "development",
		Flashes: []layout.Flash{{Kind: "important", Message: "Hello"}},
	}))
	if inlineStyle.MatchString(html) {
		t.Error("inline style found")
	}
	if inlineHandler.MatchString(html) {
		t.Error("inline event handler found")
	}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("src"); !ok {
			t.Error("inline script found")
		}
	})
	if doc.Find("h1").Length() != 1 {
		t.Errorf("want one h1, got %d", doc.Find("h1").Length())
	}
	// Every form control has a label (or is hidden).
	doc.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		if typ, _ := s.Attr("type"); typ == "hidden" {
			return
		}
		id, _ := s.Attr("id")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("control %q has no label", id)
		}
	})
	// ids are unique.
	seen := map[string]bool{}
	doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if seen[id] {
			t.Errorf("duplicate id %q", id)
		}
		seen[id] = true
	})
	// aria-describedby and aria-labelledby point at elements that exist.
	doc.Find("[aria-describedby], [aria-labelledby]").Each(func(_ int, s *goquery.Selection) {
		for _, a := range []string{"aria-describedby", "aria-labelledby"} {
			v, _ := s.Attr(a)
			for _, id := range strings.Fields(v) {
				if !seen[id] {
					t.Errorf("%s points at missing id %q", a, id)
				}
			}
		}
	})
}
