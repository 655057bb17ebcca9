package postgres

import "context"
import "fmt"
import "strings"
import "time"
import "unicode/utf8"

import "github.com/dealgate/dealgate/internal/credentials"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// anonymousActor labels audit events of someone not (yet) signed in.
const anonymousActor = "anonymous"

// --- sign-in ----------------------------------------------------------------

// SignIn checks an email and password. The client address for throttling and
// the audit trail comes from the request metadata in ctx.
//
// An unknown email, a wrong password, a deactivated account and an invited
// account without a password all get the same EUNAUTHORIZED after the same
// amount of work, and each is audited as auth.sign_in_failed (entity "auth",
// the typed email) in a transaction of its own that commits although the
// sign-in fails. When the password is right and the account has a second
// factor, the result has SecondFactorPending and nobody is signed in yet:
// the caller keeps the user ID in the session and finishes with
// SignInSecondFactor. Otherwise the sign-in is complete (auth.signed_in,
// last_sign_in_at); SetUpSecondFactor says the user's roles require a
// second factor they lack.
//
// Errors: EUNAUTHORIZED, ETOOMANY (dealgate.RetryAfter gives the wait),
// EINTERNAL.
func (s *Users) SignIn(ctx context.Context, email, password string) (*dealgate.SignInResult, error) {
	key := dealgate.EmailKey(email)
	keys := s.throttleKeys(ctx, key)
	if err := s.reserve(ctx, keys, func(tx *Tx, retry time.Duration) error {
		return tx.Audit(ctx, dealgate.AuditEvent{
			ActorLabel: anonymousActor, Action: "auth.throttled", EntityType: "auth", EntityID: key,
			After: map[string]any{"stage": "password", "retry_after_seconds": int64(retry.Seconds())},
		})
	}); err != nil {
		return nil, err
	}

	var row sqlc.User
	found := false
	if lookupable(key) {
		r, err := s.db.Queries().GetUserByEmail(ctx, key)
		switch {
		case err == nil:
			row, found = r, true
		case !isNotFound(err):
			return nil, translate(fmt.Errorf("find user: %w", err))
		}
	}
	// An unknown account is checked against a dummy hash: same work, same answer.
	ok, err := VerifyPassword(ctx, row.PasswordHash, password)
	if err != nil {
		return nil, dealgate.Internal(err)
	}
	if reason := signInRefusal(found, row, ok); reason != "" {
		after := map[string]any{"stage": "password", "reason": reason}
		if found {
			after["user_id"] = row.ID
		}
		if err := s.db.InTx(ctx, func(tx *Tx) error {
			return tx.Audit(ctx, dealgate.AuditEvent{
				ActorLabel: anonymousActor, Action: "auth.sign_in_failed", EntityType: "auth", EntityID: key, After: after,
			})
		}); err != nil {
			return nil, err
		}
		return nil, badCredentials()
	}

	if row.TotpEnabled {
		err := s.db.InTx(ctx, func(tx *Tx) error { return s.release(ctx, tx, keys, false) })
		if err != nil {
			return nil, err
		}
		return &dealgate.SignInResult{User: toUser(row), SecondFactorPending: true}, nil
	}

	// Upgrade a hash made under older parameters while the password is at hand.
	newHash := ""
	if NeedsRehash(row.PasswordHash) {
		if newHash, err = HashPassword(ctx, password); err != nil {
			return nil, dealgate.Internal(err)
		}
	}
	user, err := inTx(ctx, s.db, func(tx *Tx) (*dealgate.User, error) {
		if newHash != "" {
			if err := tx.Q.RehashPassword(ctx, sqlc.RehashPasswordParams{NewHash: newHash, ID: row.ID, OldHash: row.PasswordHash}); err != nil {
				return nil, fmt.Errorf("rehash password: %w", err)
			}
		}
		return s.completeSignIn(ctx, tx, keys, row.ID, "password")
	})
	if err != nil {
		return nil, err
	}
	return &dealgate.SignInResult{User: user, SetUpSecondFactor: dealgate.MustSetUpSecondFactor(user, s.SecondFactorRoles)}, nil
}

