-- The agreement register (migration 000005). List screens with optional
-- filters build their SQL in internal/postgres/register_list.go; the static
-- queries live here.

-- Parties ------------------------------------------------------------------

-- name: InsertParty :one
INSERT INTO party (name, kind, parent_id, website, notes, created_at, updated_at)
VALUES (@name, @kind, @parent_id, @website, @notes, @now, @now)
RETURNING id;

-- name: UpdateParty :exec
UPDATE party
SET name = @name, kind = @kind, parent_id = @parent_id, website = @website, notes = @notes,
    updated_at = @now, version = version + 1
WHERE id = @id;

-- name: SetPartyRetired :exec
UPDATE party SET retired_at = @retired_at, updated_at = @now, version = version + 1 WHERE id = @id;

-- name: GetParty :one
SELECT p.id, p.name, p.kind, p.parent_id, coalesce(pp.name, '')::text AS parent_name, p.website, p.notes,
       p.retired_at, p.created_at, p.updated_at, p.version
FROM party p
LEFT JOIN party pp ON pp.id = p.parent_id
WHERE p.id = @id;

-- name: LockParty :one
SELECT version FROM party WHERE id = @id FOR UPDATE;

-- name: GetPartiesByIDs :many
SELECT p.id, p.name, p.kind, p.parent_id, coalesce(pp.name, '')::text AS parent_name, p.website, p.notes,
       p.retired_at, p.created_at, p.updated_at, p.version
FROM party p
LEFT JOIN party pp ON pp.id = p.parent_id
WHERE p.id = ANY(@ids::bigint[]);

-- name: ListPartyAliases :many
SELECT party_id, name FROM party_name
WHERE party_id = ANY(@party_ids::bigint[]) AND is_alias
ORDER BY party_id, name;

-- name: DeletePartyNames :exec
DELETE FROM party_name WHERE party_id = @party_id;

-- name: InsertPartyName :exec
INSERT INTO party_name (norm, party_id, name, is_alias) VALUES (@norm, @party_id, @name, @is_alias);

-- name: FindPartyNames :many
-- Which parties already use any of these normalised names.
SELECT n.norm, n.name, n.is_alias, n.party_id, p.name AS party_name
FROM party_name n JOIN party p ON p.id = n.party_id
WHERE n.norm = ANY(@norms::text[]);

-- name: PartyIDByNorm :one
SELECT party_id FROM party_name WHERE norm = @norm;

-- name: PartyAncestorIDs :many
-- The party's ancestors, nearest first (bounded, in case of bad data).
WITH RECURSIVE up (id, parent_id, depth) AS (
    SELECT p.id, p.parent_id, 0 FROM party p WHERE p.id = @id
    UNION ALL
    SELECT p.id, p.parent_id, up.depth + 1 FROM party p JOIN up ON p.id = up.parent_id WHERE up.depth < 100
)
SELECT up.id FROM up WHERE up.depth > 0 ORDER BY up.depth;

-- name: PartyDescendantIDs :many
WITH RECURSIVE down (id, depth) AS (
    SELECT p.id, 0 FROM party p WHERE p.id = @id
    UNION ALL
    SELECT p.id, down.depth + 1 FROM party p JOIN down ON p.parent_id = down.id WHERE down.depth < 100
)
SELECT down.id FROM down WHERE down.depth > 0;

-- Taxonomy -----------------------------------------------------------------

-- name: ListTaxonomyVersions :many
SELECT v.id, v.number, v.status, v.change_note, v.based_on_id, v.created_at, v.created_by,
       v.published_at, v.published_by, coalesce(u.name, '')::text AS published_by_name, v.version
FROM taxonomy_version v
LEFT JOIN users u ON u.id = v.published_by
ORDER BY v.status = 'draft' DESC, v.number DESC;

-- name: GetTaxonomyVersion :one
SELECT v.id, v.number, v.status, v.change_note, v.based_on_id, v.created_at, v.created_by,
       v.published_at, v.published_by, coalesce(u.name, '')::text AS published_by_name, v.version
FROM taxonomy_version v
LEFT JOIN users u ON u.id = v.published_by
WHERE v.id = @id;

-- name: CurrentTaxonomyVersionID :one
SELECT id FROM taxonomy_version WHERE status = 'published' ORDER BY number DESC LIMIT 1;

-- name: DraftTaxonomyVersionID :one
SELECT id FROM taxonomy_version WHERE status = 'draft';

-- name: LockDraftTaxonomy :one
SELECT id, version FROM taxonomy_version WHERE status = 'draft' FOR UPDATE;

