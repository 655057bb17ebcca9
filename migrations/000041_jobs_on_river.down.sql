-- Back to the hand-rolled queues of 000012 and 000018. Queued River jobs
-- are not moved back: pending mail stays 'pending' in the outbox (due now),
-- and the next register change queues a re-screen again.
ALTER TABLE mail_outbox ADD COLUMN next_attempt_at timestamptz, ADD COLUMN claimed_at timestamptz;
UPDATE mail_outbox SET next_attempt_at = created_at;
ALTER TABLE mail_outbox ALTER COLUMN next_attempt_at SET NOT NULL;
UPDATE mail_outbox SET state = 'pending' WHERE state = 'sending';
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX mail_outbox_sending_idx ON mail_outbox (claimed_at, id) WHERE state = 'sending';

CREATE TABLE screening_job (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    register_change bigint      NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    started_at      timestamptz,
    finished_at     timestamptz,
    deals           integer     NOT NULL DEFAULT 0,
    changed         integer     NOT NULL DEFAULT 0,
    error           text        NOT NULL DEFAULT ''
);
CREATE INDEX screening_job_pending_idx ON screening_job (id) WHERE state IN ('pending', 'running', 'failed');

CREATE OR REPLACE FUNCTION register_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    c bigint;
BEGIN
    UPDATE register_change SET counter = counter + 1, xact = txid_current(), changed_at = now()
    WHERE xact <> txid_current()
    RETURNING counter INTO c;
    IF FOUND THEN
        INSERT INTO screening_job (register_change, created_at) VALUES (c, now());
    END IF;
    RETURN NULL;
END
$$;
