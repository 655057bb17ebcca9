package jobs

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"log/slog"
	"time"

	"github.com/dealgate/dealgate/internal/checkpoint"
	"github.com/dealgate/dealgate/internal/postgres"
)

// Checkpoints writes a signed checkpoint of the audit chain's head into Dir
// every Interval (and once at start), when the head has moved. It verifies
// the whole chain first and never signs a broken one: it logs an error
// instead, which is worth an alert.
type Checkpoints struct {
	DB       *postgres.DB
	Key      ed25519.PrivateKey
	Dir      string
	Interval time.Duration
	Log      *slog.Logger
	Now      func() time.Time

	lastSeq int64
	wrote   bool
}

// Run writes checkpoints until ctx ends.
func (c *Checkpoints) Run(ctx context.Context) {
	t := time.NewTicker(c.Interval)
	defer t.Stop()
	for {
		if path, err := c.RunOnce(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			c.Log.Error("audit checkpoint", "err", err)
		} else if path != "" {
			c.Log.Info("audit checkpoint written", "path", path)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce writes one checkpoint and returns its path, or "" when the head
// has not moved since the last one this job wrote.
func (c *Checkpoints) RunOnce(ctx context.Context) (string, error) {
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
