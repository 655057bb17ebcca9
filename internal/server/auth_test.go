package server_test

import "context"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "testing"
import "time"

import "github.com/PuerkitoBio/goquery"
import "github.com/pquerna/otp/totp"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

func mustUser(t *testing.T, app *testApp, email string, roles ...dealgate.Role) *dealgate.User {
	t.Helper()
	u, err := postgres.NewUsers(app.db).CreateUserWithPassword(context.Background(), dealgate.NewUser{
		Name: "Test " + strings.Split(email, "@")[0], Email: email, Roles: roles, TimeZone: "Europe/London",
	}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (a *testApp) signInAs(c *http.Client, email, password string) response {
	a.t.Helper()
	return a.postForm(c, "/sign-in", url.Values{"email": {email}, "password": {password}}, "/sign-in")
}

func auditCount(t *testing.T, app *testApp, action string) int {
	t.Helper()
	var n int
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_event WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "cora@example.com", dealgate.RoleCounsel)
	c := app.newClient()

	// The page a visitor wanted survives the detour through sign-in.
	r := app.getWith(c, "/account?tab=1")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in?next=%2Faccount%3Ftab%3D1" {
		t.Fatalf("anonymous: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	before := cookieValue(app, c, "dealgate_session")
	r = app.postForm(c, "/sign-in?next=%2Faccount%3Ftab%3D1", url.Values{"email": {"Cora@Example.com"}, "password": {testPassword}}, "/sign-in")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account?tab=1" {
		t.Fatalf("sign in: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if after := cookieValue(app, c, "dealgate_session"); after == "" || after == before {
		t.Fatal("the session token must be renewed at sign-in")
	}
	home := app.getWith(c, "/")
	if home.StatusCode != http.StatusOK || home.doc(t).Find(`[data-testid="user-name"]`).Text() == "" {
		t.Fatalf("home after sign-in: %d", home.StatusCode)
	}
	if auditCount(t, app, "auth.signed_in") != 1 {
		t.Error("sign-in not audited")
	}

	// The session row of this browser is on the server until sign-out.
	token := cookieValue(app, c, "dealgate_session")
	sessionRows := func() int {
		t.Helper()
		var n int
		if err := app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE token = $1`, token).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := sessionRows(); n != 1 {
		t.Fatalf("%d session rows for the signed-in token, want 1", n)
	}
	r = app.postForm(c, "/sign-out", nil, "/account")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in" {
		t.Fatalf("sign out: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := app.getWith(c, "/"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("after sign-out / is %d", r.StatusCode)
	}
	if auditCount(t, app, "auth.signed_out") != 1 {
		t.Error("sign-out not audited")
	}
	if n := sessionRows(); n != 0 {
		t.Errorf("the signed-in session remains on the server after sign-out (%d rows)", n)
	}
}

func cookieValue(app *testApp, c *http.Client, name string) string {
	u, _ := url.Parse(app.ts.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func TestSignInRefusalsLookAlikeAndKeepTheEmail(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "mina@example.com", dealgate.RoleMember)
	c := app.newClient()

	wrong := app.signInAs(c, "mina@example.com", "not the password at all")
	unknown := app.signInAs(c, "nobody@example.com", "not the password at all")
	empty := app.signInAs(c, "", "")
	if wrong.StatusCode != http.StatusUnauthorized || unknown.StatusCode != http.StatusUnauthorized {
		t.Fatalf("statuses %d %d", wrong.StatusCode, unknown.StatusCode)
	}
	msg := func(r response) string {
		return strings.TrimSpace(r.doc(t).Find(`[data-testid="error-summary"] li`).Text())
	}
	if msg(wrong) == "" || msg(wrong) != msg(unknown) {
		t.Errorf("wrong password %q and unknown email %q must get the same answer", msg(wrong), msg(unknown))
	}
	if v, _ := wrong.doc(t).Find("input#email").Attr("value"); v != "mina@example.com" {
		t.Errorf("email not kept: %q", v)
	}
	if empty.StatusCode != http.StatusUnprocessableEntity || empty.doc(t).Find(`#email-error`).Length() != 1 {
		t.Errorf("empty form: %d", empty.StatusCode)
	}
	if auditCount(t, app, "auth.sign_in_failed") != 2 {
		t.Errorf("failed sign-ins audited %d times, want 2", auditCount(t, app, "auth.sign_in_failed"))
	}
}

func TestSignInThrottledWith429AndRetryAfter(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "ted@example.com", dealgate.RoleMember)
	c := app.newClient()
	var last response
	for i := 0; i < dealgate.AccountThrottle.MaxFailures+1; i++ {
		last = app.signInAs(c, "ted@example.com", "wrong password number "+strconv.Itoa(i))
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after %d failures: %d", dealgate.AccountThrottle.MaxFailures+1, last.StatusCode)
	}
	secs, err := strconv.Atoi(last.Header.Get("Retry-After"))
	if err != nil || secs < 60 {
		t.Fatalf("Retry-After %q", last.Header.Get("Retry-After"))
	}
	// Even the right password waits until the lock ends.
	if r := app.signInAs(c, "ted@example.com", testPassword); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: %d", r.StatusCode)
	}
	if auditCount(t, app, "auth.throttled") == 0 {
		t.Error("throttling not audited")
	}
}

