-- Audited writes no longer queue on one lock at commit. Until now a deferred
-- trigger sealed each event at its transaction's commit under an advisory
-- lock held through the commit's WAL flush, so audited commits were flushed
-- one at a time. Now an event commits unsealed, stamped with its
-- transaction's ID, and audit_seal_pending seals committed events into the
-- chain in batches, one sealer at a time (the head row's lock).
--
-- The chain's order is (xid, id): the inserting transaction's ID, then the
-- event's ID. A batch seals only events whose xid is below the oldest
-- transaction that is still running in this database, so every event that
-- could still commit sorts after everything sealed: a late-committing older
-- transaction holds the chain back until it ends and is never skipped or
-- sealed out of order. The head row records the last sealed (xid, id), the
-- watermark: events after it are pending, events before it must be sealed.

ALTER TABLE audit_event ADD COLUMN xid xid8;
-- Events sealed before this migration keep a NULL xid; they are all sealed.
ALTER TABLE audit_event ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE INDEX audit_event_xid_idx ON audit_event (xid, id) WHERE xid IS NOT NULL;

ALTER TABLE audit_chain_head
    ADD COLUMN sealed_xid xid8   NOT NULL DEFAULT '0',
    ADD COLUMN sealed_id  bigint NOT NULL DEFAULT 0;

DROP TRIGGER audit_event_seal ON audit_event;
DROP FUNCTION audit_seal_event();

-- audit_seal_upto seals, in (xid, id) order, at most max_events committed
-- events after the watermark whose xid is below bound. The caller
-- guarantees that no event below bound can still commit.
CREATE FUNCTION audit_seal_upto(max_events integer, bound xid8, h audit_chain_head) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    r      record;
    n      integer := 0;
    prev   bytea   := h.hash;
    ids    bigint[] := '{}';
    prevs  bytea[]  := '{}';
    hashes bytea[]  := '{}';
BEGIN
    FOR r IN
        SELECT e FROM audit_event e
        WHERE e.xid IS NOT NULL AND (e.xid, e.id) > (h.sealed_xid, h.sealed_id) AND e.xid < bound
        ORDER BY e.xid, e.id
        LIMIT max_events
    LOOP
        n := n + 1;
        ids := ids || (r.e).id;
        prevs := prevs || prev;
        prev := sha256(prev || audit_payload(h.seq + n, r.e));
        hashes := hashes || prev;
        h.sealed_xid := (r.e).xid;
        h.sealed_id := (r.e).id;
    END LOOP;
    IF n = 0 THEN
        RETURN 0;
    END IF;
    INSERT INTO audit_seal (seq, event_id, prev_hash, hash)
    SELECT h.seq + i, ids[i], prevs[i], hashes[i] FROM generate_subscripts(ids, 1) AS i;
    UPDATE audit_chain_head SET seq = h.seq + n, hash = prev, sealed_xid = h.sealed_xid, sealed_id = h.sealed_id;
    RETURN n;
END
$$;

-- audit_seal_bound is the oldest transaction ID, in this statement's
-- snapshot, that may still commit an event in this database: the smallest
-- in-progress xid that is not known to belong to a session of another
-- database (a session never changes database), else the snapshot's xmax. A
-- long transaction elsewhere in the cluster (a bulk load in another
-- database) does not hold this database's chain back.
CREATE FUNCTION audit_seal_bound() RETURNS xid8
LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT min(x) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
         WHERE NOT EXISTS (
             SELECT 1 FROM pg_stat_activity a
             WHERE a.backend_xid = xid(x) AND a.datid IS NOT NULL
               AND a.datid <> (SELECT oid FROM pg_database WHERE datname = current_database()))),
        pg_snapshot_xmax(pg_current_snapshot()))
$$;

-- audit_seal_pending is the sealer: it waits for the head row (one sealer
-- at a time across instances), seals up to max_events and says how many it
-- sealed and whether committed events are still waiting after them (held
-- back by an older transaction still running, or beyond max_events).
CREATE FUNCTION audit_seal_pending(max_events integer, OUT sealed integer, OUT waiting boolean)
LANGUAGE plpgsql AS $$
DECLARE
    h     audit_chain_head;
    bound xid8;
BEGIN
    SELECT * INTO STRICT h FROM audit_chain_head FOR UPDATE;
    -- The watermark is a transaction ID this cluster issued, unless the
    -- database was restored from a logical dump into a cluster whose
    -- transaction counter is behind the original's: then new events would
    -- sort before sealed ones. Refuse, loudly (docs/operations.md).
    IF h.sealed_xid >= pg_snapshot_xmax(pg_current_snapshot()) THEN
        RAISE EXCEPTION 'audit sealing: the chain''s watermark (transaction %) is ahead of this cluster''s transaction counter (%): the database was restored from a logical dump into another cluster',
            h.sealed_xid, pg_snapshot_xmax(pg_current_snapshot())
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- A statement of its own, after the lock: its snapshot sees every seal
    -- the previous sealer committed. The bound and the events are read in
    -- one statement (the function call), so from one snapshot.
    sealed := audit_seal_upto(max_events, audit_seal_bound(), h);
    SELECT * INTO STRICT h FROM audit_chain_head;
    waiting := EXISTS (SELECT 1 FROM audit_event e
                       WHERE e.xid IS NOT NULL AND (e.xid, e.id) > (h.sealed_xid, h.sealed_id));
END
$$;
