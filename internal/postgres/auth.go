package postgres

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"image/png"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/postgres/sqlc"
)

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
		case !errors.Is(err, pgx.ErrNoRows):
			return nil, translate(fmt.Errorf("find user: %w", err))
		}
	}
	// An unknown account is checked against a dummy hash: same work, same answer.
	ok, err := VerifyPassword(ctx, row.PasswordHash, password)
	if err != nil {
		return nil, dealgate.Internal(err)
	}
	reason := ""
	switch {
	case !found:
		reason = "unknown_email"
	case row.PasswordHash == "":
		reason = "no_password"
	case !ok:
		reason = "wrong_password"
	case row.Status != string(dealgate.UserActive):
		reason = "deactivated"
	}
	if reason != "" {
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
	var user *dealgate.User
	err = s.db.InTx(ctx, func(tx *Tx) error {
		if newHash != "" {
			if err := tx.Q.RehashPassword(ctx, sqlc.RehashPasswordParams{NewHash: newHash, ID: row.ID, OldHash: row.PasswordHash}); err != nil {
				return fmt.Errorf("rehash password: %w", err)
			}
		}
		user, err = s.completeSignIn(ctx, tx, keys, row.ID, "password")
		return err
	})
	if err != nil {
		return nil, err
	}
	return &dealgate.SignInResult{User: user, SetUpSecondFactor: dealgate.MustSetUpSecondFactor(user, s.SecondFactorRoles)}, nil
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
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && (row.Status != string(dealgate.UserActive) || !row.TotpEnabled || row.SessionEpoch != epoch)) {
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
	var user *dealgate.User
	failed := false
	err = s.db.InTx(ctx, func(tx *Tx) error {
		locked, err := tx.Q.GetUserByIDForUpdate(ctx, userID)
		if err != nil {
			return userNoRows(err, "Sign in again to continue.")
		}
		if locked.Status != string(dealgate.UserActive) || !locked.TotpEnabled || locked.SessionEpoch != epoch {
			return dealgate.Errorf(dealgate.EUNAUTHORIZED, "Sign in again to continue.")
		}
		method, err := tx.consumeSecondFactor(ctx, &locked, code)
		if err != nil {
			return err
		}
		if method == "" {
			failed = true
			return tx.Audit(ctx, dealgate.AuditEvent{
				ActorLabel: anonymousActor, Action: "auth.sign_in_failed", EntityType: "auth", EntityID: key,
				After: map[string]any{"stage": "second_factor", "reason": "wrong_code", "user_id": row.ID},
			})
		}
		user, err = s.completeSignIn(ctx, tx, keys, userID, "password+"+method)
		return err
	})
	if err != nil {
		return nil, err
	}
	if failed {
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
	return user, tx.Audit(ctx, userActorEvent(user, dealgate.AuditEvent{
		Action: "auth.signed_in", EntityType: "user", EntityID: userEntityID(userID), After: after,
	}))
}

// SignOut records that u signed out; the caller destroys the session. A nil
// user (no session) is not an error.
// Errors: EINTERNAL.
func (s *Users) SignOut(ctx context.Context, u *dealgate.User) error {
	if u == nil {
		return nil
	}
	return s.db.InTx(ctx, func(tx *Tx) error {
		return tx.Audit(ctx, userActorEvent(u, dealgate.AuditEvent{
			Action: "auth.signed_out", EntityType: "user", EntityID: userEntityID(u.ID),
		}))
	})
}

// SignOutEverywhere ends every session of the signed-in user by moving the
// session epoch on. The returned user carries the new epoch; store it in the
// current session to keep that one.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINTERNAL.
func (s *Users) SignOutEverywhere(ctx context.Context, actor *dealgate.User) (*dealgate.User, error) {
	if err := dealgate.Authorize(actor, dealgate.ActSignedIn); err != nil {
		return nil, err
	}
	var user *dealgate.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		old, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return err
		}
		next := old
		next.SessionEpoch++
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return err
		}
		user = toUser(saved)
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "auth.signed_out_everywhere", EntityType: "user", EntityID: userEntityID(old.ID),
			After: map[string]any{"sessions_ended": true},
		}))
	})
	return user, err
}

func badCredentials() error {
	return dealgate.Errorf(dealgate.EUNAUTHORIZED, "The email or password is incorrect.")
}

