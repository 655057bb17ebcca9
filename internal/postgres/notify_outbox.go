package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dealgate/dealgate/internal/postgres/sqlc"
)

// Outbox is the mail job's side of the outbox. Delivery is claim → send →
// mark: Claim commits state 'sending' before anything is sent, so no other
// instance takes the row (FOR UPDATE SKIP LOCKED skips rows being claimed,
// and a claimed row is no longer pending). Sent marks it only for the claim
// that sent it. If a process dies between sending and marking, the claim
// goes stale after five minutes and the mail is sent again: delivery is at
// least once, and that window is one SMTP conversation plus one UPDATE.
type Outbox struct {
	DB *DB
}

// NewOutbox returns the outbox on db.
func NewOutbox(db *DB) *Outbox { return &Outbox{DB: db} }

// OutboundMail is a claimed mail. Link is a path in the app (opened from
// its sealed form), or "".
type OutboundMail struct {
	ID                        int64
	To, ToName, Subject, Body string
	Link                      string
	Attempts                  int
	claimedAt                 *time.Time
}

// Claim claims up to max mails that are due (and mails whose claim went
// stale) and commits the claim.
func (o *Outbox) Claim(ctx context.Context, max int) ([]OutboundMail, error) {
	return inTx(ctx, o.DB, func(tx *Tx) ([]OutboundMail, error) {
		rows, err := tx.Q.ClaimMail(ctx, sqlc.ClaimMailParams{Now: &tx.Now, StaleBefore: tx.Now.Add(-mailStaleAfter), MaxRows: int32(max)})
		if err != nil {
			return nil, fmt.Errorf("claim mail: %w", err)
		}
		out := make([]OutboundMail, 0, len(rows))
		for _, r := range rows {
			m := OutboundMail{ID: r.ID, To: r.ToAddress, ToName: r.ToName, Subject: r.Subject, Body: r.Body,
				Attempts: int(r.Attempts), claimedAt: r.ClaimedAt}
			if r.Link != nil {
				if m.Link, err = tx.openSecret(mailLinkColumn, r.ID, *r.Link); err != nil {
					return nil, err
				}
			}
			out = append(out, m)
		}
		return out, nil
	})
}

// Sent marks a claimed mail sent and forgets its body and link. It reports
// false when the claim had gone stale and another instance took the mail
// over (which will then send it again: the at-least-once edge).
func (o *Outbox) Sent(ctx context.Context, m OutboundMail) (bool, error) {
	return inTx(ctx, o.DB, func(tx *Tx) (bool, error) {
		n, err := tx.Q.MarkMailSent(ctx, sqlc.MarkMailSentParams{Now: &tx.Now, ID: m.ID, ClaimedAt: m.claimedAt})
		return n == 1, err
	})
}

// Failed records a failed send: the mail is tried again after a backoff
// that doubles from one minute up to an hour, and given up as 'failed'
// after MaxMailAttempts. It reports whether it gave up.
func (o *Outbox) Failed(ctx context.Context, m OutboundMail, sendErr error) (bool, error) {
	return inTx(ctx, o.DB, func(tx *Tx) (bool, error) {
		state, giveUp := "pending", m.Attempts >= MaxMailAttempts
		if giveUp {
			state = "failed"
		}
		msg := sendErr.Error()
		if len(msg) > 1000 {
			msg = msg[:1000]
		}
		_, err := tx.Q.MarkMailFailed(ctx, sqlc.MarkMailFailedParams{State: state, NextAttemptAt: tx.Now.Add(mailBackoff(m.Attempts)),
			LastError: msg, ID: m.ID, ClaimedAt: m.claimedAt})
		return giveUp, err
	})
}
