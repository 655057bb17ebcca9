package demo

// The scale seeder's deals and the committee's work on them. Deals: counsel
// accounts, deals in every state (drafts, submitted with one or two
// versions, withdrawn), shares between counsel and attachments' metadata
// (without content: downloads of these report the attachment missing). The
// committee: members (one chair), open reviews with every member assigned
// and some votes and self-recusals, and decided reviews with their votes and
// decisions. The versions are not screened here: screening is the screening
// service's.
// Rows go in with COPY, like the rest of the scale data.

import "context"
import "encoding/json"
import "fmt"
import "strconv"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// scaleDealCounsel is how many counsel accounts share the scale deals, so
// each counsel's "My deals" holds a realistic few hundred to thousand.
const scaleDealCounsel = 150

type scaleDealRefs struct {
	counsel    []int64
	taxonomyID int64
	dealBase   int64
}

func (g *scaleGen) deals(ctx context.Context, tx *postgres.Tx) error {
	if g.opts.Deals <= 0 {
		return nil
	}
	var r scaleDealRefs
	if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT max(id) FROM deal), 0), $1::bigint`, g.versionID).Scan(&r.dealBase, &r.taxonomyID); err != nil {
		return err
	}
	g.dealBase = r.dealBase
	if err := g.dealCounsel(ctx, tx, &r); err != nil {
		return err
	}
	deals, versions, shares := g.dealRows(r)
	if err := copyRows(ctx, tx, "deal", []string{"id", "author_id", "status", "title", "counterparty_id", "negotiation_on", "content",
		"current_version", "submitted_at", "withdrawn_at", "withdrawn_reason", "created_at", "updated_at"}, deals); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "deal_version", []string{"deal_id", "number", "content", "counterparty_id", "negotiation_on",
		"change_note", "material", "taxonomy_version_id", "superseded_at", "superseded_by", "created_at", "created_by"}, versions); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "deal_share", []string{"deal_id", "user_id", "access", "created_at"}, shares); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "deal_attachment", []string{"deal_id", "filename", "content_type", "size_bytes", "sha256", "uploaded_at", "uploaded_by"}, g.attachmentRows(r)); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('deal', 'id'), (SELECT max(id) FROM deal))`)
	return err
}

// dealCounsel adds the counsel accounts (they cannot sign in: no password).
func (g *scaleGen) dealCounsel(ctx context.Context, tx *postgres.Tx, r *scaleDealRefs) error {
	stamp := strconv.FormatInt(g.now.UnixNano(), 36)
	for i := range scaleDealCounsel {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, roles, password_hash, created_at, updated_at)
			VALUES ($1, $2, '{counsel}', '', $3, $3) RETURNING id`,
			fmt.Sprintf("scale-counsel-%d-%s@example.test", i, stamp), fmt.Sprintf("Scale Counsel %d", i), g.now).Scan(&id)
		if err != nil {
			return fmt.Errorf("scale counsel: %w", err)
		}
		r.counsel = append(r.counsel, id)
	}
	return nil
}

// dealRows generates the deals (20% drafts, 65% submitted, 15% withdrawn;
// a third of submitted deals have a second, material version), their
// versions and shares.
func (g *scaleGen) dealRows(r scaleDealRefs) (deals, versions, shares [][]any) {
	today := dealgate.DateOf(g.now)
	for i := range g.opts.Deals {
		id := r.dealBase + int64(i) + 1
		author := r.counsel[g.rnd.IntN(len(r.counsel))]
		c := g.dealContent(today)
		content, _ := json.Marshal(c)
		created := g.now.Add(-time.Duration(g.rnd.IntN(400*24)) * time.Hour)
		status := []dealgate.DealStatus{dealgate.DealDraft, dealgate.DealSubmitted, dealgate.DealWithdrawn}[weighted(g.rnd, []int{20, 65, 15})]
		row := []any{id, author, string(status), c.Title, c.Counterparty.ID, *c.NegotiationStart, content, 0, nil, nil, "", created, created}
		if status != dealgate.DealDraft {
			n := 1 + g.rnd.IntN(3)/2 // one or two versions
			row[7], row[8] = n, created
			for v := 1; v <= n; v++ {
				ver := []any{id, v, content, c.Counterparty.ID, *c.NegotiationStart, "", []string{}, r.taxonomyID, nil, nil, created, author}
				if v == 1 && n == 2 {
					ver[8], ver[9] = created, 2
				}
				if v == 2 {
					ver[5], ver[6] = "Negotiation date moved.", []string{"Proposed negotiation start"}
				}
				versions = append(versions, ver)
			}
		}
		if status == dealgate.DealWithdrawn {
			row[9], row[10] = created, "Withdrawn during scoping."
		}
		deals = append(deals, row)
		if g.rnd.IntN(10) == 0 {
			other := r.counsel[g.rnd.IntN(len(r.counsel))]
			if other != author {
				shares = append(shares, []any{id, other, []string{"read", "edit"}[g.rnd.IntN(2)], created})
			}
		}
	}
	return deals, versions, shares
}

func (g *scaleGen) dealContent(today time.Time) dealgate.DealContent {
	pi := g.rnd.IntN(len(g.partyNames))
	cat := g.leafCats[g.rnd.IntN(len(g.leafCats))]
	neg := today.AddDate(0, 0, g.rnd.IntN(240)-60)
	start := neg.AddDate(0, 2, 0)
	end := start.AddDate(1+g.rnd.IntN(4), 0, 0)
	product := g.pick(scaleProducts)
	return dealgate.DealContent{
		Title:        fmt.Sprintf("%s for %s", product, g.partyNames[pi]),
		Counterparty: &dealgate.PartyRef{ID: g.partyBase + int64(pi) + 1, Name: g.partyNames[pi], Kind: g.partyKinds[pi]},
		Categories:   []dealgate.CategoryRef{{ID: cat, Name: g.catNames[cat]}},
		Description:  fmt.Sprintf("%s supplies %s to the Company.", g.partyNames[pi], product),
		Rationale:    "Capacity and redundancy.", Value: &dealgate.Money{Minor: int64(g.rnd.IntN(1_000_000)) * 100_000, Currency: "USD"},
		TermStart: &start, TermEnd: &end, Worldwide: g.rnd.IntN(3) == 0, Regions: []string{"EU"}, NegotiationStart: &neg,
		Sponsor: "Business sponsor",
	}
}

// attachmentRows spreads the attachments' metadata over the deals.
func (g *scaleGen) attachmentRows(r scaleDealRefs) [][]any {
	rows := make([][]any, 0, g.opts.DealAttachments)
	types := []string{dealgate.ContentTypePDF, dealgate.ContentTypeDOCX, dealgate.ContentTypeText}
	for i := range g.opts.DealAttachments {
		sum := make([]byte, 32)
		for j := range sum {
			sum[j] = byte(g.rnd.IntN(256))
		}
		deal := r.dealBase + int64(g.rnd.IntN(g.opts.Deals)) + 1
		rows = append(rows, []any{deal, fmt.Sprintf("attachment-%d.pdf", i), types[g.rnd.IntN(len(types))],
			int64(1 + g.rnd.IntN(5<<20)), sum, g.now, r.counsel[g.rnd.IntN(len(r.counsel))]})
	}
	return rows
}

// ---------------------------------------------------------------------------
// The committee

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
