-- CSV files that passed the import check, held for a short time so that
-- "Import these N rows" needs no second upload, whichever instance serves
-- it. Keyed by the user who checked the file and its SHA-256; only that
-- user can take it back. Expired files are purged by the maintenance job.
CREATE TABLE import_held (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash       text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    data       bytea       NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, hash)
);
CREATE INDEX import_held_expires_idx ON import_held (expires_at);
