package postgres_test

import "context"
import "crypto/ed25519"
import "fmt"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/checkpoint"
import "github.com/dealgate/dealgate/internal/pgtest"

// rewriteFrom edits event seq's contents as a superuser with the guards off
// and recomputes every seal from there on, head row included: a rewrite that
// the chain alone cannot reveal.
const rewriteFrom = `DO $$
DECLARE r record; prev bytea; h bytea;
BEGIN
  UPDATE audit_event SET after = '{"n": 999}' WHERE id = (SELECT event_id FROM audit_seal WHERE seq = %d);
  SELECT hash INTO prev FROM audit_seal WHERE seq = %d - 1;
  FOR r IN SELECT s.seq, e AS ev FROM audit_seal s JOIN audit_event e ON e.id = s.event_id WHERE s.seq >= %d ORDER BY s.seq LOOP
    h := sha256(prev || audit_payload(r.seq, r.ev));
    UPDATE audit_seal SET prev_hash = prev, hash = h WHERE seq = r.seq;
    prev := h;
  END LOOP;
  UPDATE audit_chain_head SET hash = prev;
END $$`

func TestAuditCheckpointDetectsRewriteOfTailAndHead(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	_, priv, _ := ed25519.GenerateKey(nil)
	pub := priv.Public().(ed25519.PublicKey)
	for i := range 5 {
		if err := writeEvent(ctx, db, i); err != nil {
			t.Fatal(err)
		}
	}
	sign := func() checkpoint.Checkpoint {
		t.Helper()
		rep := mustVerify(t, db)
		c, err := checkpoint.Parse(checkpoint.Sign(priv, rep.HeadSeq, rep.HeadHash, time.Now()), pub)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	empty, err := checkpoint.Parse(checkpoint.Sign(priv, 0, make([]byte, 32), time.Now()), pub)
	if err != nil {
		t.Fatal(err)
	}
	at5 := sign()
	for i := 5; i < 8; i++ {
		if err := writeEvent(ctx, db, i); err != nil {
			t.Fatal(err)
		}
	}
	at8 := sign()
	if rep, err := db.VerifyAuditCheckpoints(ctx, []checkpoint.Checkpoint{empty, at5, at8}); err != nil || !rep.OK() {
		t.Fatalf("an untouched chain must extend its checkpoints: %+v %v", rep, err)
	}

	su := pgtest.Superuser(t, db)
	if _, err := su.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := su.Exec(ctx, fmt.Sprintf(rewriteFrom, 4, 4, 4)); err != nil {
		t.Fatal(err)
	}
	// The rewritten chain verifies on its own: this is what checkpoints are for.
	if rep := mustVerify(t, db); !rep.OK() || rep.HeadSeq != 8 {
		t.Fatalf("the rewrite should verify without a checkpoint: %+v", rep)
	}
	rep, err := db.VerifyAuditCheckpoints(ctx, []checkpoint.Checkpoint{empty, at5})
	if err != nil || rep.OK() || rep.BrokenAt != 5 {
		t.Fatalf("rewrite of events 4-8 against the checkpoint at 5: %+v %v", rep, err)
	}
	// A checkpoint before the rewrite still holds.
	if rep, err := db.VerifyAuditCheckpoints(ctx, []checkpoint.Checkpoint{empty}); err != nil || !rep.OK() {
		t.Fatalf("empty checkpoint: %+v %v", rep, err)
	}

	// Cutting the tail back to before a checkpoint is caught too.
	for _, stmt := range []string{
		`DELETE FROM audit_event WHERE id IN (SELECT event_id FROM audit_seal WHERE seq > 6)`,
		`DELETE FROM audit_seal WHERE seq > 6`,
		`UPDATE audit_chain_head SET seq = 6, hash = (SELECT hash FROM audit_seal WHERE seq = 6)`,
	} {
		if _, err := su.Exec(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if rep := mustVerify(t, db); !rep.OK() {
		t.Fatalf("the cut chain should verify on its own: %+v", rep)
	}
	if rep, err := db.VerifyAuditCheckpoints(ctx, []checkpoint.Checkpoint{at8}); err != nil || rep.OK() || rep.BrokenAt != 7 {
		t.Fatalf("cut tail against the checkpoint at 8: %+v %v", rep, err)
	}
}
