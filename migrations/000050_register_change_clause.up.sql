-- register_change_clause names the clauses each register change touched,
-- under the register change counter the change took (migration 000012), so
-- that an instance holding the screening index of counter N updates it by
-- reading the clauses of the changes after N instead of the identity of every
-- live clause (70,000 rows at scale, about 0.2 s at the start of every
-- re-screening). A change to a clause, to its categories or parties, or to
-- its agreement (every clause of it) adds a row. Changes to parties and
-- taxonomy publications are not listed: the index compares those whole.
--
-- The counter is the transaction's own: register_change_counter() bumps it
-- once per transaction (as register_changed() does, whichever trigger runs
-- first) and returns it; the register_change row stays locked until commit,
-- so counters follow commit order and a reader that has seen counter N has
-- seen every row of every change up to N. Rows are only inserted; like
-- deal_change they are not pruned.
CREATE TABLE register_change_clause (
    counter   bigint NOT NULL,
    clause_id bigint NOT NULL,
    PRIMARY KEY (counter, clause_id)
);

CREATE FUNCTION register_change_counter() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    c bigint;
BEGIN
    UPDATE register_change SET counter = counter + 1, xact = txid_current(), changed_at = now()
    WHERE xact <> txid_current()
    RETURNING counter INTO c;
    IF NOT FOUND THEN
        SELECT counter INTO c FROM register_change;
    END IF;
    RETURN c;
END
$$;

-- The row triggers of migrations 000012 and 000041 bump it the same way.
CREATE OR REPLACE FUNCTION register_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM register_change_counter();
    RETURN NULL;
END
$$;

CREATE FUNCTION register_clause_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    c bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM changed_rows) THEN
        RETURN NULL;
    END IF;
    c := register_change_counter();
    IF TG_TABLE_NAME = 'agreement' THEN
        INSERT INTO register_change_clause (counter, clause_id)
        SELECT c, cl.id FROM clause cl WHERE cl.agreement_id IN (SELECT id FROM changed_rows)
        ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'clause' THEN
        INSERT INTO register_change_clause (counter, clause_id)
        SELECT DISTINCT c, id FROM changed_rows
        ON CONFLICT DO NOTHING;
    ELSE -- clause_category, clause_party
        INSERT INTO register_change_clause (counter, clause_id)
        SELECT DISTINCT c, clause_id FROM changed_rows
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

-- A new agreement has no clauses yet, and one is deleted only after its
-- clauses; a deleted clause's links go by cascade and its own row names
-- it. An updated row keeps its id (links are replaced, not moved).
CREATE TRIGGER agreement_update_change_clause AFTER UPDATE ON agreement
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION register_clause_changed();
CREATE TRIGGER clause_insert_change_clause AFTER INSERT ON clause
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION register_clause_changed();
CREATE TRIGGER clause_update_change_clause AFTER UPDATE ON clause
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION register_clause_changed();
CREATE TRIGGER clause_delete_change_clause AFTER DELETE ON clause
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION register_clause_changed();
CREATE TRIGGER clause_category_insert_change_clause AFTER INSERT ON clause_category
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION register_clause_changed();
CREATE TRIGGER clause_category_update_change_clause AFTER UPDATE ON clause_category
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION register_clause_changed();
CREATE TRIGGER clause_category_delete_change_clause AFTER DELETE ON clause_category
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION register_clause_changed();
CREATE TRIGGER clause_party_insert_change_clause AFTER INSERT ON clause_party
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION register_clause_changed();
CREATE TRIGGER clause_party_update_change_clause AFTER UPDATE ON clause_party
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION register_clause_changed();
CREATE TRIGGER clause_party_delete_change_clause AFTER DELETE ON clause_party
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION register_clause_changed();
