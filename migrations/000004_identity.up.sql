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
