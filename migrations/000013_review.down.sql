DROP TABLE IF EXISTS deal_negotiation;
DROP TABLE IF EXISTS review_decision;
DROP TABLE IF EXISTS review_vote;
DROP TABLE IF EXISTS review_member;
DROP TABLE IF EXISTS review;
DROP TABLE IF EXISTS interest_declaration;
DROP TABLE IF EXISTS committee_rules;
