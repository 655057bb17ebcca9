package sqlc

// Written by hand (sqlc generates the rest of this package, and leaves this
// file alone): generated queries sent together in one round trip.

import "context"
import "errors"
import "fmt"

import "github.com/jackc/pgx/v5"

// VoterLocks is what LockVoterAndState read; a Found flag is false where
// its statement matched no row.
type VoterLocks struct {
	DealFound, MemberFound, StateFound bool
	Member                             LockVoterRow
	State                              VoterStateRow
}

// LockVoterAndState runs LockReviewDealShared, LockVoter and VoterState in
// that order, pipelined in one round trip. Each is still a statement of its
// own, so under READ COMMITTED VoterState reads after both locks are held,
// as when they are sent one by one. q must be on a transaction.
func (q *Queries) LockVoterAndState(ctx context.Context, reviewID, userID int64) (VoterLocks, error) {
	var out VoterLocks
	found := func(flag *bool, err error) error {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		*flag = err == nil
		return err
	}
	b := &pgx.Batch{}
	b.Queue(lockReviewDealShared, reviewID).QueryRow(func(row pgx.Row) error {
		var id int64
		return found(&out.DealFound, row.Scan(&id))
	})
	b.Queue(lockVoter, reviewID, userID).QueryRow(func(row pgx.Row) error {
		i := &out.Member
		return found(&out.MemberFound, row.Scan(&i.RecusedAt, &i.RecusalReason))
	})
	b.Queue(voterState, userID, reviewID).QueryRow(func(row pgx.Row) error {
		i := &out.State
		return found(&out.StateFound, row.Scan(&i.State, &i.DealID, &i.Status, &i.AuthorID, &i.CurrentVersion,
			&i.ShareAccess, &i.Declared, &i.VoteDealVersion, &i.VoteChoice, &i.VoteConditions, &i.VoteRationale))
	})
	return out, q.sendBatch(ctx, b)
}

// UpsertVoteAudited runs UpsertVote and InsertAuditEvent (the vote's
// event), pipelined in one round trip. q must be on a transaction.
func (q *Queries) UpsertVoteAudited(ctx context.Context, vote UpsertVoteParams, event InsertAuditEventParams) error {
	b := &pgx.Batch{}
	b.Queue(upsertVote, vote.ReviewID, vote.UserID, vote.DealVersion, vote.Choice, vote.Conditions, vote.Rationale, vote.Now)
	b.Queue(insertAuditEvent, event.OccurredAt, event.ActorID, event.ActorLabel, event.Action, event.EntityType,
		event.EntityID, event.Before, event.After, event.RequestID, event.ClientIP).QueryRow(func(row pgx.Row) error {
		var id int64
		return row.Scan(&id)
	})
	return q.sendBatch(ctx, b)
}

// sendBatch sends b on q's transaction and reads every result.
func (q *Queries) sendBatch(ctx context.Context, b *pgx.Batch) error {
	sender, ok := q.db.(interface {
		SendBatch(context.Context, *pgx.Batch) pgx.BatchResults
	})
	if !ok {
		return fmt.Errorf("%T sends no batches", q.db)
	}
	return sender.SendBatch(ctx, b).Close()
}
