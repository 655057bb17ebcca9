package jobs_test

import "context"
import "crypto/ed25519"
import "os"
import "testing"

import "github.com/dealgate/dealgate/internal/checkpoint"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/jobs"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

func TestCheckpointsJobSignsTheHeadWhenItMoves(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	write := func() {
		t.Helper()
		if err := db.InTx(ctx, func(tx *postgres.Tx) error {
			return tx.Audit(ctx, dealgate.AuditEvent{Action: "test.written", EntityType: "test", EntityID: "1"})
		}); err != nil {
			t.Fatal(err)
		}
	}
	_, priv, _ := ed25519.GenerateKey(nil)
	job := &jobs.Checkpoints{DB: db, Key: priv, Dir: t.TempDir()}
	write()
	first, err := job.RunOnce(ctx)
	if err != nil || first == "" {
		t.Fatalf("first: %q %v", first, err)
	}
	if again, err := job.RunOnce(ctx); err != nil || again != "" {
		t.Fatalf("unchanged head signed again: %q %v", again, err)
	}
	write()
	second, err := job.RunOnce(ctx)
	if err != nil || second == "" || second == first {
		t.Fatalf("second: %q %v", second, err)
	}
	b, _ := os.ReadFile(second)
	c, err := checkpoint.Parse(b, priv.Public().(ed25519.PublicKey))
	if err != nil || c.Seq != 2 {
		t.Fatalf("checkpoint %+v %v", c, err)
	}
	// A broken chain is not signed.
	su := pgtest.Superuser(t, db)
	if _, err := su.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := su.Exec(ctx, `UPDATE audit_event SET entity_id = '2' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	write()
	if path, err := job.RunOnce(ctx); err == nil || path != "" {
		t.Fatalf("a broken chain was signed: %q %v", path, err)
	}
}
