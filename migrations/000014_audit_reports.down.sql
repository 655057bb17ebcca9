DROP INDEX IF EXISTS audit_event_agreement_idx;
DROP INDEX IF EXISTS audit_event_deal_idx;
