package postgres_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// TestCommitteePagesFollowChangesOnEveryInstance: the dashboard and the
// review list are cached per instance under the deal list stamp; a vote or
// a declared interest made through one instance shows on the other's next
// read, though neither changes a deal.
func TestCommitteePagesFollowChangesOnEveryInstance(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	other := postgres.NewReviews(e.db, postgres.NewDeals(e.db, postgres.NewRegister(e.db)))
	d := e.submittedBy(t, e.counsel, "NWS", 1)
	r := e.open(t, d)
	pending := func(svc *postgres.Reviews, u *dealgate.User) int {
		t.Helper()
		dash, err := svc.Dashboard(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		page, err := svc.ListReviews(e.ctx, u, dealgate.ReviewFilter{Pending: true})
		if err != nil || page.Total != len(dash.Pending) {
			t.Fatalf("list of pending votes: %d, dashboard %d (%v)", page.Total, len(dash.Pending), err)
		}
		return len(dash.Pending)
	}
	for _, svc := range []*postgres.Reviews{e.reviews, other} {
		for _, u := range []*dealgate.User{e.m1, e.m2} {
			if n := pending(svc, u); n != 1 {
				t.Fatalf("%s: %d pending votes before any change, want 1", u.Email, n)
			}
		}
	}
	// Read twice: the second read is the cached page.
	if pending(other, e.m1) != 1 {
		t.Fatal("the cached page changed by itself")
	}
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteApprove)); err != nil {
		t.Fatal(err)
	}
	if n := pending(other, e.m1); n != 0 {
		t.Errorf("the other instance still shows m1's vote as pending (%d)", n)
	}
	// A declared interest in the counterparty recuses m2.
	if _, err := e.reviews.Declare(e.ctx, e.m2, "NWS", ""); err != nil {
		t.Fatal(err)
	}
	if n := pending(other, e.m2); n != 0 {
		t.Errorf("the other instance still asks recused m2 to vote (%d)", n)
	}
}
