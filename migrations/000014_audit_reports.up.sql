-- Audit reports (issue 13): the audit browser filters by deal and by
-- agreement, which covers the record itself and its parts (a deal's
-- attachments and shares, an agreement's clauses and documents name it in
-- their snapshots). These indexes let such a filter page by id without
-- reading the whole trail.
CREATE INDEX audit_event_deal_idx ON audit_event (
    (CASE WHEN entity_type = 'deal' THEN entity_id ELSE coalesce(after->>'deal_id', before->>'deal_id') END), id DESC)
    WHERE (CASE WHEN entity_type = 'deal' THEN entity_id ELSE coalesce(after->>'deal_id', before->>'deal_id') END) IS NOT NULL;

CREATE INDEX audit_event_agreement_idx ON audit_event (
    (CASE WHEN entity_type = 'agreement' THEN entity_id ELSE coalesce(after->>'agreement_id', before->>'agreement_id') END), id DESC)
    WHERE (CASE WHEN entity_type = 'agreement' THEN entity_id ELSE coalesce(after->>'agreement_id', before->>'agreement_id') END) IS NOT NULL;