func TestDeactivationEndsSessionsAtOnce(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "admin@example.com", dealgate.RoleAdmin)
	member := mustUser(t, app, "leaver@example.com", dealgate.RoleMember)
	adminC, memberC := app.newClient(), app.newClient()
	app.signInAs(adminC, "admin@example.com", testPassword)
	app.signInAs(memberC, "leaver@example.com", testPassword)
	if r := app.getWith(memberC, "/"); r.StatusCode != http.StatusOK {
		t.Fatalf("member home: %d", r.StatusCode)
	}
	path := "/admin/users/" + strconv.FormatInt(member.ID, 10)
	confirm := app.getWith(adminC, path+"/deactivate")
	version, _ := confirm.doc(t).Find(`input[name="version"]`).Attr("value")
	r := app.postForm(adminC, path+"/deactivate", url.Values{"version": {version}}, path+"/deactivate")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("deactivate: %d %s", r.StatusCode, r.body)
	}
	if r := app.getWith(memberC, "/"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/sign-in") {
		t.Fatalf("deactivated member still in: %d", r.StatusCode)
	}
	if r := app.signInAs(app.newClient(), "leaver@example.com", testPassword); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("deactivated member signed in: %d", r.StatusCode)
	}
	// The same confirmation posted again changes nothing and says why.
	again := app.postForm(adminC, path+"/deactivate", url.Values{"version": {version}}, path+"/deactivate")
	if again.StatusCode != http.StatusSeeOther || auditCount(t, app, "user.deactivated") != 1 {
		t.Fatalf("double submit: %d, %d events", again.StatusCode, auditCount(t, app, "user.deactivated"))
	}
	if again.Header.Get("Location") != path || !strings.Contains(app.getWith(adminC, path).doc(t).Find(`[data-kind="important"]`).Text(), "no longer applies") {
		t.Errorf("the refused repeat should go back to the account and say why: %s", again.Header.Get("Location"))
	}
}

func TestPasswordChangeEndsOtherSessionsOnly(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "pat@example.com", dealgate.RoleCounsel)
	here, there := app.newClient(), app.newClient()
	app.signInAs(here, "pat@example.com", testPassword)
	app.signInAs(there, "pat@example.com", testPassword)
	newPassword := "an entirely new passphrase 2027"
	r := app.postForm(here, "/account/password", url.Values{
		"current_password": {testPassword}, "new_password": {newPassword}, "confirm_password": {newPassword},
	}, "/account/password")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d %s", r.StatusCode, r.body)
	}
	if r := app.getWith(here, "/account"); r.StatusCode != http.StatusOK {
		t.Errorf("this session ended: %d", r.StatusCode)
	}
	if r := app.getWith(there, "/account"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the other session survived: %d", r.StatusCode)
	}
	if r := app.signInAs(app.newClient(), "pat@example.com", newPassword); r.StatusCode != http.StatusSeeOther {
		t.Errorf("new password refused: %d", r.StatusCode)
	}
	weak := app.postForm(here, "/account/password", url.Values{
		"current_password": {newPassword}, "new_password": {"password1234"}, "confirm_password": {"password1234"},
	}, "/account/password")
	if weak.StatusCode != http.StatusUnprocessableEntity || weak.doc(t).Find("#new_password-error").Length() != 1 {
		t.Errorf("weak password: %d", weak.StatusCode)
	}
}

