package postgres_test

import "context"
import "testing"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// sealedOrder lists the events' entity IDs in chain order.
func sealedOrder(t *testing.T, db *postgres.DB) []string {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(),
		`SELECT e.entity_id FROM audit_seal s JOIN audit_event e ON e.id = s.event_id ORDER BY s.seq`)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func writeNamed(t *testing.T, db *postgres.DB, name string) {
	t.Helper()
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *postgres.Tx) error {
		return tx.Audit(ctx, dealgate.AuditEvent{Action: "test.written", EntityType: "test", EntityID: name})
	}); err != nil {
		t.Fatal(err)
	}
}

// TestAuditSealerWaitsForOlderTransaction: a transaction that wrote an event
// and commits late, after younger ones, is neither skipped nor sealed out of
// order: the events after it wait (reported as pending, the chain intact),
// and it is sealed first when it commits.
func TestAuditSealerWaitsForOlderTransaction(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	writeNamed(t, db, "before")

	started, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.InTx(ctx, func(tx *postgres.Tx) error {
			if err := tx.Audit(ctx, dealgate.AuditEvent{Action: "test.written", EntityType: "test", EntityID: "old"}); err != nil {
				return err
			}
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	writeNamed(t, db, "young-1")
	writeNamed(t, db, "young-2")

	res, err := db.SealAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Waiting {
		t.Fatalf("young events must wait for the older transaction: %+v", res)
	}
	if got := sealedOrder(t, db); len(got) != 1 || got[0] != "before" {
		t.Fatalf("sealed while the old transaction runs: %v, want [before]", got)
	}
	rep := verifyOnly(t, db)
	if !rep.OK() || rep.Count != 1 || rep.Pending != 2 || rep.OldestPending.IsZero() {
		t.Fatalf("verify with two pending events: %+v", rep)
	}

	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	rep = mustVerify(t, db)
	if !rep.OK() || rep.Count != 4 || rep.HeadSeq != 4 || rep.Pending != 0 {
		t.Fatalf("after the old transaction committed: %+v", rep)
	}
	want := []string{"before", "old", "young-1", "young-2"}
	got := sealedOrder(t, db)
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("chain order %v, want %v", got, want)
		}
	}
}

// TestAuditSealerIgnoresOtherDatabases: a long transaction in another
// database of the cluster (a bulk load elsewhere) does not hold this
// database's chain back.
func TestAuditSealerIgnoresOtherDatabases(t *testing.T) {
	t.Parallel()
	db, other := pgtest.New(t), pgtest.New(t)
	ctx := context.Background()
	tx, err := other.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SELECT pg_current_xact_id()`); err != nil { // takes a transaction ID
		t.Fatal(err)
	}
	writeNamed(t, db, "here")
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := db.WaitAuditSealed(sctx); err != nil {
		t.Fatalf("sealing waited for another database's transaction: %v", err)
	}
	if rep := verifyOnly(t, db); !rep.OK() || rep.Count != 1 || rep.Pending != 0 {
		t.Fatalf("report %+v", rep)
	}
}

// TestAuditSealerRunsAfterCommit: without anyone asking, a committed event
// is sealed by the process that wrote it within moments.
func TestAuditSealerRunsAfterCommit(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	writeNamed(t, db, "x")
	deadline := time.Now().Add(10 * time.Second)
	for {
		rep := verifyOnly(t, db)
		if rep.OK() && rep.Count == 1 && rep.Pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not sealed within 10 s: %+v", rep)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAuditSealerRefusesAWatermarkFromAnotherCluster: a logical restore into
// a cluster whose transaction counter is behind the original's would sort
// new events before sealed ones; the sealer refuses instead of sealing.
func TestAuditSealerRefusesAWatermarkFromAnotherCluster(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	su := pgtest.Superuser(t, db)
	if _, err := su.Exec(ctx, `UPDATE audit_chain_head SET sealed_xid = '999999999999'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SealAudit(ctx); err == nil {
		t.Fatal("sealed behind a watermark from another cluster")
	}
}
