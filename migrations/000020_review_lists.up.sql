-- The committee's dashboard and review list, the reviewer's view of earlier
-- decisions, and attachments on counsel's answers (issue 12, items 2, 3, 10).

-- An attachment counsel sent with an answer to a request for information:
-- a deal attachment like any other (same limits, sniffed type, SHA-256,
-- safe download), linked to the answer it came with.
ALTER TABLE deal_attachment ADD COLUMN rfi_id bigint REFERENCES review_rfi (id);
CREATE INDEX deal_attachment_rfi_idx ON deal_attachment (rfi_id, id) WHERE rfi_id IS NOT NULL;

-- The review list's sorts, with and without a state filter (the state-and-due
-- sort is review_state_due_idx from 000013).
CREATE INDEX review_due_idx ON review (due_on, id);
CREATE INDEX review_opened_idx ON review (opened_at, id);
CREATE INDEX review_state_opened_idx ON review (state, opened_at, id);
CREATE INDEX review_closed_idx ON review (closed_at, id);
CREATE INDEX review_state_closed_idx ON review (state, closed_at, id);

-- "Deals with conflicts": current versions whose screening verdict is a conflict.
CREATE INDEX deal_version_conflict_idx ON deal_version (deal_id, number) WHERE screening_state = 'conflict' AND superseded_at IS NULL;

-- The review list's category filter: deals whose categories include one.
CREATE INDEX deal_categories_idx ON deal USING gin ((content -> 'categories') jsonb_path_ops);
