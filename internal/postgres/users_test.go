package postgres_test

import "context"
import "encoding/json"
import "fmt"
import "regexp"
import "strings"
import "sync/atomic"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// Cheap argon2 for every test in this package; set before any test runs.
func init() { postgres.PasswordParams = postgres.TestPasswordParams }

const testPassword = "violet-harbour-engine-42"

// testClock is a settable "now" for db.Now.
type testClock struct{ ns atomic.Int64 }

func newTestClock() *testClock {
	c := &testClock{}
	c.ns.Store(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *testClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *testClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

type identityEnv struct {
	db    *postgres.DB
	users *postgres.Users
	clock *testClock
	admin *dealgate.User
}

// newIdentity returns a fresh database with a clock under the test's control
// and one admin.
func newIdentity(t *testing.T) *identityEnv {
	t.Helper()
	db := pgtest.New(t)
	clock := newTestClock()
	db.Now = clock.Now
	env := &identityEnv{db: db, users: postgres.NewUsers(db), clock: clock}
	env.admin = env.mustCreate(t, "Ada Admin", "admin@example.org", dealgate.RoleAdmin)
	return env
}

func (e *identityEnv) mustCreate(t *testing.T, name, email string, roles ...dealgate.Role) *dealgate.User {
	t.Helper()
	u, err := e.users.CreateUserWithPassword(context.Background(), dealgate.NewUser{
		Name: name, Email: email, Roles: roles, TimeZone: "Europe/London", NotifyEmail: true,
	}, testPassword)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// fresh reloads u.
func (e *identityEnv) fresh(t *testing.T, u *dealgate.User) *dealgate.User {
	t.Helper()
	got, err := e.users.ByID(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func fromIP(ip string) context.Context {
	return dealgate.WithRequestMeta(context.Background(), dealgate.RequestMeta{RequestID: "req", ClientIP: ip})
}

type auditRow struct {
	Action, EntityType, EntityID, ActorLabel, ClientIP string
	Before, After                                      string
}

func auditRows(t *testing.T, db *postgres.DB) []auditRow {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `
		SELECT action, entity_type, entity_id, actor_label, client_ip,
		       coalesce(before::text, ''), coalesce(after::text, '')
		FROM audit_event ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		if err := rows.Scan(&r.Action, &r.EntityType, &r.EntityID, &r.ActorLabel, &r.ClientIP, &r.Before, &r.After); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func auditActions(t *testing.T, db *postgres.DB, action string) []auditRow {
	t.Helper()
	var out []auditRow
	for _, r := range auditRows(t, db) {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := dealgate.ErrorCode(err); got != code {
		t.Fatalf("got %q (%v), want %q", got, err, code)
	}
}

func wantField(t *testing.T, err error, code, field string) {
	t.Helper()
	wantCode(t, err, code)
	if dealgate.ErrorFields(err)[field] == "" {
		t.Fatalf("no message on field %q: %v", field, dealgate.ErrorFields(err))
	}
}

func countUsers(t *testing.T, db *postgres.DB) int {
	t.Helper()
	n, err := db.Queries().CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// --- passwords ------------------------------------------------------------------

func TestPasswordHashRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Now()
	h, err := postgres.HashPasswordWith(ctx, postgres.DefaultPasswordParams, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("default parameters: one hash takes %v", time.Since(start))
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=1,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Fatalf("not a PHC string: %s", h)
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapler": false, "": false} {
		ok, err := postgres.VerifyPassword(ctx, h, pw)
		if err != nil || ok != want {
			t.Errorf("verify %q = %v, %v; want %v", pw, ok, err, want)
		}
	}
	h2, _ := postgres.HashPasswordWith(ctx, postgres.DefaultPasswordParams, "correct horse battery staple")
	if h2 == h {
		t.Error("two hashes of one password are equal: salt not random")
	}
	// PasswordParams is TestPasswordParams in this package.
	if !postgres.NeedsRehash(h) {
		t.Error("a hash under other parameters should need rehashing")
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=65536,t=1,p=2$c2FsdA$aGFzaA", "$2a$10$abcdefghijklmnopqrstuv", "$argon2id$v=19$m=999999999,t=1,p=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"} {
		if ok, err := postgres.VerifyPassword(ctx, bad, "x"); ok || err != nil {
			t.Errorf("malformed %q verified: %v %v", bad, ok, err)
		}
	}
}

func TestCreateUserWithPasswordRefusesWeakAndInvalid(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	in := dealgate.NewUser{Name: "Cora Counsel", Email: "cora@example.org", Roles: []dealgate.Role{dealgate.RoleCounsel}, TimeZone: "Europe/Berlin"}
	_, err := e.users.CreateUserWithPassword(ctx, in, "short")
	wantField(t, err, dealgate.EINVALID, "password")
	_, err = e.users.CreateUserWithPassword(ctx, in, "password12345")
	wantField(t, err, dealgate.EINVALID, "password")
	_, err = e.users.CreateUserWithPassword(ctx, in, "cora@example.org-123")
	wantField(t, err, dealgate.EINVALID, "password")
	bad := in
	bad.TimeZone = "Atlantis/Capital"
	_, err = e.users.CreateUserWithPassword(ctx, bad, testPassword)
	wantField(t, err, dealgate.EINVALID, "time_zone")
	if n := countUsers(t, e.db); n != 1 {
		t.Fatalf("%d users after refusals, want 1", n)
	}
	u, err := e.users.CreateUserWithPassword(ctx, in, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if !u.Active() || !u.Has(dealgate.RoleCounsel) || u.TimeZone != "Europe/Berlin" || u.Version != 1 {
		t.Fatalf("created %+v", u)
	}
	// Emails are unique regardless of case.
	in.Email = "CORA@Example.org"
	_, err = e.users.CreateUserWithPassword(ctx, in, testPassword)
	wantField(t, err, dealgate.EINVALID, "email")
	if got := auditActions(t, e.db, "user.created"); len(got) != 2 || got[1].ActorLabel != "system" {
		t.Fatalf("user.created events: %+v", got)
	}
}

// --- admin operations ---------------------------------------------------------------

func TestUserAdminRequiresAdmin(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	chair := e.mustCreate(t, "Charles Chair", "chair@example.org", dealgate.RoleChair, dealgate.RoleMember, dealgate.RoleAuditor)
	target := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	before := len(auditRows(t, e.db))
	in := dealgate.NewUser{Name: "New Person", Email: "new@example.org", Roles: []dealgate.Role{dealgate.RoleMember}, TimeZone: "UTC"}
	for _, actor := range []*dealgate.User{chair, nil} {
		want := dealgate.EFORBIDDEN
		if actor == nil {
			want = dealgate.EUNAUTHORIZED
		}
		_, err := e.users.List(ctx, actor, dealgate.UserFilter{})
		wantCode(t, err, want)
		_, _, err = e.users.Invite(ctx, actor, in)
		wantCode(t, err, want)
		_, err = e.users.Update(ctx, actor, dealgate.UserUpdate{ID: target.ID, Version: target.Version, NewUser: dealgate.NewUser{Name: "X", Email: target.Email, Roles: []dealgate.Role{dealgate.RoleAdmin}, TimeZone: "UTC"}})
		wantCode(t, err, want)
		_, err = e.users.Deactivate(ctx, actor, target.ID, target.Version)
		wantCode(t, err, want)
		_, err = e.users.Reactivate(ctx, actor, target.ID, target.Version)
		wantCode(t, err, want)
		_, err = e.users.IssuePasswordReset(ctx, actor, target.ID)
		wantCode(t, err, want)
		_, err = e.users.ResetSecondFactor(ctx, actor, target.ID, target.Version)
		wantCode(t, err, want)
		_, err = e.users.Get(ctx, actor, target.ID)
		wantCode(t, err, want)
	}
	// Everyone may read themselves.
	if got, err := e.users.Get(ctx, chair, chair.ID); err != nil || got.ID != chair.ID {
		t.Fatalf("self read: %v", err)
	}
	// A deactivated admin can do nothing, even with a stale copy of itself.
	other := e.mustCreate(t, "Otto Admin", "otto@example.org", dealgate.RoleAdmin)
	if _, err := e.users.Deactivate(ctx, e.admin, other.ID, other.Version); err != nil {
		t.Fatal(err)
	}
	_, err := e.users.Deactivate(ctx, other, target.ID, target.Version)
	wantCode(t, err, dealgate.EFORBIDDEN)

	if got := e.fresh(t, target); got.Version != target.Version || got.Name != target.Name {
		t.Fatalf("target changed: %+v", got)
	}
	if n := len(auditRows(t, e.db)); n != before+2 { // otto created and deactivated
		t.Fatalf("%d audit events written by refused calls", n-before-2)
	}
}

func TestInviteThenSetFirstPassword(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	in := dealgate.NewUser{Name: "Cora Counsel", Email: "Cora@Example.org", Roles: []dealgate.Role{dealgate.RoleCounsel, dealgate.RoleMember}, TimeZone: "America/New_York", NotifyEmail: true}
	u, link, err := e.users.Invite(ctx, e.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if link.Token == "" || link.UserID != u.ID || !link.ExpiresAt.Equal(e.clock.Now().Add(24*time.Hour)) {
		t.Fatalf("link %+v", link)
	}
	if u.Email != "Cora@Example.org" || !u.NotifyEmail {
		t.Fatalf("invited %+v", u)
	}
	// No password yet: sign-in fails like any other.
	_, err = e.users.SignIn(ctx, "cora@example.org", "")
	wantCode(t, err, dealgate.EUNAUTHORIZED)
	// A second invitation with the same email, in any case, is refused.
	in.Email = "CORA@example.org"
	_, _, err = e.users.Invite(ctx, e.admin, in)
	wantField(t, err, dealgate.EINVALID, "email")

	got, err := e.users.CheckPasswordResetToken(ctx, link.Token)
	if err != nil || got.ID != u.ID {
		t.Fatalf("check link: %v", err)
	}
	if _, err := e.users.UsePasswordReset(ctx, link.Token, "a-brand-new-passphrase"); err != nil {
		t.Fatal(err)
	}
	res, err := e.users.SignIn(ctx, "CORA@example.org", "a-brand-new-passphrase")
	if err != nil || res.User.ID != u.ID {
		t.Fatalf("sign in after invitation: %v", err)
	}
	created := auditActions(t, e.db, "user.created")
	if len(created) != 2 || created[1].ActorLabel != "admin@example.org" || !strings.Contains(created[1].After, `"password_link": "invite"`) {
		t.Fatalf("user.created: %+v", created)
	}
}

func TestInvalidInputChangesNothing(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	_, _, err := e.users.Invite(ctx, e.admin, dealgate.NewUser{
		Name: strings.Repeat("x", 201), Email: "not-an-email", Roles: []dealgate.Role{"emperor"}, TimeZone: "Nowhere/Land",
	})
	for _, f := range []string{"name", "email", "roles", "time_zone"} {
		wantField(t, err, dealgate.EINVALID, f)
	}
	target := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	_, err = e.users.Update(ctx, e.admin, dealgate.UserUpdate{ID: target.ID, Version: target.Version, NewUser: dealgate.NewUser{Name: "Mina", Email: "mina@", Roles: nil, TimeZone: "UTC"}})
	wantField(t, err, dealgate.EINVALID, "email")
	wantField(t, err, dealgate.EINVALID, "roles")
	_, err = e.users.UpdateProfile(ctx, target, dealgate.ProfileUpdate{Version: target.Version, Name: "", TimeZone: "Europe/Londn"})
	wantField(t, err, dealgate.EINVALID, "name")
	wantField(t, err, dealgate.EINVALID, "time_zone")
	if n := countUsers(t, e.db); n != 2 {
		t.Fatalf("%d users", n)
	}
	if got := e.fresh(t, target); got.Version != 1 {
		t.Fatalf("target changed: %+v", got)
	}
}

func TestAdminEditAndOptimisticConcurrency(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	edit := dealgate.UserUpdate{ID: m.ID, Version: m.Version, NewUser: dealgate.NewUser{Name: "Mina Member", Email: "mina@example.org",
		Roles: []dealgate.Role{dealgate.RoleMember, dealgate.RoleChair}, TimeZone: "Europe/London", NotifyEmail: true}}
	got, err := e.users.Update(ctx, e.admin, edit)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != m.Version+1 || !got.Has(dealgate.RoleChair) {
		t.Fatalf("after edit %+v", got)
	}
	// The same form submitted again is stale.
	edit.Name = "Mina M."
	_, err = e.users.Update(ctx, e.admin, edit)
	wantCode(t, err, dealgate.ECONFLICT)
	if f := e.fresh(t, m); f.Name != "Mina Member" {
		t.Fatalf("stale edit applied: %+v", f)
	}
	// An edit that changes nothing writes nothing.
	edit.Version, edit.Name = got.Version, "Mina Member"
	same, err := e.users.Update(ctx, e.admin, edit)
	if err != nil || same.Version != got.Version {
		t.Fatalf("no-op edit: %+v %v", same, err)
	}
	// A profile change is audited separately from the roles.
	edit.Name, edit.TimeZone = "Mina Moor", "Asia/Tokyo"
	if _, err := e.users.Update(ctx, e.admin, edit); err != nil {
		t.Fatal(err)
	}
	roles := auditActions(t, e.db, "user.roles_changed")
	if len(roles) != 1 || !strings.Contains(roles[0].Before, `"member"`) || !strings.Contains(roles[0].After, `"chair"`) {
		t.Fatalf("roles_changed: %+v", roles)
	}
	prof := auditActions(t, e.db, "user.profile_updated")
	if len(prof) != 1 || !strings.Contains(prof[0].After, "Asia/Tokyo") || strings.Contains(prof[0].After, "roles") {
		t.Fatalf("profile_updated: %+v", prof)
	}
	// Deactivation with a stale version is refused too.
	_, err = e.users.Deactivate(ctx, e.admin, m.ID, m.Version)
	wantCode(t, err, dealgate.ECONFLICT)
	_, err = e.users.Update(ctx, e.admin, dealgate.UserUpdate{ID: 999999, Version: 1, NewUser: dealgate.NewUser{Name: "x", Email: "x@example.org", Roles: []dealgate.Role{dealgate.RoleMember}, TimeZone: "UTC"}})
	wantCode(t, err, dealgate.ENOTFOUND)
}

func TestAdminCannotLockThemselvesOut(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	_, err := e.users.Deactivate(ctx, e.admin, e.admin.ID, e.admin.Version)
	wantCode(t, err, dealgate.EINVALID)
	_, err = e.users.Update(ctx, e.admin, dealgate.UserUpdate{ID: e.admin.ID, Version: e.admin.Version, NewUser: dealgate.NewUser{Name: e.admin.Name,
		Email: e.admin.Email, Roles: []dealgate.Role{dealgate.RoleMember}, TimeZone: "UTC"}})
	wantField(t, err, dealgate.EINVALID, "roles")
	if got := e.fresh(t, e.admin); !got.Has(dealgate.RoleAdmin) || !got.Active() {
		t.Fatalf("admin changed: %+v", got)
	}
}

func TestDeactivateEndsSessionsAndSignIn(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	link, err := e.users.IssuePasswordReset(ctx, e.admin, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := e.users.Deactivate(ctx, e.admin, m.ID, m.Version)
	if err != nil {
		t.Fatal(err)
	}
	if d.Active() || d.SessionEpoch != m.SessionEpoch+1 {
		t.Fatalf("deactivated %+v", d)
	}
	_, err = e.users.Deactivate(ctx, e.admin, m.ID, d.Version)
	wantCode(t, err, dealgate.ECONFLICT)
	_, err = e.users.SignIn(ctx, "mina@example.org", testPassword)
	wantCode(t, err, dealgate.EUNAUTHORIZED)
	if dealgate.ErrorMessage(err) != "The email or password is incorrect." {
		t.Fatalf("deactivated account told apart: %q", dealgate.ErrorMessage(err))
	}
	// Its open password link died with it.
	_, err = e.users.UsePasswordReset(ctx, link.Token, "another-fine-passphrase")
	wantCode(t, err, dealgate.ENOTFOUND)
	_, err = e.users.IssuePasswordReset(ctx, e.admin, m.ID)
	wantCode(t, err, dealgate.EINVALID)
	// A deactivated user can do nothing with a session it still holds.
	_, err = e.users.UpdateProfile(ctx, d, dealgate.ProfileUpdate{Version: d.Version, Name: "Mina", TimeZone: "UTC"})
	wantCode(t, err, dealgate.EFORBIDDEN)

	r, err := e.users.Reactivate(ctx, e.admin, m.ID, d.Version)
	if err != nil || !r.Active() {
		t.Fatalf("reactivate: %+v %v", r, err)
	}
	if _, err := e.users.SignIn(ctx, "mina@example.org", testPassword); err != nil {
		t.Fatalf("sign in after reactivation: %v", err)
	}
	if len(auditActions(t, e.db, "user.deactivated")) != 1 || len(auditActions(t, e.db, "user.reactivated")) != 1 {
		t.Fatal("deactivation or reactivation not audited")
	}
}

func TestListUsersSearchFilterSortPage(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	for i := range 12 {
		roles := []dealgate.Role{dealgate.RoleMember}
		if i%3 == 0 {
			roles = append(roles, dealgate.RoleCounsel)
		}
		e.mustCreate(t, fmt.Sprintf("Person %02d", i), fmt.Sprintf("p%02d@example.org", i), roles...)
	}
	e.mustCreate(t, "Zoë 100%_Percent", "zoe@Other.example", dealgate.RoleAuditor)
	p7 := e.mustCreate(t, "Seven", "seven@example.org", dealgate.RoleMember)
	if _, err := e.users.Deactivate(ctx, e.admin, p7.ID, p7.Version); err != nil {
		t.Fatal(err)
	}
	list := func(f dealgate.UserFilter) dealgate.Page[*dealgate.User] {
		t.Helper()
		p, err := e.users.List(ctx, e.admin, f)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	names := func(p dealgate.Page[*dealgate.User]) string {
		var s []string
		for _, u := range p.Items {
			s = append(s, u.Name)
		}
		return strings.Join(s, ",")
	}

	all := list(dealgate.UserFilter{PageRequest: dealgate.PageRequest{PerPage: 5}})
	if all.Total != 15 || len(all.Items) != 5 || all.Pages() != 3 || names(all) != "Ada Admin,Person 00,Person 01,Person 02,Person 03" {
		t.Fatalf("page 1: total %d, %s", all.Total, names(all))
	}
	last := list(dealgate.UserFilter{PageRequest: dealgate.PageRequest{Page: 3, PerPage: 5}})
	if last.Total != 15 || names(last) != "Person 09,Person 10,Person 11,Seven,Zoë 100%_Percent" {
		t.Fatalf("page 3: %s", names(last))
	}
	if beyond := list(dealgate.UserFilter{PageRequest: dealgate.PageRequest{Page: 9, PerPage: 5}}); beyond.Total != 15 || len(beyond.Items) != 0 {
		t.Fatalf("beyond the end: %+v", beyond)
	}
	if s := list(dealgate.UserFilter{Query: "OTHER.EX"}); s.Total != 1 || names(s) != "Zoë 100%_Percent" {
		t.Fatalf("email search: %s", names(s))
	}
	if s := list(dealgate.UserFilter{Query: "person 1"}); s.Total != 2 {
		t.Fatalf("name search: %s", names(s))
	}
	// LIKE wildcards are searched for literally.
	if s := list(dealgate.UserFilter{Query: "%_"}); s.Total != 1 {
		t.Fatalf("wildcard search matched %d", s.Total)
	}
	if s := list(dealgate.UserFilter{Role: dealgate.RoleCounsel}); s.Total != 4 {
		t.Fatalf("role filter: %d %s", s.Total, names(s))
	}
	if s := list(dealgate.UserFilter{Status: dealgate.UserDeactivated}); s.Total != 1 || names(s) != "Seven" {
		t.Fatalf("status filter: %s", names(s))
	}
	if s := list(dealgate.UserFilter{Role: dealgate.RoleMember, Status: dealgate.UserActive, Query: "person 0"}); s.Total != 10 {
		t.Fatalf("combined filters: %d", s.Total)
	}
	if s := list(dealgate.UserFilter{Sort: "-email", PageRequest: dealgate.PageRequest{PerPage: 2}}); names(s) != "Zoë 100%_Percent,Seven" {
		t.Fatalf("sort by email desc: %s", names(s))
	}
	// An unknown sort falls back to the name; an unknown role is an error.
	if s := list(dealgate.UserFilter{Sort: "password_hash; DROP TABLE users", PageRequest: dealgate.PageRequest{PerPage: 1}}); names(s) != "Ada Admin" {
		t.Fatalf("fallback sort: %s", names(s))
	}
	_, err := e.users.List(ctx, e.admin, dealgate.UserFilter{Role: "emperor"})
	wantField(t, err, dealgate.EINVALID, "role")
}

func TestPasswordResetSingleUseAndExpiry(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)

	first, err := e.users.IssuePasswordReset(ctx, e.admin, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.users.IssuePasswordReset(ctx, e.admin, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	// A newer link replaces the older one.
	_, err = e.users.CheckPasswordResetToken(ctx, first.Token)
	wantCode(t, err, dealgate.ENOTFOUND)
	// Until it is used, the old password still works.
	if _, err := e.users.SignIn(ctx, "mina@example.org", testPassword); err != nil {
		t.Fatal(err)
	}
	_, err = e.users.UsePasswordReset(ctx, second.Token, "mina@example.org!!")
	wantField(t, err, dealgate.EINVALID, "new_password")
	_, err = e.users.UsePasswordReset(ctx, second.Token, "123456789012")
	wantField(t, err, dealgate.EINVALID, "new_password")
	used, err := e.users.UsePasswordReset(ctx, second.Token, "quiet-lantern-meadow")
	if err != nil {
		t.Fatal(err)
	}
	if used.SessionEpoch != m.SessionEpoch+1 {
		t.Fatalf("sessions not ended: epoch %d", used.SessionEpoch)
	}
	_, err = e.users.UsePasswordReset(ctx, second.Token, "another-quiet-lantern")
	wantCode(t, err, dealgate.ENOTFOUND)
	_, err = e.users.SignIn(ctx, "mina@example.org", testPassword)
	wantCode(t, err, dealgate.EUNAUTHORIZED)
	if _, err := e.users.SignIn(ctx, "mina@example.org", "quiet-lantern-meadow"); err != nil {
		t.Fatal(err)
	}

	// Links expire after 24 hours.
	third, err := e.users.IssuePasswordReset(ctx, e.admin, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(24*time.Hour - time.Second)
	if _, err := e.users.CheckPasswordResetToken(ctx, third.Token); err != nil {
		t.Fatalf("link expired early: %v", err)
	}
	e.clock.Advance(time.Second)
	_, err = e.users.UsePasswordReset(ctx, third.Token, "yet-another-lantern")
	wantCode(t, err, dealgate.ENOTFOUND)
	for _, bad := range []string{"", "nonsense", strings.Repeat("A", 43)} {
		_, err = e.users.UsePasswordReset(ctx, bad, "yet-another-lantern")
		wantCode(t, err, dealgate.ENOTFOUND)
	}
	if n := len(auditActions(t, e.db, "user.password_reset_issued")); n != 3 {
		t.Fatalf("%d password_reset_issued events", n)
	}
	if n := len(auditActions(t, e.db, "user.password_reset_used")); n != 1 {
		t.Fatalf("%d password_reset_used events", n)
	}
}

func TestUpdateProfileAndChangePassword(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	p, err := e.users.UpdateProfile(ctx, m, dealgate.ProfileUpdate{Version: m.Version, Name: "Mina Moor", TimeZone: "Australia/Sydney", NotifyEmail: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Mina Moor" || p.TimeZone != "Australia/Sydney" || !p.NotifyEmail || p.Version != 2 {
		t.Fatalf("profile %+v", p)
	}
	_, err = e.users.UpdateProfile(ctx, m, dealgate.ProfileUpdate{Version: m.Version, Name: "Old Form", TimeZone: "UTC"})
	wantCode(t, err, dealgate.ECONFLICT)

	_, err = e.users.ChangePassword(ctx, p, "wrong-password-here", "silver-kettle-orchard")
	wantField(t, err, dealgate.EINVALID, "current_password")
	_, err = e.users.ChangePassword(ctx, p, testPassword, "short")
	wantField(t, err, dealgate.EINVALID, "new_password")
	_, err = e.users.ChangePassword(ctx, p, testPassword, "Mina Moor 2026")
	wantField(t, err, dealgate.EINVALID, "new_password")
	_, err = e.users.ChangePassword(ctx, p, testPassword, testPassword)
	wantField(t, err, dealgate.EINVALID, "new_password")
	_, err = e.users.ChangePassword(ctx, p, "", "silver-kettle-orchard")
	wantField(t, err, dealgate.EINVALID, "current_password")

	c, err := e.users.ChangePassword(ctx, p, testPassword, "silver-kettle-orchard")
	if err != nil {
		t.Fatal(err)
	}
	if c.SessionEpoch != p.SessionEpoch+1 {
		t.Fatalf("other sessions not ended: epoch %d -> %d", p.SessionEpoch, c.SessionEpoch)
	}
	_, err = e.users.SignIn(ctx, "mina@example.org", testPassword)
	wantCode(t, err, dealgate.EUNAUTHORIZED)
	if _, err := e.users.SignIn(ctx, "mina@example.org", "silver-kettle-orchard"); err != nil {
		t.Fatal(err)
	}
	if n := len(auditActions(t, e.db, "user.password_changed")); n != 1 {
		t.Fatalf("%d password_changed events", n)
	}
	if n := len(auditActions(t, e.db, "auth.reauth_failed")); n != 1 {
		t.Fatalf("%d reauth_failed events", n)
	}
	if n := len(auditActions(t, e.db, "user.profile_updated")); n != 1 {
		t.Fatalf("%d profile_updated events", n)
	}
}

func TestPurgeExpired(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	if _, err := e.users.IssuePasswordReset(ctx, e.admin, m.ID); err != nil {
		t.Fatal(err)
	}
	_, _ = e.users.SignIn(fromIP("198.51.100.7"), "nobody@example.org", "wrong-password-1")
	if res, err := e.users.PurgeExpired(ctx); err != nil || res != (postgres.PurgeResult{}) {
		t.Fatalf("purged fresh rows: %+v %v", res, err)
	}
	e.clock.Advance(25 * time.Hour)
	res, err := e.users.PurgeExpired(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.PasswordResetTokens != 1 || res.Throttles != 2 {
		t.Fatalf("purged %+v", res)
	}
}

// TestAuditHasNoSecrets runs every audited use case and checks that no
// event's before or after has a key naming a secret, or contains a secret.
func TestAuditHasNoSecrets(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := fromIP("203.0.113.5")
	e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	var secrets []string
	keep := func(s ...string) { secrets = append(secrets, s...) }
	keep(testPassword)

	_, link, err := e.users.Invite(ctx, e.admin, dealgate.NewUser{Name: "Ivy Invitee", Email: "ivy@example.org", Roles: []dealgate.Role{dealgate.RoleAuditor}, TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	keep(link.Token)
	if _, err := e.users.UsePasswordReset(ctx, link.Token, "ivy-chooses-a-phrase"); err != nil {
		t.Fatal(err)
	}
	keep("ivy-chooses-a-phrase")
	_, _ = e.users.SignIn(ctx, "mina@example.org", "not-the-password")
	_, _ = e.users.SignIn(ctx, "ghost@example.org", "not-the-password")
	res, err := e.users.SignIn(ctx, "mina@example.org", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	m := res.User
	enr, err := e.users.BeginTOTP(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	keep(enr.Secret)
	m, codes := confirmTOTP(t, e, m, enr.Secret)
	keep(codes...)
	e.clock.Advance(time.Minute)
	if _, err := e.users.SignInSecondFactor(ctx, m.ID, m.SessionEpoch, codes[0]); err != nil {
		t.Fatal(err)
	}
	newCodes, err := e.users.RegenerateRecoveryCodes(ctx, m, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	keep(newCodes...)
	if _, err := e.users.ChangePassword(ctx, m, testPassword, "violet-new-phrase-here"); err != nil {
		t.Fatal(err)
	}
	keep("violet-new-phrase-here")
	m = e.fresh(t, m)
	if _, err := e.users.ResetSecondFactor(ctx, e.admin, m.ID, m.Version); err != nil {
		t.Fatal(err)
	}
	rl, err := e.users.IssuePasswordReset(ctx, e.admin, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	keep(rl.Token)
	if err := e.users.SignOut(ctx, m); err != nil {
		t.Fatal(err)
	}

	var hashes []string
	rows, err := e.db.Pool.Query(context.Background(), `SELECT password_hash FROM users WHERE password_hash <> ''`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h string
		_ = rows.Scan(&h)
		hashes = append(hashes, h)
	}
	keep(hashes...)

	events := auditRows(t, e.db)
	seen := map[string]bool{}
	for _, ev := range events {
		seen[ev.Action] = true
		for _, doc := range []string{ev.Before, ev.After} {
			if doc == "" {
				continue
			}
			var v any
			if err := json.Unmarshal([]byte(doc), &v); err != nil {
				t.Fatalf("%s: %v", ev.Action, err)
			}
			walkKeys(v, func(k string) {
				lk := strings.ToLower(k)
				for _, bad := range []string{"hash", "secret", "token"} {
					if strings.Contains(lk, bad) {
						t.Errorf("%s has key %q: %s", ev.Action, k, doc)
					}
				}
			})
			for _, s := range secrets {
				if s != "" && strings.Contains(doc, s) {
					t.Errorf("%s contains a secret: %s", ev.Action, doc)
				}
			}
		}
	}
	for _, a := range []string{"user.created", "user.password_reset_used", "auth.sign_in_failed", "auth.signed_in",
		"user.totp_enabled", "user.recovery_codes_regenerated", "user.password_changed", "user.totp_reset",
		"user.password_reset_issued", "auth.signed_out"} {
		if !seen[a] {
			t.Errorf("no %s event", a)
		}
	}
}

func walkKeys(v any, fn func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			fn(k)
			walkKeys(x, fn)
		}
	case []any:
		for _, x := range v {
			walkKeys(x, fn)
		}
	}
}

// TestUsersTableRefusesWhatTheDomainRefuses writes behind the services' back:
// the CHECKs hold the same line as the validation.
func TestUsersTableRefusesWhatTheDomainRefuses(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	insert := func(email, name, roles, hash string) error {
		_, err := e.db.Pool.Exec(ctx, `INSERT INTO users (email, name, roles, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3::text[], $4, now(), now())`, email, name, roles, hash)
		return err
	}
	if err := insert("ok@example.org", "Okay", "{member}", ""); err != nil {
		t.Fatalf("a valid row was refused: %v", err)
	}
	for _, bad := range [][4]string{
		{"no-at.example.org", "Name", "{member}", ""},
		{"a@nodot", "Name", "{member}", ""},
		{" pad@example.org", "Name", "{member}", ""},
		{"b@example.org", " Padded", "{member}", ""},
		{"c@example.org", "Name", "{}", ""},
		{"d@example.org", "Name", "{emperor}", ""},
		{"e@example.org", "Name", "{member}", "plaintext-password"},
		{"OK@example.org", "Name", "{member}", ""}, // unique regardless of case
	} {
		if err := insert(bad[0], bad[1], bad[2], bad[3]); err == nil {
			t.Errorf("stored %q", bad)
		}
	}
	if _, err := e.db.Pool.Exec(ctx, `UPDATE users SET totp_enabled = true WHERE totp_secret IS NULL`); err == nil {
		t.Error("enabled a second factor without a secret")
	}
}

// TestActOnAccountOneCall: each button on an account's page is one call
// that returns the account; a repeat no longer applies and changes
// nothing, a stale or missing version is refused, a password link comes
// back with the account.
func TestActOnAccountOneCall(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	_, err := e.users.ActOnAccount(ctx, e.admin, m.ID, 0, dealgate.AccountDeactivate)
	wantCode(t, err, dealgate.EINVALID)
	res, err := e.users.ActOnAccount(ctx, e.admin, m.ID, m.Version+1, dealgate.AccountDeactivate)
	wantCode(t, err, dealgate.ECONFLICT)
	if res.User == nil || res.User.ID != m.ID || !res.User.Active() {
		t.Fatalf("a stale page gets the account as it is: %+v", res.User)
	}
	res, err = e.users.ActOnAccount(ctx, e.admin, m.ID, m.Version, dealgate.AccountDeactivate)
	if err != nil || res.User.Active() {
		t.Fatalf("deactivate: %+v %v", res.User, err)
	}
	res, err = e.users.ActOnAccount(ctx, e.admin, m.ID, m.Version, dealgate.AccountDeactivate)
	wantCode(t, err, dealgate.ECONFLICT)
	if !strings.Contains(dealgate.ErrorMessage(err), "no longer applies") || res.User.Name != m.Name {
		t.Errorf("double submit: %q %+v", dealgate.ErrorMessage(err), res.User)
	}
	if n := len(auditActions(t, e.db, "user.deactivated")); n != 1 {
		t.Errorf("%d user.deactivated events, want 1", n)
	}
	// A deactivated account gets no password link.
	_, err = e.users.ActOnAccount(ctx, e.admin, m.ID, res.User.Version, dealgate.AccountResetPassword)
	wantCode(t, err, dealgate.ECONFLICT)
	res, err = e.users.ActOnAccount(ctx, e.admin, m.ID, res.User.Version, dealgate.AccountReactivate)
	if err != nil || !res.User.Active() {
		t.Fatalf("reactivate: %+v %v", res.User, err)
	}
	res, err = e.users.ActOnAccount(ctx, e.admin, m.ID, res.User.Version, dealgate.AccountResetPassword)
	if err != nil || res.Link.Token == "" || res.Link.UserID != m.ID || res.User.Email != m.Email {
		t.Fatalf("password link: %+v %v", res, err)
	}
	_, err = e.users.ActOnAccount(ctx, e.admin, m.ID, res.User.Version, dealgate.AccountResetTwoFactor)
	wantCode(t, err, dealgate.ECONFLICT)
	_, err = e.users.ActOnAccount(ctx, m, e.admin.ID, e.admin.Version, dealgate.AccountDeactivate)
	wantCode(t, err, dealgate.EFORBIDDEN)
	_, err = e.users.ActOnAccount(ctx, e.admin, 999999, 1, dealgate.AccountDeactivate)
	wantCode(t, err, dealgate.ENOTFOUND)
	// Admins cannot deactivate themselves through the page either.
	_, err = e.users.ActOnAccount(ctx, e.admin, e.admin.ID, e.fresh(t, e.admin).Version, dealgate.AccountDeactivate)
	wantCode(t, err, dealgate.EINVALID)
}
