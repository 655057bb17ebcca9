-- Back to sealing at commit: first seal every pending event (new writers
-- wait on the table lock, and writers in progress finish first), then
-- restore the commit trigger of migration 000001.
LOCK TABLE audit_event IN SHARE ROW EXCLUSIVE MODE;
SELECT audit_seal_upto(2147483647, pg_snapshot_xmax(pg_current_snapshot()), h)
FROM audit_chain_head h FOR UPDATE;

DROP FUNCTION audit_seal_pending(integer);
DROP FUNCTION audit_seal_bound();
DROP FUNCTION audit_seal_upto(integer, xid8, audit_chain_head);
ALTER TABLE audit_chain_head DROP COLUMN sealed_xid, DROP COLUMN sealed_id;
DROP INDEX audit_event_xid_idx;
ALTER TABLE audit_event DROP COLUMN xid;

CREATE FUNCTION audit_seal_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    head_seq  bigint;
    head_hash bytea;
    new_hash  bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(7263544915628230401);
    SELECT seq, hash INTO STRICT head_seq, head_hash FROM audit_chain_head;
    new_hash := sha256(head_hash || audit_payload(head_seq + 1, NEW));
    INSERT INTO audit_seal (seq, event_id, prev_hash, hash)
    VALUES (head_seq + 1, NEW.id, head_hash, new_hash);
    UPDATE audit_chain_head SET seq = head_seq + 1, hash = new_hash;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER audit_event_seal AFTER INSERT ON audit_event
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit_seal_event();
