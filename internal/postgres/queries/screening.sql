-- Screening: loading the engine inputs, storing screenings, jobs.

-- name: RegisterChangeCounter :one
-- The register state: bumped by every committed register change. xact_mine
-- says the current transaction has itself changed the register.
SELECT counter, coalesce(xact = txid_current_if_assigned(), false)::boolean AS xact_mine FROM register_change;

-- name: ScreeningParties :many
SELECT p.id, p.name, p.kind, p.parent_id FROM party p ORDER BY p.id;

-- name: ScreeningClauses :many
-- Live clauses of agreements recorded active: what screening can apply.
SELECT c.id, c.agreement_id, c.kind, c.beneficiary_id, b.name AS beneficiary_name, b.kind AS beneficiary_kind,
       c.restriction_scope, c.restricted_kind, c.worldwide, c.regions, c.valid_from, c.valid_until,
       c.notice_days, c.section, c.text, c.version,
       a.title AS agreement_title, a.status AS agreement_status, a.binding AS agreement_binding,
       a.effective_on AS agreement_effective_on, a.expires_on AS agreement_expires_on, a.version AS agreement_version
FROM clause c
JOIN party b ON b.id = c.beneficiary_id
JOIN agreement a ON a.id = c.agreement_id
WHERE c.retired_at IS NULL AND a.status = 'active';

-- name: ScreeningClauseCategories :many
-- clause_category keeps copies of its clause's agreement and liveness.
SELECT cc.clause_id, cc.category_id, cc.excluded
FROM clause_category cc
JOIN agreement a ON a.id = cc.agreement_id
WHERE cc.live AND a.status = 'active';

-- name: ScreeningClauseParties :many
-- Every clause's parties: the loader keeps those of the clauses it loaded
-- (cheaper than joining the clauses and agreements to leave the rest out).
SELECT cp.clause_id, cp.party_id, cp.role, p.name, p.kind
FROM clause_party cp
JOIN party p ON p.id = cp.party_id;

-- name: RegisterChangedClauses :many
-- The clauses the register changes after counter @after_counter, up to
-- @up_to, touched (migration 000050).
SELECT DISTINCT clause_id FROM register_change_clause
WHERE counter > @after_counter AND counter <= @up_to;

