-- Accounts, second factor, password resets and sign-in throttling.

CREATE TABLE users (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    roles           text[]      NOT NULL DEFAULT '{}'
                                CHECK (roles <@ ARRAY['admin', 'chair', 'member', 'counsel', 'auditor']::text[]),
    status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
    time_zone       text        NOT NULL DEFAULT 'Europe/London' CHECK (length(time_zone) BETWEEN 1 AND 64),
    password_hash   text        NOT NULL,
    totp_secret     text,                   -- set while enrolling or enrolled
    totp_enabled    boolean     NOT NULL DEFAULT false,
    totp_last_step  bigint      NOT NULL DEFAULT 0,  -- the last TOTP time step accepted: no replays
    notify_email    boolean     NOT NULL DEFAULT true,
    notify_digest   boolean     NOT NULL DEFAULT false,
    session_epoch   bigint      NOT NULL DEFAULT 0,  -- bumped to end every session of the user
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    last_sign_in_at timestamptz,
    version         bigint      NOT NULL DEFAULT 1
);
-- Emails are unique regardless of case.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_name_idx ON users (lower(name), id);
CREATE INDEX users_roles_idx ON users USING gin (roles);
CREATE INDEX users_status_idx ON users (status, id);
CREATE INDEX users_created_idx ON users (created_at, id);
CREATE INDEX users_last_sign_in_idx ON users (last_sign_in_at, id);

-- The same rules as internal/dealgate/identity.go, so no other path can store
-- what the application would refuse. (The time zone is checked against the
-- IANA database in Go; a CHECK cannot consult pg_timezone_names.)
ALTER TABLE users
    ADD CONSTRAINT users_email_format CHECK (email = btrim(email) AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    ADD CONSTRAINT users_name_trimmed CHECK (name = btrim(name)),
    ADD CONSTRAINT users_roles_nonempty CHECK (cardinality(roles) >= 1),
    ADD CONSTRAINT users_totp_secret CHECK (
        (totp_secret IS NULL OR length(totp_secret) BETWEEN 16 AND 128)
        AND (NOT totp_enabled OR totp_secret IS NOT NULL)),
    ADD CONSTRAINT users_password_hash CHECK (password_hash = '' OR password_hash LIKE '$argon2id$%'),
    ADD CONSTRAINT users_counters CHECK (totp_last_step >= 0 AND session_epoch >= 0 AND version >= 1);

-- One-time recovery codes for the second factor. Only a SHA-256 of each
-- code is kept (the codes carry 80 random bits, so a fast hash is enough);
-- the user sees the codes once, when they are made.
CREATE TABLE user_recovery_codes (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  bytea       NOT NULL CHECK (length(code_hash) = 32),
    created_at timestamptz NOT NULL,
    used_at    timestamptz
);
-- Also the index on the foreign key.
CREATE UNIQUE INDEX user_recovery_codes_user_hash_key ON user_recovery_codes (user_id, code_hash);

-- One-time links to set a password: invitations and admin-issued resets.
-- Only a SHA-256 of the 256-bit token is kept.
CREATE TABLE password_reset_tokens (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea       NOT NULL CHECK (length(token_hash) = 32),
    purpose    text        NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_by bigint      REFERENCES users (id) ON DELETE SET NULL, -- NULL: the system
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
    used_at    timestamptz
);
CREATE UNIQUE INDEX password_reset_tokens_hash_key ON password_reset_tokens (token_hash);
CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id);
CREATE INDEX password_reset_tokens_created_by_idx ON password_reset_tokens (created_by);
CREATE INDEX password_reset_tokens_expires_idx ON password_reset_tokens (expires_at);

-- Failed-attempt counters for sign-in, shared by every instance. key is
-- 'email:<lowercased email>' (whether or not such an account exists) or
-- 'ip:<address or IPv6 /64>'. See dealgate.ThrottlePolicy.
CREATE TABLE sign_in_throttles (
    key          text        PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 300),
    failures     integer     NOT NULL CHECK (failures >= 0),
    window_start timestamptz NOT NULL,
    locked_until timestamptz,
    expires_at   timestamptz NOT NULL -- when the row no longer matters: PurgeExpired deletes it
);
CREATE INDEX sign_in_throttles_expires_idx ON sign_in_throttles (expires_at);
