package postgres

import "context"
import "fmt"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// --- password change ----------------------------------------------------------------

// ChangePassword sets the signed-in user's password after checking the
// current one, and ends every other session: the returned user carries the
// new session epoch, to store in the current session so that it stays. A
// wrong current password counts toward the account's sign-in throttle and
// is audited (auth.reauth_failed).
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (fields "current_password",
// "new_password"), ETOOMANY, ECONFLICT (the password changed meanwhile),
// EINTERNAL.
func (s *Users) ChangePassword(ctx context.Context, actor *dealgate.User, current, newPassword string) (*dealgate.User, error) {
	if err := dealgate.Authorize(actor, dealgate.ActSignedIn); err != nil {
		return nil, err
	}
	var v dealgate.Validation
	if current == "" {
		v.Add("current_password", "Enter your current password.")
	}
	if msg := dealgate.PasswordProblem(newPassword, actor.Email, actor.Name); msg != "" {
		v.Add("new_password", msg)
	} else if newPassword == current {
		v.Add("new_password", "Choose a password different from your current one.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	old, err := s.reauthenticate(ctx, actor, "change_password", current, "")
	if err != nil {
		return nil, err
	}
	hash, err := HashPassword(ctx, newPassword)
	if err != nil {
		return nil, dealgate.Internal(err)
	}
	return authorized(ctx, s.db, actor, dealgate.ActSignedIn, func(tx *Tx) (*dealgate.User, error) {
		row, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return nil, err
		}
		if row.PasswordHash != old.PasswordHash {
			return nil, dealgate.Errorf(dealgate.ECONFLICT, "Your password was changed a moment ago. Sign in again.")
		}
		next := row
		next.PasswordHash = hash
		next.SessionEpoch++
		if err := tx.Q.DeleteUnusedPasswordResetTokens(ctx, row.ID); err != nil {
			return nil, fmt.Errorf("void password links: %w", err)
		}
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return nil, err
		}
		return toUser(saved), tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "user.password_changed", EntityType: "user", EntityID: userEntityID(row.ID),
			After: map[string]any{"version": saved.Version, "other_sessions_ended": true},
		})
	})
}

// reauthenticate checks that the signed-in user knows their password, or
// holds their second factor (a code), under the account and client
// throttles. A failure is audited as auth.reauth_failed and answered
// EINVALID on field "current_password" (or "code" when only a code was
// given). It returns the user's row as checked.
func (s *Users) reauthenticate(ctx context.Context, actor *dealgate.User, purpose, password, code string) (sqlc.User, error) {
	row, err := s.db.Queries().GetUserByID(ctx, actor.ID)
	if err != nil {
		return row, userNoRows(err, "Sign in to continue.")
	}
	if err := dealgate.Authorize(toUser(row), dealgate.ActSignedIn); err != nil {
		return row, err
	}
	keys := s.throttleKeys(ctx, dealgate.EmailKey(row.Email))
	if err := s.reserve(ctx, keys, func(tx *Tx, retry time.Duration) error {
		return tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "auth.throttled", EntityType: "user", EntityID: userEntityID(row.ID),
			After: map[string]any{"stage": purpose, "retry_after_seconds": int64(retry.Seconds())},
		})
	}); err != nil {
		return row, err
	}
	ok := false
	if password != "" {
		if ok, err = VerifyPassword(ctx, row.PasswordHash, password); err != nil {
			return row, dealgate.Internal(err)
		}
	}
	ok, err = inTx(ctx, s.db, func(tx *Tx) (bool, error) {
		if !ok && code != "" && row.TotpEnabled {
			locked, err := tx.Q.GetUserByIDForUpdate(ctx, row.ID)
			if err != nil {
				return false, fmt.Errorf("load user: %w", err)
			}
			method, err := tx.consumeSecondFactor(ctx, &locked, code)
			if err != nil {
				return false, err
			}
			ok = method != ""
		}
		if ok {
			return true, s.release(ctx, tx, keys, false)
		}
		return false, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "auth.reauth_failed", EntityType: "user", EntityID: userEntityID(row.ID),
			After: map[string]any{"stage": purpose},
		})
	})
	if err != nil {
		return row, err
	}
	if !ok {
		if password == "" && code != "" {
			return row, invalidField("code", "That code is not correct, or it has already been used.")
		}
		return row, invalidField("current_password", "That is not your current password.")
	}
	return row, nil
}
