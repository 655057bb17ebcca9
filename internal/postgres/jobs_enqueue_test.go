package postgres_test

import "context"
import "errors"
import "testing"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/jobs/jobstest"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// queued counts the River jobs of kind that are waiting to run.
func queued(t *testing.T, db *postgres.DB, kind string) int {
	t.Helper()
	var n int
	if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1 AND state = 'available'`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMailJobCommitsWithTheMail: the mail and the job that sends it are
// written in the change's transaction; a rolled-back change leaves neither.
func TestMailJobCommitsWithTheMail(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	errRollBack := errors.New("roll back")
	err := db.InTx(ctx, func(tx *postgres.Tx) error {
		if err := postgres.QueueMail(ctx, tx, "a@example.com", "Hello", "Body"); err != nil {
			return err
		}
		return errRollBack
	})
	if !errors.Is(err, errRollBack) {
		t.Fatal(err)
	}
	var mails int
	_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox`).Scan(&mails)
	if n := queued(t, db, "mail_send"); n != 0 || mails != 0 {
		t.Fatalf("after a rollback: %d jobs, %d mails", n, mails)
	}
	if err := db.InTx(ctx, func(tx *postgres.Tx) error { return postgres.QueueMail(ctx, tx, "a@example.com", "Hello", "Body") }); err != nil {
		t.Fatal(err)
	}
	if n := queued(t, db, "mail_send"); n != 1 {
		t.Fatalf("after a commit: %d jobs", n)
	}
}

// TestRegisterChangesQueueOneRescreen: each register change queues its
// re-screening in its own transaction, and a burst of changes leaves one
// pending; a rolled-back change queues none.
func TestRegisterChangesQueueOneRescreen(t *testing.T) {
	t.Parallel()
	e := newScreeningEnv(t)
	e.submitted(t)
	jobstest.RunRescreens(t, e.deals.Screenings) // the set-up's changes
	if n := queued(t, e.db, "rescreen"); n != 0 {
		t.Fatalf("%d queued before the changes", n)
	}
	// A change that fails (a stale version) queues nothing.
	if _, err := e.reg.UpdateClause(e.ctx, e.admin, e.exclusivity.ID, e.exclusivity.Version+7, e.exclusivity.Input()); err == nil {
		t.Fatal("a stale update succeeded")
	}
	if n := queued(t, e.db, "rescreen"); n != 0 {
		t.Fatalf("a failed change queued %d", n)
	}
	cl := e.exclusivity
	for _, days := range []int{10, 20, 30, 40, 50} {
		in := cl.Input()
		in.NoticeDays = &days
		var err error
		if cl, err = e.reg.UpdateClause(e.ctx, e.admin, cl.ID, cl.Version, in); err != nil {
			t.Fatal(err)
		}
	}
	if n := queued(t, e.db, "rescreen"); n != 1 {
		t.Fatalf("five changes queued %d re-screens, want 1", n)
	}
	if n, r := jobstest.RunRescreens(t, e.deals.Screenings); n != 1 || r.Deals != 1 {
		t.Fatalf("%d jobs re-screened %+v", n, r)
	}
}

// TestRescreenPassesAgainAfterAChangeWhileItRuns: a register change that
// commits while a re-screen runs queues nothing (the running job is the
// unique one), so the job itself must see it: it passes again before it
// completes.
func TestRescreenPassesAgainAfterAChangeWhileItRuns(t *testing.T) {
	t.Parallel()
	e := newScreeningEnv(t)
	e.submitted(t)
	jobstest.RunRescreens(t, e.deals.Screenings)
	// A register change in flight: it has bumped the counter, not committed.
	change, err := e.db.Pool.Begin(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = change.Rollback(e.ctx) }()
	if _, err := change.Exec(e.ctx, `UPDATE clause SET notice_days = 45, version = version + 1 WHERE id = $1`, e.exclusivity.ID); err != nil {
		t.Fatal(err)
	}
	type done struct {
		res       postgres.RescreenResult
		completed int
		err       error
	}
	out := make(chan done, 1)
	go func() {
		var d done
		d.res, d.err = e.deals.Screenings.Rescreen(e.ctx, postgres.RescreenJob{}, true, func(context.Context, pgx.Tx, postgres.RescreenResult) error {
			d.completed++
			return nil
		})
		out <- d
	}()
	// The re-screen has begun its pass on the register without the change.
	time.Sleep(time.Second)
	if err := change.Commit(e.ctx); err != nil {
		t.Fatal(err)
	}
	d := <-out
	if d.err != nil || d.completed != 1 || d.res.Passes != 2 {
		t.Fatalf("re-screen: %+v, completed %d times, %v", d.res, d.completed, d.err)
	}
}
