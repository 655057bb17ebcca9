package server_test

import "context"
import "fmt"
import "net/http"
import "net/url"
import "sort"
import "strconv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

const testPassword = "correct horse battery staple 42"

// people creates one account per role (and a target to act on) and signs
// each in on its own client.
type people struct {
	app      *testApp
	clients  map[string]*http.Client
	ids      map[string]int64
	register *registerRecords
	partyTax *partyTaxonomyRecords
	deals    *dealRecords
	review   int64 // the review the matrix acts on (reviews_access_test.go)
	// attachments numbers the deal attachments fixtures add.
	attachments int
}

var matrixRoles = map[string][]dealgate.Role{
	"admin":   {dealgate.RoleAdmin},
	"chair":   {dealgate.RoleChair, dealgate.RoleMember},
	"member":  {dealgate.RoleMember},
	"counsel": {dealgate.RoleCounsel},
	"auditor": {dealgate.RoleAuditor},
	"target":  {dealgate.RoleMember},
}

func newPeople(t *testing.T, app *testApp) *people {
	t.Helper()
	p := &people{app: app, clients: map[string]*http.Client{}, ids: map[string]int64{}}
	users := postgres.NewUsers(app.db)
	for name, roles := range matrixRoles {
		u, err := users.CreateUserWithPassword(context.Background(), dealgate.NewUser{
			Name: strings.ToUpper(name[:1]) + name[1:] + " Person", Email: name + "@example.com", Roles: roles, TimeZone: "Europe/London",
		}, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		p.ids[name] = u.ID
		if name != "target" {
			p.clients[name] = p.signIn(t, name+"@example.com", testPassword)
		}
	}
	p.clients["anonymous"] = app.newClient()
	return p
}

func (p *people) signIn(t *testing.T, email, password string) *http.Client {
	t.Helper()
	c := p.app.newClient()
	r := p.app.postForm(c, "/sign-in", url.Values{"email": {email}, "password": {password}}, "/sign-in")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("sign in %s: %d %s", email, r.StatusCode, r.Header.Get("Location"))
	}
	return c
}

// publicRoutes are the only routes anyone may reach without signing in.
var publicRoutes = map[string]bool{
	"GET /sign-in": true, "POST /sign-in": true, "GET /sign-in/two-factor": true, "POST /sign-in/two-factor": true,
	"GET /password/:token": true, "POST /password/:token": true,
	"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /static/*": true,
}

func routeKey(method, path string) string {
	if method == http.MethodHead {
		method = http.MethodGet // HEAD mirrors GET
	}
	return method + " " + path
}

