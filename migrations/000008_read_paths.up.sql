-- Read paths under load (issue 9).
--
-- The expiry watch (the home page's "expiring soon" count and
-- /register/expiring) looks for live clauses ending in a date window. This
-- partial index answers it from the index alone (valid_until and the
-- agreement to join), where clause_valid_until_idx had to visit a heap page
-- per clause to check retired_at.
CREATE INDEX clause_live_valid_until_idx ON clause (valid_until, agreement_id)
    WHERE retired_at IS NULL AND valid_until IS NOT NULL;

-- A session row names its user, so the request's one session read also
-- reads the user (sign-in state, roles, epoch) in the same statement: one
-- round trip, where there were two. NULL for anonymous sessions and rows
-- written before this migration (their user is then read separately).
ALTER TABLE sessions ADD COLUMN user_id bigint;
