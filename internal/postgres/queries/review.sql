-- Committee review (migration 000013).

-- name: GetCommitteeRules :one
SELECT quorum, majority, conflict_unanimous, review_days, clearance_days, reminder_days, auto_open, hide_votes, updated_at, version
FROM committee_rules WHERE id;

-- name: LockCommitteeRules :one
SELECT version FROM committee_rules WHERE id FOR UPDATE;

-- name: UpdateCommitteeRules :exec
UPDATE committee_rules
SET quorum = @quorum, majority = @majority, conflict_unanimous = @conflict_unanimous, review_days = @review_days,
    clearance_days = @clearance_days, reminder_days = @reminder_days, auto_open = @auto_open, hide_votes = @hide_votes,
    updated_at = @now, version = version + 1
WHERE id;

-- name: ListCommitteeMembers :many
SELECT id, name, email FROM users
WHERE status = 'active' AND roles && ARRAY['member', 'chair']::text[]
ORDER BY name, id;

-- name: ListDeclarations :many
SELECT i.party_id, p.name AS party_name, i.note, i.created_at
FROM interest_declaration i JOIN party p ON p.id = i.party_id
WHERE i.user_id = @user_id ORDER BY p.name, p.id;

-- name: DeclarationsOfUsers :many
SELECT i.user_id, i.party_id, p.name AS party_name
FROM interest_declaration i JOIN party p ON p.id = i.party_id
WHERE i.user_id = ANY(@user_ids::bigint[]);

-- name: InsertDeclaration :exec
INSERT INTO interest_declaration (user_id, party_id, note, created_at) VALUES (@user_id, @party_id, @note, @now);

-- name: DeleteDeclaration :execrows
DELETE FROM interest_declaration WHERE user_id = @user_id AND party_id = @party_id;

-- name: NextReviewRound :one
SELECT coalesce(max(round), 0)::int + 1 FROM review WHERE deal_id = @deal_id;

-- name: InsertReview :one
INSERT INTO review (deal_id, round, deal_version, due_on, opened_by, opened_at)
VALUES (@deal_id, @round, @deal_version, @due_on, @opened_by, @now)
RETURNING id;

-- name: InsertReviewMember :exec
INSERT INTO review_member (review_id, user_id) VALUES (@review_id, @user_id);

-- name: GetReview :one
SELECT r.id, r.deal_id, r.round, r.deal_version, r.state, r.due_on, r.opened_at, r.closed_at,
       coalesce(u.name, '')::text AS opened_by_name
FROM review r LEFT JOIN users u ON u.id = r.opened_by
WHERE r.id = @id;

-- name: OpenReviewOfDeal :one
SELECT id FROM review WHERE deal_id = @deal_id AND state = 'open';

-- name: LatestReviewOfDeal :many
-- The deal page's review: the latest round, if any (UNIQUE (deal_id, round)).
SELECT id, round, deal_version, state, due_on FROM review
WHERE deal_id = @deal_id ORDER BY round DESC LIMIT 1;

-- name: ListReviewMembers :many
SELECT m.user_id, u.name, m.recused_at, m.recusal_reason
FROM review_member m JOIN users u ON u.id = m.user_id
WHERE m.review_id = @review_id ORDER BY u.name, u.id;

-- name: SetSelfRecused :execrows
UPDATE review_member SET recused_at = @now, recusal_reason = @reason
WHERE review_id = @review_id AND user_id = @user_id AND recused_at IS NULL;

-- name: UpsertVote :exec
INSERT INTO review_vote (review_id, user_id, deal_version, choice, conditions, rationale, cast_at, updated_at)
VALUES (@review_id, @user_id, @deal_version, @choice, @conditions, @rationale, @now, @now)
ON CONFLICT (review_id, user_id) DO UPDATE
SET deal_version = excluded.deal_version, choice = excluded.choice, conditions = excluded.conditions,
    rationale = excluded.rationale, updated_at = excluded.updated_at;

