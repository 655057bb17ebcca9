package server_test

import "context"
import "io"
import "log/slog"
import "net/http"
import "net/http/httptest"
import "net/url"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/config"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/server"

// secondInstance starts another server on a's database, with its own pool,
// as a second instance behind a load balancer would be. Both listen on
// 127.0.0.1, so a client's cookies go to either.
func secondInstance(t *testing.T, a *testApp) *testApp {
	t.Helper()
	db, err := postgres.Open(context.Background(), a.db.Pool.Config().ConnString(), postgres.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": pgtestURL(a)}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	b := &testApp{t: t, srv: srv, db: db, ts: ts, logs: &syncBuffer{}}
	b.client = b.newClient()
	return b
}

func pgtestURL(a *testApp) string { return a.db.Pool.Config().ConnString() }

// sessionRow is the stored session's row version and expiry: a page view
// that writes nothing leaves both unchanged.
func sessionRow(t *testing.T, a *testApp) (xmin string, expiry time.Time) {
	t.Helper()
	if err := a.db.Pool.QueryRow(context.Background(),
		`SELECT xmin::text, expiry FROM sessions ORDER BY expiry DESC LIMIT 1`).Scan(&xmin, &expiry); err != nil {
		t.Fatal(err)
	}
	return xmin, expiry
}

func TestPageViewsWriteNoSessionAndSlideAtMostOncePerMinute(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, map[string]string{"DEALGATE_SESSION_IDLE_TIMEOUT": "30m"})
	b := secondInstance(t, a)
	mustUser(t, a, "reader@example.com", dealgate.RoleMember)
	c := a.newClient()
	a.signInAs(c, "reader@example.com", testPassword)
	x0, e0 := sessionRow(t, a)
	for _, app := range []*testApp{a, b, a, b} {
		if r := app.getWith(c, "/"); r.StatusCode != http.StatusOK {
			t.Fatalf("page view: %d", r.StatusCode)
		}
	}
	if x, e := sessionRow(t, a); x != x0 || !e.Equal(e0) {
		t.Fatalf("page views wrote the session: xmin %s→%s, expiry %s→%s", x0, x, e0, e)
	}
	// A minute on, the next view slides the idle expiry once; the one
	// after it writes nothing again.
	b.srv.AdvanceClock(61 * time.Second)
	if r := b.getWith(c, "/"); r.StatusCode != http.StatusOK {
		t.Fatalf("page view: %d", r.StatusCode)
	}
	x1, e1 := sessionRow(t, a)
	if x1 == x0 || !e1.After(e0.Add(time.Minute)) {
		t.Fatalf("session not slid after a minute: xmin %s→%s, expiry %s→%s", x0, x1, e0, e1)
	}
	if r := b.getWith(c, "/account"); r.StatusCode != http.StatusOK {
		t.Fatalf("page view: %d", r.StatusCode)
	}
	if x, _ := sessionRow(t, a); x != x1 {
		t.Fatal("second view within the minute wrote the session again")
	}
}

// TestRevocationReachesEveryInstance: a role change, a deactivation, a
// sign-out and a "sign out everywhere" made through one instance are
// enforced by the other on the very next request, although page views no
// longer write the session.
func TestRevocationReachesEveryInstance(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil)
	b := secondInstance(t, a)
	ctx := context.Background()
	users := postgres.NewUsers(a.db)
	admin := mustUser(t, a, "admin@example.com", dealgate.RoleAdmin)
	counsel := mustUser(t, a, "counsel@example.com", dealgate.RoleCounsel)
	leaver := mustUser(t, a, "leaver@example.com", dealgate.RoleMember)
	mustUser(t, a, "quitter@example.com", dealgate.RoleMember)

	status := func(app *testApp, c *http.Client, path string) int {
		t.Helper()
		return app.getWith(c, path).StatusCode
	}

	// Role change through A (a service call, as the admin page makes it):
	// B refuses the counsel's edit page at once.
	cc := a.newClient()
	a.signInAs(cc, "counsel@example.com", testPassword)
	if got := status(b, cc, "/agreements/new"); got != http.StatusOK {
		t.Fatalf("counsel on B before the change: %d", got)
	}
	if _, err := users.Update(ctx, admin, dealgate.UserUpdate{ID: counsel.ID, Version: counsel.Version, NewUser: dealgate.NewUser{Name: counsel.Name,
		Email: counsel.Email, Roles: []dealgate.Role{dealgate.RoleMember}, TimeZone: counsel.TimeZone}}); err != nil {
		t.Fatal(err)
	}
	if got := status(b, cc, "/agreements/new"); got != http.StatusForbidden {
		t.Fatalf("former counsel on B after the role change: %d, want 403", got)
	}
	if got := status(b, cc, "/agreements"); got != http.StatusOK {
		t.Fatalf("member on B after the role change: %d", got)
	}

	// Deactivation through A: B sends the user to sign in.
	lc := a.newClient()
	a.signInAs(lc, "leaver@example.com", testPassword)
	if got := status(b, lc, "/"); got != http.StatusOK {
		t.Fatalf("leaver on B: %d", got)
	}
	ac := a.newClient()
	a.signInAs(ac, "admin@example.com", testPassword)
	if _, err := users.Deactivate(ctx, admin, leaver.ID, leaver.Version); err != nil {
		t.Fatal(err)
	}
	if got := status(b, lc, "/"); got != http.StatusSeeOther {
		t.Fatalf("deactivated user on B: %d, want 303 to sign in", got)
	}

	// Sign-out on A ends the session on B.
	qc := a.newClient()
	a.signInAs(qc, "quitter@example.com", testPassword)
	if got := status(b, qc, "/"); got != http.StatusOK {
		t.Fatalf("quitter on B: %d", got)
	}
	u, _ := url.Parse(a.ts.URL)
	var session *http.Cookie
	for _, ck := range qc.Jar.Cookies(u) {
		if ck.Name == "dealgate_session" {
			session = ck
		}
	}
	if r := a.postForm(qc, "/sign-out", nil, "/"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out on A: %d", r.StatusCode)
	}
	// Replay the old cookie, as a stolen copy would be.
	stolen := b.newClient()
	stolen.Jar.SetCookies(u, []*http.Cookie{session})
	if got := status(b, stolen, "/"); got != http.StatusSeeOther {
		t.Fatalf("signed-out session on B: %d, want 303", got)
	}

	// "Sign out everywhere" on A (an epoch change) ends the other session
	// on B, while the browser that asked keeps its own.
	other := b.newClient()
	b.signInAs(other, "admin@example.com", testPassword)
	if got := status(b, other, "/admin/users"); got != http.StatusOK {
		t.Fatalf("admin's other session on B: %d", got)
	}
	if r := a.postForm(ac, "/account/sign-out-everywhere", nil, "/account"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out everywhere on A: %d", r.StatusCode)
	}
	if got := status(b, other, "/admin/users"); got != http.StatusSeeOther {
		t.Fatalf("admin's other session on B after sign-out-everywhere: %d, want 303", got)
	}
	if got := status(b, ac, "/admin/users"); got != http.StatusOK {
		t.Fatalf("the admin's own session on B after sign-out-everywhere: %d", got)
	}
}