-- name: InsertTaxonomyDraft :one
INSERT INTO taxonomy_version (status, based_on_id, created_at, created_by)
VALUES ('draft', @based_on_id, @now, @created_by)
RETURNING id;

-- name: CopyCategoryRevisions :exec
INSERT INTO category_revision (taxonomy_version_id, category_id, parent_id, name, definition,
    inclusion_examples, exclusion_examples, position, retired, version)
SELECT @to_version_id::bigint, src.category_id, src.parent_id, src.name, src.definition,
       src.inclusion_examples, src.exclusion_examples, src.position, src.retired, src.version
FROM category_revision src WHERE src.taxonomy_version_id = @from_version_id;

-- name: TouchTaxonomyDraft :exec
UPDATE taxonomy_version SET version = version + 1 WHERE id = @id;

-- name: PublishTaxonomyVersion :one
UPDATE taxonomy_version tv
SET status = 'published',
    number = (SELECT coalesce(max(prev.number), 0) + 1 FROM taxonomy_version prev),
    change_note = @change_note, published_at = @now::timestamptz, published_by = @published_by, version = tv.version + 1
WHERE tv.id = @id AND tv.status = 'draft'
RETURNING tv.number;

-- name: DeleteTaxonomyDraft :exec
DELETE FROM taxonomy_version WHERE id = @id AND status = 'draft';

-- name: DeleteUnusedCategories :exec
-- Categories created in a discarded draft: no revision anywhere, and no
-- clause points at them (clauses may only point at published ones).
DELETE FROM category c
WHERE NOT EXISTS (SELECT 1 FROM category_revision r WHERE r.category_id = c.id)
  AND NOT EXISTS (SELECT 1 FROM clause_category cc WHERE cc.category_id = c.id);

-- name: ListCategoryRevisions :many
SELECT r.category_id, c.key, r.parent_id, r.name, r.definition, r.inclusion_examples, r.exclusion_examples,
       r.position, r.retired, r.version, r.taxonomy_version_id
FROM category_revision r JOIN category c ON c.id = r.category_id
WHERE r.taxonomy_version_id = @taxonomy_version_id;

-- name: GetCategoryRevisionForUpdate :one
SELECT r.category_id, c.key, r.parent_id, r.name, r.definition, r.inclusion_examples, r.exclusion_examples,
       r.position, r.retired, r.version, r.taxonomy_version_id
FROM category_revision r JOIN category c ON c.id = r.category_id
WHERE r.taxonomy_version_id = @taxonomy_version_id AND r.category_id = @category_id
FOR UPDATE OF r;

-- name: GetCategoryRevision :one
SELECT r.category_id, c.key, r.parent_id, r.name, r.definition, r.inclusion_examples, r.exclusion_examples,
       r.position, r.retired, r.version, r.taxonomy_version_id
FROM category_revision r JOIN category c ON c.id = r.category_id
WHERE r.taxonomy_version_id = @taxonomy_version_id AND r.category_id = @category_id;

-- name: CategoryExists :one
SELECT EXISTS (SELECT 1 FROM category WHERE id = @id);

-- name: ExportPartyOrder :many
-- Every party's ID, parents before their affiliates (by depth below the
-- topmost parent), then by name: the order the register export writes them.
WITH RECURSIVE tree (id, depth) AS (
    SELECT id, 0 FROM party WHERE parent_id IS NULL
    UNION ALL
    SELECT p.id, tree.depth + 1 FROM party p JOIN tree ON p.parent_id = tree.id WHERE tree.depth < 100
)
SELECT p.id FROM party p LEFT JOIN tree ON tree.id = p.id
ORDER BY coalesce(tree.depth, 101), p.name, p.id;

-- name: InsertCategory :one
INSERT INTO category (key, created_at) VALUES (@key, @now) RETURNING id;

-- name: InsertCategoryRevision :exec
INSERT INTO category_revision (taxonomy_version_id, category_id, parent_id, name, definition,
    inclusion_examples, exclusion_examples, position, retired)
VALUES (@taxonomy_version_id, @category_id, @parent_id, @name, @definition,
    @inclusion_examples, @exclusion_examples, @position, false);

-- name: UpdateCategoryRevision :exec
UPDATE category_revision
SET parent_id = @parent_id, name = @name, definition = @definition, inclusion_examples = @inclusion_examples,
    exclusion_examples = @exclusion_examples, position = @position, retired = @retired, version = version + 1
