package postgres

import "context"
import "fmt"
import "time"

import "github.com/jackc/pgx/v5"
import "github.com/jackc/pgx/v5/pgconn"
import "github.com/jackc/pgx/v5/pgxpool"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Reads without a transaction.
//
// Under READ COMMITTED, the isolation every transaction here runs at, each
// statement of a transaction takes its own snapshot, so wrapping a read-only
// use case in BEGIN and COMMIT buys it nothing but two more round trips.
// Read-only use cases run through readAuthorized instead: the statements run
// one by one on one pooled connection, each in its own implicit transaction,
// exactly as they would see the data inside BEGIN … COMMIT.
//
// Only use cases that write nothing may run here: there is no transaction
// to roll back. (Commit and Rollback are no-ops, and Begin opens a real
// transaction on the connection.)

// readAuthorized runs the read-only fn once actor may perform act.
func readAuthorized[T any](ctx context.Context, db *DB, actor *dealgate.User, act dealgate.Action, fn func(tx *Tx) (T, error)) (T, error) {
	if err := dealgate.Authorize(actor, act); err != nil {
		var zero T
		return zero, err
	}
	return readTx(ctx, db, fn)
}

// readTx runs the read-only fn on one pooled connection without a
// transaction, acquired at its first statement (a read served from a cache
// takes none). fn's error is returned as is; driver errors are translated.
func readTx[T any](ctx context.Context, db *DB, fn func(tx *Tx) (T, error)) (T, error) {
	nt := &noTx{pool: db.Pool}
	defer nt.release()
	tx := &Tx{Tx: nt, Q: sqlc.New(nt), Now: db.Now().UTC().Truncate(time.Microsecond), secrets: db.Secrets}
	out, err := fn(tx)
	if err != nil {
		return out, translate(err)
	}
	return out, nil
}

// noTx is a pooled connection outside any transaction, shaped as a pgx.Tx
// so the Tx helpers run on it unchanged. It is acquired at the first
// statement and released when the read ends; one goroutine uses it.
type noTx struct {
	pool *pgxpool.Pool
	conn *pgxpool.Conn
}

var _ pgx.Tx = (*noTx)(nil)

func (t *noTx) acquire(ctx context.Context) (*pgxpool.Conn, error) {
	if t.conn == nil {
		c, err := t.pool.Acquire(ctx)
		if err != nil {
			return nil, fmt.Errorf("acquire: %w", err)
		}
		t.conn = c
	}
	return t.conn, nil
}

func (t *noTx) release() {
	if t.conn != nil {
		t.conn.Release()
		t.conn = nil
	}
}

func (t *noTx) Begin(ctx context.Context) (pgx.Tx, error) {
	c, err := t.acquire(ctx)
	if err != nil {
		return nil, err
	}
	return c.Begin(ctx)
}

func (*noTx) Commit(context.Context) error   { return nil }
func (*noTx) Rollback(context.Context) error { return nil }

func (t *noTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	c, err := t.acquire(ctx)
	if err != nil {
		return 0, err
	}
	return c.CopyFrom(ctx, table, cols, src)
}

func (t *noTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	c, err := t.acquire(ctx)
	if err != nil {
		return pgx.FailedBatchResults(b, err)
	}
	return c.SendBatch(ctx, b)
}

func (*noTx) LargeObjects() pgx.LargeObjects { return pgx.LargeObjects{} }

func (t *noTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	c, err := t.acquire(ctx)
	if err != nil {
		return nil, err
	}
	return c.Conn().Prepare(ctx, name, sql)
}

func (t *noTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c, err := t.acquire(ctx)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	return c.Exec(ctx, sql, args...)
}

func (t *noTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	c, err := t.acquire(ctx)
	if err != nil {
		return nil, err
	}
	return c.Query(ctx, sql, args...)
}

func (t *noTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	c, err := t.acquire(ctx)
	if err != nil {
		return errRow{err}
	}
	return c.QueryRow(ctx, sql, args...)
}

// Conn is the connection, acquired if need be (nil if that fails).
func (t *noTx) Conn() *pgx.Conn {
	c, err := t.acquire(context.Background())
	if err != nil {
		return nil
	}
	return c.Conn()
}

// errRow carries a failed acquire to the caller's Scan.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// mayWait reports whether tx's request may wait for another request's read
// (versionCache.load): only outside a transaction, and only after giving
// back its connection (noTx takes one again at its next statement), so that
// no waiter holds a connection the read it waits for needs.
func (tx *Tx) mayWait() bool {
	if tx == nil {
		return true
	}
	nt, ok := tx.Tx.(*noTx)
	if ok {
		nt.release()
	}
	return ok
}
