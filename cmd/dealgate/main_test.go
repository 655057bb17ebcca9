package main

import "bytes"
import "context"
import "net/http"
import "strings"
import "testing"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/pgtest"

// cli runs the program as main would, with its own environment.
func cli(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = runEnv(context.Background(), args, Env{
		Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
	})
	return out.String(), errb.String(), err
}

func TestBadConfigurationStopsWithOneLineNamingTheVariable(t *testing.T) {
	t.Parallel()
	_, _, err := cli(t, map[string]string{"DEALGATE_DB_MAX_CONNS": "lots"}, "serve")
	if err == nil || !strings.Contains(err.Error(), "DEALGATE_DB_MAX_CONNS") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("got %v", err)
	}
}

func TestUnknownCommandAndHelp(t *testing.T) {
	t.Parallel()
	_, _, err := cli(t, nil, "frobnicate")
	if ee, ok := err.(exitError); !ok || ee.code != 2 {
		t.Fatalf("unknown command: %v", err)
	}
	for _, cmd := range []string{"serve", "migrate", "seed", "audit", "export"} {
		out, _, _ := cli(t, nil, cmd, "--help")
		if !strings.Contains(out, "Usage: dealgate "+cmd) {
			t.Errorf("%s --help printed %q", cmd, out)
		}
	}
	out, _, err := cli(t, nil, "version")
	if err != nil || !strings.HasPrefix(out, "dealgate ") {
		t.Fatalf("version: %q %v", out, err)
	}
}

func TestMigrateSeedAndVerify(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pgtest.NewURL(t)}
	out, _, err := cli(t, env, "migrate", "status")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("status: %q %v", out, err)
	}
	out, _, err = cli(t, env, "seed", "demo")
	if err != nil || !strings.Contains(out, "loaded") {
		t.Fatalf("seed: %q %v", out, err)
	}
	before, _, err := cli(t, env, "audit", "verify")
	if err != nil || !strings.Contains(before, "audit chain intact") {
		t.Fatalf("verify: %q %v", before, err)
	}
	// Seeding again changes nothing, so the chain head stays the same.
	out, _, err = cli(t, env, "seed", "demo")
	if err != nil || !strings.Contains(out, " 0 step(s) loaded") {
		t.Fatalf("second seed: %q %v", out, err)
	}
	after, _, _ := cli(t, env, "audit", "verify")
	if after != before {
		t.Fatalf("second seed changed the trail:\n%s\n%s", before, after)
	}

	// Tamper behind the app's back: verify must fail with exit 1 and name the event.
	conn, err := pgx.Connect(context.Background(), env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `SET session_replication_role = replica`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), `UPDATE audit_event SET actor_label = 'mallory' WHERE id = (SELECT min(id) FROM audit_event)`); err != nil {
		t.Fatal(err)
	}
	_, _, err = cli(t, env, "audit", "verify")
	ee, ok := err.(exitError)
	if !ok || ee.code != 1 || !strings.Contains(ee.msg, "BROKEN at event 1") {
		t.Fatalf("verify after tampering: %v", err)
	}
}

func TestSeedRefusedInProduction(t *testing.T) {
	t.Parallel()
	_, _, err := cli(t, map[string]string{"DEALGATE_ENV": "production", "DEALGATE_BASE_URL": "https://x.example"}, "seed", "demo")
	if err == nil || !strings.Contains(err.Error(), "production") {
		t.Fatalf("got %v", err)
	}
}

func TestMigrateDownArguments(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pgtest.NewURL(t)}
	if _, _, err := cli(t, env, "migrate", "down", "zero"); err == nil {
		t.Fatal("want an error for a bad N")
	}
	out, _, err := cli(t, env, "migrate", "down", "1")
	if err != nil || !strings.Contains(out, "1 pending") {
		t.Fatalf("down 1: %q %v", out, err)
	}
	out, _, err = cli(t, env, "migrate", "up")
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("up: %q %v", out, err)
	}
}

// TestServeRunsAndShutsDownCleanly starts the real program, serves a page,
// then delivers the shutdown signal (context cancellation) and expects a
// clean exit.
func TestServeRunsAndShutsDownCleanly(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pgtest.NewURL(t), "DEALGATE_LISTEN_ADDR": "127.0.0.1:0", "DEALGATE_LOG_LEVEL": "warn"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr := make(chan string, 1)
	var out, errb bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- runEnv(ctx, []string{"serve"}, Env{
			Getenv: func(k string) string { return env[k] }, Stdout: &out, Stderr: &errb,
			Listening: func(a string) { addr <- a },
		})
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("serve exited early: %v\n%s", err, errb.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	for _, path := range []string{"/", "/readyz"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestUserCreate(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pgtest.NewURL(t)}
	run := func(stdin string, args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := runEnv(context.Background(), args, Env{
			Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		})
		return out.String(), err
	}
	_, err := run("password123\n", "user", "create", "--email", "root@example.com", "--name", "Root Admin", "--role", "admin")
	if err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("weak password accepted: %v", err)
	}
	_, err = run("a long and unusual passphrase\n", "user", "create", "--email", "root@example.com", "--name", "Root Admin", "--role", "wizard")
	if err == nil || !strings.Contains(err.Error(), "role") {
		t.Fatalf("unknown role accepted: %v", err)
	}
	out, err := run("a long and unusual passphrase\n", "user", "create", "--email", "root@example.com", "--name", "Root Admin", "--role", "admin")
	if err != nil || !strings.Contains(out, "created user") {
		t.Fatalf("create: %q %v", out, err)
	}
	_, err = run("a long and unusual passphrase\n", "user", "create", "--email", "ROOT@example.com", "--name", "Root Again", "--role", "admin")
	if err == nil {
		t.Fatal("duplicate email (other case) accepted")
	}
}
