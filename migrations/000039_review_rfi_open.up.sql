-- An open request for information pauses its review: the reminder pass and
-- the review lists ask, per review, whether one is open.
CREATE INDEX review_rfi_open_review_idx ON review_rfi (review_id) WHERE answered_at IS NULL;
