-- Deals (migration 000010). The "My deals" list, whose filters and sort are
-- optional, builds its SQL in internal/postgres/deal_list.go; the static
-- queries live here.

-- name: InsertDeal :one
INSERT INTO deal (author_id, title, counterparty_id, negotiation_on, content, created_at, updated_at)
VALUES (@author_id, @title, @counterparty_id, @negotiation_on, @content, @now, @now)
RETURNING id;

-- name: UpdateDealContent :exec
UPDATE deal
SET title = @title, counterparty_id = @counterparty_id, negotiation_on = @negotiation_on, content = @content,
    updated_at = @now, version = version + 1
WHERE id = @id;

-- name: SetDealSubmitted :exec
UPDATE deal
SET status = 'submitted', current_version = @current_version, submitted_at = coalesce(submitted_at, @now),
    title = @title, counterparty_id = @counterparty_id, negotiation_on = @negotiation_on, content = @content,
    updated_at = @now, version = version + 1
WHERE id = @id;

-- name: SetDealWithdrawn :exec
UPDATE deal
SET status = 'withdrawn', withdrawn_at = @now, withdrawn_reason = @reason, updated_at = @now, version = version + 1
WHERE id = @id;

-- name: TouchDeal :exec
UPDATE deal SET updated_at = @now, version = version + 1 WHERE id = @id;

-- name: DeleteDeal :exec
DELETE FROM deal WHERE id = @id AND status = 'draft';

-- name: LockDeal :one
SELECT version FROM deal WHERE id = @id FOR UPDATE;

-- name: GetDealsByIDs :many
SELECT d.id, d.author_id, u.name AS author_name, d.status, d.content, d.current_version, d.submitted_at,
       d.withdrawn_at, d.withdrawn_reason, d.created_at, d.updated_at, d.version,
       coalesce(v.screening_state, '')::text AS screening_state
FROM deal d
JOIN users u ON u.id = d.author_id
LEFT JOIN deal_version v ON v.deal_id = d.id AND v.number = d.current_version
WHERE d.id = ANY(@ids::bigint[]);

-- name: LockDealRow :one
-- GetDealsByIDs' columns for one deal, locked: a change loads and locks the
-- deal in one statement.
SELECT d.id, d.author_id, u.name AS author_name, d.status, d.content, d.current_version, d.submitted_at,
       d.withdrawn_at, d.withdrawn_reason, d.created_at, d.updated_at, d.version,
       coalesce(v.screening_state, '')::text AS screening_state
FROM deal d
JOIN users u ON u.id = d.author_id
LEFT JOIN deal_version v ON v.deal_id = d.id AND v.number = d.current_version
WHERE d.id = @id
FOR UPDATE OF d;

-- name: ListDealShares :many
SELECT s.deal_id, s.user_id, u.name, u.email, s.access
FROM deal_share s
JOIN users u ON u.id = s.user_id
WHERE s.deal_id = @deal_id
ORDER BY lower(u.name), u.id;

-- name: DealShareOf :one
SELECT access FROM deal_share WHERE deal_id = @deal_id AND user_id = @user_id;

-- name: UpsertDealShare :exec
INSERT INTO deal_share (deal_id, user_id, access, created_at) VALUES (@deal_id, @user_id, @access, @now)
ON CONFLICT (deal_id, user_id) DO UPDATE SET access = excluded.access;

-- name: DeleteDealShare :execrows
DELETE FROM deal_share WHERE deal_id = @deal_id AND user_id = @user_id;

-- name: FindUserByEmail :one
SELECT id, name, email, roles, status FROM users WHERE lower(email) = lower(@email);

-- name: InsertDealVersion :exec
INSERT INTO deal_version (deal_id, number, content, counterparty_id, negotiation_on, change_note, material,
                          taxonomy_version_id, created_at, created_by)