// lookupable reports whether key can be an email the users table holds, so
// that garbage never reaches a query.
func lookupable(key string) bool {
	return key != "" && utf8.RuneCountInString(key) <= dealgate.EmailMaxLen && !strings.ContainsRune(key, utf8.RuneError)
}

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
	var user *dealgate.User
	err = s.db.InTx(ctx, func(tx *Tx) error {
		row, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return err
		}
		if row.PasswordHash != old.PasswordHash {
			return dealgate.Errorf(dealgate.ECONFLICT, "Your password was changed a moment ago. Sign in again.")
		}
		next := row
		next.PasswordHash = hash
		next.SessionEpoch++
		if err := tx.Q.DeleteUnusedPasswordResetTokens(ctx, row.ID); err != nil {
			return fmt.Errorf("void password links: %w", err)
		}
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return err
		}
		user = toUser(saved)
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "user.password_changed", EntityType: "user", EntityID: userEntityID(row.ID),
			After: map[string]any{"version": saved.Version, "other_sessions_ended": true},
		}))
	})
	return user, err
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
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "auth.throttled", EntityType: "user", EntityID: userEntityID(row.ID),
			After: map[string]any{"stage": purpose, "retry_after_seconds": int64(retry.Seconds())},
		}))
	}); err != nil {
		return row, err
	}
	ok := false
	if password != "" {
		if ok, err = VerifyPassword(ctx, row.PasswordHash, password); err != nil {
			return row, dealgate.Internal(err)
		}
	}
	err = s.db.InTx(ctx, func(tx *Tx) error {
		if !ok && code != "" && row.TotpEnabled {
			locked, err := tx.Q.GetUserByIDForUpdate(ctx, row.ID)
			if err != nil {
				return fmt.Errorf("load user: %w", err)
			}
			method, err := tx.consumeSecondFactor(ctx, &locked, code)
			if err != nil {
				return err
			}
			ok = method != ""
		}
		if ok {
			return s.release(ctx, tx, keys, false)
		}
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "auth.reauth_failed", EntityType: "user", EntityID: userEntityID(row.ID),
			After: map[string]any{"stage": purpose},
		}))
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

// --- second factor ----------------------------------------------------------------

// totpOpts are what authenticator apps assume: 6 digits, 30 s, SHA-1.
var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var secretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// BeginTOTP starts setting up an authenticator app for the signed-in user and
// returns the secret, its otpauth:// URL and a QR code of it. The secret stays
// pending, and cannot sign anyone in, until ConfirmTOTP; calling BeginTOTP
// again while one is pending returns the same secret, so a reloaded page
// still matches the app that scanned it.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ECONFLICT (already set up: remove it
// first), EINTERNAL.
func (s *Users) BeginTOTP(ctx context.Context, actor *dealgate.User) (*dealgate.TOTPEnrolment, error) {
	if err := dealgate.Authorize(actor, dealgate.ActSignedIn); err != nil {
		return nil, err
	}
	var secret []byte
	var email string
	err := s.db.InTx(ctx, func(tx *Tx) error {
		row, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return err
		}
		if row.TotpEnabled {
			return dealgate.Errorf(dealgate.ECONFLICT, "Two-step verification is already set up. Remove it first to move to a new device.")
		}
		email = row.Email
		if row.TotpSecret != nil {
			plain, err := tx.openSecret(totpSecretColumn, row.ID, *row.TotpSecret)
			if err != nil {
				return err
			}
			if secret, err = secretEncoding.DecodeString(plain); err == nil {
				return nil
			}
		}
		secret = make([]byte, 20) // 160 bits, as RFC 4226 recommends
		if _, err := rand.Read(secret); err != nil {
			return dealgate.Internal(err)
		}
		enc := tx.sealSecret(totpSecretColumn, row.ID, secretEncoding.EncodeToString(secret))
		next := row
		next.TotpSecret = &enc
		_, err = tx.saveUser(ctx, next)
		return err
	})
	if err != nil {
		return nil, err
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: s.Issuer, AccountName: email, Secret: secret,
		Period: totpOpts.Period, Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm,
	})
	if err != nil {
		return nil, dealgate.Internal(fmt.Errorf("totp key: %w", err))
	}
	img, err := key.Image(256, 256)
	if err != nil {
		return nil, dealgate.Internal(fmt.Errorf("totp qr: %w", err))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, dealgate.Internal(fmt.Errorf("totp qr png: %w", err))
	}
	return &dealgate.TOTPEnrolment{Secret: key.Secret(), URL: key.URL(), QRPNG: buf.Bytes()}, nil
}

