package server_test

import "context"
import "net/http"
import "net/url"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"

import "github.com/dealgate/dealgate/internal/dealgate"

// TestAccountPageFollowsTheRecord: the account page's content is kept per
// person (Server.accountPages), so a second view renders only the shell;
// yet it carries each session's own CSRF token, and shows a new name and a
// new last sign-in at once (a sign-in does not move the record's version).
func TestAccountPageFollowsTheRecord(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "kept@example.com", dealgate.RoleCounsel)
	// Two sessions of one person, signed in before either views the page,
	// so that both are served the same kept content.
	c1, c2 := app.newClient(), app.newClient()
	app.signInAs(c1, "kept@example.com", testPassword)
	app.signInAs(c2, "kept@example.com", testPassword)
	type view struct{ name, lastSignIn, shell, csrf string }
	look := func(c *http.Client) view {
		t.Helper()
		r := app.getWith(c, "/account")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("account: %d", r.StatusCode)
		}
		doc := r.doc(t)
		v := view{
			name:  doc.Find(`input[name="name"]`).AttrOr("value", ""),
			shell: doc.Find(`form[action="/sign-out"] input[name="_csrf"]`).AttrOr("value", ""),
			csrf:  doc.Find(`form[data-testid="profile-form"] input[name="_csrf"]`).AttrOr("value", ""),
		}
		doc.Find("dt").Each(func(_ int, s *goquery.Selection) {
			if strings.TrimSpace(s.Text()) == "Last sign-in" {
				v.lastSignIn = strings.TrimSpace(s.Next().Text())
			}
		})
		if v.csrf == "" || v.csrf != v.shell || v.lastSignIn == "" {
			t.Fatalf("account page: %+v", v)
		}
		return v
	}
	first := look(c1)
	if again := look(c1); again != first {
		t.Fatalf("a second view differs: %+v, then %+v", first, again)
	}
	// The other session gets its own token in the kept content.
	if second := look(c2); second.csrf == first.csrf {
		t.Fatal("two sessions share a CSRF token")
	}
	// A sign-in records its time without moving the record's version (as
	// RecordSignIn does); the page shows it at once.
	if _, err := app.db.Pool.Exec(context.Background(),
		`UPDATE users SET last_sign_in_at = last_sign_in_at - interval '3 days' WHERE email = 'kept@example.com'`); err != nil {
		t.Fatal(err)
	}
	if got := look(c1).lastSignIn; got == first.lastSignIn {
		t.Fatalf("the account page still shows the earlier sign-in %q", got)
	}
	// A new name shows at once, in the first session too.
	r := app.postForm(c1, "/account", url.Values{"name": {"Kept Renamed"}, "time_zone": {"Europe/London"},
		"version": {app.getWith(c1, "/account").doc(t).Find(`input[name="version"]`).AttrOr("value", "")}}, "/account")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("rename: %d %s", r.StatusCode, r.body)
	}
	if got := look(c1).name; got != "Kept Renamed" {
		t.Fatalf("name after the rename: %q", got)
	}
}
