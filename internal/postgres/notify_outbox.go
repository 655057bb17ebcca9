package postgres

import "context"
import "errors"
import "fmt"

import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Outbox is the mail worker's side of the outbox. Each mail has one River
// job (queued with it, notify.go); River hands a job to one worker at a
// time across every instance. Delivery is start → send → mark: Start
// commits state 'sending' before anything is sent, and a mail found
// 'sending' is never sent again: if a process dies mid-send, River runs
// the job again, and the mail is recorded failed instead of risking a
// second copy. Delivery is at most once.
type Outbox struct {
	DB *DB
}

// NewOutbox returns the outbox on db.
func NewOutbox(db *DB) *Outbox { return &Outbox{DB: db} }

// OutboundMail is a mail being sent. Link is a path in the app (opened
// from its sealed form), or "".
type OutboundMail struct {
	ID                        int64
	To, ToName, Subject, Body string
	Link                      string
	Attempts                  int
}

// ErrMailInterrupted reports a mail an earlier attempt started sending and
// never reported on: it is recorded failed, not sent again.
var ErrMailInterrupted = errors.New("an earlier attempt was interrupted while sending; not sent again (at most once)")

// Start marks mail id as being sent and returns it. ok is false when there
// is nothing to send: the mail was sent or given up already. A mail left
// 'sending' by an interrupted attempt is recorded failed and reported as
// ErrMailInterrupted.
func (o *Outbox) Start(ctx context.Context, id int64) (m OutboundMail, ok bool, err error) {
	type started struct {
		m               OutboundMail
		ok, interrupted bool
	}
	s, err := inTx(ctx, o.DB, func(tx *Tx) (started, error) {
		r, err := tx.Q.StartMailSend(ctx, id)
		if isNotFound(err) {
			// Recorded, then reported once the record commits.
			n, err := tx.Q.MarkMailInterrupted(ctx, sqlc.MarkMailInterruptedParams{ID: id, LastError: ErrMailInterrupted.Error()})
			return started{interrupted: n == 1}, err
		}
		if err != nil {
			return started{}, fmt.Errorf("start mail %d: %w", id, err)
		}
		m := OutboundMail{ID: r.ID, To: r.ToAddress, ToName: r.ToName, Subject: r.Subject, Body: r.Body, Attempts: int(r.Attempts)}
		if r.Link != nil {
			if m.Link, err = tx.openSecret(mailLinkColumn, r.ID, *r.Link); err != nil {
				return started{}, err
			}
		}
		return started{m: m, ok: true}, nil
	})
	if err == nil && s.interrupted {
		err = ErrMailInterrupted
	}
	return s.m, s.ok, err
}

// Sent marks a mail sent and forgets its body and link.
func (o *Outbox) Sent(ctx context.Context, m OutboundMail) error {
	_, err := inTx(ctx, o.DB, func(tx *Tx) (int64, error) {
		return tx.Q.MarkMailSent(ctx, sqlc.MarkMailSentParams{Now: &tx.Now, ID: m.ID})
	})
	return err
}

// Failed records a failed send: the mail goes back to pending for River to
// retry, or is given up as 'failed' when giveUp.
func (o *Outbox) Failed(ctx context.Context, m OutboundMail, sendErr error, giveUp bool) error {
	state := "pending"
	if giveUp {
		state = "failed"
	}
	msg := sendErr.Error()
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	_, err := inTx(ctx, o.DB, func(tx *Tx) (int64, error) {
		return tx.Q.MarkMailFailed(ctx, sqlc.MarkMailFailedParams{State: state, LastError: msg, ID: m.ID})
	})
	return err
}
