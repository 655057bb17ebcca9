package main

import "context"
import "fmt"
import "os"
import "path/filepath"
import "strings"
import "testing"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/pgtest"

// TestAuditCheckpointCommands: keygen, a checkpoint to a directory and to
// standard output, verify --checkpoint on an intact chain, then a rewrite of
// the tail and head that plain verify misses is caught against the earlier
// checkpoint, and a forged checkpoint is refused.
func TestAuditCheckpointCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"DATABASE_URL": pgtest.NewURL(t)}
	if _, _, err := cli(t, env, "seed", "demo"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, env, "audit", "checkpoint"); err == nil || !strings.Contains(err.Error(), "DEALGATE_AUDIT_SIGNING_KEY_FILE") {
		t.Fatalf("checkpoint without a key: %v", err)
	}
	out, _, err := cli(t, env, "audit", "keygen", dir)
	if err != nil || !strings.Contains(out, "audit-signing.key") {
		t.Fatalf("keygen: %q %v", out, err)
	}
	if st, err := os.Stat(filepath.Join(dir, "audit-signing.key")); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode: %v %v", st, err)
	}
	env["DEALGATE_AUDIT_SIGNING_KEY_FILE"] = filepath.Join(dir, "audit-signing.key")
	cpDir := filepath.Join(dir, "checkpoints")
	_ = os.Mkdir(cpDir, 0o700)
	out, _, err = cli(t, env, "audit", "checkpoint", "--out", cpDir)
	if err != nil || !strings.Contains(out, "signed into") {
		t.Fatalf("checkpoint: %q %v", out, err)
	}
	files, _ := filepath.Glob(filepath.Join(cpDir, "audit-checkpoint-*.txt"))
	if len(files) != 1 {
		t.Fatalf("checkpoint files %v", files)
	}
	stdout, _, err := cli(t, env, "audit", "checkpoint")
	if err != nil || !strings.HasPrefix(stdout, "dealgate audit checkpoint v1\n") {
		t.Fatalf("checkpoint to stdout: %q %v", stdout, err)
	}
	out, _, err = cli(t, env, "audit", "verify", "--checkpoint", files[0], "--public-key", filepath.Join(dir, "audit-signing.pub"))
	if err != nil || !strings.Contains(out, "extends all 1 checkpoint") {
		t.Fatalf("verify with checkpoint: %q %v", out, err)
	}

	// A forged checkpoint: another key, or an edited head.
	other := t.TempDir()
	if _, _, err := cli(t, env, "audit", "keygen", other); err != nil {
		t.Fatal(err)
	}
	forgerEnv := map[string]string{"DATABASE_URL": env["DATABASE_URL"], "DEALGATE_AUDIT_SIGNING_KEY_FILE": filepath.Join(other, "audit-signing.key")}
	forged, _, err := cli(t, forgerEnv, "audit", "checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	forgedFile := filepath.Join(dir, "forged.txt")
	_ = os.WriteFile(forgedFile, []byte(forged), 0o600)
	if _, _, err := cli(t, env, "audit", "verify", "--checkpoint", forgedFile); err == nil || !strings.Contains(err.Error(), "not the trusted one") {
		t.Fatalf("forged checkpoint: %v", err)
	}
	edited, _ := os.ReadFile(files[0])
	edited = []byte(strings.Replace(string(edited), "seq: ", "seq: 1", 1))
	_ = os.WriteFile(forgedFile, edited, 0o600)
	if _, _, err := cli(t, env, "audit", "verify", "--checkpoint", forgedFile); err == nil || !strings.Contains(err.Error(), "signature does not match") {
		t.Fatalf("edited checkpoint: %v", err)
	}

	// Rewrite the last three events, their seals and the head.
	conn, err := pgx.Connect(context.Background(), env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var head int64
	if err := conn.QueryRow(context.Background(), `SELECT seq FROM audit_chain_head`).Scan(&head); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), `SET session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	from := head - 2
	if _, err := conn.Exec(context.Background(), fmt.Sprintf(`DO $$
DECLARE r record; prev bytea; h bytea;
BEGIN
  UPDATE audit_event SET actor_label = 'mallory' WHERE id = (SELECT event_id FROM audit_seal WHERE seq = %d);
  SELECT hash INTO prev FROM audit_seal WHERE seq = %d - 1;
  FOR r IN SELECT s.seq, e AS ev FROM audit_seal s JOIN audit_event e ON e.id = s.event_id WHERE s.seq >= %d ORDER BY s.seq LOOP
    h := sha256(prev || audit_payload(r.seq, r.ev));
    UPDATE audit_seal SET prev_hash = prev, hash = h WHERE seq = r.seq;
    prev := h;
  END LOOP;
  UPDATE audit_chain_head SET hash = prev;
END $$`, from, from, from)); err != nil {
		t.Fatal(err)
	}
	if out, _, err := cli(t, env, "audit", "verify"); err != nil {
		t.Fatalf("the rewrite passes plain verify, as documented: %q %v", out, err)
	}
	_, _, err = cli(t, env, "audit", "verify", "--checkpoint", files[0])
	ee, ok := err.(exitError)
	if !ok || ee.code != 1 || !strings.Contains(ee.msg, fmt.Sprintf("BROKEN at event %d", head)) || !strings.Contains(ee.msg, "rewritten") {
		t.Fatalf("verify against the checkpoint after the rewrite: %v", err)
	}
}

// TestKeysGenerateAndRotate: a generated key works as DEALGATE_SECRET_KEY and
// rotate reports what it resealed.
func TestKeysGenerateAndRotate(t *testing.T) {
	t.Parallel()
	key, _, err := cli(t, nil, "keys", "generate")
	if err != nil || len(strings.TrimSpace(key)) != 44 {
		t.Fatalf("generate: %q %v", key, err)
	}
	env := map[string]string{"DATABASE_URL": pgtest.NewURL(t), "DEALGATE_SECRET_KEY": strings.TrimSpace(key)}
	out, _, err := cli(t, env, "keys", "rotate")
	if err != nil || !strings.Contains(out, "0 resealed") || !strings.Contains(out, "DEALGATE_SECRET_KEY") {
		t.Fatalf("rotate: %q %v", out, err)
	}
	if _, _, err := cli(t, map[string]string{"DEALGATE_ENV": "production", "DEALGATE_BASE_URL": "https://x.example"}, "serve"); err == nil ||
		!strings.Contains(err.Error(), "DEALGATE_SECRET_KEY: required in production") {
		t.Fatalf("production serve without a key: %v", err)
	}
}
