-- Notifications: what the committee and counsel are told, in the app and by
-- e-mail. Each row is written in the same transaction as the change that
-- causes it, so a change that rolls back tells nobody. Mails wait in
-- mail_outbox until the mail job (internal/jobs/mail.go) claims and sends
-- them; the claim (state 'sending') is committed before the send, so two
-- instances never send the same row.

CREATE TABLE notification (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient_id bigint      NOT NULL REFERENCES users (id),
    event        text        NOT NULL CHECK (event IN ('review_assigned', 'information_requested', 'information_answered',
                                 'decision_recorded', 'verdict_changed', 'negotiation_started', 'vote_reminder', 'review_overdue')),
    deal_id      bigint      REFERENCES deal (id),
    review_id    bigint      REFERENCES review (id),
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    body         text        NOT NULL DEFAULT '' CHECK (length(body) <= 2000),
    link         text        NOT NULL CHECK (link LIKE '/%'),
    -- Shown in the app (the recipient's preference for this event).
    in_app       boolean     NOT NULL,
    created_at   timestamptz NOT NULL,
    read_at      timestamptz,
    -- Reminders carry one key per review, person and day, so two instances
    -- running the daily job remind once.
    dedupe_key   text        UNIQUE
);
-- The list (newest first) and the bell's unread count.
CREATE INDEX notification_recipient_idx ON notification (recipient_id, id DESC) WHERE in_app;
CREATE INDEX notification_unread_idx ON notification (recipient_id) WHERE in_app AND read_at IS NULL;
CREATE INDEX notification_deal_idx ON notification (deal_id);
CREATE INDEX notification_review_idx ON notification (review_id);

-- Per person and event: in the app, by e-mail, or both (no row: both).
CREATE TABLE notification_preference (
    user_id bigint NOT NULL REFERENCES users (id),
    event   text   NOT NULL,
    channel text   NOT NULL CHECK (channel IN ('both', 'app', 'email')),
    PRIMARY KEY (user_id, event)
);

CREATE TABLE mail_outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL for account mail (invitations, password links).
    notification_id bigint      REFERENCES notification (id),
    to_address      text        NOT NULL,
    to_name         text        NOT NULL DEFAULT '',
    subject         text        NOT NULL,
    body            text        NOT NULL,
    -- The path the mail links to, sealed with the secrets keyring (a
    -- password link is a credential); NULL once sent.
    link            text,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    claimed_at      timestamptz,
    sent_at         timestamptz,
    last_error      text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL
);
-- What the mail job claims: pending mail that is due, and claims gone stale.
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX mail_outbox_sending_idx ON mail_outbox (claimed_at, id) WHERE state = 'sending';
CREATE INDEX mail_outbox_notification_idx ON mail_outbox (notification_id);
