// Package jobs runs Dealgate's background work. Every instance runs it; each
// task is idempotent and transactional, so several instances running the
// same task at once do no harm.
package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/dealgate/dealgate/internal/postgres"
)

// Maintenance keeps stored state in step with time: agreements whose expiry
// date has passed are recorded as expired (with an audit event each), and
// expired password links, sign-in throttles, old form tokens, checked
// import files whose time is up and prepared exports nobody downloaded are
// purged.
type Maintenance struct {
	DB       *postgres.DB
	Users    *postgres.Users
	Register *postgres.Register
	Log      *slog.Logger
	Interval time.Duration
}

// Run performs one pass at once, then one every Interval, until ctx ends.
func (m *Maintenance) Run(ctx context.Context) {
	every(ctx, m.Interval, m.Once)
}

// Once performs one pass; failures are logged and retried next pass.
func (m *Maintenance) Once(ctx context.Context) {
	if n, err := m.Register.ExpireLapsedAgreements(ctx); err != nil {
		if ctx.Err() == nil {
			m.Log.Error("maintenance: expire lapsed agreements", "err", err)
		}
	} else if n > 0 {
		m.Log.Info("maintenance: agreements expired", "count", n)
	}
	if _, err := m.DB.PurgeSubmissions(ctx); err != nil && ctx.Err() == nil {
		m.Log.Error("maintenance: purge form submissions", "err", err)
	}
	if _, err := m.DB.PurgeHeldImports(ctx); err != nil && ctx.Err() == nil {
		m.Log.Error("maintenance: purge held imports", "err", err)
	}
	if _, err := m.DB.PurgePreparedExports(ctx); err != nil && ctx.Err() == nil {
		m.Log.Error("maintenance: purge expired prepared exports", "err", err)
	}
	if res, err := m.Users.PurgeExpired(ctx); err != nil {
		if ctx.Err() == nil {
			m.Log.Error("maintenance: purge expired links and throttles", "err", err)
		}
	} else {
		m.Log.Debug("maintenance: purged", "password_links", res.PasswordResetTokens, "throttles", res.Throttles)
	}
}