// TestRouteInventory walks the router's route table: every route has an
// access rule, only the sign-in, health, readiness, metrics and static
// routes are public, every other route turns anonymous visitors away, and
// every route that changes state refuses a request without a CSRF token.
// A route added later is covered without touching this test.
func TestRouteInventory(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	anon := app.newClient()
	token := app.csrf(anon, "/sign-in")
	routes := app.srv.Echo().Routes()
	if len(routes) < 20 {
		t.Fatalf("only %d routes: is the table being read?", len(routes))
	}
	for _, r := range routes {
		key := routeKey(r.Method, r.Path)
		public, _, ok := app.srv.RouteAccess(r.Method + " " + r.Path)
		if !ok {
			t.Errorf("%s %s has no access rule: register it with Server.route", r.Method, r.Path)
			continue
		}
		if public != publicRoutes[key] {
			t.Errorf("%s: public=%v, but only sign-in, health, readiness, metrics and static files may be public", key, public)
		}
		path := strings.ReplaceAll(strings.ReplaceAll(r.Path, ":id", "1"), ":token", "x")
		path = strings.ReplaceAll(path, "*", "css/app.css")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			// No token: refused before anything else happens.
			req, _ := http.NewRequest(r.Method, app.ts.URL+path, strings.NewReader("a=1"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if resp := app.do(anon, req); resp.StatusCode != http.StatusForbidden || !strings.Contains(resp.body, "expired") {
				t.Errorf("%s without a CSRF token: %d, want 403", key, resp.StatusCode)
			}
		}
		if public {
			continue
		}
		req, _ := http.NewRequest(r.Method, app.ts.URL+path, strings.NewReader(url.Values{"_csrf": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp := app.do(anon, req)
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sign-in?next=") {
				t.Errorf("anonymous %s %s: %d %s, want a redirect to sign in", r.Method, path, resp.StatusCode, resp.Header.Get("Location"))
			}
		default:
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("anonymous %s %s: %d, want 401", r.Method, path, resp.StatusCode)
			}
		}
	}
}

// expect is the status for a route on the acting user's own record, someone
// else's and one that does not exist. Routes without a record use own.
type expect struct{ own, other, none int }

func same(status int) expect { return expect{status, status, status} }

// grant lists, per role, what a route answers; roles not listed are refused
// with 403 and anonymous visitors are sent to sign in (GET) or get 401.
type grant map[string]expect

// editors are the roles that change the agreement register.
func editors(e expect) grant { return grant{"admin": e, "counsel": e} }

func everyone(e expect) grant {
	return grant{"admin": e, "chair": e, "member": e, "counsel": e, "auditor": e}
}

const (
	ok       = http.StatusOK
	redirect = http.StatusSeeOther
	invalid  = http.StatusUnprocessableEntity
	notFound = http.StatusNotFound
)

// matrix is every non-public route of the router. TestAccessMatrix fails
// when a route is missing, so a new route must state who may use it.
// Record routes act on /admin/users/:id. POSTs send an empty form: the
// allowed answer is the form's validation error or the post/redirect/get
// of a refused or harmless action, never a change.
var matrix = map[string]grant{
	"GET /":                                   everyone(same(ok)),
	"GET /account":                            everyone(same(ok)),
	"POST /account":                           everyone(same(invalid)),
	"POST /account/sign-out-everywhere":       everyone(same(redirect)),
	"GET /account/password":                   everyone(same(ok)),
	"POST /account/password":                  everyone(same(invalid)),
	"GET /account/two-factor":                 everyone(same(ok)),
	"POST /account/two-factor":                everyone(same(invalid)),
	"POST /account/two-factor/remove":         everyone(same(invalid)),
	"POST /account/two-factor/recovery-codes": everyone(same(invalid)),
	"POST /sign-out":                          everyone(same(redirect)),
	"GET /audit":                              {"admin": same(ok), "auditor": same(ok)},
	"GET /audit/export":                       {"admin": same(ok), "auditor": same(ok)},
	"GET /audit/:id":                          {"admin": {ok, ok, notFound}, "auditor": {ok, ok, notFound}},
	"GET /audit/chain":                        {"admin": same(ok), "auditor": same(ok)},
	"POST /audit/chain":                       {"admin": same(ok), "auditor": same(ok)},
	"GET /admin/users":                        {"admin": same(ok)},
	"GET /admin/users/new":                    {"admin": same(ok)},
	"POST /admin/users":                       {"admin": same(invalid)},
	"GET /admin/users/:id":                    {"admin": {ok, ok, notFound}},
	"GET /admin/users/:id/edit":               {"admin": {ok, ok, notFound}},
	"POST /admin/users/:id/edit":              {"admin": {invalid, invalid, notFound}},
	"GET /admin/users/:id/deactivate":         {"admin": {redirect, ok, notFound}}, // not one's own
	"POST /admin/users/:id/deactivate":        {"admin": {redirect, redirect, notFound}},
	"GET /admin/users/:id/reactivate":         {"admin": {redirect, redirect, notFound}},
	"POST /admin/users/:id/reactivate":        {"admin": {redirect, redirect, notFound}},
	"GET /admin/users/:id/reset-password":     {"admin": {ok, ok, notFound}},
	"POST /admin/users/:id/reset-password":    {"admin": {redirect, redirect, notFound}},
	"GET /admin/users/:id/reset-two-factor":   {"admin": {redirect, redirect, notFound}},
	"POST /admin/users/:id/reset-two-factor":  {"admin": {redirect, redirect, notFound}},
	// The agreement register: everyone signed in reads it; counsel and admins change it.
	"GET /agreements":                 everyone(same(ok)),
	"GET /agreements/new":             editors(same(ok)),
	"POST /agreements":                editors(same(invalid)),
	"GET /agreements/:id":             everyone(expect{ok, ok, notFound}),
	"GET /agreements/:id/edit":        editors(expect{ok, ok, notFound}),
	"POST /agreements/:id/edit":       editors(expect{invalid, invalid, notFound}),
	"GET /agreements/:id/clauses/new": editors(expect{ok, ok, notFound}),
	"POST /agreements/:id/clauses":    editors(expect{invalid, invalid, notFound}),
	"POST /agreements/:id/documents":  editors(expect{invalid, invalid, notFound}),
	"GET /clauses/:id/edit":           editors(expect{ok, ok, notFound}),
	"POST /clauses/:id/edit":          editors(expect{invalid, invalid, notFound}),
	"GET /clauses/:id/retire":         editors(expect{ok, ok, notFound}),
	"POST /clauses/:id/retire":        editors(expect{redirect, redirect, notFound}),
	"GET /clauses/:id/restore":        editors(expect{ok, ok, notFound}),
	"POST /clauses/:id/restore":       editors(expect{redirect, redirect, notFound}),
	"GET /documents/:id":              everyone(expect{ok, ok, notFound}),
	"GET /documents/:id/remove":       editors(expect{ok, ok, notFound}),
	"POST /documents/:id/remove":      editors(expect{redirect, redirect, notFound}),
	// The register's bulk screens: every role watches expiries and may take
	// the import template; counsel and admins import; counsel, admins and
	// auditors export (policy ActRegisterExport).
	"GET /register/expiring":            {"admin": same(ok), "chair": same(ok), "member": same(ok), "counsel": same(ok), "auditor": same(ok)},
	"GET /register/import/template.csv": {"admin": same(ok), "chair": same(ok), "member": same(ok), "counsel": same(ok), "auditor": same(ok)},
	"GET /register/import":              {"admin": same(ok), "counsel": same(ok)},
	"POST /register/import":             {"admin": same(invalid), "counsel": same(invalid)},
	"GET /register/export.csv":          {"admin": same(ok), "counsel": same(ok), "auditor": same(ok)},
	// Parties: everyone signed in reads them; counsel and admins change
	// them. Restore on a live party and retire/restore POSTs without a
	// version send the user back to the party page, changing nothing.
	"GET /parties":              everyone(same(ok)),
	"GET /parties/new":          editors(same(ok)),
	"GET /parties/suggest":      everyone(same(ok)),
	"POST /parties":             editors(same(invalid)),
	"GET /parties/:id":          everyone(expect{ok, ok, notFound}),
	"GET /parties/:id/edit":     editors(expect{ok, ok, notFound}),
	"POST /parties/:id/edit":    editors(expect{invalid, invalid, notFound}),
	"GET /parties/:id/retire":   editors(expect{ok, ok, notFound}),
	"POST /parties/:id/retire":  editors(expect{redirect, redirect, notFound}),
	"GET /parties/:id/restore":  editors(expect{redirect, redirect, notFound}),
	"POST /parties/:id/restore": editors(expect{redirect, redirect, notFound}),
	// The taxonomy: everyone reads every version, the draft and the diffs;
	// counsel and admins edit the draft; only admins publish or discard it.
	"GET /taxonomy":                               everyone(same(ok)),
	"GET /taxonomy/versions":                      everyone(same(ok)),
	"GET /taxonomy/diff":                          everyone(same(ok)),
	"GET /taxonomy/categories/:id":                everyone(expect{ok, ok, notFound}),
	"GET /taxonomy/draft":                         everyone(same(ok)),
	"POST /taxonomy/draft":                        editors(same(redirect)),
	"GET /taxonomy/draft/categories/new":          editors(same(ok)),
	"POST /taxonomy/draft/categories":             editors(same(invalid)),
	"GET /taxonomy/draft/categories/:id/edit":     editors(expect{ok, ok, notFound}),
	"POST /taxonomy/draft/categories/:id/edit":    editors(expect{invalid, invalid, notFound}),
	"GET /taxonomy/draft/categories/:id/retire":   editors(expect{ok, ok, notFound}),
	"POST /taxonomy/draft/categories/:id/retire":  editors(expect{redirect, redirect, notFound}),
	"GET /taxonomy/draft/categories/:id/restore":  editors(expect{redirect, redirect, notFound}),
	"POST /taxonomy/draft/categories/:id/restore": editors(expect{redirect, redirect, notFound}),
	"GET /taxonomy/draft/publish":                 {"admin": same(ok)},
	"POST /taxonomy/draft/publish":                {"admin": same(invalid)},
	"GET /taxonomy/draft/discard":                 {"admin": same(ok)},
	"POST /taxonomy/draft/discard":                {"admin": same(redirect)},
}

func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)

	var keys []string
	seen := map[string]bool{}
	for _, r := range app.srv.Echo().Routes() {
		key := routeKey(r.Method, r.Path)
		if publicRoutes[key] || seen[key] {
			continue
		}
		seen[key] = true
		if _, ok := matrix[key]; !ok {
			t.Errorf("%s is not in the access matrix: add who may use it", key)
		}
		keys = append(keys, key)
	}
	for key := range matrix {
		if !seen[key] {
			t.Errorf("matrix lists %s, which the router does not have", key)
		}
	}
	// Sign-out ends the session, so it runs last.
	sort.Slice(keys, func(i, j int) bool {
		if (keys[i] == "POST /sign-out") != (keys[j] == "POST /sign-out") {
			return keys[j] == "POST /sign-out"
		}
		return keys[i] < keys[j]
	})

	roles := []string{"anonymous", "admin", "chair", "member", "counsel", "auditor"}
	for _, key := range keys {
		method, path, _ := strings.Cut(key, " ")
		for _, role := range roles {
			records := map[string]string{"own": "", "other": "", "none": ""}
			if strings.Contains(path, ":id") {
				own, other := p.recordIDs(t, path, role)
				records = map[string]string{"own": own, "other": other, "none": "987654321"}
			}
			for _, record := range []string{"own", "other", "none"} {
				id, isRecord := records[record]
				if !strings.Contains(path, ":id") && record != "own" {
					continue
				}
				want := wantStatus(matrix[key], role, method, record)
				got := p.call(t, role, method, strings.ReplaceAll(path, ":id", id))
				if got != want {
					t.Errorf("%s as %s on %s record (%v): %d, want %d", key, role, record, isRecord, got, want)
				}
			}
		}
	}
}

