package postgres

import "context"

import "github.com/dealgate/dealgate/internal/dealgate"

// inBound runs fn in bound, the transaction a caller holds when a service
// was made with Within (the demo loader), or else in a new transaction.
func inBound[T any](ctx context.Context, db *DB, bound *Tx, fn func(tx *Tx) (T, error)) (T, error) {
	if bound != nil {
		return fn(bound)
	}
	return inTx(ctx, db, fn)
}

// authorizedBound runs fn as inBound does, once actor may perform act.
func authorizedBound[T any](ctx context.Context, db *DB, bound *Tx, actor *dealgate.User, act dealgate.Action, fn func(tx *Tx) (T, error)) (T, error) {
	if err := dealgate.Authorize(actor, act); err != nil {
		var zero T
		return zero, err
	}
	return inBound(ctx, db, bound, fn)
}

// readBound runs the read-only fn in bound when the service is bound to a
// caller's transaction, or else without a transaction (see readTx).
func readBound[T any](ctx context.Context, db *DB, bound *Tx, fn func(tx *Tx) (T, error)) (T, error) {
	if bound != nil {
		return fn(bound)
	}
	return readTx(ctx, db, fn)
}