// ConfirmTOTP turns the pending secret on with a code from the app, makes
// fresh recovery codes (returned once, in plain text; only hashes are kept)
// and ends the user's other sessions: the returned user carries the new
// session epoch.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (field "code": wrong code or
// nothing pending), ECONFLICT (already set up), EINTERNAL.
func (s *Users) ConfirmTOTP(ctx context.Context, actor *dealgate.User, code string) (*dealgate.User, []string, error) {
	if err := dealgate.Authorize(actor, dealgate.ActSignedIn); err != nil {
		return nil, nil, err
	}
	codes, hashes, err := newRecoveryCodes()
	if err != nil {
		return nil, nil, dealgate.Internal(err)
	}
	var user *dealgate.User
	err = s.db.InTx(ctx, func(tx *Tx) error {
		old, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return err
		}
		if old.TotpEnabled {
			return dealgate.Errorf(dealgate.ECONFLICT, "Two-step verification is already set up.")
		}
		if old.TotpSecret == nil {
			return invalidField("code", "Start setting up two-step verification again: nothing is waiting to be confirmed.")
		}
		secret, err := tx.openSecret(totpSecretColumn, old.ID, *old.TotpSecret)
		if err != nil {
			return err
		}
		step, ok := matchTOTP(secret, normalizeCode(code), old.TotpLastStep, tx.Now)
		if !ok {
			return invalidField("code", "That code is not correct. Check that your device's clock is right and enter the current code.")
		}
		next := old
		next.TotpEnabled = true
		next.TotpLastStep = step
		next.SessionEpoch++
		if err := tx.replaceRecoveryCodes(ctx, old.ID, hashes); err != nil {
			return err
		}
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return err
		}
		user = toUser(saved)
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "user.totp_enabled", EntityType: "user", EntityID: userEntityID(old.ID),
			Before: map[string]any{"totp_enabled": false},
			After:  map[string]any{"totp_enabled": true, "recovery_codes": len(codes), "version": saved.Version, "other_sessions_ended": true},
		}))
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
	var user *dealgate.User
	err = s.db.InTx(ctx, func(tx *Tx) error {
		old, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return err
		}
		if !old.TotpEnabled || old.PasswordHash != checked.PasswordHash {
			return dealgate.Errorf(dealgate.ECONFLICT, "Your account changed a moment ago. Reload the page and try again.")
		}
		saved, err := tx.clearSecondFactor(ctx, old)
		if err != nil {
			return err
		}
		user = toUser(saved)
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "user.totp_removed", EntityType: "user", EntityID: userEntityID(old.ID),
			Before: map[string]any{"totp_enabled": true},
			After:  map[string]any{"totp_enabled": false, "version": saved.Version, "other_sessions_ended": true},
		}))
	})
	return user, err
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
	codes, hashes, err := newRecoveryCodes()
	if err != nil {
		return nil, dealgate.Internal(err)
	}
	err = s.db.InTx(ctx, func(tx *Tx) error {
		row, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return err
		}
		if !row.TotpEnabled {
			return dealgate.Errorf(dealgate.ECONFLICT, "Set up two-step verification first.")
		}
		if err := tx.replaceRecoveryCodes(ctx, row.ID, hashes); err != nil {
			return err
		}
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "user.recovery_codes_regenerated", EntityType: "user", EntityID: userEntityID(row.ID),
			After: map[string]any{"recovery_codes": len(codes)},
		}))
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
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
	c := normalizeCode(code)
	if u.TotpSecret == nil || c == "" {
		return "", nil
	}
	if len(c) == 6 {
		secret, err := tx.openSecret(totpSecretColumn, u.ID, *u.TotpSecret)
		if err != nil {
			return "", err
		}
		step, ok := matchTOTP(secret, c, u.TotpLastStep, tx.Now)
		if !ok {
			return "", nil
		}
		if err := tx.Q.SetTOTPLastStep(ctx, sqlc.SetTOTPLastStepParams{Step: step, ID: u.ID}); err != nil {
			return "", fmt.Errorf("record totp step: %w", err)
		}
		u.TotpLastStep = step
		return "totp", nil
	}
	if len(c) != recoveryCodeLen {
		return "", nil
	}
	h := sha256.Sum256([]byte(c))
	_, err := tx.Q.UseRecoveryCode(ctx, sqlc.UseRecoveryCodeParams{Now: &tx.Now, UserID: u.ID, CodeHash: h[:]})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("use recovery code: %w", err)
	}
	return "recovery_code", nil
}

// matchTOTP finds the time step, within one step of now either way (clock
// drift) and after lastStep (no replays), whose code is code.
func matchTOTP(secret, code string, lastStep int64, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / int64(totpOpts.Period)
	for step := cur - 1; step <= cur+1; step++ {
		if step <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*int64(totpOpts.Period), 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// normalizeCode drops spaces and dashes and lowercases, so "123 456" and
// "ABCD-EFGH-..." are accepted as typed.
func normalizeCode(code string) string {
	if len(code) > 64 {
		return ""
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return r
	}, code)
}

// recoveryCodeLen is 16 base32 characters: 80 random bits.
const recoveryCodeLen = 16

// newRecoveryCodes returns RecoveryCodeCount codes as shown to the user
// ("abcd-efgh-ijkl-mnop") and the SHA-256 of each normalised code.
func newRecoveryCodes() ([]string, [][]byte, error) {
	codes := make([]string, 0, dealgate.RecoveryCodeCount)
	hashes := make([][]byte, 0, dealgate.RecoveryCodeCount)
	for len(codes) < dealgate.RecoveryCodeCount {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, fmt.Errorf("recovery code: %w", err)
		}
		c := strings.ToLower(secretEncoding.EncodeToString(b)) // 16 characters
		h := sha256.Sum256([]byte(c))
		if slices.ContainsFunc(hashes, func(x []byte) bool { return bytes.Equal(x, h[:]) }) {
			continue
		}
		codes = append(codes, c[0:4]+"-"+c[4:8]+"-"+c[8:12]+"-"+c[12:16])
		hashes = append(hashes, h[:])
	}
	return codes, hashes, nil
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