func TestSessionIdleTimeoutAndForgedCookies(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, map[string]string{"DEALGATE_SESSION_IDLE_TIMEOUT": "1s", "DEALGATE_SESSION_LIFETIME": "2h"})
	mustUser(t, app, "idle@example.com", dealgate.RoleMember)
	c := app.newClient()
	app.signInAs(c, "idle@example.com", testPassword)
	u, _ := url.Parse(app.ts.URL)
	if r := app.getWith(c, "/"); r.StatusCode != http.StatusOK {
		t.Fatalf("fresh session: %d", r.StatusCode)
	}
	time.Sleep(1500 * time.Millisecond)
	if r := app.getWith(c, "/"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("idle session still valid: %d", r.StatusCode)
	}

	forged := app.newClient()
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: "dealgate_session", Value: "forged-token-that-was-never-issued"}})
	if r := app.getWith(forged, "/"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("forged session cookie: %d", r.StatusCode)
	}
}

func TestSessionCookieLifetimeAndFlags(t *testing.T) {
	t.Parallel()
	// The cookie lasts until the earlier of the idle deadline and the
	// absolute lifetime; a lifetime shorter than the idle timeout shows it.
	app := newTestApp(t, map[string]string{"DEALGATE_SESSION_LIFETIME": "2m", "DEALGATE_SESSION_IDLE_TIMEOUT": "1h"})
	mustUser(t, app, "flags@example.com", dealgate.RoleMember)
	r := app.signInAs(app.newClient(), "flags@example.com", testPassword)
	var found bool
	for _, ck := range r.Cookies() {
		if ck.Name != "dealgate_session" {
			continue
		}
		found = true
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie flags: httponly=%v samesite=%v", ck.HttpOnly, ck.SameSite)
		}
		if left := time.Until(ck.Expires); left < 90*time.Second || left > 2*time.Minute+time.Second {
			t.Errorf("cookie expires in %s, want the 2m lifetime", left)
		}
	}
	if !found {
		t.Fatal("no session cookie set at sign-in")
	}
}

func TestOpenRedirectRefused(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "nav@example.com", dealgate.RoleMember)
	for _, next := range []string{"https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
		"/\t/evil.example", "/\n/evil.example", " //evil.example", "/.//evil.example", "/sign-out"} {
		c := app.newClient()
		r := app.postForm(c, "/sign-in?next="+url.QueryEscape(next), url.Values{"email": {"nav@example.com"}, "password": {testPassword}}, "/sign-in")
		if r.Header.Get("Location") != "/" {
			t.Errorf("next=%q redirected to %q", next, r.Header.Get("Location"))
		}
	}
}

