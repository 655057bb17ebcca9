-- name: DecisionRegister :many
-- The decision register: decisions recorded in [from, to) (NULL: open),
-- oldest first, with the version they rest on, the counterparty, the
-- review's round and the deal's negotiation record with the decision it
-- rests on. lim NULL: every row.
SELECT d.id, d.deal_id, d.deal_version, r.round, v.content, coalesce(p.name, '')::text AS counterparty,
       coalesce(d.screening_state, '')::text AS verdict, d.outcome, d.conditions, d.tally,
       coalesce(u.name, '')::text AS decided_by, d.decided_at, v.created_at AS submitted_at,
       n.recorded_at AS negotiation_recorded_at, n.started_on AS negotiation_started_on,
       n.deal_version AS negotiation_version, nd.decided_at AS negotiation_decided_at,
       nd.outcome AS negotiation_outcome, nd.deal_version AS negotiation_decision_version,
       nd.expires_at AS negotiation_expires_at
FROM review_decision d
JOIN review r ON r.id = d.review_id
JOIN deal_version v ON v.deal_id = d.deal_id AND v.number = d.deal_version
LEFT JOIN party p ON p.id = v.counterparty_id
LEFT JOIN users u ON u.id = d.decided_by
LEFT JOIN deal_negotiation n ON n.deal_id = d.deal_id
LEFT JOIN review_decision nd ON nd.id = n.decision_id
WHERE (sqlc.narg(from_at)::timestamptz IS NULL OR d.decided_at >= sqlc.narg(from_at))
  AND (sqlc.narg(to_at)::timestamptz IS NULL OR d.decided_at < sqlc.narg(to_at))
ORDER BY d.decided_at, d.id
LIMIT sqlc.narg(lim)::integer OFFSET @off::integer;

-- name: CountDecisionRegister :one
SELECT count(*) FROM review_decision d
WHERE (sqlc.narg(from_at)::timestamptz IS NULL OR d.decided_at >= sqlc.narg(from_at))
  AND (sqlc.narg(to_at)::timestamptz IS NULL OR d.decided_at < sqlc.narg(to_at));

-- name: DealDecisions :many
-- A deal's decisions, newest first: the packet shows the latest unless asked.
SELECT d.id, d.review_id FROM review_decision d WHERE d.deal_id = @deal_id ORDER BY d.decided_at DESC, d.id DESC;

-- name: DealChainedEvents :many
-- A deal's audit events and its parts' (the audit browser's deal filter),
-- with its reviews' (votes, recusals, the decision), oldest first, with
-- their chain links. Each half is served by its index.
SELECT e.id, e.occurred_at, e.actor_label, e.action, e.entity_type, e.entity_id,
       coalesce(s.seq, 0)::bigint AS seq, s.hash, s.prev_hash
FROM audit_event e
LEFT JOIN audit_seal s ON s.event_id = e.id
WHERE e.id IN (
    SELECT a.id FROM audit_event a
    WHERE (CASE WHEN a.entity_type = 'deal' THEN a.entity_id ELSE coalesce(a.after->>'deal_id', a.before->>'deal_id') END) = @deal_key::text
    UNION ALL
    SELECT a.id FROM audit_event a
    WHERE a.entity_type = 'review' AND a.entity_id IN (SELECT r.id::text FROM review r WHERE r.deal_id = @deal_id::bigint)
)
ORDER BY e.id
LIMIT @lim::integer;

-- name: InsertPreparedExport :one
INSERT INTO prepared_export (user_id, kind, format, query, description, created_at, heartbeat_at, expires_at)
VALUES (@user_id, @kind, @format, @query, @description, @now, @now, @expires_at)
RETURNING id;

-- name: GetPreparedExport :one
SELECT id, user_id, kind, format, query, description, state, filename, content_type, size_bytes, rows_written,
       error, created_at, heartbeat_at, finished_at, expires_at
FROM prepared_export WHERE id = @id;

-- name: BeatPreparedExport :exec
UPDATE prepared_export SET heartbeat_at = @now WHERE id = @id AND state = 'building';

-- name: InsertPreparedChunk :exec
INSERT INTO prepared_export_chunk (export_id, n, data) VALUES (@export_id, @n, @data);

-- name: FinishPreparedExport :execrows
UPDATE prepared_export
SET state = @state, filename = @filename, content_type = @content_type, size_bytes = @size_bytes,
    rows_written = @rows_written, error = @error, finished_at = @now, heartbeat_at = @now
WHERE id = @id AND state = 'building';

-- name: PreparedChunk :one
SELECT data FROM prepared_export_chunk WHERE export_id = @export_id AND n = @n;

-- name: DeletePreparedExport :execrows
DELETE FROM prepared_export WHERE id = @id;

-- name: DeleteExpiredPreparedExports :execrows
DELETE FROM prepared_export WHERE expires_at < @now;

-- name: ScreeningAtDecision :one
-- The latest screening of a deal version recorded by the time of a
-- decision: the one the committee decided on.
SELECT id FROM screening
WHERE deal_id = @deal_id AND deal_version = @deal_version AND screened_at <= @at
ORDER BY id DESC LIMIT 1;
