-- Deals: proposed third-party deals, their frozen versions, who they are
-- shared with, and their attachments.
--
-- A draft keeps its content in deal.content (JSON of dealgate.DealContent);
-- submission freezes it as deal_version 1, and every later change is a new
-- version. deal.content then mirrors the current version, and the columns
-- beside it (title, counterparty, negotiation date) are copies for the
-- "My deals" list to filter and sort on with indexes.

CREATE TABLE deal (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id        bigint      NOT NULL REFERENCES users (id),
    status           text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    title            text        NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    counterparty_id  bigint      REFERENCES party (id),
    negotiation_on   date,
    content          jsonb       NOT NULL,
    current_version  integer     NOT NULL DEFAULT 0 CHECK (current_version >= 0),
    submitted_at     timestamptz,
    withdrawn_at     timestamptz,
    withdrawn_reason text        NOT NULL DEFAULT '' CHECK (length(withdrawn_reason) <= 5000),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    version          bigint      NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK ((status = 'draft') = (current_version = 0)),
    CHECK ((status = 'draft') = (submitted_at IS NULL)),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
);
-- "My deals" of counsel: their own, by each sort key, covering what the
-- list filters and sorts on, so the author's branch reads only the index.
CREATE INDEX deal_author_updated_idx ON deal (author_id, updated_at, id) INCLUDE (status, negotiation_on, title);
CREATE INDEX deal_author_negotiation_idx ON deal (author_id, negotiation_on, id) INCLUDE (status, updated_at, title);
-- The committee's list: every submitted or withdrawn deal, by each sort key.
CREATE INDEX deal_visible_updated_idx ON deal (updated_at, id) WHERE status <> 'draft';
CREATE INDEX deal_visible_negotiation_idx ON deal (negotiation_on, id) WHERE status <> 'draft';
CREATE INDEX deal_visible_title_idx ON deal (lower(title), id) WHERE status <> 'draft';
CREATE INDEX deal_status_idx ON deal (status, updated_at, id);
CREATE INDEX deal_counterparty_idx ON deal (counterparty_id) WHERE counterparty_id IS NOT NULL;
CREATE INDEX deal_title_trgm_idx ON deal USING gin (lower(title) gin_trgm_ops);

CREATE TABLE deal_version (
    deal_id             bigint      NOT NULL REFERENCES deal (id),
    number              integer     NOT NULL CHECK (number >= 1),
    content             jsonb       NOT NULL,
    counterparty_id     bigint      NOT NULL REFERENCES party (id),
    negotiation_on      date        NOT NULL,
    change_note         text        NOT NULL DEFAULT '' CHECK (length(change_note) <= 5000),
    -- Labels of the material changes from the previous version; a material
    -- version supersedes every earlier one (superseded_at).
    material            text[]      NOT NULL DEFAULT '{}',
    -- The published taxonomy in force at submission; NULL only when none was.
    taxonomy_version_id bigint      REFERENCES taxonomy_version (id),
    -- The screening seam: 'awaiting' until the screening engine records
    -- findings for this version.
    screening_state     text        NOT NULL DEFAULT 'awaiting' CHECK (screening_state IN ('awaiting')),
    superseded_at       timestamptz,
    superseded_by       integer,
    created_at          timestamptz NOT NULL,
    created_by          bigint      REFERENCES users (id),
    PRIMARY KEY (deal_id, number),
    CHECK (number = 1 OR length(btrim(change_note)) > 0)
);
CREATE INDEX deal_version_taxonomy_idx ON deal_version (taxonomy_version_id) WHERE taxonomy_version_id IS NOT NULL;
CREATE INDEX deal_version_counterparty_idx ON deal_version (counterparty_id);
CREATE INDEX deal_version_created_by_idx ON deal_version (created_by) WHERE created_by IS NOT NULL;

CREATE TABLE deal_share (
    deal_id    bigint      NOT NULL REFERENCES deal (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id),
    access     text        NOT NULL CHECK (access IN ('read', 'edit')),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (deal_id, user_id)
);
-- "My deals" of counsel: the deals shared with them.
CREATE INDEX deal_share_user_idx ON deal_share (user_id, deal_id);

CREATE TABLE deal_attachment (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deal_id       bigint      NOT NULL REFERENCES deal (id) ON DELETE CASCADE,
    filename      text        NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),  -- as uploaded; shown, never used to serve
    content_type  text        NOT NULL CHECK (content_type IN ('application/pdf',
                      'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/plain')),
    size_bytes    bigint      NOT NULL CHECK (size_bytes > 0),
    sha256        bytea       NOT NULL CHECK (length(sha256) = 32),
    uploaded_at   timestamptz NOT NULL,
    uploaded_by   bigint      REFERENCES users (id)
);
CREATE INDEX deal_attachment_deal_idx ON deal_attachment (deal_id, id);
CREATE INDEX deal_attachment_uploaded_by_idx ON deal_attachment (uploaded_by) WHERE uploaded_by IS NOT NULL;

CREATE TABLE deal_attachment_content (
    attachment_id bigint PRIMARY KEY REFERENCES deal_attachment (id) ON DELETE CASCADE,
    content       bytea  NOT NULL
);
ALTER TABLE deal_attachment_content ALTER COLUMN content SET STORAGE EXTERNAL;