// signInRefusal is why a password sign-in is refused, as the audit trail
// records it, or "" when the password opens an active account.
func signInRefusal(found bool, row sqlc.User, passwordOK bool) string {
	switch {
	case !found:
		return "unknown_email"
	case row.PasswordHash == "":
		return "no_password"
	case !passwordOK:
		return "wrong_password"
	case row.Status != string(dealgate.UserActive):
		return "deactivated"
	}
	return ""
}

// SignInSecondFactor finishes a sign-in whose password step returned
// SecondFactorPending, with a code from the authenticator app or an unused
// recovery code (field "code"). userID and epoch are the pending user's ID
// and SessionEpoch as that step returned them (keep both in the session): if
// the epoch has moved on since — a password reset, a deactivation, a
// second-factor reset — the person must sign in again. A TOTP code is
// accepted once: a code already used, or one from an earlier time step, is
// refused. A wrong code is audited (auth.sign_in_failed, stage
// second_factor) and counts toward the same throttles as a wrong password.
// Errors: EUNAUTHORIZED (wrong or used code, with field "code"; or the
// account can no longer sign in: no field), ETOOMANY, EINTERNAL.
func (s *Users) SignInSecondFactor(ctx context.Context, userID, epoch int64, code string) (*dealgate.SignInResult, error) {
	row, err := s.db.Queries().GetUserByID(ctx, userID)
	if isNotFound(err) || (err == nil && (row.Status != string(dealgate.UserActive) || !row.TotpEnabled || row.SessionEpoch != epoch)) {
		return nil, dealgate.Errorf(dealgate.EUNAUTHORIZED, "Sign in again to continue.")
	}
	if err != nil {
		return nil, translate(fmt.Errorf("find user: %w", err))
	}
	key := dealgate.EmailKey(row.Email)
	keys := s.throttleKeys(ctx, key)
	if err := s.reserve(ctx, keys, func(tx *Tx, retry time.Duration) error {
		return tx.Audit(ctx, dealgate.AuditEvent{
			ActorLabel: anonymousActor, Action: "auth.throttled", EntityType: "auth", EntityID: key,
			After: map[string]any{"stage": "second_factor", "user_id": row.ID, "retry_after_seconds": int64(retry.Seconds())},
		})
	}); err != nil {
		return nil, err
	}
	// A wrong code commits its audit event and leaves user nil.
	user, err := inTx(ctx, s.db, func(tx *Tx) (*dealgate.User, error) {
		locked, err := tx.Q.GetUserByIDForUpdate(ctx, userID)
		if err != nil {
			return nil, userNoRows(err, "Sign in again to continue.")
		}
		if locked.Status != string(dealgate.UserActive) || !locked.TotpEnabled || locked.SessionEpoch != epoch {
			return nil, dealgate.Errorf(dealgate.EUNAUTHORIZED, "Sign in again to continue.")
		}
		method, err := tx.consumeSecondFactor(ctx, &locked, code)
		if err != nil {
			return nil, err
		}
		if method != "" {
			return s.completeSignIn(ctx, tx, keys, userID, "password+"+method)
		}
		return nil, tx.Audit(ctx, dealgate.AuditEvent{
			ActorLabel: anonymousActor, Action: "auth.sign_in_failed", EntityType: "auth", EntityID: key,
			After: map[string]any{"stage": "second_factor", "reason": "wrong_code", "user_id": row.ID},
		})
	})
	if err != nil {
		return nil, err
	}
	if user == nil {
		msg := "That code is not correct, or it has already been used."
		return nil, &dealgate.Error{Code: dealgate.EUNAUTHORIZED, Message: msg, Fields: map[string]string{"code": msg}}
	}
	return &dealgate.SignInResult{User: user}, nil
}

// completeSignIn records a finished sign-in: the account's failures are
// forgiven, the client's reservation taken back, last_sign_in_at set.
func (s *Users) completeSignIn(ctx context.Context, tx *Tx, keys []throttleKey, userID int64, method string) (*dealgate.User, error) {
	if err := s.release(ctx, tx, keys, true); err != nil {
		return nil, err
	}
	if err := tx.Q.RecordSignIn(ctx, sqlc.RecordSignInParams{Now: &tx.Now, ID: userID}); err != nil {
		return nil, fmt.Errorf("record sign-in: %w", err)
	}
	row, err := tx.Q.GetUserByID(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("reload user: %w", err)
	}
	user := toUser(row)
	after := map[string]any{"method": method}
	if strings.HasSuffix(method, "recovery_code") {
		n, err := tx.Q.CountUnusedRecoveryCodes(ctx, userID)
		if err != nil {
			return nil, fmt.Errorf("count recovery codes: %w", err)
		}
		after["recovery_codes_left"] = n
	}
	return user, tx.auditAs(ctx, user, dealgate.AuditEvent{
		Action: "auth.signed_in", EntityType: "user", EntityID: userEntityID(userID), After: after,
	})
}

