-- The committee's dashboard panels, the reviewer's view of earlier
-- decisions and answers' attachments (migration 000020).

-- name: ConflictDeals :many
-- Submitted deals whose current version's screening found a conflict and
-- that the committee has not decided on, soonest negotiation first.
SELECT d.id, d.title, coalesce(p.name, '')::text AS counterparty, d.current_version, d.negotiation_on,
       coalesce((SELECT r.id FROM review r WHERE r.deal_id = d.id AND r.state = 'open'), 0)::bigint AS review_id
FROM deal_version v
JOIN deal d ON d.id = v.deal_id AND d.current_version = v.number
LEFT JOIN party p ON p.id = d.counterparty_id
WHERE v.screening_state = 'conflict' AND v.superseded_at IS NULL AND d.status = 'submitted'
  AND NOT EXISTS (SELECT 1 FROM review_decision x WHERE x.deal_id = d.id AND x.deal_version = d.current_version)
ORDER BY d.negotiation_on NULLS LAST, d.id
LIMIT @n;

-- name: FamilyDecisions :many
-- The latest decisions on deals with any of the parties (a corporate
-- family), except the review shown: earlier rounds of the same deal count.
SELECT x.deal_id, x.review_id, d.title, coalesce(p.name, '')::text AS counterparty, x.deal_version, x.outcome,
       x.conditions, x.decided_at
FROM deal d
JOIN review_decision x ON x.deal_id = d.id
LEFT JOIN party p ON p.id = d.counterparty_id
WHERE d.counterparty_id = ANY(@party_ids::bigint[]) AND x.review_id <> @review_id
ORDER BY x.decided_at DESC, x.id DESC
LIMIT @n;

-- name: RFIAttachments :many
SELECT * FROM deal_attachment WHERE rfi_id = ANY(@rfi_ids::bigint[]) ORDER BY rfi_id, id;
