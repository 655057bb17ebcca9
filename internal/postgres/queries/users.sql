-- Accounts, second factor, password links and sign-in throttling.
-- The services are in internal/postgres/users.go and auth.go.

-- name: GetUserByID :one
SELECT * FROM users WHERE id = @id;

-- name: GetUserByIDForUpdate :one
SELECT * FROM users WHERE id = @id FOR UPDATE;

-- name: GetUserByIDForShare :one
SELECT * FROM users WHERE id = @id FOR SHARE;

-- name: GetUserByEmail :one
-- Emails are unique regardless of case (users_email_key).
SELECT * FROM users WHERE lower(email) = lower(@email);

-- name: InsertUser :one
INSERT INTO users (
    email, name, roles, status, time_zone, password_hash,
    notify_email, created_at, updated_at
) VALUES (
    @email, @name, @roles, @status, @time_zone, @password_hash,
    @notify_email, @now, @now
)
RETURNING *;

-- name: UpdateUser :one
-- Every change a person or an admin makes; bumps the version that
-- optimistic concurrency compares.
UPDATE users SET
    email          = @email,
    name           = @name,
    roles          = @roles,
    status         = @status,
    time_zone      = @time_zone,
    password_hash  = @password_hash,
    totp_secret    = @totp_secret,
    totp_enabled   = @totp_enabled,
    totp_last_step = @totp_last_step,
    notify_email   = @notify_email,
    session_epoch  = @session_epoch,
    updated_at     = @updated_at,
    version        = version + 1
WHERE id = @id
RETURNING *;

-- name: RecordSignIn :exec
-- Bookkeeping, not an edit: leaves version alone so that an admin's open
-- form does not go stale because the user signed in.
UPDATE users SET last_sign_in_at = @now WHERE id = @id;

-- name: RehashPassword :exec
-- A stronger hash of the same password, after a sign-in under older
-- parameters. Bookkeeping: version unchanged. The old-hash guard keeps a
-- concurrent password change from being overwritten.
UPDATE users SET password_hash = @new_hash WHERE id = @id AND password_hash = @old_hash;

-- name: SetTOTPLastStep :exec
-- Bookkeeping: the last accepted TOTP time step, so no code is used twice.
UPDATE users SET totp_last_step = @step WHERE id = @id;

-- name: LockActiveAdmins :many
-- Locks every active admin, so that two admins demoting each other cannot
-- both succeed and leave nobody to manage users.
SELECT id FROM users
WHERE status = 'active' AND roles @> ARRAY['admin']::text[]
ORDER BY id
FOR UPDATE;

-- name: CountUsers :one
SELECT count(*) FROM users;

-- name: DeleteRecoveryCodes :exec
DELETE FROM user_recovery_codes WHERE user_id = @user_id;

-- name: InsertRecoveryCodes :exec
INSERT INTO user_recovery_codes (user_id, code_hash, created_at)
SELECT @user_id, h, @now FROM unnest(@code_hashes::bytea[]) AS h;

-- name: UseRecoveryCode :one
-- Marks one unused code used; no row means wrong or already used.
UPDATE user_recovery_codes SET used_at = @now
WHERE user_id = @user_id AND code_hash = @code_hash AND used_at IS NULL
RETURNING id;

-- name: CountUnusedRecoveryCodes :one
SELECT count(*) FROM user_recovery_codes WHERE user_id = @user_id AND used_at IS NULL;

-- name: InsertPasswordResetToken :one
INSERT INTO password_reset_tokens (user_id, token_hash, purpose, created_by, created_at, expires_at)
VALUES (@user_id, @token_hash, @purpose, @created_by, @now, @expires_at)
RETURNING id;

-- name: DeleteUnusedPasswordResetTokens :exec
-- A new link, a used link or a deactivation voids every other open link.
DELETE FROM password_reset_tokens WHERE user_id = @user_id AND used_at IS NULL;

-- name: GetPasswordResetToken :one
SELECT id, user_id, purpose, created_at, expires_at, used_at
FROM password_reset_tokens WHERE token_hash = @token_hash;

-- name: GetPasswordResetTokenForUpdate :one
SELECT id, user_id, purpose, created_at, expires_at, used_at
FROM password_reset_tokens WHERE token_hash = @token_hash
FOR UPDATE;

-- name: MarkPasswordResetTokenUsed :exec
UPDATE password_reset_tokens SET used_at = @now WHERE id = @id;

-- name: PurgePasswordResetTokens :execrows
DELETE FROM password_reset_tokens WHERE expires_at <= @now;

-- name: LockThrottle :one
-- Creates the key's row if missing and locks it, in one statement.
INSERT INTO sign_in_throttles (key, failures, window_start, locked_until, expires_at)
VALUES (@key, 0, @now, NULL, @now)
ON CONFLICT (key) DO UPDATE SET key = excluded.key
RETURNING key, failures, window_start, locked_until, expires_at;

-- name: SaveThrottle :exec
UPDATE sign_in_throttles
SET failures = @failures, window_start = @window_start, locked_until = @locked_until, expires_at = @expires_at
WHERE key = @key;

-- name: DeleteThrottle :exec
DELETE FROM sign_in_throttles WHERE key = @key;

-- name: GetThrottles :many
SELECT key, failures, window_start, locked_until, expires_at
FROM sign_in_throttles WHERE key = ANY(@keys::text[]) ORDER BY key;

-- name: PurgeThrottles :execrows
DELETE FROM sign_in_throttles WHERE expires_at <= @now;