WHERE taxonomy_version_id = @taxonomy_version_id AND category_id = @category_id;

-- name: CategoryHistory :many
-- A category in every published version, oldest first, for "retired in
-- version 3" and "moved in version 4".
SELECT v.number, v.published_at, r.parent_id, r.name, r.retired
FROM category_revision r JOIN taxonomy_version v ON v.id = r.taxonomy_version_id
WHERE r.category_id = @category_id AND v.status = 'published'
ORDER BY v.number;

-- name: CurrentCategorySubtreeIDs :many
-- A category and every category below it in the current published taxonomy.
WITH RECURSIVE sub (id, depth) AS (
    SELECT @category_id::bigint, 0
    UNION ALL
    SELECT r.category_id, sub.depth + 1
    FROM category_revision r JOIN sub ON r.parent_id = sub.id
    WHERE r.taxonomy_version_id = (SELECT v.id FROM taxonomy_version v WHERE v.status = 'published' ORDER BY v.number DESC LIMIT 1)
      AND sub.depth < 50
)
SELECT sub.id FROM sub;

-- name: CurrentCategoryAncestorIDs :many
-- The categories above a category in the current published taxonomy,
-- nearest first.
WITH RECURSIVE up (id, depth) AS (
    SELECT r.parent_id, 1 FROM category_revision r
    WHERE r.category_id = @category_id::bigint
      AND r.taxonomy_version_id = (SELECT v.id FROM taxonomy_version v WHERE v.status = 'published' ORDER BY v.number DESC LIMIT 1)
    UNION ALL
    SELECT r.parent_id, up.depth + 1
    FROM category_revision r JOIN up ON r.category_id = up.id
    WHERE r.taxonomy_version_id = (SELECT v.id FROM taxonomy_version v WHERE v.status = 'published' ORDER BY v.number DESC LIMIT 1)
      AND up.depth < 50
)
SELECT up.id::bigint FROM up WHERE up.id IS NOT NULL ORDER BY up.depth;

-- name: CategoryKeyExists :one
SELECT EXISTS (SELECT 1 FROM category WHERE key = @key);

-- name: CountClausesByCategory :one
SELECT count(*) FROM clause_category cc JOIN clause c ON c.id = cc.clause_id
WHERE cc.category_id = @category_id AND c.retired_at IS NULL;

-- Agreements ---------------------------------------------------------------

-- name: InsertAgreement :one
INSERT INTO agreement (title, party_id, kind, binding, status, signed_on, effective_on, expires_on,
    value_minor, currency, owner_id, summary, notes, created_at, updated_at)
VALUES (@title, @party_id, @kind, @binding, @status, @signed_on, @effective_on, @expires_on,
    @value_minor, @currency, @owner_id, @summary, @notes, @now, @now)
RETURNING id;

-- name: LikelyDuplicateAgreement :one
-- An agreement with the same party, a similar title and overlapping dates:
-- the one a new agreement most likely repeats.
SELECT a.id, a.title FROM agreement a
WHERE a.party_id = @party_id
  AND similarity(lower(a.title), lower(@title::text)) >= 0.4
  AND daterange(coalesce(a.effective_on, a.signed_on), a.expires_on, '[]')
      && daterange(sqlc.narg(starts_on)::date, sqlc.narg(ends_on)::date, '[]')
ORDER BY similarity(lower(a.title), lower(@title::text)) DESC, a.id
LIMIT 1;

-- name: UpdateAgreement :exec
UPDATE agreement
SET title = @title, party_id = @party_id, kind = @kind, binding = @binding, status = @status,
    signed_on = @signed_on, effective_on = @effective_on, expires_on = @expires_on,
    value_minor = @value_minor, currency = @currency, owner_id = @owner_id, summary = @summary,
    notes = @notes, updated_at = @now, version = version + 1
WHERE id = @id;

-- name: GetAgreement :one
SELECT a.id, a.title, a.party_id, p.name AS party_name, p.kind AS party_kind, a.kind, a.binding, a.status,
       a.signed_on, a.effective_on, a.expires_on, a.value_minor, a.currency, a.owner_id,
       coalesce(u.name, '')::text AS owner_name, a.summary, a.notes, a.created_at, a.updated_at, a.version
FROM agreement a
JOIN party p ON p.id = a.party_id
LEFT JOIN users u ON u.id = a.owner_id
WHERE a.id = @id;

-- name: LockAgreement :one
SELECT version FROM agreement WHERE id = @id FOR UPDATE;