// SignOut records that u signed out; the caller destroys the session. A nil
// user (no session) is not an error.
// Errors: EINTERNAL.
func (s *Users) SignOut(ctx context.Context, u *dealgate.User) error {
	if u == nil {
		return nil
	}
	return s.db.InTx(ctx, func(tx *Tx) error {
		return tx.auditAs(ctx, u, dealgate.AuditEvent{
			Action: "auth.signed_out", EntityType: "user", EntityID: userEntityID(u.ID),
		})
	})
}

// SignOutEverywhere ends every session of the signed-in user by moving the
// session epoch on. The returned user carries the new epoch; store it in the
// current session to keep that one.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINTERNAL.
func (s *Users) SignOutEverywhere(ctx context.Context, actor *dealgate.User) (*dealgate.User, error) {
	return authorized(ctx, s.db, actor, dealgate.ActSignedIn, func(tx *Tx) (*dealgate.User, error) {
		old, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return nil, err
		}
		next := old
		next.SessionEpoch++
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return nil, err
		}
		return toUser(saved), tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "auth.signed_out_everywhere", EntityType: "user", EntityID: userEntityID(old.ID),
			After: map[string]any{"sessions_ended": true},
		})
	})
}

func badCredentials() error {
	return dealgate.Errorf(dealgate.EUNAUTHORIZED, "The email or password is incorrect.")
}

// lookupable reports whether key can be an email the users table holds, so
// that garbage never reaches a query.
func lookupable(key string) bool {
	return key != "" && utf8.RuneCountInString(key) <= dealgate.EmailMaxLen && !strings.ContainsRune(key, utf8.RuneError)
}

// --- second factor ----------------------------------------------------------------

// BeginTOTP starts setting up an authenticator app for the signed-in user and
// returns the secret, its otpauth:// URL and a QR code of it. The secret stays
// pending, and cannot sign anyone in, until ConfirmTOTP; calling BeginTOTP
// again while one is pending returns the same secret, so a reloaded page
// still matches the app that scanned it.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ECONFLICT (already set up: remove it
// first), EINTERNAL.
func (s *Users) BeginTOTP(ctx context.Context, actor *dealgate.User) (*dealgate.TOTPEnrolment, error) {
	type pending struct {
		email  string
		secret []byte
	}
	p, err := authorized(ctx, s.db, actor, dealgate.ActSignedIn, func(tx *Tx) (pending, error) {
		row, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return pending{}, err
		}
		if row.TotpEnabled {
			return pending{}, dealgate.Errorf(dealgate.ECONFLICT, "Two-step verification is already set up. Remove it first to move to a new device.")
		}
		p := pending{email: row.Email}
		if row.TotpSecret != nil {
			plain, err := tx.openSecret(totpSecretColumn, row.ID, *row.TotpSecret)
			if err != nil {
				return p, err
			}
			if p.secret, err = credentials.DecodeSecret(plain); err == nil {
				return p, nil
			}
		}
		if p.secret, err = credentials.NewSecret(); err != nil {
			return p, dealgate.Internal(err)
		}
		enc := tx.sealSecret(totpSecretColumn, row.ID, credentials.EncodeSecret(p.secret))
		row.TotpSecret = &enc
		_, err = tx.saveUser(ctx, row)
		return p, err
	})
	if err != nil {
		return nil, err
	}
	return credentials.Enrolment(s.Issuer, p.email, p.secret)
}

