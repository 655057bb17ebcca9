package server_test

import "strconv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// No page offers a "Weekly digest": no digest is ever sent, and a page must
// not promise a feature that does not exist.
func TestAccountFormsPromiseNoDigest(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "ada@example.com", dealgate.RoleAdmin)
	other := mustUser(t, app, "cal@example.com", dealgate.RoleCounsel)
	admin := app.newClient()
	app.signInAs(admin, "ada@example.com", testPassword)
	for _, path := range []string{"/account", "/admin/users/new", "/admin/users/" + strconv.FormatInt(other.ID, 10) + "/edit"} {
		r := app.getWith(admin, path)
		doc := r.doc(t)
		if doc.Find("form").Length() == 0 {
			t.Fatalf("%s: no form (status %d)", path, r.StatusCode)
		}
		if strings.Contains(strings.ToLower(doc.Find("main").Text()), "digest") || doc.Find(`[name="notify_digest"]`).Length() > 0 {
			t.Errorf("%s still offers a digest", path)
		}
	}
}

// TestWordingIsConsistent: the register's and the deal form's value hints
// give their examples alike ("for example 25,000,000"), and the users list
// calls the second factor what the user page does.
func TestWordingIsConsistent(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	p.registerFixture(t)
	for _, page := range []string{"/agreements/new", "/deals/new"} {
		hint := app.getWith(p.clients["counsel"], page).doc(t).Find(`#value-hint`).Text()
		if !strings.HasPrefix(hint, "In major units, for example ") || !strings.Contains(hint, ",000,000 or 1,250.50") {
			t.Errorf("%s: value hint %q", page, hint)
		}
	}
	list := app.getWith(p.clients["admin"], "/admin/users").body
	if strings.Contains(list, "Second factor") || !strings.Contains(list, "Two-step verification") {
		t.Error("the users list should say Two-step verification, as the user page does")
	}
}
