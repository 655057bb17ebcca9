-- The "Weekly digest" choice promised a mail that was never sent (the
-- product rules: a page must not promise a feature that does not exist), so
-- the form no longer offers it and the column goes.
ALTER TABLE users DROP COLUMN notify_digest;
