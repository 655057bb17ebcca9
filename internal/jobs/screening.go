package jobs

import "context"
import "log/slog"

import "github.com/jackc/pgx/v5"
import "github.com/riverqueue/river"
import "github.com/riverqueue/river/riverdriver/riverpgxv5"

import "github.com/dealgate/dealgate/internal/postgres"

// Rescreen re-screens every open deal after a register change
// (postgres.RescreenJob, queued in the change's transaction). A retry
// screens every open deal, not only the ones the change touches.
type Rescreen struct {
	river.WorkerDefaults[postgres.RescreenJob]
	Screenings *postgres.Screenings
	Log        *slog.Logger
}

// Work re-screens, then records what it did as the job's output and
// completes the job in the transaction that checked the register did not
// move meanwhile (see postgres.Screenings.Rescreen).
func (j *Rescreen) Work(ctx context.Context, job *river.Job[postgres.RescreenJob]) error {
	res, err := j.Screenings.Rescreen(ctx, job.Args, job.Attempt > 1, func(ctx context.Context, tx pgx.Tx, res postgres.RescreenResult) error {
		if err := river.RecordOutput(ctx, res); err != nil {
			return err
		}
		_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, job)
		return err
	})
	if err != nil {
		return err
	}
	if res.Deals > 0 {
		j.Log.Info("screening: open deals re-screened", "deals", res.Deals, "unaffected", res.Unaffected,
			"recorded", res.Written, "verdicts_changed", res.Changed, "passes", res.Passes)
	}
	return nil
}
