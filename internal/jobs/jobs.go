// Package jobs runs Dealgate's background work on River
// (github.com/riverqueue/river): mail, re-screening after register
// changes, daily reminders, audit checkpoints and upkeep. Every instance
// runs a River client on the shared database. Jobs are queued in the
// transaction that makes the change (internal/postgres/jobs_enqueue.go);
// River hands each job to one worker across every instance, and the
// periodic jobs are queued by the one elected leader, so a job runs once
// however many instances there are.
package jobs

import "context"
import "fmt"
import "log/slog"
import "net/url"
import "time"

import "github.com/jackc/pgx/v5"
import "github.com/riverqueue/river"
import "github.com/riverqueue/river/riverdriver/riverpgxv5"

import "github.com/dealgate/dealgate/internal/mail"
import "github.com/dealgate/dealgate/internal/postgres"

// Config is what the workers need.
type Config struct {
	DB         *postgres.DB
	Screenings *postgres.Screenings
	Sender     mail.Sender
	BaseURL    *url.URL // links in mail are made absolute with it
	Log        *slog.Logger
	// Workers is how many jobs this instance works at once
	// (DEALGATE_JOB_WORKERS).
	Workers int
	// Checkpoints signs the audit chain's head periodically; nil: never.
	Checkpoints *Checkpoints
	// CheckpointEvery is the checkpoints' period.
	CheckpointEvery time.Duration
	// MailBackoff overrides the wait after a failed send (tests).
	MailBackoff func(attempt int) time.Duration
	// FetchPoll overrides how often an idle client looks for jobs (tests).
	FetchPoll time.Duration
}

// The periodic jobs' periods.
const (
	maintenanceEvery = 10 * time.Minute
	remindersEvery   = time.Hour
)

// NewClient builds this instance's River client: every worker, and the
// periodic jobs. Start it with Start; stop it with StopAndCancel.
func NewClient(cfg Config) (*river.Client[pgx.Tx], error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &Mail{Outbox: postgres.NewOutbox(cfg.DB), Sender: cfg.Sender, BaseURL: cfg.BaseURL, Log: cfg.Log, Backoff: cfg.MailBackoff})
	river.AddWorker(workers, &Rescreen{Screenings: cfg.Screenings, Log: cfg.Log})
	river.AddWorker(workers, &Reminders{Notifications: postgres.NewNotifications(cfg.DB), Log: cfg.Log})
	river.AddWorker(workers, &Maintenance{DB: cfg.DB, Users: postgres.NewUsers(cfg.DB), Register: cfg.Screenings.Register, Log: cfg.Log})
	periodic := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(maintenanceEvery),
			func() (river.JobArgs, *river.InsertOpts) { return MaintenanceJob{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(remindersEvery),
			func() (river.JobArgs, *river.InsertOpts) { return RemindersJob{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
	}
	// Every instance registers the checkpoint worker, so whichever fetches
	// the job can work it; only a configured instance schedules it.
	river.AddWorker(workers, &checkpointWorker{c: cfg.Checkpoints, log: cfg.Log})
	if cfg.Checkpoints != nil {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(cfg.CheckpointEvery),
			func() (river.JobArgs, *river.InsertOpts) { return CheckpointJob{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	n := cfg.Workers
	if n < 1 {
		n = 4
	}
	c, err := river.NewClient(riverpgxv5.New(cfg.DB.Pool), &river.Config{
		// Re-screening has its own queue, one at a time (the job is unique
		// anyway), so a long one never holds up mail.
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}, postgres.RescreenQueue: {MaxWorkers: 1}},
		Workers:           workers,
		PeriodicJobs:      periodic,
		Logger:            cfg.Log,
		FetchPollInterval: cfg.FetchPoll,
		// A re-screen at scale outlasts River's one-minute default; each
		// worker sets its own bound.
		JobTimeout: -1,
	})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return c, nil
}

// Stop stops c: running jobs are cancelled and their contexts ended; it
// waits up to timeout for them to return. A job cut short is retried by
// River on some instance.
func Stop(c *river.Client[pgx.Tx], timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := c.StopAndCancel(ctx); err != nil {
		return fmt.Errorf("stop background jobs: %w", err)
	}
	return nil
}
