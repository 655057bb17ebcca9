package server_test

import "net/http"
import "net/url"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"

// TestKeptPageContentCarriesEachRequestsTokens views a deal page whose
// content is kept between requests (Server.renderDerived): every view
// carries its own session's CSRF token and a new one-time token, never the
// kept placeholders, and a second session of the same person gets its own.
func TestKeptPageContentCarriesEachRequestsTokens(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	p.registerFixture(t)
	c1 := p.clients["counsel"]
	r := app.postForm(c1, "/deals", url.Values{"title": {"Kept content"}}, "/deals/new")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save draft: %d %s", r.StatusCode, r.body)
	}
	path := r.Header.Get("Location")
	c2 := p.signIn(t, "counsel@example.com", testPassword)

	type view struct {
		shell string   // the sign-out form's token: rendered afresh for every request
		csrf  []string // the content's
		once  []string
	}
	look := func(c *http.Client) view {
		t.Helper()
		page := app.getWith(c, path)
		if page.StatusCode != http.StatusOK {
			t.Fatalf("deal page: %d", page.StatusCode)
		}
		doc := page.doc(t)
		var v view
		v.shell = doc.Find(`form[action="/sign-out"] input[name="_csrf"]`).AttrOr("value", "")
		doc.Find(`main input[name="_csrf"]`).Each(func(_ int, s *goquery.Selection) { v.csrf = append(v.csrf, s.AttrOr("value", "")) })
		doc.Find(`main input[name="_once"]`).Each(func(_ int, s *goquery.Selection) { v.once = append(v.once, s.AttrOr("value", "")) })
		if v.shell == "" || len(v.csrf) == 0 || len(v.once) == 0 {
			t.Fatalf("deal page without its forms' tokens: %+v\n%s", v, page.body)
		}
		for _, tok := range append(append([]string{}, v.csrf...), v.once...) {
			if strings.HasPrefix(tok, "csrf-") || strings.HasPrefix(tok, "once-") {
				t.Fatalf("a kept placeholder reached the page: %q", tok)
			}
		}
		for _, tok := range v.csrf {
			if tok != v.shell {
				t.Fatalf("content token %q is not the session's %q", tok, v.shell)
			}
		}
		return v
	}
	first, second, other := look(c1), look(c1), look(c2)

	// Held at its stamp, the page costs one round trip: the session
	// statement reads the deal's stamp and the viewer's relation too.
	// (A session's idle timeout is pushed back with one write at most once a
	// minute: a slow run may see one in a measurement, never in two in a row.)
	var n float64
	for range 2 {
		before := app.getTrips(t, "/deals/:id")
		look(c1)
		look(c2)
		if n = app.getTrips(t, "/deals/:id") - before; n != 3 {
			break
		}
	}
	if n != 2 {
		t.Errorf("two views of a held deal page took %v round trips, want 2", n)
	}
	if first.once[0] == second.once[0] {
		t.Fatalf("two views of the page share a one-time token %q", first.once[0])
	}
	if other.shell == first.shell {
		t.Fatal("two sessions share a CSRF token")
	}
	// The second session's token from the kept content passes the CSRF
	// check (a refusal would be 403): share the draft.
	form := url.Values{"_csrf": {other.csrf[0]}, "email": {"member@example.com"}, "access": {"read"}}
	if r := app.postForm(c2, path+"/share", form, ""); r.StatusCode >= 500 || r.StatusCode == http.StatusForbidden {
		t.Fatalf("post with the kept page's token: %d %s", r.StatusCode, r.body)
	}
}
