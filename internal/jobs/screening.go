package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/postgres"
)

// Screening re-screens every open deal after a register change. Register
// changes enqueue a job in their own transaction (migration 000012); every
// instance polls for pending jobs each Interval and claims them with FOR
// UPDATE SKIP LOCKED, so a job runs once, and a job whose instance died is
// claimed again after five minutes.
type Screening struct {
	Screenings *postgres.Screenings
	Log        *slog.Logger
	Interval   time.Duration
}

// Run loads the index, then serves jobs until ctx ends.
func (j *Screening) Run(ctx context.Context) {
	if err := j.Screenings.Warm(ctx); err != nil && ctx.Err() == nil && dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		j.Log.Error("screening: load the register", "err", err)
	}
	every(ctx, j.Interval, j.Once)
}

// Once serves the pending jobs, if any; failures are logged and the job is
// marked failed (the next register change, or a restart, runs it again).
func (j *Screening) Once(ctx context.Context) {
	res, err := j.Screenings.RunJobs(ctx)
	if err != nil {
		if ctx.Err() == nil {
			j.Log.Error("screening: re-screen open deals", "err", err)
		}
		return
	}
	if res.Jobs > 0 {
		j.Log.Info("screening: open deals re-screened", "jobs", res.Jobs, "deals", res.Deals, "recorded", res.Written, "verdicts_changed", res.Changed)
	}
}
