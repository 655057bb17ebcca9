-- Audit reports, the rest of issue 13: prepared downloads of large exports.
--
-- A prepared export is a row per requested file, kept in Postgres so that
-- any instance behind the load balancer can show its progress and serve it:
-- the instance that took the request builds the file in the background,
-- writes it here in chunks, and marks it ready; a download (on any
-- instance) streams the chunks and deletes the row. A build whose instance
-- stopped stops beating (heartbeat_at) and is shown as failed. Rows expire
-- (expires_at) and are deleted then, chunks with them.
CREATE TABLE prepared_export (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES users (id),
    kind          text        NOT NULL CHECK (kind IN ('audit')),
    format        text        NOT NULL CHECK (format IN ('xlsx', 'pdf', 'csv', 'jsonl')),
    -- The filtered view as the user asked for it (the query string), and as
    -- the status page describes it.
    query         text        NOT NULL CHECK (length(query) <= 4000),
    description   text        NOT NULL CHECK (length(description) <= 2000),
    state         text        NOT NULL DEFAULT 'building' CHECK (state IN ('building', 'ready', 'failed')),
    filename      text        NOT NULL DEFAULT '' CHECK (length(filename) <= 255),
    content_type  text        NOT NULL DEFAULT '',
    size_bytes    bigint      NOT NULL DEFAULT 0 CHECK (size_bytes >= 0),
    rows_written  bigint      NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
    error         text        NOT NULL DEFAULT '' CHECK (length(error) <= 2000),
    created_at    timestamptz NOT NULL,
    heartbeat_at  timestamptz NOT NULL,
    finished_at   timestamptz,
    expires_at    timestamptz NOT NULL,
    CHECK ((state = 'building') = (finished_at IS NULL))
);
CREATE INDEX prepared_export_user_idx ON prepared_export (user_id, created_at DESC, id DESC);
CREATE INDEX prepared_export_expires_idx ON prepared_export (expires_at);

CREATE TABLE prepared_export_chunk (
    export_id bigint  NOT NULL REFERENCES prepared_export (id) ON DELETE CASCADE,
    n         integer NOT NULL CHECK (n >= 0),
    data      bytea   NOT NULL,
    PRIMARY KEY (export_id, n)
);
-- Already compressed (XLSX, PDF streams): store, don't compress again.
ALTER TABLE prepared_export_chunk ALTER COLUMN data SET STORAGE EXTERNAL;
