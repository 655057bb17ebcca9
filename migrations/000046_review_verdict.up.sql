-- review.verdict is the screening verdict of the review's deal's current
-- version (deal_version.screening_state; '' before the version exists), kept
-- on the review so that the review list's verdict filter and its count read
-- the review's own index instead of joining 10,000 open reviews to their
-- deals and versions (issue 12, "Scale and speed"). Triggers keep it in the
-- changing transaction: a new review, a version's new verdict (screening,
-- re-screening) and a deal's new current version.
--
-- The triggers update only the reviews whose verdict changes, so a
-- re-screening that confirms a verdict locks no review row.
ALTER TABLE review ADD COLUMN verdict text NOT NULL DEFAULT '';

UPDATE review r SET verdict = v.screening_state
FROM deal d JOIN deal_version v ON v.deal_id = d.id AND v.number = d.current_version
WHERE d.id = r.deal_id;

CREATE INDEX review_state_verdict_due_idx ON review (state, verdict, due_on, id);

CREATE FUNCTION review_verdict_on_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.verdict := coalesce((SELECT v.screening_state FROM deal d
                             JOIN deal_version v ON v.deal_id = d.id AND v.number = d.current_version
                             WHERE d.id = NEW.deal_id), '');
    RETURN NEW;
END
$$;

CREATE TRIGGER review_verdict_insert BEFORE INSERT ON review
    FOR EACH ROW EXECUTE FUNCTION review_verdict_on_insert();

-- A version screened (or inserted) while it is its deal's current version.
CREATE FUNCTION review_verdict_of_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE review r SET verdict = NEW.screening_state
    FROM deal d
    WHERE d.id = NEW.deal_id AND d.current_version = NEW.number
      AND r.deal_id = d.id AND r.verdict <> NEW.screening_state;
    RETURN NULL;
END
$$;

CREATE TRIGGER deal_version_insert_review_verdict AFTER INSERT ON deal_version
    FOR EACH ROW EXECUTE FUNCTION review_verdict_of_version();
CREATE TRIGGER deal_version_update_review_verdict AFTER UPDATE OF screening_state ON deal_version
    FOR EACH ROW WHEN (OLD.screening_state IS DISTINCT FROM NEW.screening_state)
    EXECUTE FUNCTION review_verdict_of_version();

-- A deal's current version moved (a new version).
CREATE FUNCTION review_verdict_of_deal() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    current_verdict text := coalesce((SELECT screening_state FROM deal_version
                                      WHERE deal_id = NEW.id AND number = NEW.current_version), '');
BEGIN
    UPDATE review SET verdict = current_verdict
    WHERE deal_id = NEW.id AND verdict <> current_verdict;
    RETURN NULL;
END
$$;

CREATE TRIGGER deal_review_verdict AFTER UPDATE OF current_version ON deal
    FOR EACH ROW WHEN (OLD.current_version IS DISTINCT FROM NEW.current_version)
    EXECUTE FUNCTION review_verdict_of_deal();
