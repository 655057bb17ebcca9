-- Screening: the results of checking deal versions against the register,
-- the register change counter that keys every instance's loaded engine
-- inputs, and the re-screening jobs a register change enqueues.

-- register_change counts committed register changes. Every transaction that
-- changes a party, its names, an agreement, a clause, its links or publishes
-- a taxonomy version bumps it once (the triggers below), in the same
-- transaction, so an instance that reads the counter and loads the register
-- in one snapshot knows exactly which register state it has loaded. A
-- sequence would not do: nextval is visible before the change commits.
CREATE TABLE register_change (
    id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
    counter    bigint      NOT NULL DEFAULT 0,
    -- The transaction that last bumped the counter: later statements of the
    -- same transaction do not bump it again.
    xact       bigint      NOT NULL DEFAULT 0,
    changed_at timestamptz
);
INSERT INTO register_change DEFAULT VALUES;

-- One re-screening job per register change. Every instance polls for
-- pending jobs and claims them with FOR UPDATE SKIP LOCKED; a worker that
-- claims several pending jobs serves them all with one pass.
CREATE TABLE screening_job (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    register_change bigint      NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,  -- claims so far; a retry re-screens every open deal
    created_at      timestamptz NOT NULL,
    started_at      timestamptz,
    finished_at     timestamptz,
    deals           integer     NOT NULL DEFAULT 0,  -- open deals re-screened
    changed         integer     NOT NULL DEFAULT 0,  -- of which the verdict changed
    error           text        NOT NULL DEFAULT ''
);
CREATE INDEX screening_job_pending_idx ON screening_job (id) WHERE state IN ('pending', 'running', 'failed');

CREATE FUNCTION register_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    c bigint;
BEGIN
    UPDATE register_change SET counter = counter + 1, xact = txid_current(), changed_at = now()
    WHERE xact <> txid_current()
    RETURNING counter INTO c;
    IF FOUND THEN
        INSERT INTO screening_job (register_change, created_at) VALUES (c, now());
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER party_register_change AFTER INSERT OR UPDATE OR DELETE ON party
    FOR EACH ROW EXECUTE FUNCTION register_changed();
CREATE TRIGGER party_name_register_change AFTER INSERT OR UPDATE OR DELETE ON party_name
    FOR EACH ROW EXECUTE FUNCTION register_changed();
CREATE TRIGGER agreement_register_change AFTER INSERT OR UPDATE OR DELETE ON agreement
    FOR EACH ROW EXECUTE FUNCTION register_changed();
CREATE TRIGGER clause_register_change AFTER INSERT OR UPDATE OR DELETE ON clause
    FOR EACH ROW EXECUTE FUNCTION register_changed();
CREATE TRIGGER clause_category_register_change AFTER INSERT OR UPDATE OR DELETE ON clause_category
    FOR EACH ROW EXECUTE FUNCTION register_changed();
CREATE TRIGGER clause_party_register_change AFTER INSERT OR UPDATE OR DELETE ON clause_party
    FOR EACH ROW EXECUTE FUNCTION register_changed();
-- Drafts of the taxonomy do not count; publishing one does.
CREATE TRIGGER taxonomy_publish_register_change AFTER UPDATE ON taxonomy_version
    FOR EACH ROW WHEN (OLD.status = 'draft' AND NEW.status = 'published') EXECUTE FUNCTION register_changed();

-- A screening of one deal version: its verdict, the taxonomy version the
-- categories were related on, the register state (change counter) it used,
-- and the day first-offer and notice dates were judged on. Findings of
-- severity info are counted; the first few are kept as rows (see
-- docs/screening.md: at scale a deal draws thousands of related notes).
CREATE TABLE screening (
    id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    deal_id             bigint      NOT NULL,
    deal_version        integer     NOT NULL,
    verdict             text        NOT NULL CHECK (verdict IN ('clear', 'info', 'caution', 'conflict')),
    taxonomy_version_id bigint      NOT NULL REFERENCES taxonomy_version (id),
    register_change     bigint      NOT NULL,
    judged_on           date        NOT NULL,
    reason              text        NOT NULL CHECK (reason IN ('submission', 'version', 'register')),
    conflicts           integer     NOT NULL DEFAULT 0,
    cautions            integer     NOT NULL DEFAULT 0,
    infos               integer     NOT NULL DEFAULT 0,
    -- What the findings say, less wording: equal fingerprints mean a
    -- re-screening found nothing new, and no new screening is recorded.
    fingerprint         bytea       NOT NULL,
    screened_at         timestamptz NOT NULL,
    FOREIGN KEY (deal_id, deal_version) REFERENCES deal_version (deal_id, number)
);
CREATE INDEX screening_version_idx ON screening (deal_id, deal_version, id);

CREATE TABLE screening_finding (
    screening_id      bigint  NOT NULL REFERENCES screening (id) ON DELETE CASCADE,
    ord               integer NOT NULL,
    clause_id         bigint  NOT NULL REFERENCES clause (id),
    clause_version    bigint  NOT NULL,
    agreement_id      bigint  NOT NULL REFERENCES agreement (id),
    agreement_version bigint  NOT NULL,
    severity          text    NOT NULL CHECK (severity IN ('info', 'caution', 'conflict')),
    relation          text    NOT NULL CHECK (relation IN ('within', 'broader', 'related')),
    party             jsonb   NOT NULL,  -- screening.PartyMatch
    category          jsonb   NOT NULL,  -- screening.CategoryMatch
    in_force_on_neg   boolean NOT NULL,
    negotiation_on    date    NOT NULL,
    act_by            date,
    passed            boolean NOT NULL,
    PRIMARY KEY (screening_id, ord)
);
CREATE INDEX screening_finding_clause_idx ON screening_finding (clause_id, screening_id);
CREATE INDEX screening_finding_agreement_idx ON screening_finding (agreement_id, screening_id);

-- The version's screening state is its latest screening's verdict.
ALTER TABLE deal_version DROP CONSTRAINT deal_version_screening_state_check;
ALTER TABLE deal_version ADD CONSTRAINT deal_version_screening_state_check
    CHECK (screening_state IN ('awaiting', 'clear', 'info', 'caution', 'conflict'));
ALTER TABLE deal_version ADD COLUMN screening_id bigint REFERENCES screening (id);
CREATE INDEX deal_version_screening_idx ON deal_version (screening_id) WHERE screening_id IS NOT NULL;
