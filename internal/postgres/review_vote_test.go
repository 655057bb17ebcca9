package postgres_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// TestVoteRefusalsAndEvents covers what a vote's pipelined statements
// decide: a missing review is ENOTFOUND, someone not assigned is
// EFORBIDDEN, and a vote and its change each write one event in the same
// transaction as the vote.
func TestVoteRefusalsAndEvents(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	r := e.open(t, e.submittedBy(t, e.counsel, "NWS", 1))
	outsider := regUser(t, e.db, "outsider@example.test", dealgate.RoleMember)
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID+1000, vote(dealgate.VoteApprove)); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Fatalf("vote on a missing review: %v", err)
	}
	if _, err := e.reviews.Vote(e.ctx, outsider, r.ID, vote(dealgate.VoteApprove)); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Fatalf("vote by a member not assigned: %v", err)
	}
	if n := e.auditCount(t, "review.vote_cast"); n != 0 {
		t.Fatalf("%d vote events after refused votes", n)
	}
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteApprove)); err != nil {
		t.Fatal(err)
	}
	v, err := e.reviews.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteAbstain))
	if err != nil || v.Choice != dealgate.VoteAbstain {
		t.Fatalf("changed vote: %+v %v", v, err)
	}
	if c, ch := e.auditCount(t, "review.vote_cast"), e.auditCount(t, "review.vote_changed"); c != 1 || ch != 1 {
		t.Fatalf("events: %d cast, %d changed; want 1 and 1", c, ch)
	}
	// A refused change (conditions missing) writes neither vote nor event.
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, dealgate.VoteInput{Choice: dealgate.VoteApproveConditions, Rationale: "Fine."}); dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Fatalf("approval without conditions: %v", err)
	}
	if ch := e.auditCount(t, "review.vote_changed"); ch != 1 {
		t.Fatalf("%d change events after a refused change, want 1", ch)
	}
}