func TestTwoFactorSetupSignInAndReplay(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "tess@example.com", dealgate.RoleChair)
	c := app.newClient()
	app.signInAs(c, "tess@example.com", testPassword)

	setup := app.getWith(c, "/account/two-factor")
	secret := strings.TrimSpace(setup.doc(t).Find(`[data-testid="totp-secret"]`).Text())
	if setup.StatusCode != http.StatusOK || secret == "" {
		t.Fatalf("setup page: %d secret %q", setup.StatusCode, secret)
	}
	bad := app.postForm(c, "/account/two-factor", url.Values{"code": {"000000"}}, "/account/two-factor")
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("wrong code: %d", bad.StatusCode)
	}
	code, _ := totp.GenerateCode(secret, time.Now())
	done := app.postForm(c, "/account/two-factor", url.Values{"code": {code}}, "/account/two-factor")
	codes := done.doc(t).Find(`[data-testid="recovery-codes"] li`)
	if done.StatusCode != http.StatusOK || codes.Length() != dealgate.RecoveryCodeCount {
		t.Fatalf("confirm: %d with %d recovery codes", done.StatusCode, codes.Length())
	}
	recovery := strings.TrimSpace(codes.First().Text())
	// The session that set it up stays signed in.
	if r := app.getWith(c, "/account"); r.StatusCode != http.StatusOK {
		t.Fatalf("session ended by enabling 2FA: %d", r.StatusCode)
	}

	// A new sign-in now stops after the password.
	d := app.newClient()
	r := app.signInAs(d, "tess@example.com", testPassword)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sign-in/two-factor" {
		t.Fatalf("password step: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := app.getWith(d, "/"); r.StatusCode != http.StatusSeeOther {
		t.Fatal("signed in before the second factor")
	}
	// The code used to confirm setup cannot be replayed.
	if r := app.postForm(d, "/sign-in/two-factor", url.Values{"code": {code}}, "/sign-in/two-factor"); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("replayed code: %d", r.StatusCode)
	}
	// A recovery code works once.
	if r := app.postForm(d, "/sign-in/two-factor", url.Values{"code": {recovery}}, "/sign-in/two-factor"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("recovery code: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := app.getWith(d, "/"); r.StatusCode != http.StatusOK {
		t.Fatalf("after second factor: %d", r.StatusCode)
	}
	e := app.newClient()
	app.signInAs(e, "tess@example.com", testPassword)
	if r := app.postForm(e, "/sign-in/two-factor", url.Values{"code": {recovery}}, "/sign-in/two-factor"); r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("reused recovery code: %d", r.StatusCode)
	}
}

func TestMandatorySecondFactorGatesEverythingElse(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, map[string]string{"DEALGATE_SECOND_FACTOR_ROLES": "admin"})
	mustUser(t, app, "boss@example.com", dealgate.RoleAdmin)
	c := app.newClient()
	r := app.signInAs(c, "boss@example.com", testPassword)
	if r.Header.Get("Location") != "/account/two-factor" {
		t.Fatalf("sign-in sent admin to %q", r.Header.Get("Location"))
	}
	if r := app.getWith(c, "/admin/users"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/account/two-factor" {
		t.Fatalf("admin page before 2FA: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := app.getWith(c, "/account/two-factor"); r.StatusCode != http.StatusOK {
		t.Fatalf("setup page: %d", r.StatusCode)
	}
}

func TestInviteAndSetPasswordByLink(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "ada@example.com", dealgate.RoleAdmin)
	admin := app.newClient()
	app.signInAs(admin, "ada@example.com", testPassword)

	bad := app.postForm(admin, "/admin/users", url.Values{"name": {"New Person"}, "email": {"not-an-email"}, "roles": {"wizard"}}, "/admin/users/new")
	doc := bad.doc(t)
	if bad.StatusCode != http.StatusUnprocessableEntity || doc.Find("#email-error").Length() != 1 {
		t.Fatalf("bad invite: %d", bad.StatusCode)
	}
	if v, _ := doc.Find("#name").Attr("value"); v != "New Person" {
		t.Errorf("name not kept: %q", v)
	}
	r := app.postForm(admin, "/admin/users", url.Values{
		"name": {"New Person"}, "email": {"new@example.com"}, "roles": {"member", "counsel"}, "time_zone": {"Europe/Paris"},
	}, "/admin/users/new")
	link := strings.TrimSpace(r.doc(t).Find(`[data-testid="message-highlight"]`).Text())
	if r.StatusCode != http.StatusOK || !strings.Contains(link, "/password/") {
		t.Fatalf("invite: %d %q", r.StatusCode, link)
	}
	path := link[strings.Index(link, "/password/"):]
	person := app.newClient()
	if r := app.getWith(person, path); r.StatusCode != http.StatusOK {
		t.Fatalf("link page: %d", r.StatusCode)
	}
	pw := "my own long passphrase here"
	mismatch := app.postForm(person, path, url.Values{"new_password": {pw}, "confirm_password": {pw + "x"}}, path)
	if mismatch.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("mismatch: %d", mismatch.StatusCode)
	}
	if r := app.postForm(person, path, url.Values{"new_password": {pw}, "confirm_password": {pw}}, path); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password: %d %s", r.StatusCode, r.body)
	}
	if r := app.getWith(person, path); r.StatusCode != http.StatusNotFound {
		t.Fatalf("used link still works: %d", r.StatusCode)
	}
	// The access log must not hand the link to whoever reads the logs.
	token := strings.TrimPrefix(path, "/password/")
	if logs := app.logs.String(); strings.Contains(logs, token) || !strings.Contains(logs, "/password/REDACTED") {
		t.Errorf("access log shows the password link's token (or no redacted line):\n%s", logs)
	}
	if r := app.signInAs(person, "new@example.com", pw); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in with new password: %d", r.StatusCode)
	}
}