-- name: ListVotes :many
SELECT v.user_id, u.name, v.deal_version, v.choice, v.conditions, v.rationale, v.cast_at, v.updated_at
FROM review_vote v JOIN users u ON u.id = v.user_id
WHERE v.review_id = @review_id ORDER BY u.name, u.id;

-- name: SetReviewState :exec
UPDATE review SET state = @state, closed_at = @now WHERE id = @id AND state = 'open';

-- name: InsertDecision :one
INSERT INTO review_decision (review_id, deal_id, deal_version, outcome, memo, conditions, screening_state,
                             taxonomy_version_id, tally, decided_by, decided_at, expires_at)
VALUES (@review_id, @deal_id, @deal_version, @outcome, @memo, @conditions, @screening_state,
        @taxonomy_version_id, @tally, @decided_by, @now, @expires_at)
RETURNING id;

-- name: DecisionOfReview :one
SELECT d.id, d.review_id, d.deal_id, d.deal_version, d.outcome, d.memo, d.conditions, d.screening_state,
       d.taxonomy_version_id, d.tally, coalesce(u.name, '')::text AS decided_by_name, d.decided_at, d.expires_at,
       (v.superseded_at IS NOT NULL)::boolean AS superseded
FROM review_decision d JOIN deal_version v ON v.deal_id = d.deal_id AND v.number = d.deal_version
LEFT JOIN users u ON u.id = d.decided_by
WHERE d.review_id = @review_id;

-- name: LatestDecisionOfDeal :one
SELECT d.id, d.review_id, d.deal_id, d.deal_version, d.outcome, d.memo, d.conditions, d.screening_state,
       d.taxonomy_version_id, d.tally, coalesce(u.name, '')::text AS decided_by_name, d.decided_at, d.expires_at,
       (v.superseded_at IS NOT NULL)::boolean AS superseded
FROM review_decision d JOIN deal_version v ON v.deal_id = d.deal_id AND v.number = d.deal_version
LEFT JOIN users u ON u.id = d.decided_by
WHERE d.deal_id = @deal_id
ORDER BY d.decided_at DESC, d.id DESC LIMIT 1;

-- name: DealVersionState :one
SELECT (superseded_at IS NOT NULL)::boolean AS superseded, taxonomy_version_id, screening_state
FROM deal_version WHERE deal_id = @deal_id AND number = @number;

-- name: SupersededVersions :many
SELECT number FROM deal_version WHERE deal_id = @deal_id AND superseded_at IS NOT NULL;

-- name: InsertNegotiation :exec
INSERT INTO deal_negotiation (deal_id, deal_version, decision_id, started_on, recorded_by, recorded_at)
VALUES (@deal_id, @deal_version, @decision_id, @started_on, @recorded_by, @now);

-- name: GetNegotiation :one
SELECT started_on, recorded_at FROM deal_negotiation WHERE deal_id = @deal_id;

-- name: ReviewQueue :many
-- Submitted deals waiting for the chair: no open review, and no decision on
-- their current version.
SELECT d.id, d.title, d.negotiation_on, d.current_version, d.submitted_at, u.name AS author_name
FROM deal d JOIN users u ON u.id = d.author_id
WHERE d.status = 'submitted'
  AND NOT EXISTS (SELECT 1 FROM review r WHERE r.deal_id = d.id AND r.state = 'open')
  AND NOT EXISTS (SELECT 1 FROM review_decision x WHERE x.deal_id = d.id AND x.deal_version = d.current_version)
ORDER BY d.negotiation_on NULLS LAST, d.id
LIMIT @n;

-- name: RecentDecisions :many
SELECT x.id, x.review_id, x.deal_id, d.title, x.outcome, x.decided_at
FROM review_decision x JOIN deal d ON d.id = x.deal_id
ORDER BY x.decided_at DESC, x.id DESC
LIMIT @n;

-- name: LatestDecisionsOfDeals :many
-- The latest decision of each deal, for the deal lists' clearance column.
SELECT DISTINCT ON (d.deal_id) d.id, d.review_id, d.deal_id, d.deal_version, d.outcome, d.memo, d.conditions, d.screening_state,
       d.taxonomy_version_id, d.tally, ''::text AS decided_by_name, d.decided_at, d.expires_at,
       (v.superseded_at IS NOT NULL)::boolean AS superseded
