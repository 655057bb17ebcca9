package postgres

// Queuing background work: River jobs inserted in the transaction that
// makes the change, so the job exists exactly when the change commits.
// The workers are in internal/jobs.

import "context"
import "fmt"

import "github.com/jackc/pgx/v5"
import "github.com/jackc/pgx/v5/pgxpool"
import "github.com/riverqueue/river"
import "github.com/riverqueue/river/riverdriver/riverpgxv5"
import "github.com/riverqueue/river/rivertype"

import "github.com/dealgate/dealgate/internal/dealgate"

// MailJob sends one mail of the outbox.
type MailJob struct {
	MailID int64 `json:"mail_id"`
}

// Kind names the job in River.
func (MailJob) Kind() string { return "mail_send" }

// InsertOpts bounds the retries of a mail that cannot be sent.
func (MailJob) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: MaxMailAttempts} }

// RescreenJob re-screens the open deals after a register change: the
// first change of a burst; later ones find it pending and add nothing.
type RescreenJob struct {
	RegisterChange int64 `json:"register_change"`
}

// Kind names the job in River.
func (RescreenJob) Kind() string { return "rescreen" }

// RescreenQueue is the re-screening jobs' own River queue, so that a long
// re-screen never holds up mail.
const RescreenQueue = "screening"

// InsertOpts make the job unique among the ones not yet finished: a burst
// of register changes queues one re-screen. A change committed while it
// runs is caught by the job itself (see Screenings.Rescreen).
func (RescreenJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: RescreenQueue, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateScheduled, rivertype.JobStateRetryable,
	}}}
}

// newJobInserter is an insert-only River client on pool: it queues jobs in
// the store's transactions and works none.
func newJobInserter(pool *pgxpool.Pool) (*river.Client[pgx.Tx], error) {
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("river insert client: %w", err)
	}
	return c, nil
}

// enqueue queues args in the transaction.
func (tx *Tx) enqueue(ctx context.Context, args river.JobArgs) error {
	if _, err := tx.jobs.InsertTx(ctx, tx.Tx, args, nil); err != nil {
		return fmt.Errorf("queue %s job: %w", args.Kind(), err)
	}
	return nil
}

// outsideRegister are the audit entity types whose changes never touch the
// register: a transaction that audited only these skips the counter check
// below, a round trip on every vote, deal edit and sign-in. Every register
// change is audited under a register entity type (a deal proposing a new
// counterparty audits the party too).
var outsideRegister = map[string]bool{
	dealgate.EntityDeal: true, dealgate.EntityDealAttachment: true, dealgate.EntityReview: true,
	dealgate.EntityCommitteeRules: true, dealgate.EntityInterests: true, dealgate.EntityUser: true,
	"auth": true, "audit": true, "prepared_export": true, "report": true, "secrets": true,
}

// queueRescreenIfRegisterChanged queues the re-screening of the open deals
// when the transaction changed the register (a trigger bumps the counter
// and notes the transaction). Called before commit for transactions that
// audited something that may be in the register.
func (tx *Tx) queueRescreenIfRegisterChanged(ctx context.Context) error {
	rc, err := tx.Q.RegisterChangeCounter(ctx)
	if err != nil {
		return fmt.Errorf("register change counter: %w", err)
	}
	if !rc.XactMine {
		return nil
	}
	return tx.enqueue(ctx, RescreenJob{RegisterChange: rc.Counter})
}

// QueueRescreen queues the re-screening of the open deals, for register
// changes made outside the store (bulk loads by SQL), which queue none.
func (db *DB) QueueRescreen(ctx context.Context) error {
	return db.InTx(ctx, func(tx *Tx) error {
		rc, err := tx.Q.RegisterChangeCounter(ctx)
		if err != nil {
			return fmt.Errorf("register change counter: %w", err)
		}
		return tx.enqueue(ctx, RescreenJob{RegisterChange: rc.Counter})
	})
}
