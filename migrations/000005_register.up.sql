-- The agreement register: parties, the versioned product-category taxonomy,
-- agreements, their clauses and documents.
--
-- Conventions: every editable row has a `version` for optimistic concurrency
-- (the store refuses an update whose expected version is stale); calendar
-- days are `date`; money is integer minor units plus an ISO 4217 code; every
-- foreign key and every list filter or sort has an index.

-- pg_trgm backs the "name contains" search over party names and aliases.
-- It is a trusted extension, so a database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Parties ------------------------------------------------------------------

CREATE TABLE party (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND name = btrim(name)),
    kind        text        NOT NULL CHECK (kind IN ('cloud_provider', 'model_developer', 'reseller', 'investor', 'other')),
    -- A clause naming a parent covers its affiliates (the whole family).
    parent_id   bigint      REFERENCES party (id) CHECK (parent_id <> id),
    website     text        NOT NULL DEFAULT '' CHECK (length(website) <= 500),
    notes       text        NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
    retired_at  timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     bigint      NOT NULL DEFAULT 1 CHECK (version >= 1)
);
CREATE INDEX party_parent_idx ON party (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX party_name_idx ON party (lower(name), id);
CREATE INDEX party_kind_idx ON party (kind, lower(name), id);
CREATE INDEX party_updated_idx ON party (updated_at, id);

-- party_name holds every name a party is known by: its name and its aliases,
-- in one namespace, so "AWS" cannot be one party's alias and another's name.
-- norm is the comparison form (case-folded, spaces collapsed), computed by
-- dealgate.NormalizePartyName.
CREATE TABLE party_name (
    norm      text    PRIMARY KEY CHECK (length(norm) BETWEEN 1 AND 200),
    party_id  bigint  NOT NULL REFERENCES party (id) ON DELETE CASCADE,
    name      text    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    is_alias  boolean NOT NULL
);
CREATE INDEX party_name_party_idx ON party_name (party_id, is_alias, name);
CREATE INDEX party_name_trgm_idx ON party_name USING gin (norm gin_trgm_ops);

-- Taxonomy -----------------------------------------------------------------
--
-- category is a stable identity (id and key) that clauses and deals point at;
-- category_revision is what the category is (name, parent, definition,
-- examples, retired) in one taxonomy version. Every version holds a complete
-- snapshot, so any version reads back on its own, and moving or retiring a
-- category never breaks what points at it.

CREATE TABLE taxonomy_version (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number        integer     UNIQUE CHECK (number >= 1),       -- 1, 2, 3 … assigned at publish
    status        text        NOT NULL CHECK (status IN ('draft', 'published')),
    change_note   text        NOT NULL DEFAULT '' CHECK (length(change_note) <= 5000),
    based_on_id   bigint      REFERENCES taxonomy_version (id),
    created_at    timestamptz NOT NULL,
    created_by    bigint      REFERENCES users (id),
    published_at  timestamptz,
    published_by  bigint      REFERENCES users (id),
    version       bigint      NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK ((status = 'published') = (number IS NOT NULL AND published_at IS NOT NULL)),
    CHECK (status = 'draft' OR length(btrim(change_note)) > 0)
);
-- At most one draft at a time: everyone edits the same next version.
CREATE UNIQUE INDEX taxonomy_version_one_draft ON taxonomy_version ((true)) WHERE status = 'draft';
CREATE INDEX taxonomy_version_based_on_idx ON taxonomy_version (based_on_id) WHERE based_on_id IS NOT NULL;
CREATE INDEX taxonomy_version_created_by_idx ON taxonomy_version (created_by) WHERE created_by IS NOT NULL;
CREATE INDEX taxonomy_version_published_by_idx ON taxonomy_version (published_by) WHERE published_by IS NOT NULL;

CREATE TABLE category (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key         text        NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(key) <= 100),
    created_at  timestamptz NOT NULL
);

