package postgres

import "context"
import "errors"
import "fmt"
import "io/fs"
import "net/url"
import "regexp"
import "sort"
import "strconv"
import "sync"

import "github.com/golang-migrate/migrate/v4"
import _ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers the pgx5:// driver
import "github.com/golang-migrate/migrate/v4/source/iofs"
import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/migrations"

// newMigrate opens golang-migrate on the embedded migrations. Its driver
// holds a Postgres advisory lock while it works, so instances that start
// together apply each migration exactly once.
func newMigrate(databaseURL string) (*migrate.Migrate, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("read embedded migrations: %w", err)
	}
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("database url must start with postgres:// or postgresql://")
	}
	u.Scheme = "pgx5"
	m, err := migrate.NewWithSourceInstance("iofs", src, u.String())
	if err != nil {
		return nil, fmt.Errorf("open migrations: %w", err)
	}
	return m, nil
}

func closeMigrate(m *migrate.Migrate, err error) error {
	srcErr, dbErr := m.Close()
	return errors.Join(err, srcErr, dbErr)
}

// MigrateUp applies every pending migration.
func MigrateUp(databaseURL string) error {
	m, err := newMigrate(databaseURL)
	if err != nil {
		return err
	}
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return closeMigrate(m, fmt.Errorf("migrate up: %w", err))
	}
	return closeMigrate(m, nil)
}

// MigrateDown reverts the newest n migrations (development only).
func MigrateDown(databaseURL string, n int) error {
	if n < 1 {
		return fmt.Errorf("migrate down: N must be at least 1")
	}
	m, err := newMigrate(databaseURL)
	if err != nil {
		return err
	}
	if err := m.Steps(-n); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return closeMigrate(m, fmt.Errorf("migrate down %d: %w", n, err))
	}
	return closeMigrate(m, nil)
}

// SchemaStatus says where a database stands against the embedded migrations.
type SchemaStatus struct {
	Current uint // 0 when nothing is applied
	Latest  uint
	Dirty   bool
}

// Ready reports whether the schema is exactly the one this binary expects.
func (s SchemaStatus) Ready() bool { return !s.Dirty && s.Current == s.Latest }

func (s SchemaStatus) String() string {
	state := "up to date"
	switch {
	case s.Dirty:
		state = "dirty: a migration failed half-way; fix it by hand, then force the version"
	case s.Current < s.Latest:
		state = fmt.Sprintf("%d pending", pendingAfter(s.Current))
	case s.Current > s.Latest:
		state = "newer than this binary"
	}
	return fmt.Sprintf("schema version %d of %d (%s)", s.Current, s.Latest, state)
}

var migrationName = regexp.MustCompile(`^(\d+)_.*\.up\.sql$`)

// migrationVersions are the versions of the embedded migrations, in order.
// Numbers may have gaps (features number their migrations ahead), so counts
// come from this list, never from subtracting versions.
var migrationVersions = sync.OnceValue(func() []uint {
	entries, _ := fs.ReadDir(migrations.FS, ".")
	var versions []int
	for _, e := range entries {
		if m := migrationName.FindStringSubmatch(e.Name()); m != nil {
			v, _ := strconv.Atoi(m[1])
			versions = append(versions, v)
		}
	}
	sort.Ints(versions)
	out := make([]uint, len(versions))
	for i, v := range versions {
		out[i] = uint(v)
	}
	return out
})

// LatestMigration is the newest migration version embedded in the binary.
func LatestMigration() uint {
	vs := migrationVersions()
	if len(vs) == 0 {
		return 0
	}
	return vs[len(vs)-1]
}

// MigrationCount is how many migrations the binary embeds: the steps from
// an empty database to LatestMigration.
func MigrationCount() int { return len(migrationVersions()) }

// pendingAfter counts the embedded migrations newer than current.
func pendingAfter(current uint) int {
	n := 0
	for _, v := range migrationVersions() {
		if v > current {
			n++
		}
	}
	return n
}

// SchemaStatus reads the applied version cheaply, for readiness checks.
func (db *DB) SchemaStatus(ctx context.Context) (SchemaStatus, error) {
	st := SchemaStatus{Latest: LatestMigration()}
	var exists bool
	if err := db.Pool.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return st, fmt.Errorf("read schema version: %w", err)
	}
	if !exists {
		return st, nil
	}
	var version int64
	err := db.Pool.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&version, &st.Dirty)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return st, fmt.Errorf("read schema version: %w", err)
	}
	st.Current = uint(version)
	return st, nil
}

// Health answers the readiness check: whether the database is reachable
// and its schema is the one this binary expects.
type Health struct{ DB *DB }

// NewHealth returns the readiness service on db.
func NewHealth(db *DB) *Health { return &Health{DB: db} }

// Ping checks that the database answers.
func (h *Health) Ping(ctx context.Context) error { return h.DB.Pool.Ping(ctx) }

// SchemaStatus reads the applied migration version.
func (h *Health) SchemaStatus(ctx context.Context) (SchemaStatus, error) {
	return h.DB.SchemaStatus(ctx)
}
