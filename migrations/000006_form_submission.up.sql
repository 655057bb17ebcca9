-- One-time tokens of create forms. A form carries a fresh token; the
-- handler claims it before creating, so a double click or a resubmitted
-- page creates one record, not two. Claims older than a day are purged.
CREATE TABLE form_submission (
    token      text        PRIMARY KEY CHECK (length(token) BETWEEN 16 AND 64),
    claimed_at timestamptz NOT NULL
);
CREATE INDEX form_submission_claimed_idx ON form_submission (claimed_at);