FROM review_decision d JOIN deal_version v ON v.deal_id = d.deal_id AND v.number = d.deal_version
WHERE d.deal_id = ANY(@deal_ids::bigint[])
ORDER BY d.deal_id, d.decided_at DESC, d.id DESC;

-- name: InsertReviewComment :one
INSERT INTO review_comment (review_id, parent_id, author_id, body, created_at)
VALUES (@review_id, @parent_id, @author_id, @body, @now)
RETURNING id;

-- name: CommentInReview :one
SELECT id FROM review_comment WHERE id = @id AND review_id = @review_id;

-- name: ListReviewComments :many
SELECT c.id, c.parent_id, u.name AS author_name, c.body, c.created_at
FROM review_comment c JOIN users u ON u.id = c.author_id
WHERE c.review_id = @review_id ORDER BY c.id;

-- name: InsertRFI :one
INSERT INTO review_rfi (review_id, deal_id, asked_by, question, asked_at)
VALUES (@review_id, @deal_id, @asked_by, @question, @now)
RETURNING id;

-- name: LockRFI :one
SELECT r.id, r.review_id, r.deal_id, r.question, r.asked_at, r.answered_at
FROM review_rfi r WHERE r.id = @id FOR UPDATE;

-- name: AnswerRFI :exec
UPDATE review_rfi SET answer = @answer, answered_by = @answered_by, answered_at = @now WHERE id = @id AND answered_at IS NULL;

-- name: ExtendReviewDue :exec
UPDATE review SET due_on = due_on + @days::int WHERE id = @id AND state = 'open';

-- name: ListRFIs :many
SELECT r.id, r.review_id, a.name AS asked_by_name, r.question, r.asked_at, r.answer,
       coalesce(b.name, '')::text AS answered_by_name, r.answered_at
FROM review_rfi r JOIN users a ON a.id = r.asked_by LEFT JOIN users b ON b.id = r.answered_by
WHERE (sqlc.narg(review_id)::bigint IS NULL OR r.review_id = sqlc.narg(review_id))
  AND (sqlc.narg(deal_id)::bigint IS NULL OR r.deal_id = sqlc.narg(deal_id))
ORDER BY r.id;

-- name: LockReviewDealShared :one
-- A vote's lock on the review's deal: FOR SHARE, so the votes of different
-- members run side by side, while decisions, recusals, new versions and
-- withdrawals (FOR UPDATE) still wait for every vote in flight and make
-- every vote wait for them.
SELECT d.id FROM review r JOIN deal d ON d.id = r.deal_id WHERE r.id = @review_id FOR SHARE OF d;

-- name: LockVoter :one
-- The voter's assignment, locked so that one member's votes (and their
-- recusal) on a review are serialised; taken after the deal's lock.
SELECT recused_at, recusal_reason FROM review_member
WHERE review_id = @review_id AND user_id = @user_id FOR UPDATE;

-- name: VoterState :one
-- Everything a vote checks, in one statement read after the locks: the
-- review's state, the viewer's relation to the deal (for the policy), the
-- deal's current version, whether the voter declared any interest (their
-- recusal by interest is computed only then), and their vote so far.
SELECT r.state, r.deal_id, d.status, d.author_id, d.current_version, coalesce(s.access, '')::text AS share_access,
       EXISTS (SELECT 1 FROM interest_declaration i WHERE i.user_id = @user_id) AS declared,
       v.deal_version AS vote_deal_version, coalesce(v.choice, '')::text AS vote_choice,
       coalesce(v.conditions, '')::text AS vote_conditions, coalesce(v.rationale, '')::text AS vote_rationale
FROM review r
JOIN deal d ON d.id = r.deal_id
LEFT JOIN deal_share s ON s.deal_id = d.id AND s.user_id = @user_id
LEFT JOIN review_vote v ON v.review_id = r.id AND v.user_id = @user_id
WHERE r.id = @review_id;
