DROP INDEX IF EXISTS deal_categories_idx;
DROP INDEX IF EXISTS deal_version_conflict_idx;
DROP INDEX IF EXISTS review_state_closed_idx;
DROP INDEX IF EXISTS review_closed_idx;
DROP INDEX IF EXISTS review_state_opened_idx;
DROP INDEX IF EXISTS review_opened_idx;
DROP INDEX IF EXISTS review_due_idx;
DROP INDEX IF EXISTS deal_attachment_rfi_idx;
ALTER TABLE deal_attachment DROP COLUMN IF EXISTS rfi_id;
