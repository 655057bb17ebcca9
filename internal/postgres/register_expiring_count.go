package postgres

import "context"
import "fmt"

import "github.com/dealgate/dealgate/internal/dealgate"

// ExpiringSoonCount is how many entries ExpiringSoon would list for the
// same window (active agreements expiring in it, and live clauses ending in
// it whose agreement is active and not expired before it starts), without
// loading or sorting them: the home page shows only the number. It reads
// two index-only scans and probes each clause's agreement.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID, EINTERNAL.
func (s *Register) ExpiringSoonCount(ctx context.Context, actor *dealgate.User, days int) (int, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (int, error) {
		if days < 1 || days > 3660 {
			return 0, &dealgate.Error{Code: dealgate.EINVALID, Message: "Choose a window of 1 to 3,660 days.",
				Fields: map[string]string{"days": "Choose a window of 1 to 3,660 days"}}
		}
		from := tx.today()
		until := from.AddDate(0, 0, days)
		counter, err := registerCounter(ctx, tx)
		if err != nil {
			return 0, err
		}
		key := expiringKey{from: from.Unix(), days: days}
		return s.expiringCounts.load(ctx, tx, counter, key, loader[int]{read: func() (int, error) {
			var n int
			err := tx.QueryRow(ctx, `
				SELECT (SELECT count(*) FROM agreement a
				        WHERE a.status = 'active' AND a.expires_on BETWEEN $1 AND $2)
				     + (SELECT count(*) FROM clause c JOIN agreement a ON a.id = c.agreement_id
				        WHERE c.retired_at IS NULL AND c.valid_until IS NOT NULL AND c.valid_until BETWEEN $1 AND $2
				          AND a.status = 'active' AND (a.expires_on IS NULL OR a.expires_on >= $1))`, from, until).Scan(&n)
			if err != nil {
				return 0, fmt.Errorf("expiry watch count: %w", err)
			}
			return n, nil
		}})
	})
}

// expiringKey is one window of ExpiringSoonCount: its first day (Unix
// seconds) and length.
type expiringKey struct {
	from int64
	days int
}