// recordIDs returns the IDs a route's ":id" takes for the acting role's own
// record and someone else's. Each resource with record routes adds its
// fixture here.
func (p *people) recordIDs(t *testing.T, path, role string) (own, other string) {
	t.Helper()
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	switch {
	case strings.HasPrefix(path, "/admin/users/"):
		self := p.ids[role]
		if role == "anonymous" {
			self = p.ids["member"]
		}
		return id(self), id(p.ids["target"])
	case strings.HasPrefix(path, "/agreements/"):
		f := p.registerFixture(t)
		return id(f.agreements[0]), id(f.agreements[1])
	case strings.HasPrefix(path, "/clauses/"):
		f := p.registerFixture(t)
		return id(f.clauses[0]), id(f.clauses[1])
	case strings.HasPrefix(path, "/parties/"):
		f := p.partyTaxonomyFixture(t)
		return id(f.parties[0]), id(f.parties[1])
	case strings.HasPrefix(path, "/taxonomy/"):
		f := p.partyTaxonomyFixture(t)
		return id(f.categories[0]), id(f.categories[1])
	case strings.HasPrefix(path, "/deals/"), strings.HasPrefix(path, "/deal-attachments/"):
		return p.dealRecordIDs(t, path, role)
	case strings.HasPrefix(path, "/reviews/"):
		r := id(p.reviewFixture(t))
		return r, r
	case strings.HasPrefix(path, "/notifications/"):
		return p.notificationRecordIDs(t, role)
	case strings.HasPrefix(path, "/exports/"):
		// Prepared exports belong to whoever prepared them: these are nobody's.
		return "1", "2"
	case strings.HasPrefix(path, "/audit/"):
		// Audit events have no owner: the first two events behave alike.
		return "1", "2"
	case strings.HasPrefix(path, "/documents/"):
		// Removing a document is not undone, so each call gets fresh ones.
		f := p.registerFixture(t)
		return id(p.newDocument(t, f.agreements[0])), id(p.newDocument(t, f.agreements[1]))
	}
	t.Fatalf("no record fixture for %s: add one to people.recordIDs", path)
	return "", ""
}

