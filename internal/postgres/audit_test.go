package postgres_test

import "context"
import "fmt"
import "strings"
import "sync"
import "sync/atomic"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

func writeEvent(ctx context.Context, db *postgres.DB, i int) error {
	return db.InTx(ctx, func(tx *postgres.Tx) error {
		return tx.Audit(ctx, dealgate.AuditEvent{
			Action:     "test.written",
			EntityType: "test",
			EntityID:   fmt.Sprint(i),
			Before:     map[string]any{"n": i, "note": "before ünïcode"},
			After:      map[string]any{"n": i + 1, "nested": map[string]any{"b": 2, "a": 1.5}},
		})
	})
}

// mustVerify seals every committed event, then verifies the chain.
func mustVerify(t *testing.T, db *postgres.DB) dealgate.ChainReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := db.WaitAuditSealed(ctx); err != nil {
		t.Fatalf("seal: %v", err)
	}
	return verifyOnly(t, db)
}

// verifyOnly verifies the chain without sealing first.
func verifyOnly(t *testing.T, db *postgres.DB) dealgate.ChainReport {
	t.Helper()
	rep, err := db.VerifyAuditChain(context.Background())
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

func TestAuditChainConcurrentWritersNeverFork(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	const writers, perWriter = 32, 10
	var wg sync.WaitGroup
	var failures atomic.Int64
	// Sealers from several "instances" run while the writers write.
	stopSealing := make(chan struct{})
	var sealers sync.WaitGroup
	for range 3 {
		sealers.Add(1)
		go func() {
			defer sealers.Done()
			for {
				select {
				case <-stopSealing:
					return
				default:
				}
				if _, err := db.SealAudit(ctx); err != nil {
					t.Errorf("seal: %v", err)
					return
				}
			}
		}()
	}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				if err := writeEvent(ctx, db, w*perWriter+i); err != nil {
					failures.Add(1)
					t.Errorf("writer %d: %v", w, err)
				}
			}
		}()
	}
	wg.Wait()
	close(stopSealing)
	sealers.Wait()
	if failures.Load() > 0 {
		t.FailNow()
	}
	rep := mustVerify(t, db)
	if !rep.OK() {
		t.Fatalf("chain broken at %d: %s", rep.BrokenAt, rep.Reason)
	}
	if rep.Count != writers*perWriter || rep.HeadSeq != writers*perWriter || rep.Pending != 0 {
		t.Fatalf("count %d head %d, want %d gap-free", rep.Count, rep.HeadSeq, writers*perWriter)
	}
}

func TestAuditRolledBackEventLeavesNoGap(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if err := writeEvent(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *postgres.Tx) error {
		if err := tx.Audit(ctx, dealgate.AuditEvent{Action: "test.rolled_back", EntityType: "test", EntityID: "x"}); err != nil {
			return err
		}
		return dealgate.Errorf(dealgate.EINVALID, "changed my mind")
	})
	if dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Fatalf("got %v", err)
	}
	if err := writeEvent(ctx, db, 2); err != nil {
		t.Fatal(err)
	}
	rep := mustVerify(t, db)
	if !rep.OK() || rep.Count != 2 || rep.HeadSeq != 2 {
		t.Fatalf("report %+v", rep)
	}
}

func TestAuditEventRecordsRequestMeta(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	uid := int64(42)
	ctx := dealgate.WithRequestMeta(context.Background(), dealgate.RequestMeta{
		RequestID: "req-1", ClientIP: "203.0.113.9", Actor: dealgate.Actor{UserID: &uid, Label: "ada@example.com"},
	})
	if err := writeEvent(ctx, db, 7); err != nil {
		t.Fatal(err)
	}
	var label, reqID, ip string
	var actor *int64
	err := db.Pool.QueryRow(ctx, `SELECT actor_id, actor_label, request_id, client_ip FROM audit_event`).Scan(&actor, &label, &reqID, &ip)
	if err != nil {
		t.Fatal(err)
	}
	if actor == nil || *actor != 42 || label != "ada@example.com" || reqID != "req-1" || ip != "203.0.113.9" {
		t.Fatalf("got actor=%v label=%q req=%q ip=%q", actor, label, reqID, ip)
	}
}

func TestAuditTrailRefusesChangesThroughTheApp(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if err := writeEvent(ctx, db, 1); err != nil {
		t.Fatal(err)
	}
	if rep := mustVerify(t, db); rep.Count != 1 { // sealed, so the seal's guards are tried too
		t.Fatalf("report %+v", rep)
	}
	for _, stmt := range []string{
		`UPDATE audit_event SET action = 'test.forged'`,
		`DELETE FROM audit_event`,
		`TRUNCATE audit_event`,
		`DELETE FROM audit_chain_head`,
		`UPDATE audit_seal SET seq = seq + 100`,
		`DELETE FROM audit_seal`,
	} {
		_, err := db.Pool.Exec(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: got %v, want refusal", stmt, err)
		}
	}
	if rep := mustVerify(t, db); !rep.OK() || rep.Count != 1 {
		t.Fatalf("report %+v", rep)
	}
}

