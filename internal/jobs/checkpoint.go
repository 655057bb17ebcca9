package jobs

import "context"
import "crypto/ed25519"
import "errors"
import "fmt"
import "log/slog"
import "sync"
import "time"

import "github.com/riverqueue/river"

import "github.com/dealgate/dealgate/internal/checkpoint"
import "github.com/dealgate/dealgate/internal/postgres"

// Checkpoints writes a signed checkpoint of the audit chain's head into
// Dir, when the head has moved since the last one it wrote. It verifies
// the whole chain first and never signs a broken one: the job fails
// instead, with an error worth an alert. It runs as a periodic River job
// (CheckpointJob): once per period across the instances, on whichever
// fetches it, so Dir is storage every instance shares.
type Checkpoints struct {
	DB  *postgres.DB
	Key ed25519.PrivateKey
	Dir string
	Now func() time.Time

	mu      sync.Mutex // one pass at a time
	lastSeq int64
	wrote   bool
}

// CheckpointJob is one checkpoint pass (a periodic job).
type CheckpointJob struct{}

// Kind names the job in River.
func (CheckpointJob) Kind() string { return "audit_checkpoint" }

// checkpointWorker works CheckpointJob with c; an instance that has no
// checkpoints configured fails the job, for a configured one to retry.
type checkpointWorker struct {
	river.WorkerDefaults[CheckpointJob]
	c   *Checkpoints
	log *slog.Logger
}

func (w *checkpointWorker) Timeout(*river.Job[CheckpointJob]) time.Duration { return 30 * time.Minute }

func (w *checkpointWorker) Work(ctx context.Context, _ *river.Job[CheckpointJob]) error {
	if w.c == nil {
		return errors.New("audit checkpoint: this instance has no DEALGATE_AUDIT_CHECKPOINT_DIR")
	}
	path, err := w.c.RunOnce(ctx)
	if err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	if path != "" {
		w.log.Info("audit checkpoint written", "path", path)
	}
	return nil
}

// RunOnce writes one checkpoint and returns its path, or "" when the head
// has not moved since the last one this job wrote.
func (c *Checkpoints) RunOnce(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Sign a head that covers every event committed so far: one pass of
	// the sealer may leave some waiting behind an older transaction.
	if err := c.DB.WaitAuditSealed(ctx); err != nil {
		return "", err
	}
	rep, err := c.DB.VerifyAuditChain(ctx)
	if err != nil {
		return "", err
	}
	if !rep.OK() {
		return "", fmt.Errorf("audit chain BROKEN at event %d: %s; no checkpoint signed", rep.BrokenAt, rep.Reason)
	}
	if c.wrote && rep.HeadSeq == c.lastSeq {
		return "", nil
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	t := now()
	path, err := checkpoint.WriteFile(c.Dir, checkpoint.Sign(c.Key, rep.HeadSeq, rep.HeadHash, t), rep.HeadSeq, t)
	if err != nil {
		return "", err
	}
	c.lastSeq, c.wrote = rep.HeadSeq, true
	return path, nil
}
