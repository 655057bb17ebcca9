DROP INDEX IF EXISTS clause_live_valid_until_idx;
