package server_test

import "context"
import "net/http"
import "testing"

import "github.com/dealgate/dealgate/internal/postgres"

// The committee review's routes in the access matrix. Reviews have no
// owner: everyone who sees reviews sees each of them, so "own" and "other"
// are the same review (on another counsel's submitted deal, with the
// matrix's chair and member assigned). Empty POSTs are refused without a
// change: a missing field (422), a missing version (303 with a flash, or
// 409 for the settings form, which shows the saved rules again).
func init() {
	const conflict = http.StatusConflict
	seen := expect{ok, ok, notFound}
	committee := func(e expect) grant { return grant{"chair": e, "member": e} }
	for k, g := range map[string]grant{
		"GET /committee":                   {"admin": same(ok), "chair": same(ok), "member": same(ok), "auditor": same(ok)},
		"GET /committee/reviews":           {"admin": same(ok), "chair": same(ok), "member": same(ok), "auditor": same(ok)},
		"GET /committee/settings":          {"admin": same(ok)},
		"POST /committee/settings":         {"admin": same(conflict)},
		"GET /committee/interests":         committee(same(ok)),
		"POST /committee/interests":        committee(same(invalid)),
		"POST /committee/interests/remove": committee(same(redirect)),
		"GET /deals/:id/review":            {"chair": expect{ok, notFound, notFound}},
		"POST /deals/:id/review":           {"chair": expect{redirect, notFound, notFound}},
		"POST /deals/:id/negotiation":      {"counsel": expect{redirect, notFound, notFound}},
		"GET /reviews/:id":                 {"admin": seen, "chair": seen, "member": seen, "auditor": seen},
		"POST /reviews/:id/vote":           committee(expect{invalid, invalid, notFound}),
		"POST /reviews/:id/recuse":         committee(expect{invalid, invalid, notFound}),
		"POST /reviews/:id/decide":         {"chair": expect{redirect, redirect, notFound}},
		"POST /reviews/:id/comments":       committee(expect{invalid, invalid, notFound}),
		"POST /reviews/:id/information":    {"chair": expect{invalid, invalid, notFound}},
		// Without a request to answer there is nothing at the address.
		"GET /deals/:id/answer":  {"counsel": same(notFound)},
		"POST /deals/:id/answer": {"counsel": same(notFound)},
	} {
		matrix[k] = g
	}
}

// reviewFixture opens a review of another counsel's submitted deal.
func (p *people) reviewFixture(t *testing.T) int64 {
	t.Helper()
	if p.review != 0 {
		return p.review
	}
	f := p.dealFixture(t)
	ctx := context.Background()
	deals := postgres.NewDeals(p.app.db, postgres.NewRegister(p.app.db))
	d, err := deals.Deal(ctx, f.other, f.otherSubmitted)
	if err != nil {
		t.Fatal(err)
	}
	r, err := postgres.NewReviews(p.app.db, deals).OpenReview(ctx, p.user(t, "chair"), d.ID, d.Version, "")
	if err != nil {
		t.Fatalf("open review: %v", err)
	}
	p.review = r.ID
	return r.ID
}
