-- name: InsertAuditEvent :one
-- The event commits unsealed, stamped with its transaction's ID (the
-- column's default); the sealer links it into the chain (migration 000028).
INSERT INTO audit_event (
    occurred_at, actor_id, actor_label, action, entity_type, entity_id,
    before, after, request_id, client_ip
) VALUES (
    @occurred_at, @actor_id, @actor_label, @action, @entity_type, @entity_id,
    @before, @after, @request_id, @client_ip
)
RETURNING id;

-- name: ListAuditChainAfter :many
-- Keyset page of the chain in order, for verification and export. The event
-- columns are NULL when a seal's event has been removed.
SELECT s.seq, s.event_id, s.prev_hash, s.hash,
       e.id AS found_id, e.occurred_at, e.actor_id, e.actor_label, e.action,
       e.entity_type, e.entity_id, e.before, e.after, e.request_id, e.client_ip
FROM audit_seal s
LEFT JOIN audit_event e ON e.id = s.event_id
WHERE s.seq > @after_seq
ORDER BY s.seq
LIMIT @page_size;

-- name: GetAuditChainHead :one
SELECT seq, hash FROM audit_chain_head;

-- name: FindUnsealedAuditEvents :many
-- Events covered by more than one seal, or by none although they are not
-- pending: written behind the chain's back. A pending event is one after
-- the sealing watermark whose transaction ID is real (below the snapshot's
-- xmax); it is sealed soon, in that order.
SELECT e.id, count(s.seq)::bigint AS seals
FROM audit_event e
CROSS JOIN audit_chain_head h
LEFT JOIN audit_seal s ON s.event_id = e.id
GROUP BY e.id, e.xid, h.sealed_xid, h.sealed_id
HAVING count(s.seq) > 1 OR (count(s.seq) = 0 AND NOT coalesce(
    (e.xid, e.id) > (h.sealed_xid, h.sealed_id) AND e.xid < pg_snapshot_xmax(pg_current_snapshot()), false))
ORDER BY e.id
LIMIT 10;

-- name: CountPendingAuditEvents :one
-- Committed events not sealed yet: those after the sealing watermark.
SELECT count(*)::bigint AS pending, min(e.occurred_at) AS oldest
FROM audit_event e, audit_chain_head h
WHERE e.xid IS NOT NULL AND (e.xid, e.id) > (h.sealed_xid, h.sealed_id);

-- name: ListAuditEventsForEntities :many
-- The newest events about any of the records named by the two arrays
-- (entity_types[i], entity_ids[i]), newest first: one record's timeline
-- together with its parts'. actor_name is the actor's name now ('' for the
-- system), so a timeline names people as the rest of the pages do.
SELECT e.id, e.occurred_at, e.actor_id, e.actor_label, e.action, e.entity_type, e.entity_id,
       e.before, e.after, e.request_id, e.client_ip, coalesce(u.name, '')::text AS actor_name
FROM generate_subscripts(@entity_types::text[], 1) AS r(i)
CROSS JOIN LATERAL (
    SELECT a.id, a.occurred_at, a.actor_id, a.actor_label, a.action, a.entity_type, a.entity_id,
           a.before, a.after, a.request_id, a.client_ip
    FROM audit_event a
    WHERE a.entity_type = (@entity_types::text[])[r.i] AND a.entity_id = (@entity_ids::text[])[r.i]
    ORDER BY a.id DESC LIMIT @page_size
) e
LEFT JOIN users u ON u.id = e.actor_id
ORDER BY e.id DESC
LIMIT @page_size;
