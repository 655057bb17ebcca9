DROP TABLE IF EXISTS audit_seal;
DROP TABLE IF EXISTS audit_event CASCADE;
DROP TABLE IF EXISTS audit_chain_head;
DROP FUNCTION IF EXISTS audit_seal_event();
DROP FUNCTION IF EXISTS audit_field(bytea);
DROP FUNCTION IF EXISTS audit_refuse_change();
