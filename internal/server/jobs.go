package server

import "context"
import "fmt"

import "github.com/jackc/pgx/v5"
import "github.com/riverqueue/river"

import "github.com/dealgate/dealgate/internal/checkpoint"
import "github.com/dealgate/dealgate/internal/jobs"
import "github.com/dealgate/dealgate/internal/mail"

// startJobs starts this instance's River client, which works the
// background jobs every instance shares (internal/jobs). Serve stops it
// after the HTTP server has drained.
func (s *Server) startJobs(ctx context.Context) (*river.Client[pgx.Tx], error) {
	var sender mail.Sender = &mail.Log{Log: s.log}
	if s.cfg.SMTP != nil {
		sender = &mail.SMTP{Settings: s.cfg.SMTP}
		s.log.Info("mail goes over SMTP", "smtp", s.cfg.SMTP.String())
	}
	db := s.screenings.DB
	cfg := jobs.Config{DB: db, Screenings: s.screenings, Sender: sender, BaseURL: s.cfg.BaseURL, Log: s.log,
		Workers: s.cfg.JobWorkers, CheckpointEvery: s.cfg.AuditCheckpointInterval}
	if s.cfg.AuditCheckpointDir != "" {
		key, err := checkpoint.LoadPrivateKey(s.cfg.AuditSigningKeyFile)
		if err != nil {
			return nil, fmt.Errorf("DEALGATE_AUDIT_SIGNING_KEY_FILE: %w", err)
		}
		cfg.Checkpoints = &jobs.Checkpoints{DB: db, Key: key, Dir: s.cfg.AuditCheckpointDir}
	}
	c, err := jobs.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	// Re-screening starts from the register as it is now.
	go func() {
		if err := s.screenings.Warm(ctx); err != nil && ctx.Err() == nil {
			s.log.Debug("screening: load the register", "err", err)
		}
	}()
	// Its own context: Serve stops it explicitly, after the requests.
	if err := c.Start(context.WithoutCancel(ctx)); err != nil {
		return nil, fmt.Errorf("start background jobs: %w", err)
	}
	return c, nil
}
