-- The append-only, hash-chained audit trail. Every later feature writes its
-- events here in the same transaction as the change they record.
--
-- An event is written in two parts. The writer inserts its content into
-- audit_event while its transaction does its work; when that transaction
-- commits, a deferred trigger seals the event into audit_seal: the next
-- sequence number, the previous event's hash and the hash of this one. Only
-- the sealing is serialised, and it happens at commit, so the chain lock is
-- held for the commit's WAL flush and not for the writer's round trips.

CREATE TABLE audit_event (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL,
    actor_id     bigint,                     -- NULL: the system itself
    actor_label  text        NOT NULL,       -- who, as shown at the time ("system", an email)
    action       text        NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.]*$' AND length(action) <= 100),
    entity_type  text        NOT NULL CHECK (length(entity_type) BETWEEN 1 AND 100),
    entity_id    text        NOT NULL CHECK (length(entity_id) <= 200),
    before       jsonb,
    after        jsonb,
    request_id   text        NOT NULL DEFAULT '' CHECK (length(request_id) <= 200),
    client_ip    text        NOT NULL DEFAULT '' CHECK (length(client_ip) <= 64)
);

CREATE INDEX audit_event_entity_idx ON audit_event (entity_type, entity_id, id DESC);
CREATE INDEX audit_event_actor_idx ON audit_event (actor_id, id DESC) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_event_occurred_idx ON audit_event (occurred_at DESC);
CREATE INDEX audit_event_action_idx ON audit_event (action text_pattern_ops, id DESC);
CREATE INDEX audit_event_actor_label_idx ON audit_event (lower(actor_label), id DESC);

-- audit_seal is the chain: one row per event, gap-free in commit order.
-- event_id carries no foreign key or unique index on purpose: both would be
-- checked inside the serialised section and halve its throughput, and verify
-- checks the same things (every event sealed exactly once) when it walks.
CREATE TABLE audit_seal (
    seq        bigint PRIMARY KEY,
    event_id   bigint NOT NULL,
    prev_hash  bytea  NOT NULL,
    hash       bytea  NOT NULL
);

-- audit_chain_head holds the newest link, so sealing reads one row, and
-- verify can notice events removed from the end of the chain. Sealers queue
-- on an advisory lock held until their commit completes, so concurrent
-- writers never fork the chain and sequence numbers stay gap-free.
CREATE TABLE audit_chain_head (
    id   boolean PRIMARY KEY DEFAULT true CHECK (id),
    seq  bigint  NOT NULL,
    hash bytea   NOT NULL
);
INSERT INTO audit_chain_head (seq, hash)
VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- audit_field frames one field for the hash: a 4-byte big-endian length
-- (-1 for NULL) followed by the bytes, so no two events share an encoding.
CREATE FUNCTION audit_field(b bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN b IS NULL THEN '\xffffffff'::bytea ELSE int4send(length(b)) || b END
$$;

-- audit_payload is the exact byte encoding a seal's hash covers. It uses the
-- binary send functions and UTF-8 text, never a rendering that depends on
-- session settings (DateStyle, TimeZone, extra_float_digits).
-- internal/postgres recomputes the same bytes in Go to verify the chain.
-- It is PL/pgSQL rather than SQL so its plan is cached per session: a SQL
-- function called from a trigger is planned again on every call.
CREATE FUNCTION audit_payload(seq bigint, e audit_event) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN audit_field(int8send(seq))
        || audit_field(int8send(e.id))
        || audit_field(timestamptz_send(e.occurred_at))
        || audit_field(int8send(e.actor_id))
        || audit_field(convert_to(e.actor_label, 'UTF8'))
        || audit_field(convert_to(e.action, 'UTF8'))
        || audit_field(convert_to(e.entity_type, 'UTF8'))
        || audit_field(convert_to(e.entity_id, 'UTF8'))
        || audit_field(jsonb_send(e.before))
        || audit_field(jsonb_send(e.after))
        || audit_field(convert_to(e.request_id, 'UTF8'))
        || audit_field(convert_to(e.client_ip, 'UTF8'));
END
$$;

CREATE FUNCTION audit_seal_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    head_seq  bigint;
    head_hash bytea;
    new_hash  bytea;
BEGIN
    -- The advisory lock is the serialisation point; it is released only
    -- after this transaction's commit is durable and visible, so the head
    -- read next is always the latest committed one.
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

-- The trail is append-only: the database refuses any change to what is written.
CREATE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_seal_no_update_delete BEFORE UPDATE OR DELETE ON audit_seal
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
