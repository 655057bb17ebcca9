package postgres_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// TestConflictVerdictRequiresUnanimity: when the current version's screening
// verdict is a conflict and the rules say so, a simple majority no longer
// approves; the same votes approve a deal without a conflict.
func TestConflictVerdictRequiresUnanimity(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	r, _, err := e.reviews.Rules(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	f := r.Form()
	f.Quorum, f.Majority, f.ConflictUnanimous = "3", string(dealgate.MajoritySimple), true
	e.setRules(t, f)

	tally := func(verdict dealgate.ScreeningState, n int) dealgate.Tally {
		t.Helper()
		d := e.submittedBy(t, e.counsel, "Azurine", n)
		if _, err := e.db.Pool.Exec(e.ctx, `UPDATE deal_version SET screening_state = $1 WHERE deal_id = $2`, string(verdict), d.ID); err != nil {
			t.Fatal(err)
		}
		rv := e.open(t, d)
		for _, m := range []*dealgate.User{e.m1, e.m2} {
			if _, err := e.reviews.Vote(e.ctx, m, rv.ID, vote(dealgate.VoteApprove)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.reviews.Vote(e.ctx, e.m3, rv.ID, vote(dealgate.VoteFlag)); err != nil {
			t.Fatal(err)
		}
		o, err := e.reviews.Review(e.ctx, e.chair, rv.ID)
		if err != nil {
			t.Fatal(err)
		}
		return o.Tally
	}
	if got := tally(dealgate.ScreeningConflict, 1); !got.Conflict || got.Majority != dealgate.MajorityUnanimous || got.ApprovalMet {
		t.Errorf("conflict verdict: %+v, want unanimity required and not met", got)
	}
	if got := tally(dealgate.ScreeningCaution, 2); got.Conflict || got.Majority != dealgate.MajoritySimple || !got.ApprovalMet {
		t.Errorf("caution verdict: %+v, want a simple majority met", got)
	}
}
