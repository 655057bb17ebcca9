DROP TRIGGER IF EXISTS users_committee_change ON users;
DROP TRIGGER IF EXISTS committee_rules_committee_change ON committee_rules;
DROP TRIGGER IF EXISTS interest_declaration_committee_change ON interest_declaration;
DROP TRIGGER IF EXISTS review_comment_committee_change ON review_comment;
DROP TRIGGER IF EXISTS review_vote_committee_change ON review_vote;
DROP TRIGGER IF EXISTS review_member_committee_change ON review_member;
DROP TRIGGER IF EXISTS review_committee_change ON review;
DROP FUNCTION IF EXISTS committee_changed();
