-- Background work moves onto River (000040): register changes and mail are
-- queued as River jobs in the transaction that makes them (see
-- internal/postgres/jobs_enqueue.go), so the hand-rolled screening_job
-- table and the outbox's claim columns go. Work pending here is handed
-- over as River jobs first, so nothing queued before the upgrade is lost.

-- A register change still bumps the counter that keys every instance's
-- loaded register; the re-screening job is queued by the store at commit.
CREATE OR REPLACE FUNCTION register_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE register_change SET counter = counter + 1, xact = txid_current(), changed_at = now()
    WHERE xact <> txid_current();
    RETURN NULL;
END
$$;

-- Unfinished re-screening jobs become one River re-screen (it re-screens
-- every open deal against the register as it now is).
INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at)
SELECT jsonb_build_object('register_change', max(register_change)), 'rescreen', 25, 1, 'screening', 'available', now()
FROM screening_job WHERE state <> 'done'
HAVING count(*) > 0;
DROP TABLE screening_job;

-- Unsent mail becomes one River mail job each. A mail an old instance was
-- sending is queued again: the old outbox delivered at least once.
UPDATE mail_outbox SET state = 'pending' WHERE state = 'sending';
INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at)
SELECT jsonb_build_object('mail_id', id), 'mail_send', 8, 1, 'default', 'available', now()
FROM mail_outbox WHERE state = 'pending' ORDER BY id;

DROP INDEX mail_outbox_due_idx;
DROP INDEX mail_outbox_sending_idx;
ALTER TABLE mail_outbox DROP COLUMN next_attempt_at, DROP COLUMN claimed_at;
