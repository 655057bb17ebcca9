-- Restores the column as migration 000004 made it; every account's choice
-- reads as off, the default.
ALTER TABLE users ADD COLUMN notify_digest boolean NOT NULL DEFAULT false;
