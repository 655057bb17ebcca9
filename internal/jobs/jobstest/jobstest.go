// Package jobstest runs River clients on a test database: the whole set of
// workers, or only the re-screening queue, until its work is done.
package jobstest

import "context"
import "io"
import "log/slog"
import "testing"
import "time"

import "github.com/jackc/pgx/v5"
import "github.com/riverqueue/river"
import "github.com/riverqueue/river/riverdriver/riverpgxv5"

import "github.com/dealgate/dealgate/internal/jobs"
import "github.com/dealgate/dealgate/internal/postgres"

// Start starts a River client with every worker, polling often, and stops
// it when the test ends.
func Start(t testing.TB, cfg jobs.Config) *river.Client[pgx.Tx] {
	t.Helper()
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.FetchPoll == 0 {
		cfg.FetchPoll = 100 * time.Millisecond
	}
	c, err := jobs.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := jobs.Stop(c, 10*time.Second); err != nil {
			t.Error(err)
		}
	})
	return c
}

// RunRescreens works the queued re-screening jobs with s, as one instance,
// until none is left to do, and returns how many jobs it completed and
// what they did together. A job that fails fails the test.
func RunRescreens(t testing.TB, s *postgres.Screenings) (int, postgres.RescreenResult) {
	t.Helper()
	ctx := context.Background()
	workers := river.NewWorkers()
	river.AddWorker(workers, &jobs.Rescreen{Screenings: s, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	c, err := river.NewClient(riverpgxv5.New(s.DB.Pool), &river.Config{
		Queues:  map[string]river.QueueConfig{postgres.RescreenQueue: {MaxWorkers: 1}},
		Workers: workers, FetchPollInterval: 50 * time.Millisecond, FetchCooldown: 10 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	var since time.Time
	if err := s.DB.Pool.QueryRow(ctx, `SELECT clock_timestamp()`).Scan(&since); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := jobs.Stop(c, 10*time.Second); err != nil {
			t.Error(err)
		}
	}()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var left int
		var failed []string
		if err := s.DB.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state IN ('available', 'running', 'pending', 'scheduled')),
			coalesce(array_agg(errors::text) FILTER (WHERE state IN ('retryable', 'discarded')), '{}')
			FROM river_job WHERE kind = 'rescreen'`).Scan(&left, &failed); err != nil {
			t.Fatal(err)
		}
		if len(failed) > 0 {
			t.Fatalf("re-screening failed: %v", failed)
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d re-screening jobs still queued", left)
		}
	}
	var n int
	var r postgres.RescreenResult
	if err := s.DB.Pool.QueryRow(ctx, `SELECT count(*), coalesce(sum((metadata->'output'->>'passes')::int), 0),
		coalesce(sum((metadata->'output'->>'deals')::int), 0), coalesce(sum((metadata->'output'->>'unaffected')::int), 0),
		coalesce(sum((metadata->'output'->>'written')::int), 0), coalesce(sum((metadata->'output'->>'changed')::int), 0)
		FROM river_job WHERE kind = 'rescreen' AND state = 'completed' AND finalized_at >= $1`, since).
		Scan(&n, &r.Passes, &r.Deals, &r.Unaffected, &r.Written, &r.Changed); err != nil {
		t.Fatal(err)
	}
	return n, r
}