-- name: ScreeningClauseIdentitiesByID :many
-- The identity of the clauses ids that ScreeningClauses would return: an
-- instance with an index loaded reads them for the clauses the register
-- changes since touched and loads only those that differ (every edit of a
-- clause or its links bumps its version, every edit of an agreement the
-- agreement's).
SELECT c.id, c.version, a.version AS agreement_version, a.expires_on AS agreement_expires_on
FROM clause c
JOIN agreement a ON a.id = c.agreement_id
WHERE c.id = ANY(@ids::bigint[]) AND c.retired_at IS NULL AND a.status = 'active';

-- name: ScreeningClausesByID :many
-- ScreeningClauses for the clauses ids.
SELECT c.id, c.agreement_id, c.kind, c.beneficiary_id, b.name AS beneficiary_name, b.kind AS beneficiary_kind,
       c.restriction_scope, c.restricted_kind, c.worldwide, c.regions, c.valid_from, c.valid_until,
       c.notice_days, c.section, c.text, c.version,
       a.title AS agreement_title, a.status AS agreement_status, a.binding AS agreement_binding,
       a.effective_on AS agreement_effective_on, a.expires_on AS agreement_expires_on, a.version AS agreement_version
FROM clause c
JOIN party b ON b.id = c.beneficiary_id
JOIN agreement a ON a.id = c.agreement_id
WHERE c.id = ANY(@ids::bigint[]) AND c.retired_at IS NULL AND a.status = 'active'
ORDER BY c.id;

-- name: ScreeningClauseCategoriesByID :many
SELECT cc.clause_id, cc.category_id, cc.excluded
FROM clause_category cc
WHERE cc.clause_id = ANY(@ids::bigint[]);

-- name: ScreeningClausePartiesByID :many
SELECT cp.clause_id, cp.party_id, cp.role, p.name, p.kind
FROM clause_party cp
JOIN party p ON p.id = cp.party_id
WHERE cp.clause_id = ANY(@ids::bigint[]);

-- name: InsertScreening :one
INSERT INTO screening (deal_id, deal_version, verdict, taxonomy_version_id, register_change, judged_on, reason,
                       conflicts, cautions, infos, fingerprint, screened_at)
VALUES (@deal_id, @deal_version, @verdict, @taxonomy_version_id, @register_change, @judged_on, @reason,
        @conflicts, @cautions, @infos, @fingerprint, @now)
RETURNING id;

-- name: InsertScreeningFindings :copyfrom
INSERT INTO screening_finding (screening_id, ord, clause_id, clause_version, agreement_id, agreement_version,
                               severity, relation, party, category, in_force_on_neg, negotiation_on, act_by, passed)
VALUES (@screening_id, @ord, @clause_id, @clause_version, @agreement_id, @agreement_version,
        @severity, @relation, @party, @category, @in_force_on_neg, @negotiation_on, @act_by, @passed);

-- name: SetVersionScreening :exec
UPDATE deal_version SET screening_id = @screening_id, screening_state = @verdict
WHERE deal_id = @deal_id AND number = @number;

-- name: OpenDealVersions :many
-- The current version of every submitted deal with its latest screening:
-- what a register change re-screens.
SELECT v.deal_id, v.number, v.content, v.screening_state, s.register_change, s.fingerprint
FROM deal d
JOIN deal_version v ON v.deal_id = d.id AND v.number = d.current_version
LEFT JOIN screening s ON s.id = v.screening_id
WHERE d.status = 'submitted' AND d.id > @after_id
ORDER BY d.id
LIMIT @max_rows;

-- name: LockDealVersionScreening :one
SELECT v.screening_id, coalesce(s.register_change, -1)::bigint AS register_change, v.screening_state, s.fingerprint
FROM deal_version v LEFT JOIN screening s ON s.id = v.screening_id
WHERE v.deal_id = @deal_id AND v.number = @number
FOR UPDATE OF v;

-- name: GetScreening :one
SELECT s.id, s.deal_id, s.deal_version, s.verdict, s.taxonomy_version_id, t.number AS taxonomy_number,
       s.register_change, s.judged_on, s.reason, s.conflicts, s.cautions, s.infos, s.screened_at
FROM screening s JOIN taxonomy_version t ON t.id = s.taxonomy_version_id
WHERE s.id = @id;

-- name: LatestScreeningID :one
SELECT screening_id FROM deal_version WHERE deal_id = @deal_id AND number = @number;

-- name: ScreeningFindings :many
SELECT ord, clause_id, clause_version, agreement_id, agreement_version, severity, relation, party, category,
       in_force_on_neg, negotiation_on, act_by, passed
FROM screening_finding WHERE screening_id = @screening_id ORDER BY ord;

-- name: OpenDealsTouchingAgreement :many
-- The open deals whose current screening has a finding on a clause of the
-- agreement, worst first.
SELECT d.id AS deal_id, d.title, d.author_id, v.number, f.clause_id, c.section, f.severity, f.relation
FROM screening_finding f
JOIN clause c ON c.id = f.clause_id
JOIN deal_version v ON v.screening_id = f.screening_id
JOIN deal d ON d.id = v.deal_id AND d.current_version = v.number
WHERE f.agreement_id = @agreement_id AND d.status = 'submitted'
ORDER BY CASE f.severity WHEN 'conflict' THEN 0 WHEN 'caution' THEN 1 ELSE 2 END, d.title, d.id, f.clause_id
LIMIT @max_rows;

-- name: LatestRescreenJob :one
-- The newest re-screening job River holds (finished ones are kept a day):
-- what the agreement page says about the latest register change.
SELECT id, COALESCE((args->>'register_change')::bigint, 0)::bigint AS register_change,
    (CASE state WHEN 'running' THEN 'running' WHEN 'completed' THEN 'done'
        WHEN 'retryable' THEN 'failed' WHEN 'discarded' THEN 'failed' WHEN 'cancelled' THEN 'failed'
        ELSE 'pending' END)::text AS state,
    created_at, finalized_at AS finished_at,
    COALESCE((metadata->'output'->>'deals')::int, 0)::int AS deals,
    COALESCE((metadata->'output'->>'changed')::int, 0)::int AS changed
FROM river_job WHERE kind = 'rescreen' ORDER BY id DESC LIMIT 1;

-- name: RegisterChangeForUpdate :one
-- The register change counter, locked: a register change in flight
-- commits first, and none starts until this transaction ends.
SELECT counter FROM register_change FOR SHARE;

-- name: AgreementCoverCandidates :many
-- The categories (covered and excluded) of the live clauses of agreements
-- agreement_ids that cover one of category_ids: what labels the "covers
-- category" filter's rows with the path that matched.
WITH hits AS (
    SELECT DISTINCT cc.clause_id FROM clause_category cc
    WHERE cc.agreement_id = ANY(@agreement_ids::bigint[]) AND cc.category_id = ANY(@category_ids::bigint[])
      AND cc.live AND NOT cc.excluded
)
SELECT c.agreement_id, c.id AS clause_id, c.section, cc.category_id, cc.excluded
FROM hits
JOIN clause c ON c.id = hits.clause_id
JOIN clause_category cc ON cc.clause_id = c.id
ORDER BY c.agreement_id, c.id, cc.category_id;