// TestAuditVerifyDetectsTampering edits the trail as a superuser with the
// guard triggers switched off, as an attacker with database access could.
func TestAuditVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		tamper   []string
		brokenAt int64
	}{
		{"edit payload", []string{`UPDATE audit_event SET after = '{"n": 999}' WHERE id = 3`}, 3},
		{"edit actor", []string{`UPDATE audit_event SET actor_label = 'someone else' WHERE id = 2`}, 2},
		{"edit time", []string{`UPDATE audit_event SET occurred_at = occurred_at - interval '1 day' WHERE id = 4`}, 4},
		{"edit seal hash", []string{`UPDATE audit_seal SET hash = sha256(hash) WHERE seq = 2`}, 2},
		{"edit seal previous hash alone", []string{`UPDATE audit_seal SET prev_hash = sha256(prev_hash) WHERE seq = 3`}, 3},
		{"edit first seal previous hash", []string{`UPDATE audit_seal SET prev_hash = sha256(prev_hash) WHERE seq = 1`}, 1},
		{"delete event", []string{`DELETE FROM audit_event WHERE id = 3`}, 3},
		{"delete event and seal", []string{`DELETE FROM audit_seal WHERE seq = 3`, `DELETE FROM audit_event WHERE id = 3`}, 3},
		{"delete first", []string{`DELETE FROM audit_seal WHERE seq = 1`, `DELETE FROM audit_event WHERE id = 1`}, 1},
		{"delete last", []string{`DELETE FROM audit_seal WHERE seq = 5`, `DELETE FROM audit_event WHERE id = 5`}, 5},
		{"reorder seals", []string{
			`UPDATE audit_seal SET seq = -2 WHERE seq = 2`,
			`UPDATE audit_seal SET seq = 2 WHERE seq = 3`,
			`UPDATE audit_seal SET seq = 3 WHERE seq = -2`,
		}, 2},
		{"swap events", []string{
			`UPDATE audit_seal SET event_id = CASE event_id WHEN 2 THEN 3 ELSE 2 END WHERE seq IN (2, 3)`,
		}, 2},
		{"unsealed event", []string{
			`INSERT INTO audit_event (occurred_at, actor_label, action, entity_type, entity_id, xid) VALUES (now(), 'system', 'test.forged', 'test', 'x', NULL)`,
		}, 6},
		{"unsealed event behind the sealed ones", []string{
			`INSERT INTO audit_event (occurred_at, actor_label, action, entity_type, entity_id, xid) VALUES (now(), 'system', 'test.forged', 'test', 'x', '3')`,
		}, 6},
		{"unsealed event with a transaction ID not yet issued", []string{
			`INSERT INTO audit_event (occurred_at, actor_label, action, entity_type, entity_id, xid) VALUES (now(), 'system', 'test.forged', 'test', 'x', '999999999999')`,
		}, 6},
		{"seal an event twice", []string{
			`INSERT INTO audit_seal SELECT 6, event_id, (SELECT hash FROM audit_chain_head), hash FROM audit_seal WHERE seq = 2`,
		}, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := pgtest.New(t)
			ctx := context.Background()
			for i := range 5 {
				if err := writeEvent(ctx, db, i); err != nil {
					t.Fatal(err)
				}
			}
			if rep := mustVerify(t, db); !rep.OK() || rep.Count != 5 {
				t.Fatalf("before tampering: %+v", rep)
			}
			su := pgtest.Superuser(t, db)
			// Replica mode skips ordinary triggers: the guard and the chain.
			if _, err := su.Exec(ctx, `SET session_replication_role = replica`); err != nil {
				t.Fatal(err)
			}
			for _, stmt := range tc.tamper {
				if _, err := su.Exec(ctx, stmt); err != nil {
					t.Fatalf("%s: %v", stmt, err)
				}
			}
			rep := verifyOnly(t, db)
			if rep.OK() {
				t.Fatalf("verify passed after tampering: %+v", rep)
			}
			if rep.BrokenAt != tc.brokenAt {
				t.Fatalf("broken at %d (%s), want %d", rep.BrokenAt, rep.Reason, tc.brokenAt)
			}
		})
	}
}

// BenchmarkAuditedWrites measures committed transactions that each write one
// audit event, with 16 concurrent writers.
func BenchmarkAuditedWrites(b *testing.B) {
	db := pgtest.New(b)
	ctx := context.Background()
	const writers = 16
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if err := writeEvent(ctx, db, int(i)); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
	// The sealer ran alongside the writers (each commit wakes it); what it
	// had not sealed when the last write committed is the backlog, and
	// sealing it is timed too, so a sealer that falls behind shows.
	var backlog int64
	if err := db.Pool.QueryRow(ctx, `SELECT $1::bigint - seq FROM audit_chain_head`, b.N).Scan(&backlog); err != nil {
		b.Fatal(err)
	}
	drained := time.Now()
	if err := db.WaitAuditSealed(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(backlog), "backlog")
	b.ReportMetric(float64(time.Since(drained).Milliseconds()), "drain-ms")
	if rep, err := db.VerifyAuditChain(ctx); err != nil || !rep.OK() || rep.Count != int64(b.N) || rep.Pending != 0 {
		b.Fatalf("chain after benchmark: %+v %v", rep, err)
	}
}
