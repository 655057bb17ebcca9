package server_test

import "context"
import "net/http"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// TestCSRFCookieFlags: the CSRF cookie is HttpOnly (scripts read the token
// from the page, never the cookie) and SameSite=Lax, over HTTP and HTTPS.
func TestCSRFCookieFlags(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"http://localhost:8080", "https://dealgate.example"} {
		app := newTestApp(t, map[string]string{"DEALGATE_BASE_URL": base})
		r := app.getWith(app.newClient(), "/sign-in")
		found := false
		for _, ck := range r.Cookies() {
			if ck.Name != "dealgate_csrf" && ck.Name != "__Host-dealgate_csrf" {
				continue
			}
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Errorf("%s: CSRF cookie httponly=%v samesite=%v path=%q", base, ck.HttpOnly, ck.SameSite, ck.Path)
			}
		}
		if !found {
			t.Errorf("%s: no CSRF cookie on the sign-in page", base)
		}
	}
}

// TestRoleChangeRenewsSessionToken: when an admin changes a signed-in
// user's roles, that user's next request gets a new session token, and the
// old token no longer works.
func TestRoleChangeRenewsSessionToken(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	admin := mustUser(t, app, "boss@example.com", dealgate.RoleAdmin)
	u := mustUser(t, app, "rory@example.com", dealgate.RoleMember)
	c := app.newClient()
	if r := app.signInAs(c, "rory@example.com", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.StatusCode)
	}
	if r := app.getWith(c, "/"); r.StatusCode != http.StatusOK {
		t.Fatalf("home: %d", r.StatusCode)
	}
	before := cookieValue(app, c, "dealgate_session")
	if r := app.getWith(c, "/"); r.StatusCode != http.StatusOK || cookieValue(app, c, "dealgate_session") != before {
		t.Fatal("the token changed without a change of roles")
	}
	_, err := postgres.NewUsers(app.db).Update(context.Background(), admin, dealgate.UserUpdate{
		ID: u.ID, Version: u.Version, NewUser: dealgate.NewUser{Name: u.Name, Email: u.Email, Roles: []dealgate.Role{dealgate.RoleMember, dealgate.RoleCounsel}, TimeZone: u.TimeZone},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := app.getWith(c, "/"); r.StatusCode != http.StatusOK {
		t.Fatalf("home after the role change: %d", r.StatusCode)
	}
	after := cookieValue(app, c, "dealgate_session")
	if after == "" || after == before {
		t.Fatal("a change of roles must give the session a new token")
	}
	var old int
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, before).Scan(&old); err != nil {
		t.Fatal(err)
	}
	if old != 0 {
		t.Error("the token from before the role change is still on the server")
	}
}

// TestSecurityHeadersOnEveryKindOfResponse: pages, errors, redirects and
// static files all carry the CSP directives ASVS 3.4 names, nosniff,
// framing refusal, and no CORS header.
func TestSecurityHeadersOnEveryKindOfResponse(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	for _, path := range []string{"/sign-in", "/no-such-page", "/", "/static/css/app.css", "/readyz"} {
		r := app.getWith(app.newClient(), path, "Origin", "https://evil.example")
		h := r.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s (%d): CSP %q lacks %q", path, r.StatusCode, csp, want)
			}
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: headers %v", path, h)
		}
		for k := range h {
			if strings.HasPrefix(strings.ToLower(k), "access-control-") {
				t.Errorf("%s: CORS header %s sent", path, k)
			}
		}
	}
}