func TestUserAdminListFiltersAndConflicts(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "ada@example.com", dealgate.RoleAdmin)
	target := mustUser(t, app, "zed@example.com", dealgate.RoleCounsel)
	for i := range 30 {
		mustUser(t, app, "bulk"+strconv.Itoa(i)+"@example.com", dealgate.RoleMember)
	}
	admin := app.newClient()
	app.signInAs(admin, "ada@example.com", testPassword)

	list := app.getWith(admin, "/admin/users?role=member")
	doc := list.doc(t)
	if doc.Find(`[data-testid="user-row"]`).Length() != 25 || !strings.Contains(doc.Find(`[data-testid="result-count"]`).Text(), "of 30") {
		t.Fatalf("paging: %d rows, %q", doc.Find(`[data-testid="user-row"]`).Length(), doc.Find(`[data-testid="result-count"]`).Text())
	}
	if next, _ := doc.Find(`a[rel="next"]`).Attr("href"); !strings.Contains(next, "role=member") || !strings.Contains(next, "page=2") {
		t.Errorf("next link %q loses the filter", next)
	}
	if r := app.getWith(admin, "/admin/users?q=zed"); r.doc(t).Find(`[data-testid="user-row"]`).Length() != 1 {
		t.Error("search by email")
	}
	if r := app.getWith(admin, "/admin/users?role=wizard"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown role filter: %d", r.StatusCode)
	}
	if r := app.getWith(admin, "/admin/users?q=nobody-matches"); r.doc(t).Find(`[data-testid="empty-state"]`).Length() != 1 {
		t.Error("no empty state")
	}

	// Two admins edit the same account: the second save is refused, shows
	// the current values and keeps what the second admin typed.
	path := "/admin/users/" + strconv.FormatInt(target.ID, 10) + "/edit"
	form := app.getWith(admin, path).doc(t)
	version, _ := form.Find(`input[name="version"]`).Attr("value")
	first := app.postForm(admin, path, url.Values{"name": {"Zed First"}, "email": {"zed@example.com"}, "roles": {"counsel"},
		"time_zone": {"Europe/London"}, "version": {version}}, path)
	if first.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d %s", first.StatusCode, first.body)
	}
	second := app.postForm(admin, path, url.Values{"name": {"Zed Second"}, "email": {"zed@example.com"}, "roles": {"counsel", "member"},
		"time_zone": {"Europe/London"}, "version": {version}}, path)
	sdoc := second.doc(t)
	if second.StatusCode != http.StatusConflict || !strings.Contains(sdoc.Find(`[data-testid="error-summary"]`).Text(), "Zed First") {
		t.Fatalf("stale save: %d %s", second.StatusCode, sdoc.Find(`[data-testid="error-summary"]`).Text())
	}
	if v, _ := sdoc.Find("#name").Attr("value"); v != "Zed Second" {
		t.Errorf("typed name lost: %q", v)
	}
	var name string
	_ = app.db.Pool.QueryRow(context.Background(), `SELECT name FROM users WHERE id = $1`, target.ID).Scan(&name)
	if name != "Zed First" {
		t.Errorf("stale save overwrote: %q", name)
	}
}