// registerRecords are register records the matrix acts on: two of each, so
// "own" and "other" differ (register records have no owner: both behave alike).
type registerRecords struct {
	agreements, clauses []int64
}

func (p *people) admin(t *testing.T) *dealgate.User {
	t.Helper()
	u, err := postgres.NewUsers(p.app.db).ByID(context.Background(), p.ids["admin"])
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (p *people) registerFixture(t *testing.T) registerRecords {
	t.Helper()
	if p.register != nil {
		return *p.register
	}
	ctx, reg, admin := context.Background(), postgres.NewRegister(p.app.db), p.admin(t)
	party, err := reg.CreateParty(ctx, admin, dealgate.PartyInput{Name: "Fixture Cloud", Kind: dealgate.PartyCloudProvider})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := reg.StartTaxonomyDraft(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := reg.CreateCategory(ctx, admin, dealgate.CategoryInput{Key: "fixture-apis", Name: "Fixture APIs", Definition: "APIs used by the access matrix test."})
	if err != nil {
		t.Fatal(err)
	}
	draft, err = reg.StartTaxonomyDraft(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.PublishTaxonomy(ctx, admin, draft.Version, "Fixture taxonomy"); err != nil {
		t.Fatal(err)
	}
	f := registerRecords{}
	for i := range 2 {
		a, err := reg.CreateAgreement(ctx, admin, dealgate.AgreementInput{
			Title: fmt.Sprintf("Fixture agreement %d", i), PartyID: party.ID, Kind: dealgate.AgreementPartnership,
			Binding: true, Status: dealgate.StatusActive,
		})
		if err != nil {
			t.Fatal(err)
		}
		cl, err := reg.CreateClause(ctx, admin, a.ID, dealgate.ClauseInput{
			Kind: dealgate.ClauseExclusivity, BeneficiaryID: party.ID, CategoryIDs: []int64{cat.ID},
			Scope: dealgate.RestrictAny, Worldwide: true, Section: "4.2", Text: "Fixture exclusivity.",
		})
		if err != nil {
			t.Fatal(err)
		}
		f.agreements = append(f.agreements, a.ID)
		f.clauses = append(f.clauses, cl.ID)
	}
	p.register = &f
	return f
}

// partyTaxonomyRecords are two parties and two leaf categories of an open
// taxonomy draft, made once after the register fixture (whose published
// version the draft starts from).
type partyTaxonomyRecords struct {
	parties, categories []int64
}

func (p *people) partyTaxonomyFixture(t *testing.T) partyTaxonomyRecords {
	t.Helper()
	if p.partyTax != nil {
		return *p.partyTax
	}
	p.registerFixture(t)
	ctx, reg, counsel := context.Background(), postgres.NewRegister(p.app.db), p.user(t, "counsel")
	f := partyTaxonomyRecords{}
	for i := range 2 {
		party, err := reg.CreateParty(ctx, counsel, dealgate.PartyInput{Name: fmt.Sprintf("Matrix Party %d", i), Kind: dealgate.PartyReseller})
		if err != nil {
			t.Fatal(err)
		}
		cat, err := reg.CreateCategory(ctx, counsel, dealgate.CategoryInput{Name: fmt.Sprintf("Matrix category %d", i), Definition: "A leaf category the access matrix acts on."})
		if err != nil {
			t.Fatal(err)
		}
		f.parties = append(f.parties, party.ID)
		f.categories = append(f.categories, cat.ID)
	}
	p.partyTax = &f
	return f
}

func (p *people) user(t *testing.T, role string) *dealgate.User {
	t.Helper()
	u, err := postgres.NewUsers(p.app.db).ByID(context.Background(), p.ids[role])
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (p *people) newDocument(t *testing.T, agreementID int64) int64 {
	t.Helper()
	d, err := postgres.NewRegister(p.app.db).AddDocument(context.Background(), p.admin(t), agreementID, "terms.txt", strings.NewReader("Plain text terms."))
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func wantStatus(g grant, role, method, record string) int {
	e, allowed := g[role]
	switch {
	case role == "anonymous" && method == http.MethodGet:
		return http.StatusSeeOther
	case role == "anonymous":
		return http.StatusUnauthorized
	case !allowed:
		return http.StatusForbidden
	case record == "other":
		return e.other
	case record == "none":
		return e.none
	}
	return e.own
}

func (p *people) call(t *testing.T, role, method, path string) int {
	t.Helper()
	c := p.clients[role]
	if method == http.MethodGet {
		return p.app.getWith(c, path).StatusCode
	}
	tokenPage := "/account"
	if role == "anonymous" {
		tokenPage = "/sign-in"
	}
	return p.app.postForm(c, path, url.Values{}, tokenPage).StatusCode
}