// ConfirmTOTP turns the pending secret on with a code from the app, makes
// fresh recovery codes (returned once, in plain text; only hashes are kept)
// and ends the user's other sessions: the returned user carries the new
// session epoch.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (field "code": wrong code or
// nothing pending), ECONFLICT (already set up), EINTERNAL.
func (s *Users) ConfirmTOTP(ctx context.Context, actor *dealgate.User, code string) (*dealgate.User, []string, error) {
	codes, hashes, err := credentials.NewRecoveryCodes()
	if err != nil {
		return nil, nil, dealgate.Internal(err)
	}
	user, err := authorized(ctx, s.db, actor, dealgate.ActSignedIn, func(tx *Tx) (*dealgate.User, error) {
		old, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return nil, err
		}
		if old.TotpEnabled {
			return nil, dealgate.Errorf(dealgate.ECONFLICT, "Two-step verification is already set up.")
		}
		if old.TotpSecret == nil {
			return nil, invalidField("code", "Start setting up two-step verification again: nothing is waiting to be confirmed.")
		}
		secret, err := tx.openSecret(totpSecretColumn, old.ID, *old.TotpSecret)
		if err != nil {
			return nil, err
		}
		step, ok := credentials.MatchTOTP(secret, credentials.NormalizeCode(code), old.TotpLastStep, tx.Now)
		if !ok {
			return nil, invalidField("code", "That code is not correct. Check that your device's clock is right and enter the current code.")
		}
		next := old
		next.TotpEnabled = true
		next.TotpLastStep = step
		next.SessionEpoch++
		if err := tx.replaceRecoveryCodes(ctx, old.ID, hashes); err != nil {
			return nil, err
		}
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return nil, err
		}
		return toUser(saved), tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "user.totp_enabled", EntityType: "user", EntityID: userEntityID(old.ID),
			Before: map[string]any{"totp_enabled": false},
			After:  map[string]any{"totp_enabled": true, "recovery_codes": len(codes), "version": saved.Version, "other_sessions_ended": true},
		})
	})
	if err != nil {
		return nil, nil, err
	}
	return user, codes, nil
}

// RemoveTOTP turns the signed-in user's second factor off, after checking
// their current password or a code (TOTP or recovery), and ends their other
// sessions (the returned user carries the new epoch). Someone whose roles
// require a second factor cannot remove it; an admin can reset it instead.
// Errors: EUNAUTHORIZED, EFORBIDDEN (required for the user's roles),
// EINVALID (fields "current_password" or "code"), ECONFLICT (not set up),
// ETOOMANY, EINTERNAL.
func (s *Users) RemoveTOTP(ctx context.Context, actor *dealgate.User, currentPassword, code string) (*dealgate.User, error) {
	if err := dealgate.Authorize(actor, dealgate.ActSignedIn); err != nil {
		return nil, err
	}
	if dealgate.SecondFactorRequired(actor, s.SecondFactorRoles) {
		return nil, dealgate.Errorf(dealgate.EFORBIDDEN, "Your role requires two-step verification, so it cannot be removed. If you have lost your device, ask an admin to reset it.")
	}
	if currentPassword == "" && strings.TrimSpace(code) == "" {
		return nil, invalidField("current_password", "Enter your current password, or a code from your authenticator app.")
	}
	if !actor.TOTPEnabled {
		if row, err := s.db.Queries().GetUserByID(ctx, actor.ID); err != nil || !row.TotpEnabled {
			return nil, dealgate.Errorf(dealgate.ECONFLICT, "Two-step verification is not set up.")
		}
	}
	checked, err := s.reauthenticate(ctx, actor, "remove_totp", currentPassword, code)
	if err != nil {
		return nil, err
	}
	return authorized(ctx, s.db, actor, dealgate.ActSignedIn, func(tx *Tx) (*dealgate.User, error) {
		old, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return nil, err
		}
		if !old.TotpEnabled || old.PasswordHash != checked.PasswordHash {
			return nil, dealgate.Errorf(dealgate.ECONFLICT, "Your account changed a moment ago. Reload the page and try again.")
		}
		saved, err := tx.clearSecondFactor(ctx, old)
		if err != nil {
			return nil, err
		}
		return toUser(saved), tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "user.totp_removed", EntityType: "user", EntityID: userEntityID(old.ID),
			Before: map[string]any{"totp_enabled": true},
			After:  map[string]any{"totp_enabled": false, "version": saved.Version, "other_sessions_ended": true},
		})
	})
}

