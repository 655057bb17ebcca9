package jobs

import "context"
import "errors"
import "log/slog"
import "time"

import "github.com/riverqueue/river"

import "github.com/dealgate/dealgate/internal/postgres"

// Maintenance keeps stored state in step with time: agreements whose expiry
// date has passed are recorded as expired (with an audit event each), and
// expired password links, sign-in throttles, old form tokens, checked
// import files whose time is up and prepared exports nobody downloaded are
// purged.
type Maintenance struct {
	river.WorkerDefaults[MaintenanceJob]
	DB       *postgres.DB
	Users    *postgres.Users
	Register *postgres.Register
	Log      *slog.Logger
}

// MaintenanceJob is one maintenance pass (a periodic job).
type MaintenanceJob struct{}

// Kind names the job in River.
func (MaintenanceJob) Kind() string { return "maintenance" }

// Timeout bounds one pass.
func (m *Maintenance) Timeout(*river.Job[MaintenanceJob]) time.Duration { return 10 * time.Minute }

// Work performs one pass. Each step is logged on failure and the others
// still run; the pass then fails, for River to retry.
func (m *Maintenance) Work(ctx context.Context, _ *river.Job[MaintenanceJob]) error {
	if m.Once(ctx) > 0 && ctx.Err() == nil {
		return errors.New("maintenance: a step failed (logged)")
	}
	return ctx.Err()
}

// Once performs one pass and returns how many steps failed (each logged).
func (m *Maintenance) Once(ctx context.Context) (failed int) {
	fail := func(step string, err error) {
		failed++
		if ctx.Err() == nil {
			m.Log.Error("maintenance: "+step, "err", err)
		}
	}
	if n, err := m.Register.ExpireLapsedAgreements(ctx); err != nil {
		fail("expire lapsed agreements", err)
	} else if n > 0 {
		m.Log.Info("maintenance: agreements expired", "count", n)
	}
	if _, err := m.DB.PurgeSubmissions(ctx); err != nil {
		fail("purge form submissions", err)
	}
	if _, err := m.DB.PurgeHeldImports(ctx); err != nil {
		fail("purge held imports", err)
	}
	if _, err := m.DB.PurgePreparedExports(ctx); err != nil {
		fail("purge expired prepared exports", err)
	}
	if res, err := m.Users.PurgeExpired(ctx); err != nil {
		fail("purge expired links and throttles", err)
	} else {
		m.Log.Debug("maintenance: purged", "password_links", res.PasswordResetTokens, "throttles", res.Throttles)
	}
	return failed
}