VALUES (@deal_id, @number, @content, @counterparty_id, @negotiation_on, @change_note, @material,
        @taxonomy_version_id, @now, @created_by);

-- name: SupersedeDealVersions :exec
UPDATE deal_version SET superseded_at = @now, superseded_by = @by_number
WHERE deal_id = @deal_id AND number < @by_number AND superseded_at IS NULL;

-- name: ListDealVersions :many
SELECT v.deal_id, v.number, v.content, v.change_note, v.material, v.taxonomy_version_id,
       coalesce(t.number, 0)::integer AS taxonomy_number, v.screening_state, v.superseded_at, v.superseded_by,
       v.created_at, v.created_by, coalesce(u.name, '')::text AS created_by_name
FROM deal_version v
LEFT JOIN taxonomy_version t ON t.id = v.taxonomy_version_id
LEFT JOIN users u ON u.id = v.created_by
WHERE v.deal_id = @deal_id
ORDER BY v.number;

-- name: InsertDealAttachment :one
INSERT INTO deal_attachment (deal_id, filename, content_type, size_bytes, sha256, uploaded_at, uploaded_by, rfi_id)
VALUES (@deal_id, @filename, @content_type, @size_bytes, @sha256, @now, @uploaded_by, sqlc.narg(rfi_id))
RETURNING id;

-- name: InsertDealAttachmentContent :exec
INSERT INTO deal_attachment_content (attachment_id, content) VALUES (@attachment_id, @content);

-- name: GetDealAttachment :one
SELECT * FROM deal_attachment WHERE id = @id;

-- name: GetDealAttachmentContent :one
SELECT content FROM deal_attachment_content WHERE attachment_id = @attachment_id;

-- name: ListDealAttachments :many
SELECT * FROM deal_attachment WHERE deal_id = @deal_id ORDER BY id;

-- name: DeleteDealAttachment :exec
DELETE FROM deal_attachment WHERE id = @id;

-- name: DealHistory :many
-- The newest audit events about a deal and its attachments, with each
-- actor's name now ('' for the system; a rename moves the deal page stamp,
-- migration 000032).
SELECT e.id, e.occurred_at, e.actor_id, e.actor_label, e.action, e.entity_type, e.entity_id, e.before, e.after,
       e.request_id, e.client_ip, coalesce(u.name, '')::text AS actor_name
FROM audit_event e
LEFT JOIN users u ON u.id = e.actor_id
WHERE (e.entity_type = 'deal' AND e.entity_id = @deal_id::text)
   OR (e.entity_type = 'deal_attachment' AND e.entity_id = ANY(@attachment_ids::text[]))
ORDER BY e.id DESC
LIMIT @max_events;

-- name: DealRelations :many
-- What a viewer is to each of a few deals (status, author, share), for the
-- policy, in one statement: the agreement page's list of deals it touches.
SELECT d.id, d.status, d.author_id, coalesce(s.access, '')::text AS share_access
FROM deal d
LEFT JOIN deal_share s ON s.deal_id = d.id AND s.user_id = @viewer_id
WHERE d.id = ANY(@ids::bigint[]);

-- name: DealPageStamp :one
-- What the deal page checks before anything else, in one statement: the
-- viewer's relation to the deal (for the policy) and the deal's page stamp,
-- the count of its deal_change rows and deal 0's (migration 000032), which
-- every committed change to what the page shows raises.
SELECT d.status, d.author_id, coalesce(s.access, '')::text AS share_access,
       (SELECT count(*) FROM deal_change c WHERE c.deal_id IN (d.id, 0))::bigint AS stamp
FROM deal d
LEFT JOIN deal_share s ON s.deal_id = d.id AND s.user_id = @viewer_id
WHERE d.id = @id;

-- name: NoteDealListChange :exec
-- Moves the deal list stamp (migration 000042) for what no trigger sees:
-- a re-screening job starting and completing (the agreement page tells
-- its progress; migration 000049).
INSERT INTO deal_list_change (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
