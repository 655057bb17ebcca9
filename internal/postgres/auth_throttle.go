package postgres

import "context"
import "fmt"
import "slices"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// --- throttling -------------------------------------------------------------------

type throttleKey struct {
	key     string
	account bool
	policy  dealgate.ThrottlePolicy
}

// throttleKeys are the keys an attempt on the account emailKey counts
// against: the account's and, when known, the client's. Sorted, so that
// every transaction locks them in the same order.
func (s *Users) throttleKeys(ctx context.Context, emailKey string) []throttleKey {
	keys := []throttleKey{{key: "email:" + emailKey, account: true, policy: s.AccountThrottle}}
	if ip := dealgate.ClientKey(dealgate.RequestMetaFrom(ctx).ClientIP); ip != "" {
		keys = append(keys, throttleKey{key: "ip:" + ip, policy: s.ClientThrottle})
	}
	slices.SortFunc(keys, func(a, b throttleKey) int { return strings.Compare(a.key, b.key) })
	return keys
}

func accountKey(email string) string { return "email:" + dealgate.EmailKey(email) }

// reserve counts an attempt as failed under every key before it is checked,
// in a transaction of its own, so parallel attempts cannot exceed the limit.
// When any key is locked it counts nothing, lets onLocked audit the refusal
// (that transaction commits) and returns ETOOMANY with the longest wait.
func (s *Users) reserve(ctx context.Context, keys []throttleKey, onLocked func(tx *Tx, retry time.Duration) error) error {
	var retry time.Duration
	err := s.db.InTx(ctx, func(tx *Tx) error {
		states := make([]dealgate.ThrottleState, len(keys))
		for i, k := range keys {
			st, err := lockThrottle(ctx, tx, k.key)
			if err != nil {
				return err
			}
			states[i] = st
			retry = max(retry, st.RetryAfter(tx.Now))
		}
		if retry > 0 {
			return onLocked(tx, retry)
		}
		for i, k := range keys {
			if err := saveThrottle(ctx, tx, k, k.policy.Reserve(states[i], tx.Now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if retry > 0 {
		return dealgate.TooMany(retry)
	}
	return nil
}

// release takes back an attempt's reservation because it succeeded; with
// forgive, the account's earlier failures are forgotten too.
func (s *Users) release(ctx context.Context, tx *Tx, keys []throttleKey, forgive bool) error {
	for _, k := range keys {
		if forgive && k.account {
			if err := tx.Q.DeleteThrottle(ctx, k.key); err != nil {
				return fmt.Errorf("reset throttle: %w", err)
			}
			continue
		}
		st, err := lockThrottle(ctx, tx, k.key)
		if err != nil {
			return err
		}
		if err := saveThrottle(ctx, tx, k, k.policy.Release(st)); err != nil {
			return err
		}
	}
	return nil
}

func lockThrottle(ctx context.Context, tx *Tx, key string) (dealgate.ThrottleState, error) {
	r, err := tx.Q.LockThrottle(ctx, sqlc.LockThrottleParams{Key: key, Now: tx.Now})
	if err != nil {
		return dealgate.ThrottleState{}, fmt.Errorf("lock throttle: %w", err)
	}
	st := dealgate.ThrottleState{Failures: int(r.Failures), WindowStart: r.WindowStart}
	if r.LockedUntil != nil {
		st.LockedUntil = *r.LockedUntil
	}
	return st, nil
}

func saveThrottle(ctx context.Context, tx *Tx, k throttleKey, st dealgate.ThrottleState) error {
	var locked *time.Time
	if !st.LockedUntil.IsZero() {
		locked = &st.LockedUntil
	}
	err := tx.Q.SaveThrottle(ctx, sqlc.SaveThrottleParams{
		Failures: int32(st.Failures), WindowStart: st.WindowStart, LockedUntil: locked,
		ExpiresAt: k.policy.ExpiresAt(st), Key: k.key,
	})
	if err != nil {
		return fmt.Errorf("save throttle: %w", err)
	}
	return nil
}
