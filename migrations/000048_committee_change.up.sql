-- The committee's pages (the dashboard, the review list, a review) show the
-- deals and, beside them, the reviews: who is assigned, who voted or
-- recused, comments, the members' declared interests, the committee's rules
-- and who holds which role. Every committed change to those now adds the
-- transaction's row to deal_list_change as well (migration 000042), so the
-- deal list stamp, which the session statement already reads, moves with
-- every change these pages show and they can be cached under it like the
-- deal lists (internal/postgres/review_cache.go). Rows are only inserted,
-- each transaction its own key, so no lock is shared between voters.
-- Statement-level triggers: one row per changing statement at most.
CREATE FUNCTION committee_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO deal_list_change (xid) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER review_committee_change AFTER INSERT OR UPDATE OR DELETE ON review
    FOR EACH STATEMENT EXECUTE FUNCTION committee_changed();
CREATE TRIGGER review_member_committee_change AFTER INSERT OR UPDATE OR DELETE ON review_member
    FOR EACH STATEMENT EXECUTE FUNCTION committee_changed();
CREATE TRIGGER review_vote_committee_change AFTER INSERT OR UPDATE OR DELETE ON review_vote
    FOR EACH STATEMENT EXECUTE FUNCTION committee_changed();
CREATE TRIGGER review_comment_committee_change AFTER INSERT OR UPDATE OR DELETE ON review_comment
    FOR EACH STATEMENT EXECUTE FUNCTION committee_changed();
CREATE TRIGGER interest_declaration_committee_change AFTER INSERT OR UPDATE OR DELETE ON interest_declaration
    FOR EACH STATEMENT EXECUTE FUNCTION committee_changed();
CREATE TRIGGER committee_rules_committee_change AFTER INSERT OR UPDATE OR DELETE ON committee_rules
    FOR EACH STATEMENT EXECUTE FUNCTION committee_changed();
CREATE TRIGGER users_committee_change AFTER UPDATE OF roles, status ON users
    FOR EACH STATEMENT EXECUTE FUNCTION committee_changed();
