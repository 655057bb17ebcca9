DROP TRIGGER deal_review_verdict ON deal;
DROP TRIGGER deal_version_update_review_verdict ON deal_version;
DROP TRIGGER deal_version_insert_review_verdict ON deal_version;
DROP TRIGGER review_verdict_insert ON review;
DROP FUNCTION review_verdict_of_deal();
DROP FUNCTION review_verdict_of_version();
DROP FUNCTION review_verdict_on_insert();
DROP INDEX review_state_verdict_due_idx;
ALTER TABLE review DROP COLUMN verdict;
