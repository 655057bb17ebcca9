-- The deal page shows the deal's latest review (its state and due date), so
-- a review opened, decided, closed or given a new due date moves the deal's
-- page stamp (deal_change, migration 000032) like every other table the
-- page shows.
CREATE TRIGGER review_insert_deal_change AFTER INSERT ON review
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
CREATE TRIGGER review_update_deal_change AFTER UPDATE ON review
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION deal_change_by_deal_id();
