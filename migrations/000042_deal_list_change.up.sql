-- deal_list_change names the transactions that changed something a deal list
-- shows or chooses by: one row per transaction that added a deal_change row
-- (migration 000032: the deal, its shares, versions and their screening,
-- decisions, ..., and a user's new name), keyed by the transaction's ID. A new
-- or deleted deal now adds a deal_change row too. The lists ("My deals", the
-- committee's list) cache their pages under the newest settled transaction ID
-- (deal_list_stamp below; internal/postgres/deal_list_cache.go).
--
-- Why a transaction ID and not a counter: a counter row updated in place is
-- locked by every changing transaction until it commits, and a bulk
-- re-screening and an edit of the same deal would take it and the deal's rows
-- in opposite orders (deadlock), as migration 000032 explains. Here rows are
-- only inserted, each transaction inserts its own key (ON CONFLICT DO NOTHING
-- meets only its own row), so no lock is shared and nothing waits. A
-- sequence or serial would not do: its values are taken before commit, so
-- commits land out of order. Transaction IDs land out of order too, which is
-- why the stamp is only trusted once settled: when every transaction with a
-- smaller ID has ended (below the snapshot's xmin, or below
-- audit_seal_bound(), which leaves out other databases' sessions). A newer
-- change then always has a larger ID and moves the stamp.
CREATE TABLE deal_list_change (
    xid xid8 PRIMARY KEY
);

CREATE FUNCTION deal_list_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM added) THEN
        INSERT INTO deal_list_change (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER deal_change_deal_list_change AFTER INSERT ON deal_change
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION deal_list_changed();

-- A deal page never showed a deal before it existed or after it was deleted;
-- a list does.
CREATE TRIGGER deal_insert_deal_change AFTER INSERT ON deal
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_id();
CREATE TRIGGER deal_delete_deal_change AFTER DELETE ON deal
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_id();
