package registerbench_test

import "context"
import "fmt"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// TestReviewListPlansUseIndexes checks that the review list's default sort
// and its common filters read the review indexes of migration 000020 (and
// 000013) instead of sorting every review.
func TestReviewListPlansUseIndexes(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := demo.LoadScale(ctx, db, demo.ScaleOptions{Parties: 300, Agreements: 300, Clauses: 600, Categories: 60,
		Deals: 20000, OpenReviews: 4000, DecidedReviews: 2000, CommitteeMembers: 8, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	rv := postgres.NewReviews(db, postgres.NewDeals(db, postgres.NewRegister(db)))
	lists := []struct {
		f     dealgate.ReviewFilter
		index string
	}{
		{dealgate.ReviewFilter{}, "review_due_idx"},
		{dealgate.ReviewFilter{State: dealgate.ReviewOpen}, "review_state_due_idx"},
		{dealgate.ReviewFilter{State: dealgate.ReviewOpen, Verdict: dealgate.ScreeningConflict}, "review_state_verdict_due_idx"},
		{dealgate.ReviewFilter{Sort: "opened", Desc: true}, "review_opened_idx"},
		{dealgate.ReviewFilter{State: dealgate.ReviewDecided, Sort: "decided", Desc: true}, "review_state_closed_idx"},
	}
	for _, l := range lists {
		plan, err := rv.ExplainListReviews(ctx, auditorReader, l.f, true)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(plan, "Seq Scan on review ") {
			t.Errorf("list %+v scans review sequentially:\n%s", l.f, plan)
		}
		if !strings.Contains(plan, l.index) {
			t.Errorf("list %+v does not use %s:\n%s", l.f, l.index, plan)
		}
		if testing.Verbose() {
			fmt.Printf("%+v\n%s\n\n", l.f, plan)
		}
	}
}