func TestHomeOffersWhatTheRoleMayUse(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "admin@example.com", dealgate.RoleAdmin)
	mustUser(t, app, "member@example.com", dealgate.RoleMember)
	for email, want := range map[string][]string{
		"admin@example.com":  {"Agreements", "Add an agreement", "Users", "Audit trail", "Expiring soon"},
		"member@example.com": {"Agreements", "Parties", "Expiring soon"},
	} {
		c := app.newClient()
		app.signInAs(c, email, testPassword)
		tasks := app.getWith(c, "/").doc(t).Find(`[data-testid="home-tasks"]`).Text()
		for _, w := range want {
			if !strings.Contains(tasks, w) {
				t.Errorf("%s: home lacks %q", email, w)
			}
		}
		if email == "member@example.com" && (strings.Contains(tasks, "Users") || strings.Contains(tasks, "Add an agreement")) {
			t.Errorf("member offered admin or editor tasks: %s", tasks)
		}
	}
}

// TestHomeLinksOnlyWhatTheViewerMayOpen: every link on the home page opens
// for the role that sees it (the chair was offered "Submit the proposed
// deal", a 403), and counsel still get that link.
func TestHomeLinksOnlyWhatTheViewerMayOpen(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	for _, role := range []string{"admin", "chair", "member", "counsel", "auditor"} {
		doc := app.getWith(p.clients[role], "/").doc(t)
		doc.Find(`main a[href^="/"]`).Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			if r := app.getWith(p.clients[role], href); r.StatusCode == http.StatusForbidden || r.StatusCode == http.StatusNotFound {
				t.Errorf("%s: home links %s (%q), which answers %d", role, href, strings.TrimSpace(a.Text()), r.StatusCode)
			}
		})
		if got := doc.Find(`main a[href="/deals/new"]`).Length() > 0; got != (role == "counsel") {
			t.Errorf("%s: offered to start a deal = %v", role, got)
		}
	}
}

// TestAdminIsNotOfferedOwnDeactivation: an admin's own account page has no
// Deactivate button, its confirmation page sends them back saying why, and
// a forged post is refused by the service and changes nothing. Another
// admin's account still offers it.
func TestAdminIsNotOfferedOwnDeactivation(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	self := mustUser(t, app, "admin@example.com", dealgate.RoleAdmin)
	other := mustUser(t, app, "admin2@example.com", dealgate.RoleAdmin)
	c := app.newClient()
	app.signInAs(c, "admin@example.com", testPassword)
	own := "/admin/users/" + strconv.FormatInt(self.ID, 10)
	if app.getWith(c, own).doc(t).Find(`a[href="`+own+`/deactivate"]`).Length() != 0 {
		t.Error("own account page offers Deactivate")
	}
	otherPath := "/admin/users/" + strconv.FormatInt(other.ID, 10)
	if app.getWith(c, otherPath).doc(t).Find(`a[href="`+otherPath+`/deactivate"]`).Length() != 1 {
		t.Error("another admin's page should offer Deactivate")
	}
	confirm := app.getWith(c, own+"/deactivate")
	if confirm.StatusCode != http.StatusSeeOther || confirm.Header.Get("Location") != own {
		t.Fatalf("own deactivation confirm: %d to %q", confirm.StatusCode, confirm.Header.Get("Location"))
	}
	if msg := app.getWith(c, own).doc(t).Find(`[data-kind="important"]`).Text(); !strings.Contains(msg, "cannot deactivate your own account") {
		t.Errorf("flash = %q", msg)
	}
	r := app.postForm(c, own+"/deactivate", url.Values{"version": {strconv.FormatInt(self.Version, 10)}}, own)
	if r.StatusCode != http.StatusSeeOther || auditCount(t, app, "user.deactivated") != 0 {
		t.Fatalf("forged own deactivation: %d, %d events", r.StatusCode, auditCount(t, app, "user.deactivated"))
	}
	if r := app.getWith(c, "/"); r.StatusCode != http.StatusOK {
		t.Errorf("admin signed out after refused self-deactivation: %d", r.StatusCode)
	}
}
