package postgres

import "context"
import "fmt"
import "log/slog"
import "sync"
import "sync/atomic"
import "time"

// Sealing (migration 000028). An audit event commits unsealed; the sealer
// then links committed events into the chain in batches, one sealer at a
// time across instances (it waits for the chain head's row lock). Every
// process that opens a DB runs one: InTx wakes it after each commit that
// wrote an audit event, and it sweeps every SealInterval for events whose
// writer stopped before sealing them (a crash between commit and seal), so
// any instance seals any instance's events. DB.Close seals what is left.
//
// Sealing is delayed only by transactions that began before the event's own
// and are still running in this database: the chain's order is the writers'
// transaction IDs, and an older transaction that might still commit an event
// holds back everything after it rather than be skipped.

const (
	// sealBatch is the most events one sealing transaction links.
	sealBatch = 5000
	// SealInterval is how often each process sweeps for unsealed events
	// when nothing wakes it.
	SealInterval = time.Second
	// sealRetry is the wait before trying again when committed events are
	// held back by an older transaction still running.
	sealRetry = 5 * time.Millisecond
	// sealCloseTimeout bounds the final sealing when a DB closes.
	sealCloseTimeout = 5 * time.Second
)

// SealResult says what a sealing pass did.
type SealResult struct {
	Sealed int64 // events linked into the chain by this pass
	// Waiting reports committed events left unsealed: they wait for an older
	// transaction that is still running.
	Waiting bool
}

// SealAudit links every committed event that can be sealed now into the
// chain, in batches, and reports whether committed events still wait. It is
// safe to call from any number of processes at once. Exports and checkpoints
// call it so they cover what was written just before them.
func (db *DB) SealAudit(ctx context.Context) (SealResult, error) {
	var res SealResult
	for {
		var n int64
		if err := db.Pool.QueryRow(ctx, `SELECT sealed, waiting FROM audit_seal_pending($1)`, sealBatch).Scan(&n, &res.Waiting); err != nil {
			return res, translate(fmt.Errorf("seal audit events: %w", err))
		}
		res.Sealed += n
		if n < sealBatch {
			return res, nil
		}
	}
}

// WaitAuditSealed seals until no committed event waits, or ctx ends: when an
// older transaction is still running, it waits for it.
func (db *DB) WaitAuditSealed(ctx context.Context) error {
	for {
		res, err := db.SealAudit(ctx)
		if err != nil || !res.Waiting {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(sealRetry):
		}
	}
}

// sealer is a DB's background sealing loop.
type sealer struct {
	db    *DB
	wake  chan struct{}
	dirty atomic.Bool // woken since the last pass that left nothing waiting
	stop  context.CancelFunc
	done  chan struct{}
	once  sync.Once
	log   *slog.Logger

	lastErr string
}

func startSealer(db *DB) *sealer {
	ctx, cancel := context.WithCancel(context.Background())
	s := &sealer{db: db, wake: make(chan struct{}, 1), stop: cancel, done: make(chan struct{}), log: slog.Default()}
	go s.run(ctx)
	return s
}

// nudge asks for a pass soon; it never blocks.
func (s *sealer) nudge() {
	s.dirty.Store(true)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *sealer) run(ctx context.Context) {
	defer close(s.done)
	t := time.NewTimer(SealInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-t.C:
		}
		wait := SealInterval
		if s.pass(ctx) {
			wait = sealRetry
		}
		t.Reset(wait)
	}
}

// pass seals once and reports whether to try again soon.
func (s *sealer) pass(ctx context.Context) bool {
	s.dirty.Store(false)
	res, err := s.db.SealAudit(ctx)
	if err != nil {
		if ctx.Err() == nil && err.Error() != s.lastErr {
			s.log.Error("audit sealing", "err", err)
		}
		s.lastErr = err.Error()
		return false
	}
	s.lastErr = ""
	if res.Waiting {
		s.dirty.Store(true)
	}
	return res.Waiting
}

// close stops the loop and, when this process wrote events that may not be
// sealed yet, seals them (within sealCloseTimeout).
func (s *sealer) close() {
	s.once.Do(func() {
		s.stop()
		<-s.done
		if !s.dirty.Load() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), sealCloseTimeout)
		defer cancel()
		if err := s.db.WaitAuditSealed(ctx); err != nil {
			s.log.Warn("audit sealing at close: events left for another instance to seal", "err", err)
		}
	})
}