-- name: ShareLockAgreement :one
SELECT version FROM agreement WHERE id = @id FOR SHARE;

-- name: LapsedAgreementIDs :many
-- Active agreements whose expiry date has passed, locked for the expiry job.
SELECT id FROM agreement
WHERE status = 'active' AND expires_on < @today::date
ORDER BY id
FOR UPDATE SKIP LOCKED;

-- name: MarkAgreementExpired :exec
UPDATE agreement SET status = 'expired', updated_at = @now, version = version + 1 WHERE id = @id;

-- name: UserIDByEmail :one
SELECT id FROM users WHERE lower(email) = lower(@email);

-- name: UserExists :one
SELECT EXISTS (SELECT 1 FROM users WHERE id = @id);

-- Clauses ------------------------------------------------------------------

-- name: InsertClause :one
INSERT INTO clause (agreement_id, kind, beneficiary_id, restriction_scope, restricted_kind, worldwide,
    regions, valid_from, valid_until, notice_days, section, text, created_at, updated_at)
VALUES (@agreement_id, @kind, @beneficiary_id, @restriction_scope, @restricted_kind, @worldwide,
    @regions, @valid_from, @valid_until, @notice_days, @section, @text, @now, @now)
RETURNING id;

-- name: UpdateClause :exec
UPDATE clause
SET kind = @kind, beneficiary_id = @beneficiary_id, restriction_scope = @restriction_scope,
    restricted_kind = @restricted_kind, worldwide = @worldwide, regions = @regions,
    valid_from = @valid_from, valid_until = @valid_until, notice_days = @notice_days,
    section = @section, text = @text, updated_at = @now, version = version + 1
WHERE id = @id;

-- name: SetClauseRetired :exec
UPDATE clause SET retired_at = @retired_at, updated_at = @now, version = version + 1 WHERE id = @id;

-- name: LockClause :one
SELECT agreement_id, version FROM clause WHERE id = @id FOR UPDATE;

-- name: GetClauses :many
SELECT c.id, c.agreement_id, c.kind, c.beneficiary_id, b.name AS beneficiary_name, b.kind AS beneficiary_kind,
       c.restriction_scope, c.restricted_kind, c.worldwide, c.regions, c.valid_from, c.valid_until,
       c.notice_days, c.section, c.text, c.retired_at, c.created_at, c.updated_at, c.version,
       a.title AS agreement_title, a.status AS agreement_status, a.binding AS agreement_binding,
       a.effective_on AS agreement_effective_on, a.expires_on AS agreement_expires_on
FROM clause c
JOIN party b ON b.id = c.beneficiary_id
JOIN agreement a ON a.id = c.agreement_id
WHERE c.id = ANY(@ids::bigint[])
ORDER BY c.agreement_id, c.id;

-- name: ClauseIDsForAgreement :many
SELECT id FROM clause
WHERE agreement_id = @agreement_id AND (retired_at IS NULL OR @include_retired::boolean)
ORDER BY id;

-- name: ClauseIDsInForce :many
-- Live clauses of agreements in force on a day: the screening set.
SELECT c.id FROM clause c JOIN agreement a ON a.id = c.agreement_id
WHERE c.retired_at IS NULL AND a.status = 'active'
  AND (a.expires_on IS NULL OR a.expires_on >= @day::date)
  AND coalesce(c.valid_from, a.effective_on, @day::date) <= @day::date
  AND coalesce(c.valid_until, a.expires_on, @day::date) >= @day::date
ORDER BY c.id;

-- name: ClauseCategories :many
-- The categories of clauses, named as in the current published taxonomy
-- (falling back to the newest revision for a category never published).
SELECT cc.clause_id, cc.category_id, cc.excluded, cat.key,
       coalesce(r.name, cat.key)::text AS name, coalesce(r.retired, false)::boolean AS retired
FROM clause_category cc
JOIN category cat ON cat.id = cc.category_id
LEFT JOIN LATERAL (
    SELECT cr.name, cr.retired
    FROM category_revision cr JOIN taxonomy_version v ON v.id = cr.taxonomy_version_id
    WHERE cr.category_id = cc.category_id AND v.status = 'published'
    ORDER BY v.number DESC
    LIMIT 1
) r ON true
WHERE cc.clause_id = ANY(@clause_ids::bigint[])
ORDER BY cc.clause_id, name;

-- name: ClauseParties :many
SELECT cp.clause_id, cp.party_id, cp.role, p.name, p.kind
FROM clause_party cp JOIN party p ON p.id = cp.party_id
WHERE cp.clause_id = ANY(@clause_ids::bigint[])
ORDER BY cp.clause_id, p.name;

