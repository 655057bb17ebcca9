package postgres

import "context"
import "fmt"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Votes.
//
// A vote is the committee's most frequent change, and sixteen members may
// vote on one review at once. Every other change to a review locks its deal
// exclusively (lockReview); a vote takes the deal's lock in share mode
// (LockReviewDealShared) and the voter's own assignment row exclusively
// (LockVoter). So votes of different members run side by side, while one
// member's votes and recusal, and every decision, recusal, new version or
// withdrawal of the deal, are still serialised with each vote: a decision
// waits for the votes in flight and counts them, and a vote that waited for
// a decision or a new version reads the review and the deal after it.
//
// A vote reads only what it checks (VoterState: one statement after the
// locks), not the whole review state with its tally: the tally is the
// decision's business, and it re-reads it under its exclusive lock.

// Vote records or changes actor's vote in an open review, on the deal's
// current version.
// Errors: EUNAUTHORIZED, EFORBIDDEN (not assigned, recused, the submitter),
// ENOTFOUND, EINVALID (fields; the review is decided).
func (s *Reviews) Vote(ctx context.Context, actor *dealgate.User, reviewID int64, in dealgate.VoteInput) (dealgate.Vote, error) {
	return authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewVote, func(tx *Tx) (dealgate.Vote, error) {
		st, err := s.lockVoter(ctx, tx, actor, reviewID)
		if err != nil {
			return dealgate.Vote{}, err
		}
		if err := dealgate.AuthorizeVote(actor, &st.me, st.reviewState); err != nil {
			return dealgate.Vote{}, err
		}
		in, err := in.Validate()
		if err != nil {
			return dealgate.Vote{}, err
		}
		v := dealgate.Vote{UserID: actor.ID, Name: actor.Name, DealVersion: st.dealVersion, VoteInput: in, CastAt: tx.Now, UpdatedAt: tx.Now}
		e := dealgate.AuditEvent{Action: "review.vote_cast", EntityType: dealgate.EntityReview, EntityID: idString(reviewID), After: voteSnapshot(v)}
		if st.before != nil {
			e.Action, e.Before = "review.vote_changed", voteSnapshot(*st.before)
		}
		e = eventBy(actor, e)
		row, err := tx.auditRow(ctx, e)
		if err != nil {
			return dealgate.Vote{}, err
		}
		// The vote and its audit event in one round trip.
		err = tx.Q.UpsertVoteAudited(ctx, sqlc.UpsertVoteParams{
			ReviewID: reviewID, UserID: actor.ID, DealVersion: int32(st.dealVersion), Choice: string(in.Choice),
			Conditions: in.Conditions, Rationale: in.Rationale, Now: tx.Now,
		}, row)
		if err != nil {
			return dealgate.Vote{}, fmt.Errorf("vote: %w", err)
		}
		tx.noteAudited(e)
		return v, nil
	})
}

// voterState is what a vote checks: the voter as a member of the review,
// the review's state, the deal's current version and the voter's vote so
// far (nil before their first).
type voterState struct {
	me          dealgate.ReviewMember
	reviewState dealgate.ReviewState
	dealVersion int
	before      *dealgate.Vote
}

// lockVoter takes a vote's locks (the deal's in share mode, then the
// voter's assignment) and reads the voter's state after them, pipelined.
func (s *Reviews) lockVoter(ctx context.Context, tx *Tx, actor *dealgate.User, reviewID int64) (voterState, error) {
	// The two locks and the read after them, in one round trip.
	l, err := tx.Q.LockVoterAndState(ctx, reviewID, actor.ID)
	switch {
	case err != nil:
		return voterState{}, err
	case !l.DealFound:
		return voterState{}, notFound("review")
	case !l.MemberFound:
		return voterState{}, tx.notAVoter(ctx, actor, reviewID)
	case !l.StateFound:
		return voterState{}, notFound("review")
	}
	m, r := l.Member, l.State
	rel := dealgate.DealRelation{Status: dealgate.DealStatus(r.Status), Author: r.AuthorID == actor.ID, Share: dealgate.ShareAccess(r.ShareAccess)}
	if err := dealgate.AuthorizeDeal(actor, rel, dealgate.DealRead); err != nil {
		return voterState{}, orNotFound(err, "review")
	}
	st := voterState{reviewState: dealgate.ReviewState(r.State), dealVersion: int(r.CurrentVersion),
		me: dealgate.ReviewMember{UserID: actor.ID, Name: actor.Name, SelfRecused: m.RecusedAt != nil, Reason: m.RecusalReason,
			Submitter: r.AuthorID == actor.ID}}
	if r.VoteDealVersion != nil {
		st.before = &dealgate.Vote{UserID: actor.ID, Name: actor.Name, DealVersion: int(*r.VoteDealVersion),
			VoteInput: dealgate.VoteInput{Choice: dealgate.VoteChoice(r.VoteChoice), Conditions: r.VoteConditions, Rationale: r.VoteRationale}}
	}
	if r.Declared {
		if st.me.DeclaredParties, err = s.declaredInFamily(ctx, tx, actor.ID, r.DealID); err != nil {
			return st, err
		}
		st.me.Declared = len(st.me.DeclaredParties) > 0
	}
	return st, nil
}

// notAVoter is the error for a vote by someone not assigned to the review:
// the review's own error if they may not see it, else EFORBIDDEN.
func (tx *Tx) notAVoter(ctx context.Context, actor *dealgate.User, reviewID int64) error {
	if _, err := tx.reviewState(ctx, actor, reviewID); err != nil {
		return err
	}
	return dealgate.Errorf(dealgate.EFORBIDDEN, "You are not assigned to this review.")
}

// declaredInFamily returns the parties user declared an interest in that
// are in the corporate family of the deal's current counterparty.
func (s *Reviews) declaredInFamily(ctx context.Context, tx *Tx, userID, dealID int64) ([]string, error) {
	d, err := tx.deal(ctx, dealID)
	if err != nil || d.Content.Counterparty == nil {
		return nil, err
	}
	decl, err := tx.Q.DeclarationsOfUsers(ctx, []int64{userID})
	if err != nil {
		return nil, fmt.Errorf("declarations: %w", err)
	}
	declared := map[int64]string{}
	for _, x := range decl {
		declared[x.PartyID] = x.PartyName
	}
	family, err := s.familyIDs(ctx, tx, d.Content.Counterparty.ID)
	if err != nil {
		return nil, err
	}
	return dealgate.TouchesFamily(declared, family), nil
}
