package server_test

import "context"
import "strconv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// The deal routes in the access matrix. A deal's "own" record is one the
// role may see: counsel's own draft, and for everyone else a deal another
// counsel submitted; "other" is another counsel's draft, which nobody but
// its author sees (404, so drafts do not reveal that they exist). The
// shared and submitted-by-other-counsel cases are in TestDealVisibility.
func init() {
	counselOnly := func(e expect) grant { return grant{"counsel": e} }
	seen := expect{ok, notFound, notFound}
	for k, g := range map[string]grant{
		"GET /deals":                        everyone(same(ok)),
		"GET /deals/new":                    counselOnly(same(ok)),
		"POST /deals":                       counselOnly(same(invalid)),
		"GET /deals/parties":                counselOnly(same(ok)),
		"POST /deals/check":                 counselOnly(same(ok)),
		"GET /deals/:id":                    everyone(seen),
		"GET /deals/:id/edit":               counselOnly(seen),
		"POST /deals/:id/edit":              counselOnly(expect{redirect, notFound, notFound}),
		"GET /deals/:id/revise":             counselOnly(expect{redirect, notFound, notFound}),
		"POST /deals/:id/revise":            counselOnly(expect{redirect, notFound, notFound}),
		"GET /deals/:id/versions":           {"admin": seen, "chair": seen, "member": seen, "auditor": seen, "counsel": {redirect, notFound, notFound}},
		"GET /deals/:id/withdraw":           counselOnly(seen),
		"POST /deals/:id/withdraw":          counselOnly(expect{redirect, notFound, notFound}),
		"GET /deals/:id/delete":             counselOnly(seen),
		"POST /deals/:id/delete":            counselOnly(expect{redirect, notFound, notFound}),
		"POST /deals/:id/share":             counselOnly(expect{invalid, notFound, notFound}),
		"POST /deals/:id/unshare":           counselOnly(expect{redirect, notFound, notFound}),
		"POST /deals/:id/attachments":       counselOnly(expect{invalid, notFound, notFound}),
		"GET /deal-attachments/:id":         everyone(seen),
		"GET /deal-attachments/:id/remove":  counselOnly(seen),
		"POST /deal-attachments/:id/remove": counselOnly(expect{redirect, notFound, notFound}),
	} {
		matrix[k] = g
	}
}

// dealRecords are the deals the matrix acts on: the matrix counsel's draft,
// and another counsel's draft and submitted deal.
type dealRecords struct {
	own, otherDraft, otherSubmitted int64
	other                           *dealgate.User
	counsel                         *dealgate.User
}

func (p *people) dealFixture(t *testing.T) dealRecords {
	t.Helper()
	if p.deals != nil {
		return *p.deals
	}
	p.registerFixture(t)
	ctx := context.Background()
	svc := postgres.NewDeals(p.app.db, postgres.NewRegister(p.app.db))
	other, err := postgres.NewUsers(p.app.db).CreateUserWithPassword(ctx, dealgate.NewUser{
		Name: "Other Counsel", Email: "other-counsel@example.com", Roles: []dealgate.Role{dealgate.RoleCounsel}, TimeZone: "Europe/London",
	}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	f := dealRecords{other: other, counsel: p.user(t, "counsel")}
	mk := func(u *dealgate.User, n int, submit bool) int64 {
		d, err := svc.CreateDraft(ctx, u, "matrix-deal-token-"+strconv.Itoa(n)+"-000000", dealgate.DealInput{Title: "Matrix deal " + strconv.Itoa(n)})
		if err != nil {
			t.Fatal(err)
		}
		if submit {
			in := matrixDealInput(t, p)
			if _, err := svc.Submit(ctx, u, d.ID, d.Version, in); err != nil {
				t.Fatalf("submit fixture deal: %v %v", err, dealgate.ErrorFields(err))
			}
		}
		return d.ID
	}
	f.own, f.otherDraft, f.otherSubmitted = mk(f.counsel, 1, false), mk(other, 2, false), mk(other, 3, true)
	p.deals = &f
	return f
}

// matrixDealInput is a complete deal over the register fixture.
func matrixDealInput(t *testing.T, p *people) dealgate.DealInput {
	t.Helper()
	var cat int64
	if err := p.app.db.Pool.QueryRow(context.Background(), `SELECT id FROM category WHERE key = 'fixture-apis'`).Scan(&cat); err != nil {
		t.Fatal(err)
	}
	return dealgate.DealInput{
		Title: "Submitted matrix deal", Counterparty: "Fixture Cloud", CategoryIDs: []string{strconv.FormatInt(cat, 10)},
		Description: "Covers hosting.", Rationale: "Redundancy.", Value: "100", Currency: "USD", TermStart: "2090-01-01",
		TermEnd: "2091-01-01", Worldwide: true, NegotiationStart: "2089-06-01", Sponsor: "Sponsor",
	}
}

func (p *people) dealRecordIDs(t *testing.T, path, role string) (own, other string) {
	t.Helper()
	f := p.dealFixture(t)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	mine := f.otherSubmitted
	if role == "counsel" {
		mine = f.own
	}
	if strings.HasPrefix(path, "/deal-attachments/") {
		// Removing an attachment is not undone, so each call gets fresh ones.
		return id(p.newDealAttachment(t, mine, role)), id(p.newDealAttachment(t, f.otherDraft, "other"))
	}
	return id(mine), id(f.otherDraft)
}

func (p *people) newDealAttachment(t *testing.T, dealID int64, role string) int64 {
	t.Helper()
	f := *p.deals
	author := f.other
	if role == "counsel" {
		author = f.counsel
	}
	svc := postgres.NewDeals(p.app.db, postgres.NewRegister(p.app.db))
	p.attachments++
	a, err := svc.AddAttachment(context.Background(), author, dealID, "matrix-attachment-"+strconv.Itoa(p.attachments)+"-0000000", "terms.txt", strings.NewReader("Plain text terms."))
	if err != nil {
		t.Fatalf("attachment on deal %d: %v", dealID, err)
	}
	return a.ID
}
