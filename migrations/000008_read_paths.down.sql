ALTER TABLE sessions DROP COLUMN IF EXISTS user_id;
DROP INDEX IF EXISTS clause_live_valid_until_idx;