// RegenerateRecoveryCodes replaces the signed-in user's recovery codes after
// checking their current password, and returns the new ones once.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (field "current_password"),
// ECONFLICT (no second factor), ETOOMANY, EINTERNAL.
func (s *Users) RegenerateRecoveryCodes(ctx context.Context, actor *dealgate.User, currentPassword string) ([]string, error) {
	if err := dealgate.Authorize(actor, dealgate.ActSignedIn); err != nil {
		return nil, err
	}
	if currentPassword == "" {
		return nil, invalidField("current_password", "Enter your current password.")
	}
	if _, err := s.reauthenticate(ctx, actor, "regenerate_recovery_codes", currentPassword, ""); err != nil {
		return nil, err
	}
	codes, hashes, err := credentials.NewRecoveryCodes()
	if err != nil {
		return nil, dealgate.Internal(err)
	}
	return authorized(ctx, s.db, actor, dealgate.ActSignedIn, func(tx *Tx) ([]string, error) {
		row, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return nil, err
		}
		if !row.TotpEnabled {
			return nil, dealgate.Errorf(dealgate.ECONFLICT, "Set up two-step verification first.")
		}
		if err := tx.replaceRecoveryCodes(ctx, row.ID, hashes); err != nil {
			return nil, err
		}
		return codes, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "user.recovery_codes_regenerated", EntityType: "user", EntityID: userEntityID(row.ID),
			After: map[string]any{"recovery_codes": len(codes)},
		})
	})
}

// RecoveryCodesLeft counts the signed-in user's unused recovery codes.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINTERNAL.
func (s *Users) RecoveryCodesLeft(ctx context.Context, actor *dealgate.User) (int, error) {
	if err := dealgate.Authorize(actor, dealgate.ActSignedIn); err != nil {
		return 0, err
	}
	n, err := s.db.Queries().CountUnusedRecoveryCodes(ctx, actor.ID)
	return int(n), translate(err)
}

// consumeSecondFactor checks code against u (locked by the caller) and uses
// it up: a TOTP code's time step becomes the last accepted one, a recovery
// code is marked used. It returns "totp", "recovery_code", or "" when the
// code is wrong or already used.
func (tx *Tx) consumeSecondFactor(ctx context.Context, u *sqlc.User, code string) (string, error) {
	c := credentials.NormalizeCode(code)
	if u.TotpSecret == nil || c == "" {
		return "", nil
	}
	if len(c) == 6 {
		secret, err := tx.openSecret(totpSecretColumn, u.ID, *u.TotpSecret)
		if err != nil {
			return "", err
		}
		step, ok := credentials.MatchTOTP(secret, c, u.TotpLastStep, tx.Now)
		if !ok {
			return "", nil
		}
		if err := tx.Q.SetTOTPLastStep(ctx, sqlc.SetTOTPLastStepParams{Step: step, ID: u.ID}); err != nil {
			return "", fmt.Errorf("record totp step: %w", err)
		}
		u.TotpLastStep = step
		return "totp", nil
	}
	if len(c) != credentials.RecoveryCodeLen {
		return "", nil
	}
	_, err := tx.Q.UseRecoveryCode(ctx, sqlc.UseRecoveryCodeParams{Now: &tx.Now, UserID: u.ID, CodeHash: credentials.RecoveryCodeHash(c)})
	if isNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("use recovery code: %w", err)
	}
	return "recovery_code", nil
}

func (tx *Tx) replaceRecoveryCodes(ctx context.Context, userID int64, hashes [][]byte) error {
	if err := tx.Q.DeleteRecoveryCodes(ctx, userID); err != nil {
		return fmt.Errorf("delete recovery codes: %w", err)
	}
	if err := tx.Q.InsertRecoveryCodes(ctx, sqlc.InsertRecoveryCodesParams{UserID: userID, Now: tx.Now, CodeHashes: hashes}); err != nil {
		return fmt.Errorf("insert recovery codes: %w", err)
	}
	return nil
}

// clearSecondFactor removes u's secret and recovery codes and ends its
// sessions.
func (tx *Tx) clearSecondFactor(ctx context.Context, u sqlc.User) (sqlc.User, error) {
	if err := tx.Q.DeleteRecoveryCodes(ctx, u.ID); err != nil {
		return u, fmt.Errorf("delete recovery codes: %w", err)
	}
	next := u
	next.TotpSecret, next.TotpEnabled = nil, false
	next.SessionEpoch++
	return tx.saveUser(ctx, next)
}
