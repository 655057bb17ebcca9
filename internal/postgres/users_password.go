package postgres

import "context"
import "crypto/rand"
import "crypto/sha256"
import "encoding/base64"
import "fmt"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// --- password links ---------------------------------------------------------------

// CheckPasswordResetToken returns the account a password link is for, without
// using the link, so the page can greet the person before they choose a
// password. No authorisation: the token is the credential.
// Errors: ENOTFOUND (unknown, used, replaced or expired link, or a
// deactivated account — one message for all), EINTERNAL.
func (s *Users) CheckPasswordResetToken(ctx context.Context, token string) (*dealgate.User, error) {
	h, ok := hashResetToken(token)
	if !ok {
		return nil, badLink()
	}
	q := s.db.Queries()
	tok, err := q.GetPasswordResetToken(ctx, h)
	if err != nil {
		return nil, userNoRows(err, badLink().Message)
	}
	if tok.UsedAt != nil || !s.db.Now().Before(tok.ExpiresAt) {
		return nil, badLink()
	}
	row, err := q.GetUserByID(ctx, tok.UserID)
	if err != nil {
		return nil, userNoRows(err, badLink().Message)
	}
	if row.Status != string(dealgate.UserActive) {
		return nil, badLink()
	}
	return toUser(row), nil
}

// UsePasswordReset sets a new password through a one-time link. The link is
// used up, the account's other links are void, every session of the account
// ends and its sign-in lock is lifted. The person is not signed in by this.
// Errors: ENOTFOUND (see CheckPasswordResetToken), EINVALID (field
// "new_password"), EINTERNAL.
func (s *Users) UsePasswordReset(ctx context.Context, token, newPassword string) (*dealgate.User, error) {
	u, err := s.CheckPasswordResetToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := dealgate.CheckPasswordField("new_password", newPassword, u.Email, u.Name); err != nil {
		return nil, err
	}
	hash, err := HashPassword(ctx, newPassword)
	if err != nil {
		return nil, dealgate.Internal(err)
	}
	h, _ := hashResetToken(token)
	return inTx(ctx, s.db, func(tx *Tx) (*dealgate.User, error) {
		tok, err := tx.Q.GetPasswordResetTokenForUpdate(ctx, h)
		if err != nil {
			return nil, userNoRows(err, badLink().Message)
		}
		if tok.UsedAt != nil || !tx.Now.Before(tok.ExpiresAt) {
			return nil, badLink()
		}
		old, err := tx.Q.GetUserByIDForUpdate(ctx, tok.UserID)
		if err != nil {
			return nil, userNoRows(err, badLink().Message)
		}
		if old.Status != string(dealgate.UserActive) {
			return nil, badLink()
		}
		if err := tx.Q.MarkPasswordResetTokenUsed(ctx, sqlc.MarkPasswordResetTokenUsedParams{Now: &tx.Now, ID: tok.ID}); err != nil {
			return nil, fmt.Errorf("use password link: %w", err)
		}
		if err := tx.Q.DeleteUnusedPasswordResetTokens(ctx, old.ID); err != nil {
			return nil, fmt.Errorf("void password links: %w", err)
		}
		if err := tx.Q.DeleteThrottle(ctx, accountKey(old.Email)); err != nil {
			return nil, fmt.Errorf("lift sign-in lock: %w", err)
		}
		next := old
		next.PasswordHash = hash
		next.SessionEpoch++
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return nil, err
		}
		user := toUser(saved)
		return user, tx.auditAs(ctx, user, dealgate.AuditEvent{
			Action: "user.password_reset_used", EntityType: "user", EntityID: userEntityID(old.ID),
			After: map[string]any{"purpose": tok.Purpose, "version": saved.Version, "sessions_ended": true},
		})
	})
}

// issueLink voids userID's open links and makes a new one.
func (s *Users) issueLink(ctx context.Context, tx *Tx, userID int64, purpose string, by *int64) (dealgate.PasswordResetLink, error) {
	token, h, err := newResetToken()
	if err != nil {
		return dealgate.PasswordResetLink{}, dealgate.Internal(err)
	}
	if err := tx.Q.DeleteUnusedPasswordResetTokens(ctx, userID); err != nil {
		return dealgate.PasswordResetLink{}, fmt.Errorf("void password links: %w", err)
	}
	ttl := s.ResetTTL
	if ttl <= 0 {
		ttl = dealgate.PasswordResetTTL
	}
	expires := tx.Now.Add(ttl)
	if _, err := tx.Q.InsertPasswordResetToken(ctx, sqlc.InsertPasswordResetTokenParams{
		UserID: userID, TokenHash: h, Purpose: purpose, CreatedBy: by, Now: tx.Now, ExpiresAt: expires,
	}); err != nil {
		return dealgate.PasswordResetLink{}, fmt.Errorf("insert password link: %w", err)
	}
	return dealgate.PasswordResetLink{UserID: userID, Token: token, ExpiresAt: expires}, nil
}

var tokenEncoding = base64.RawURLEncoding

// newResetToken returns 256 random bits as URL-safe text, and the hash stored.
func newResetToken() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("password link token: %w", err)
	}
	t := tokenEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(t))
	return t, h[:], nil
}

// hashResetToken returns the stored form of a token, or false when it cannot be
// one of ours.
func hashResetToken(t string) ([]byte, bool) {
	if b, err := tokenEncoding.DecodeString(t); err != nil || len(b) != 32 {
		return nil, false
	}
	h := sha256.Sum256([]byte(t))
	return h[:], true
}

func badLink() *dealgate.Error {
	return dealgate.Errorf(dealgate.ENOTFOUND, "This password link is not valid: it has expired, has been used, or was replaced by a newer one. Ask an administrator for a new link.")
}

// --- maintenance ------------------------------------------------------------------

// PurgeResult says what PurgeExpired removed.
type PurgeResult struct {
	PasswordResetTokens int64
	Throttles           int64
}

// PurgeExpired deletes expired password links and throttle counters that no
// longer matter. Run it periodically (e.g. hourly); it is idempotent.
// Errors: EINTERNAL.
func (s *Users) PurgeExpired(ctx context.Context) (PurgeResult, error) {
	return inTx(ctx, s.db, func(tx *Tx) (PurgeResult, error) {
		var res PurgeResult
		var err error
		if res.PasswordResetTokens, err = tx.Q.PurgePasswordResetTokens(ctx, tx.Now); err != nil {
			return res, fmt.Errorf("purge password links: %w", err)
		}
		if res.Throttles, err = tx.Q.PurgeThrottles(ctx, tx.Now); err != nil {
			return res, fmt.Errorf("purge throttles: %w", err)
		}
		return res, nil
	})
}