-- name: DeleteClauseLinks :exec
WITH cats AS (DELETE FROM clause_category WHERE clause_category.clause_id = @clause_id)
DELETE FROM clause_party WHERE clause_party.clause_id = @clause_id;

-- name: InsertClauseCategories :exec
INSERT INTO clause_category (clause_id, category_id, excluded)
SELECT @clause_id, unnest(@category_ids::bigint[]), @excluded;

-- name: InsertClauseParties :exec
INSERT INTO clause_party (clause_id, party_id, role)
SELECT @clause_id, unnest(@party_ids::bigint[]), @role;

-- name: LiveCategoryIDs :many
-- Which of these categories are live in the current published taxonomy.
SELECT r.category_id FROM category_revision r
WHERE r.taxonomy_version_id = (SELECT id FROM taxonomy_version WHERE status = 'published' ORDER BY number DESC LIMIT 1)
  AND r.category_id = ANY(@ids::bigint[]) AND NOT r.retired;

-- name: ExistingPartyIDs :many
SELECT id FROM party WHERE id = ANY(@ids::bigint[]);

-- Documents ----------------------------------------------------------------

-- name: InsertDocument :one
INSERT INTO agreement_document (agreement_id, filename, content_type, size_bytes, sha256, uploaded_at, uploaded_by)
VALUES (@agreement_id, @filename, @content_type, @size_bytes, @sha256, @now, @uploaded_by)
RETURNING id;

-- name: InsertDocumentContent :exec
INSERT INTO agreement_document_content (document_id, content) VALUES (@document_id, @content);

-- name: ListDocuments :many
SELECT id, agreement_id, filename, content_type, size_bytes, sha256, uploaded_at, uploaded_by
FROM agreement_document WHERE agreement_id = @agreement_id ORDER BY id;

-- name: GetDocument :one
SELECT id, agreement_id, filename, content_type, size_bytes, sha256, uploaded_at, uploaded_by
FROM agreement_document WHERE id = @id;

-- name: GetDocumentContent :one
SELECT content FROM agreement_document_content WHERE document_id = @document_id;

-- name: DeleteDocument :exec
DELETE FROM agreement_document WHERE id = @id;

-- name: ExportRegisterRows :many
-- One row per live clause (an agreement without clauses gets one row with
-- no clause), ordered by agreement and clause: the register export's body.
-- The status is the effective one on @today.
SELECT a.id, a.title, p.name AS party_name, a.kind, a.binding,
       (CASE WHEN a.status = 'active' AND a.expires_on < @today::date THEN 'expired' ELSE a.status END)::text AS status,
       a.signed_on, a.effective_on, a.expires_on, a.value_minor, a.currency, coalesce(u.email, '')::text AS owner_email,
       a.summary, a.notes,
       c.id AS clause_id, c.kind AS clause_kind, c.section, b.name AS beneficiary,
       coalesce((SELECT string_agg(cat.key, ';' ORDER BY cat.key) FROM clause_category cc JOIN category cat ON cat.id = cc.category_id
         WHERE cc.clause_id = c.id AND NOT cc.excluded), '')::text AS categories,
       coalesce((SELECT string_agg(cat.key, ';' ORDER BY cat.key) FROM clause_category cc JOIN category cat ON cat.id = cc.category_id
         WHERE cc.clause_id = c.id AND cc.excluded), '')::text AS excluded_categories,
       c.restriction_scope, c.restricted_kind,
       coalesce((SELECT string_agg(rp.name, ';' ORDER BY rp.name) FROM clause_party cp JOIN party rp ON rp.id = cp.party_id
         WHERE cp.clause_id = c.id AND cp.role = 'restricted'), '')::text AS restricted_parties,
       coalesce((SELECT string_agg(rp.name, ';' ORDER BY rp.name) FROM clause_party cp JOIN party rp ON rp.id = cp.party_id
         WHERE cp.clause_id = c.id AND cp.role = 'exception'), '')::text AS exceptions,
       c.worldwide, c.regions, c.valid_from, c.valid_until, c.notice_days, c.text
FROM agreement a
JOIN party p ON p.id = a.party_id
LEFT JOIN users u ON u.id = a.owner_id
LEFT JOIN clause c ON c.agreement_id = a.id AND c.retired_at IS NULL
LEFT JOIN party b ON b.id = c.beneficiary_id
ORDER BY a.id, c.id;