CREATE TABLE category_revision (
    taxonomy_version_id bigint  NOT NULL REFERENCES taxonomy_version (id) ON DELETE CASCADE,
    category_id         bigint  NOT NULL REFERENCES category (id),
    parent_id           bigint  REFERENCES category (id),
    name                text    NOT NULL CHECK (length(name) BETWEEN 1 AND 200 AND name = btrim(name)),
    definition          text    NOT NULL CHECK (length(definition) <= 5000),
    inclusion_examples  text[]  NOT NULL DEFAULT '{}' CHECK (cardinality(inclusion_examples) <= 50),
    exclusion_examples  text[]  NOT NULL DEFAULT '{}' CHECK (cardinality(exclusion_examples) <= 50),
    position            integer NOT NULL DEFAULT 0,
    retired             boolean NOT NULL DEFAULT false,
    version             bigint  NOT NULL DEFAULT 1 CHECK (version >= 1),
    PRIMARY KEY (taxonomy_version_id, category_id),
    CHECK (parent_id <> category_id),
    -- The parent is a category of the same version.
    FOREIGN KEY (taxonomy_version_id, parent_id) REFERENCES category_revision (taxonomy_version_id, category_id)
);
CREATE INDEX category_revision_category_idx ON category_revision (category_id, taxonomy_version_id);
CREATE INDEX category_revision_parent_idx ON category_revision (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX category_revision_tree_idx ON category_revision (taxonomy_version_id, parent_id, position, name);
-- Live siblings have distinct names.
CREATE UNIQUE INDEX category_revision_sibling_name_key
    ON category_revision (taxonomy_version_id, coalesce(parent_id, 0), lower(name)) WHERE NOT retired;

-- A published version is a record: its rows never change afterwards.
CREATE FUNCTION taxonomy_refuse_published_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    vid bigint;
    st  text;
BEGIN
    IF TG_TABLE_NAME = 'taxonomy_version' THEN
        IF OLD.status = 'published' THEN
            RAISE EXCEPTION 'taxonomy version % is published and cannot change', OLD.number
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    vid := CASE WHEN TG_OP = 'INSERT' THEN NEW.taxonomy_version_id ELSE OLD.taxonomy_version_id END;
    SELECT status INTO st FROM taxonomy_version WHERE id = vid;
    IF st = 'published' THEN
        RAISE EXCEPTION 'taxonomy version % is published and cannot change', vid
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER taxonomy_version_frozen BEFORE UPDATE OR DELETE ON taxonomy_version
    FOR EACH ROW EXECUTE FUNCTION taxonomy_refuse_published_change();
CREATE TRIGGER category_revision_frozen BEFORE INSERT OR UPDATE OR DELETE ON category_revision
    FOR EACH ROW EXECUTE FUNCTION taxonomy_refuse_published_change();

-- Agreements ---------------------------------------------------------------

CREATE TABLE agreement (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title         text        NOT NULL CHECK (length(title) BETWEEN 1 AND 300 AND title = btrim(title)),
    party_id      bigint      NOT NULL REFERENCES party (id),
    kind          text        NOT NULL CHECK (kind IN ('partnership', 'investment', 'cloud_services', 'licence', 'mou', 'other')),
    binding       boolean     NOT NULL,
    -- The status as recorded. An active agreement whose expiry date has
    -- passed reads as expired (see dealgate.EffectiveStatus) until the
    -- expiry job records it.
    status        text        NOT NULL CHECK (status IN ('draft', 'active', 'expired', 'terminated')),
    signed_on     date,
    effective_on  date,
    expires_on    date,
    value_minor   bigint      CHECK (value_minor >= 0),
    currency      text        CHECK (currency ~ '^[A-Z]{3}$'),
    owner_id      bigint      REFERENCES users (id),
    summary       text        NOT NULL DEFAULT '' CHECK (length(summary) <= 20000),
    notes         text        NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    version       bigint      NOT NULL DEFAULT 1 CHECK (version >= 1),
    search        tsvector    GENERATED ALWAYS AS (
                      setweight(to_tsvector('english', title), 'A') ||
                      setweight(to_tsvector('english', summary), 'B')) STORED,
    CHECK (expires_on IS NULL OR effective_on IS NULL OR expires_on >= effective_on),
    CHECK ((value_minor IS NULL) = (currency IS NULL))
);
CREATE INDEX agreement_party_idx ON agreement (party_id, id);
CREATE INDEX agreement_owner_idx ON agreement (owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX agreement_title_idx ON agreement (lower(title), id);
CREATE INDEX agreement_kind_idx ON agreement (kind, lower(title), id);
-- Status (with the expiry that decides the effective status) first, then
-- the other filters, so that counting a filtered list is an index-only scan
-- instead of a pass over the wide heap rows.
CREATE INDEX agreement_filters_idx ON agreement (status, expires_on, kind, binding, party_id, id);
CREATE INDEX agreement_binding_idx ON agreement (binding, lower(title), id);
CREATE INDEX agreement_effective_idx ON agreement (effective_on, id);
CREATE INDEX agreement_expires_idx ON agreement (expires_on, id);
CREATE INDEX agreement_value_idx ON agreement (value_minor, id);
CREATE INDEX agreement_updated_idx ON agreement (updated_at, id);
CREATE INDEX agreement_search_idx ON agreement USING gin (search);

CREATE TABLE clause (
    id                    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agreement_id          bigint      NOT NULL REFERENCES agreement (id),
    kind                  text        NOT NULL CHECK (kind IN ('exclusivity', 'right_of_first_refusal',
                              'right_of_first_negotiation', 'preferred_provider', 'non_compete',
                              'most_favoured_nation', 'notice_required', 'consent_required')),
    beneficiary_id        bigint      NOT NULL REFERENCES party (id),
    -- Whom the clause restricts: the parties named in clause_party ('named'),
    -- any party of restricted_kind ('kind') or anyone ('any'), less the
    -- named exceptions.
    restriction_scope     text        NOT NULL CHECK (restriction_scope IN ('named', 'kind', 'any')),
    restricted_kind       text        CHECK (restricted_kind IN ('cloud_provider', 'model_developer', 'reseller', 'investor', 'other')),
    worldwide             boolean     NOT NULL,
    regions               text[]      NOT NULL DEFAULT '{}',
    -- NULL: the agreement's effective / expiry date applies.
    valid_from            date,
    valid_until           date,
    notice_days           integer     CHECK (notice_days BETWEEN 0 AND 3650),
    section               text        NOT NULL DEFAULT '' CHECK (length(section) <= 50),
    text                  text        NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    retired_at            timestamptz,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    version               bigint      NOT NULL DEFAULT 1 CHECK (version >= 1),
    search                tsvector    GENERATED ALWAYS AS (to_tsvector('english', text)) STORED,
    CHECK ((restriction_scope = 'kind') = (restricted_kind IS NOT NULL)),
    CHECK (worldwide = (cardinality(regions) = 0)),
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from)
);
CREATE INDEX clause_agreement_idx ON clause (agreement_id, id);
-- Live clauses only: clause counts per agreement, and the category filter's
-- clause-to-agreement step, both as index-only scans.
CREATE INDEX clause_live_agreement_idx ON clause (agreement_id) WHERE retired_at IS NULL;
CREATE INDEX clause_live_idx ON clause (id) INCLUDE (agreement_id) WHERE retired_at IS NULL;
CREATE INDEX clause_beneficiary_idx ON clause (beneficiary_id);
CREATE INDEX clause_kind_idx ON clause (kind, agreement_id);
CREATE INDEX clause_valid_until_idx ON clause (valid_until, id) WHERE valid_until IS NOT NULL AND retired_at IS NULL;
CREATE INDEX clause_search_idx ON clause USING gin (search);

-- The categories a clause covers, and those it explicitly excludes.
CREATE TABLE clause_category (
    clause_id    bigint  NOT NULL REFERENCES clause (id) ON DELETE CASCADE,
    category_id  bigint  NOT NULL REFERENCES category (id),
    excluded     boolean NOT NULL,
    -- Copies of the clause's agreement and liveness, kept by the triggers
    -- below (never written by the application), so that "agreements with a
    -- live clause covering these categories" is one index-only scan.
    agreement_id bigint  NOT NULL,
    live         boolean NOT NULL,
    PRIMARY KEY (clause_id, category_id)
);
CREATE INDEX clause_category_category_idx ON clause_category (category_id, excluded, clause_id);
CREATE INDEX clause_category_live_idx ON clause_category (category_id, agreement_id) WHERE live AND NOT excluded;
-- The same, from the agreement's side: "does this agreement have a live
-- clause covering one of these categories?" while walking a sorted list.
CREATE INDEX clause_category_agreement_live_idx ON clause_category (agreement_id, category_id) WHERE live AND NOT excluded;

CREATE FUNCTION clause_category_copy_clause() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT c.agreement_id, c.retired_at IS NULL INTO STRICT NEW.agreement_id, NEW.live
    FROM clause c WHERE c.id = NEW.clause_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER clause_category_copy BEFORE INSERT OR UPDATE ON clause_category
    FOR EACH ROW EXECUTE FUNCTION clause_category_copy_clause();

CREATE FUNCTION clause_sync_categories() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE clause_category SET live = NEW.retired_at IS NULL WHERE clause_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER clause_sync_categories AFTER UPDATE OF retired_at, agreement_id ON clause
    FOR EACH ROW WHEN (OLD.retired_at IS DISTINCT FROM NEW.retired_at OR OLD.agreement_id IS DISTINCT FROM NEW.agreement_id)
    EXECUTE FUNCTION clause_sync_categories();

-- Parties a clause restricts by name, and the exceptions to a class.
CREATE TABLE clause_party (
    clause_id  bigint NOT NULL REFERENCES clause (id) ON DELETE CASCADE,
    party_id   bigint NOT NULL REFERENCES party (id),
    role       text   NOT NULL CHECK (role IN ('restricted', 'exception')),
    PRIMARY KEY (clause_id, party_id)
);
CREATE INDEX clause_party_party_idx ON clause_party (party_id, role, clause_id);

-- Documents: metadata here, content in its own table so that no list ever
-- reads the bytes.
CREATE TABLE agreement_document (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agreement_id  bigint      NOT NULL REFERENCES agreement (id),
    filename      text        NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),  -- as uploaded; shown, never used to serve
    content_type  text        NOT NULL CHECK (content_type IN ('application/pdf',
                      'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/plain')),
    size_bytes    bigint      NOT NULL CHECK (size_bytes > 0),
    sha256        bytea       NOT NULL CHECK (length(sha256) = 32),
    uploaded_at   timestamptz NOT NULL,
    uploaded_by   bigint      REFERENCES users (id)
);
CREATE INDEX agreement_document_agreement_idx ON agreement_document (agreement_id, id);
CREATE INDEX agreement_document_uploaded_by_idx ON agreement_document (uploaded_by) WHERE uploaded_by IS NOT NULL;

CREATE TABLE agreement_document_content (
    document_id  bigint PRIMARY KEY REFERENCES agreement_document (id) ON DELETE CASCADE,
    content      bytea  NOT NULL
);
-- Documents are already compressed (PDF, DOCX) or small; skip TOAST compression.
ALTER TABLE agreement_document_content ALTER COLUMN content SET STORAGE EXTERNAL;
