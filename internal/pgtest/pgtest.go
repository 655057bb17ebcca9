// Package pgtest gives each test its own PostgreSQL database, cloned from a
// template that is migrated once per migration set, so tests run in parallel,
// commit freely and never see each other's rows.
//
// The server comes from TEST_DATABASE_URL, else DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres. No server is a failure, never a
// silent skip.
package pgtest

import "context"
import "crypto/sha256"
import "encoding/hex"
import "fmt"
import "io/fs"
import "net/url"
import "os"
import "strconv"
import "strings"
import "sync"
import "sync/atomic"
import "syscall"
import "testing"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/migrations"

// DefaultServerURL is used when neither TEST_DATABASE_URL nor DATABASE_URL is set.
const DefaultServerURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// ServerURL is the server the harness creates its databases on.
func ServerURL() string {
	for _, k := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return DefaultServerURL
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
	counter      atomic.Int64
)

// withDatabase returns serverURL pointing at database name.
func withDatabase(serverURL, name string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		return serverURL
	}
	u.Path = "/" + name
	return u.String()
}

func connectAdmin(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return nil, fmt.Errorf("pgtest: no PostgreSQL server at %s (%v); start one with `scripts/db.sh` (or `make test`), or set TEST_DATABASE_URL", redact(ServerURL()), err)
	}
	return conn, nil
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "the configured URL"
	}
	return u.Redacted()
}

// migrationsDigest names the template after the exact migration files, so a
// changed migration gets a fresh template and an unchanged one is reused
// across test binaries and runs.
func migrationsDigest() string {
	h := sha256.New()
	_ = fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(migrations.FS, path)
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func ensureTemplate(ctx context.Context) (string, error) {
	conn, err := connectAdmin(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	name := "dealgate_tmpl_" + migrationsDigest()
	// One builder at a time across every test process on this server.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(8231403301)`); err != nil {
		return "", fmt.Errorf("pgtest: lock: %w", err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(8231403301)`) }()
	dropOrphans(ctx, conn)

	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	if exists {
		return name, nil
	}
	// Build under a temporary name and rename when complete, so a crashed
	// build never leaves a half-migrated template behind a valid name.
	building := name + "_wip"
	_, _ = conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{building}.Sanitize()+` WITH (FORCE)`)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{building}.Sanitize()); err != nil {
		return "", fmt.Errorf("pgtest: create template: %w", err)
	}
	if err := postgres.MigrateUp(withDatabase(ServerURL(), building)); err != nil {
		return "", fmt.Errorf("pgtest: migrate template: %w", err)
	}
	if _, err := conn.Exec(ctx, `ALTER DATABASE `+pgx.Identifier{building}.Sanitize()+` RENAME TO `+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("pgtest: finish template: %w", err)
	}
	// The build time lets later runs tell an abandoned template from one a
	// concurrent run (with other migrations in its tree) is still using.
	if _, err := conn.Exec(ctx, `COMMENT ON DATABASE `+pgx.Identifier{name}.Sanitize()+` IS 'built `+time.Now().UTC().Format(time.RFC3339)+`'`); err != nil {
		return "", fmt.Errorf("pgtest: mark template: %w", err)
	}
	return name, nil
}

// dropOrphans removes databases left by test processes that died before
// their cleanup ran (their names carry the process id), and templates of
// other migration sets built more than a day ago (a concurrent run from a
// tree with other migrations may still be cloning a younger one).
func dropOrphans(ctx context.Context, conn *pgx.Conn) {
	rows, err := conn.Query(ctx, `
		SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '')
		FROM pg_database WHERE datname LIKE 'dealgate\_test\_%' OR datname LIKE 'dealgate\_tmpl\_%'`)
	if err != nil {
		return
	}
	type db struct{ name, comment string }
	dbs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (db, error) {
		var d db
		return d, r.Scan(&d.name, &d.comment)
	})
	if err != nil {
		return
	}
	current := "dealgate_tmpl_" + migrationsDigest()
	for _, d := range dbs {
		n := d.name
		drop := false
		if strings.HasPrefix(n, "dealgate_tmpl_") {
			built, err := time.Parse(time.RFC3339, strings.TrimPrefix(d.comment, "built "))
			drop = n != current && !strings.HasSuffix(n, "_wip") && err == nil && time.Since(built) > 24*time.Hour
		} else if parts := strings.Split(n, "_"); len(parts) >= 4 {
			pid, err := strconv.Atoi(parts[2])
			drop = err == nil && !processAlive(pid)
		}
		if drop {
			_, _ = conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{n}.Sanitize()+` WITH (FORCE)`)
		}
	}
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// NewURL creates a fresh, migrated database for t, drops it when t ends, and
// returns its URL.
func NewURL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx) })
	if templateErr != nil {
		t.Fatal(templateErr)
	}
	conn, err := connectAdmin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("dealgate_test_%d_%d_%d", os.Getpid(), counter.Add(1), time.Now().UnixNano()%1e6)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()+` TEMPLATE `+pgx.Identifier{templateName}.Sanitize()); err != nil {
		t.Fatalf("pgtest: clone template: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := connectAdmin(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return withDatabase(ServerURL(), name)
}

// New returns an open handle on a fresh, migrated database for t.
func New(t testing.TB) *postgres.DB {
	t.Helper()
	u := NewURL(t)
	db, err := postgres.Open(context.Background(), u, postgres.Options{MaxConns: 40, ApplicationName: "dealgate-test"})
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(db.Close)
	return db
}

// Superuser returns a direct connection to db's database as the server's
// superuser, for tests that tamper with data behind the application's back.
func Superuser(t testing.TB, db *postgres.DB) *pgx.Conn {
	t.Helper()
	name := db.Pool.Config().ConnConfig.Database
	conn, err := pgx.Connect(context.Background(), withDatabase(ServerURL(), name))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}
