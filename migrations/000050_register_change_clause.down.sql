DROP TABLE register_change_clause;
DROP FUNCTION register_clause_changed() CASCADE;
-- register_changed as migration 000041 left it.
CREATE OR REPLACE FUNCTION register_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE register_change SET counter = counter + 1, xact = txid_current(), changed_at = now()
    WHERE xact <> txid_current();
    RETURN NULL;
END
$$;
DROP FUNCTION register_change_counter();
