-- Read paths under load (issue 9).
--
-- The expiry watch (the home page's "expiring soon" count and
-- /register/expiring) looks for live clauses ending in a date window. This
-- partial index answers it from the index alone (valid_until and the
-- agreement to join), where clause_valid_until_idx had to visit a heap page
-- per clause to check retired_at.
CREATE INDEX clause_live_valid_until_idx ON clause (valid_until, agreement_id)
    WHERE retired_at IS NULL AND valid_until IS NOT NULL;
