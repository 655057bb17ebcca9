package demo

// The scale seeder's committee: members (one chair), open reviews with
// every member assigned and some votes and self-recusals, and decided
// reviews with their votes and decisions. The deals' versions are not
// screened here (their state stays "awaiting"): screening is the screening
// service's. Rows go in with COPY, like the rest of the scale data.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/postgres"
)

type scaleReview struct {
	dealID, author int64
	version        int
	negotiation    time.Time
}

// reviews adds the committee and its reviews on the deals dealRows made.
func (g *scaleGen) reviews(ctx context.Context, tx *postgres.Tx) error {
	if g.opts.OpenReviews <= 0 && g.opts.DecidedReviews <= 0 {
		return nil
	}
	members, err := g.committee(ctx, tx)
	if err != nil {
		return err
	}
	// No verdicts: the seeded versions have no screening record, so their
	// state stays the honest "awaiting" (dealgate.ScreeningAwaiting), and
	// so does their reviews' verdict (review.verdict, kept from it by the
	// triggers of migration 000046). The first re-screen (the job the scale
	// load leaves queued, or any register change) records each version's
	// first real verdict, which tells nobody (notifyVerdictChanged), and
	// the triggers carry it to the reviews, so the verdict filter and
	// "deals with conflicts" then read real screenings. A made-up verdict
	// here would make that first re-screen "change" most of them and tell
	// every reviewer of each.
	rows, err := tx.Query(ctx, `SELECT id, author_id, current_version, negotiation_on FROM deal
		WHERE status = 'submitted' AND id > $1 ORDER BY id`, g.dealBase)
	if err != nil {
		return err
	}
	var deals []scaleReview
	for rows.Next() {
		var r scaleReview
		if err := rows.Scan(&r.dealID, &r.author, &r.version, &r.negotiation); err != nil {
			return err
		}
		deals = append(deals, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	open := min(g.opts.OpenReviews, len(deals))
	decided := min(g.opts.DecidedReviews, len(deals)-open)
	var reviewBase int64
	if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT max(id) FROM review), 0)`).Scan(&reviewBase); err != nil {
		return err
	}
	var reviews, assigned, votes, decisions [][]any
	for i, d := range deals[:open+decided] {
		id := reviewBase + int64(i) + 1
		opened := g.now.Add(-time.Duration(1+g.rnd.IntN(20*24)) * time.Hour)
		due := dealgate.DateOf(g.now).AddDate(0, 0, g.rnd.IntN(30)-8)
		row := []any{id, d.dealID, 1, d.version, "open", due, members[0], opened, nil}
		decide := i >= open
		if decide {
			row[4], row[8] = "decided", opened.Add(time.Duration(1+g.rnd.IntN(240))*time.Hour)
		}
		reviews = append(reviews, row)
		a, v := g.reviewMembers(id, d, members, opened, decide)
		assigned, votes = append(assigned, a...), append(votes, v...)
		if decide {
			decisions = append(decisions, g.decisionRow(id, d, members[0], row[8].(time.Time), len(v)))
		}
	}
	if err := copyRows(ctx, tx, "review", []string{"id", "deal_id", "round", "deal_version", "state", "due_on", "opened_by", "opened_at", "closed_at"}, reviews); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "review_member", []string{"review_id", "user_id", "recused_at", "recusal_reason"}, assigned); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "review_vote", []string{"review_id", "user_id", "deal_version", "choice", "conditions", "rationale", "cast_at", "updated_at"}, votes); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "review_decision", []string{"review_id", "deal_id", "deal_version", "outcome", "memo", "conditions",
		"screening_state", "tally", "decided_by", "decided_at", "expires_at"}, decisions); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('review', 'id'), (SELECT max(id) FROM review))`)
	return err
}

// committee adds the scale committee (no passwords: they cannot sign in);
// the first is the chair.
func (g *scaleGen) committee(ctx context.Context, tx *postgres.Tx) ([]int64, error) {
	stamp := strconv.FormatInt(g.now.UnixNano(), 36)
	var out []int64
	for i := range g.opts.CommitteeMembers {
		role := "{member}"
		if i == 0 {
			role = "{chair}"
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, roles, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3, '', $4, $4) RETURNING id`,
			fmt.Sprintf("scale-member-%d-%s@example.test", i, stamp), fmt.Sprintf("Scale Member %d", i), role, g.now).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("scale committee: %w", err)
		}
		out = append(out, id)
	}
	return out, nil
}

// reviewMembers assigns every member to review id; about one in fifty
// recuses themselves, and the others vote (all of them on a decided review,
// about a third on an open one).
func (g *scaleGen) reviewMembers(id int64, d scaleReview, members []int64, opened time.Time, decided bool) (assigned, votes [][]any) {
	choices := []dealgate.VoteChoice{dealgate.VoteApprove, dealgate.VoteApproveConditions, dealgate.VoteFlag, dealgate.VoteAbstain}
	for _, m := range members {
		if m == d.author {
			continue
		}
		if g.rnd.IntN(50) == 0 {
			assigned = append(assigned, []any{id, m, opened, "Former adviser to the counterparty."})
			continue
		}
		assigned = append(assigned, []any{id, m, nil, ""})
		if !decided && g.rnd.IntN(3) != 0 {
			continue
		}
		ch := choices[weighted(g.rnd, []int{60, 20, 10, 10})]
		cond := ""
		if ch == dealgate.VoteApproveConditions {
			cond = "Notify the incumbent provider first."
		}
		at := opened.Add(time.Duration(1+g.rnd.IntN(48)) * time.Hour)
		votes = append(votes, []any{id, m, d.version, string(ch), cond, "Reviewed the screening and the clauses it cites.", at, at})
	}
	return assigned, votes
}

// decisionRow records a decision on review id: mostly approvals, some with
// conditions, a few flags.
func (g *scaleGen) decisionRow(id int64, d scaleReview, chair int64, at time.Time, cast int) []any {
	outcome := []dealgate.DecisionOutcome{dealgate.OutcomeApproved, dealgate.OutcomeApprovedConditions, dealgate.OutcomeFlagged}[weighted(g.rnd, []int{60, 25, 15})]
	cond := ""
	var expires any
	if outcome != dealgate.OutcomeFlagged {
		expires = at.AddDate(0, 0, 90)
	}
	if outcome == dealgate.OutcomeApprovedConditions {
		cond = "Give the notice the preferred-provider clause requires before negotiating."
	}
	tally, _ := json.Marshal(dealgate.Tally{Eligible: cast, Approve: cast, Quorum: 2, Majority: dealgate.MajoritySimple, QuorumMet: true, ApprovalMet: true})
	return []any{id, d.dealID, d.version, string(outcome), "The committee considered the screening findings.", cond, nil, tally, chair, at, expires}
}
