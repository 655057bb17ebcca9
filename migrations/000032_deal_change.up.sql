-- deal_change records that something a deal's page shows has changed: the
-- deal, its shares, versions (and their screening), attachments, the
-- committee's decisions, requests for information, the negotiation record,
-- and audit events about the deal or its attachments (the page's history,
-- including downloads). Triggers add one row per changed deal and statement,
-- in the changing transaction. A user's new name or email shows on every
-- deal's page: it adds a row for deal 0, which counts for every deal.
--
-- The number of rows for a deal (and deal 0) is its page stamp: every commit
-- that changes the page raises it, and nothing lowers it. Each instance
-- caches a deal's page under the stamp it read before loading the page and
-- serves it only to a request that reads the same stamp
-- (internal/postgres/deal_page.go), so a change through any instance is seen
-- by every instance's next request. Rows are only inserted: no row lock is
-- shared between transactions, so the triggers add no waits or deadlocks
-- (a counter row updated in place would be locked by a bulk re-screening and
-- an edit of the same deal in opposite orders). A sequence's maximum would
-- not do: nextval is visible before the change commits.
CREATE TABLE deal_change (
    deal_id bigint NOT NULL
);
CREATE INDEX deal_change_deal_idx ON deal_change (deal_id);

CREATE FUNCTION deal_change_by_deal_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deal_change (deal_id) SELECT DISTINCT deal_id FROM changed_rows;
    RETURN NULL;
END
$$;

CREATE FUNCTION deal_change_by_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deal_change (deal_id) SELECT DISTINCT id FROM changed_rows;
    RETURN NULL;
END
$$;

-- Audit events name the deal, or an attachment (a removed attachment's own
-- DELETE has already counted).
CREATE FUNCTION deal_change_by_audit_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.entity_id !~ '^[0-9]{1,18}$' THEN
        RETURN NULL;
    END IF;
    IF NEW.entity_type = 'deal' THEN
        INSERT INTO deal_change (deal_id) VALUES (NEW.entity_id::bigint);
    ELSE
        INSERT INTO deal_change (deal_id) SELECT deal_id FROM deal_attachment WHERE id = NEW.entity_id::bigint;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION deal_change_everywhere() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deal_change (deal_id) VALUES (0);
    RETURN NULL;
END
$$;

CREATE TRIGGER deal_deal_change AFTER UPDATE ON deal
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_id();

CREATE TRIGGER deal_share_insert_deal_change AFTER INSERT ON deal_share
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER deal_share_update_deal_change AFTER UPDATE ON deal_share
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER deal_share_delete_deal_change AFTER DELETE ON deal_share
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();

CREATE TRIGGER deal_version_insert_deal_change AFTER INSERT ON deal_version
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER deal_version_update_deal_change AFTER UPDATE ON deal_version
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();

CREATE TRIGGER deal_attachment_insert_deal_change AFTER INSERT ON deal_attachment
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER deal_attachment_update_deal_change AFTER UPDATE ON deal_attachment
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER deal_attachment_delete_deal_change AFTER DELETE ON deal_attachment
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();

CREATE TRIGGER review_decision_insert_deal_change AFTER INSERT ON review_decision
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER review_decision_update_deal_change AFTER UPDATE ON review_decision
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER review_decision_delete_deal_change AFTER DELETE ON review_decision
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();

CREATE TRIGGER deal_negotiation_insert_deal_change AFTER INSERT ON deal_negotiation
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER deal_negotiation_update_deal_change AFTER UPDATE ON deal_negotiation
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER deal_negotiation_delete_deal_change AFTER DELETE ON deal_negotiation
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();

CREATE TRIGGER review_rfi_insert_deal_change AFTER INSERT ON review_rfi
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER review_rfi_update_deal_change AFTER UPDATE ON review_rfi
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER review_rfi_delete_deal_change AFTER DELETE ON review_rfi
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();

CREATE TRIGGER screening_insert_deal_change AFTER INSERT ON screening
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER screening_update_deal_change AFTER UPDATE ON screening
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();

CREATE TRIGGER audit_event_deal_change AFTER INSERT ON audit_event
    FOR EACH ROW WHEN (NEW.entity_type IN ('deal', 'deal_attachment')) EXECUTE FUNCTION deal_change_by_audit_event();

CREATE TRIGGER users_deal_change AFTER UPDATE OF name, email ON users
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION deal_change_everywhere();
