package postgres

// The committee's dashboard and review list. The list's SQL is built here
// from dealgate.ReviewFilter (whitelisted sorts, every value a parameter);
// the dashboard's review panels are the same list with a panel's filter, so
// each panel's "see all" link opens exactly its rows.

import "context"
import "encoding/json"
import "fmt"
import "strconv"
import "strings"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

var reviewSorts = map[string]string{
	"due":     "r.due_on",
	"opened":  "r.opened_at",
	"decided": "r.closed_at",
}

// reviewCountCap bounds the review list's count: past it the list says
// "more than" (Page.TotalIsEstimate). Counting joins each review to its
// deal and version when a filter needs them, so the cap is lower than the
// deal list's; 1,000 is forty pages.
const reviewCountCap = 1000

// ListReviews returns a page of the committee's reviews matching f, in the
// database's order. Past reviewCountCap matches the total is a lower bound.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Reviews) ListReviews(ctx context.Context, actor *dealgate.User, f dealgate.ReviewFilter) (dealgate.Page[dealgate.ReviewListItem], error) {
	if err := dealgate.Authorize(actor, dealgate.ActReviewView); err != nil {
		return dealgate.Page[dealgate.ReviewListItem]{}, err
	}
	return readBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.Page[dealgate.ReviewListItem], error) {
		f = f.Normalize()
		key := func(rc int64) reviewListKey {
			return reviewListKey{viewer: actor.ID, register: rc, filter: reviewFilterKey(f), day: tx.today()}
		}
		return cachedRead(ctx, s, tx, s.caches.lists, key, func() (dealgate.Page[dealgate.ReviewListItem], error) {
			return tx.listReviews(ctx, actor, f)
		}, func(p *dealgate.Page[dealgate.ReviewListItem]) { p.Derived = dealgate.NewDerived() }, nil)
	})
}

// listReviews reads a page of the review list.
func (tx *Tx) listReviews(ctx context.Context, actor *dealgate.User, f dealgate.ReviewFilter) (dealgate.Page[dealgate.ReviewListItem], error) {
	page := dealgate.Page[dealgate.ReviewListItem]{Items: []dealgate.ReviewListItem{}, Page: f.Page, PerPage: f.PerPage}
	countSQL, pageSQL, args, err := tx.reviewListSQL(ctx, actor, f)
	if err != nil {
		return page, err
	}
	if err := tx.QueryRow(ctx, countSQL, args[:len(args)-2]...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count reviews: %w", err)
	}
	if page.Total > reviewCountCap {
		page.Total, page.TotalIsEstimate = reviewCountCap, true
	}
	page.Items, err = tx.reviewItems(ctx, pageSQL, args)
	return page, err
}

// ExplainListReviews returns the plan of the page query ListReviews runs
// for actor and f (EXPLAIN ANALYZE when analyze), for tests and tuning.
func (s *Reviews) ExplainListReviews(ctx context.Context, actor *dealgate.User, f dealgate.ReviewFilter, analyze bool) (string, error) {
	return authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewView, func(tx *Tx) (string, error) {
		_, sql, args, err := tx.reviewListSQL(ctx, actor, f.Normalize())
		if err != nil {
			return "", err
		}
		opts := "EXPLAIN "
		if analyze {
			opts = "EXPLAIN (ANALYZE, BUFFERS) "
		}
		rows, err := tx.Query(ctx, opts+sql, args...)
		if err != nil {
			return "", err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		return strings.Join(lines, "\n"), err
	})
}

const reviewListColumns = `SELECT r.id, r.deal_id, d.title, coalesce(p.name, ''), r.round, r.state, r.due_on, r.opened_at, r.closed_at,
	d.negotiation_on, r.verdict, coalesce(x.outcome, ''),
	r.state = 'open' AND EXISTS (SELECT 1 FROM review_rfi q WHERE q.review_id = r.id AND q.answered_at IS NULL)`

// reviewListSQL builds the count and page statements of the review list;
// the page's arguments are the count's plus the limit and offset.
func (tx *Tx) reviewListSQL(ctx context.Context, actor *dealgate.User, f dealgate.ReviewFilter) (countSQL, pageSQL string, args []any, err error) {
	var q query
	if f.State != "" {
		q.cond("r.state = %s", string(f.State))
	}
	if f.Verdict != "" {
		q.cond("r.verdict = %s", string(f.Verdict))
	}
	if f.DueFrom != nil {
		q.cond("r.due_on >= %s::date", f.DueFrom.Format(dealgate.DateLayout))
	}
	if f.DueTo != nil {
		q.cond("r.due_on <= %s::date", f.DueTo.Format(dealgate.DateLayout))
	}
	if f.PartyID > 0 {
		ids := []int64{f.PartyID}
		if f.Family {
			if ids, err = tx.FamilyIDs(ctx, f.PartyID); err != nil {
				return "", "", nil, err
			}
		}
		q.cond("d.counterparty_id = ANY(%s)", ids)
	}
	if f.CategoryID > 0 {
		// One containment test per category: each is served by
		// deal_categories_idx, and the planner ORs their bitmaps.
		var ors []string
		for _, id := range append([]int64{f.CategoryID}, f.CategoryBelow...) {
			cat, _ := json.Marshal([]map[string]int64{{"id": id}})
			ors = append(ors, "d.content -> 'categories' @> "+q.arg(string(cat))+"::jsonb")
		}
		q.where = append(q.where, "("+strings.Join(ors, " OR ")+")")
	}
	if f.Pending {
		if err := tx.pendingConditions(ctx, &q, actor); err != nil {
			return "", "", nil, err
		}
	}
	if f.Sort == "decided" {
		q.where = append(q.where, "r.closed_at IS NOT NULL")
	}
	// The count joins only what its conditions need: by state, verdict
	// (kept on the review, migration 000046) and due date alone it reads
	// the review indexes only.
	from := " FROM review r"
	if f.PartyID > 0 || f.CategoryID > 0 || f.Pending {
		from += " JOIN deal d ON d.id = r.deal_id"
	}
	countSQL = "SELECT count(*) FROM (SELECT 1" + from + q.whereSQL() + " LIMIT " + strconv.Itoa(reviewCountCap+1) + ") c"
	from = ` FROM review r JOIN deal d ON d.id = r.deal_id`
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	pageSQL = reviewListColumns + from + `
	LEFT JOIN party p ON p.id = d.counterparty_id
	LEFT JOIN review_decision x ON x.review_id = r.id` + q.whereSQL() +
		" ORDER BY " + reviewSorts[f.Sort] + dir + ", r.id" + dir + " LIMIT " + q.arg(f.PerPage) + " OFFSET " + q.arg(f.PageRequest().Offset())
	return countSQL, pageSQL, q.args, nil
}

// pendingConditions keeps the open reviews where actor may vote and has not
// voted on the current version: assigned, not self-recused, not the deal's
// submitter, not recused by a declared interest in the counterparty's
// corporate family, and without a vote on a version that still counts.
func (tx *Tx) pendingConditions(ctx context.Context, q *query, actor *dealgate.User) error {
	me := q.once("me", actor.ID)
	q.where = append(q.where, "r.state = 'open'", "d.author_id <> "+me,
		"EXISTS (SELECT 1 FROM review_member m WHERE m.review_id = r.id AND m.user_id = "+me+" AND m.recused_at IS NULL)",
		`NOT EXISTS (SELECT 1 FROM review_vote w JOIN deal_version wv ON wv.deal_id = r.deal_id AND wv.number = w.deal_version
			WHERE w.review_id = r.id AND w.user_id = `+me+` AND wv.superseded_at IS NULL)`)
	excluded, err := tx.declaredFamilies(ctx, actor.ID)
	if err != nil {
		return err
	}
	if len(excluded) > 0 {
		q.cond("NOT (coalesce(d.counterparty_id, 0) = ANY(%s))", excluded)
	}
	return nil
}

// declaredFamilies are the parties in the corporate family of any party
// user declared an interest in: deals with them recuse the user.
func (tx *Tx) declaredFamilies(ctx context.Context, userID int64) ([]int64, error) {
	decl, err := tx.Q.DeclarationsOfUsers(ctx, []int64{userID})
	if err != nil {
		return nil, fmt.Errorf("declarations: %w", err)
	}
	seen := map[int64]bool{}
	var out []int64
	for _, d := range decl {
		if seen[d.PartyID] {
			continue
		}
		fam, err := tx.FamilyIDs(ctx, d.PartyID)
		if err != nil {
			return nil, err
		}
		for _, id := range fam {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}

func (tx *Tx) reviewItems(ctx context.Context, sql string, args []any) ([]dealgate.ReviewListItem, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list reviews: %w", err)
	}
	out := []dealgate.ReviewListItem{}
	for rows.Next() {
		var it dealgate.ReviewListItem
		var state, verdict, outcome string
		var round int32
		if err := rows.Scan(&it.ID, &it.DealID, &it.Title, &it.Counterparty, &round, &state, &it.DueOn, &it.OpenedAt, &it.ClosedAt,
			&it.NegotiationOn, &verdict, &outcome, &it.Paused); err != nil {
			return nil, fmt.Errorf("list reviews: %w", err)
		}
		it.Round, it.State, it.Verdict, it.Outcome = int(round), dealgate.ReviewState(state), dealgate.ScreeningState(verdict), dealgate.DecisionOutcome(outcome)
		out = append(out, it)
	}
	return out, rows.Err()
}

// panel is a dashboard panel's rows: the list's first page of f, uncounted.
func (tx *Tx) panel(ctx context.Context, actor *dealgate.User, f dealgate.ReviewFilter) ([]dealgate.ReviewListItem, error) {
	f.PerPage = dealgate.DashboardPanelSize
	_, sql, args, err := tx.reviewListSQL(ctx, actor, f.Normalize())
	if err != nil {
		return nil, err
	}
	return tx.reviewItems(ctx, sql, args)
}

// DashboardPanels are the review list's filters behind the dashboard's
// panels, relative to today: my pending votes, due within
// dealgate.NegotiationSoonDays, overdue. The handler links "see all" to them.
func DashboardPanels(today time.Time) (pending, dueSoon, overdue dealgate.ReviewFilter) {
	t := today
	soon, yesterday := t.AddDate(0, 0, dealgate.NegotiationSoonDays), t.AddDate(0, 0, -1)
	pending = dealgate.ReviewFilter{State: dealgate.ReviewOpen, Pending: true}
	dueSoon = dealgate.ReviewFilter{State: dealgate.ReviewOpen, DueFrom: &t, DueTo: &soon}
	overdue = dealgate.ReviewFilter{State: dealgate.ReviewOpen, DueTo: &yesterday, Sort: "due"}
	return pending, dueSoon, overdue
}

// Dashboard returns the committee's page: the chair's queue, the viewer's
// pending votes, reviews due soon and overdue, deals with conflicts and
// recent decisions, each at most dealgate.DashboardPanelSize rows.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Reviews) Dashboard(ctx context.Context, actor *dealgate.User) (dealgate.ReviewDashboard, error) {
	if err := dealgate.Authorize(actor, dealgate.ActReviewView); err != nil {
		return dealgate.ReviewDashboard{}, err
	}
	return readBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.ReviewDashboard, error) {
		key := func(rc int64) dashboardKey { return dashboardKey{viewer: actor.ID, register: rc, day: tx.today()} }
		return cachedRead(ctx, s, tx, s.caches.dashboards, key, func() (dealgate.ReviewDashboard, error) {
			return tx.dashboard(ctx, actor)
		}, func(d *dealgate.ReviewDashboard) { d.Derived = dealgate.NewDerived() }, nil)
	})
}

// dashboard reads the committee's page for actor.
func (tx *Tx) dashboard(ctx context.Context, actor *dealgate.User) (dealgate.ReviewDashboard, error) {
	out := dealgate.ReviewDashboard{Today: tx.today()}
	n := int32(dealgate.DashboardPanelSize)
	q, err := tx.Q.ReviewQueue(ctx, n)
	if out.Queue, err = mapRows(q, err, "review queue", queuedDeal); err != nil {
		return out, err
	}
	pending, dueSoon, overdue := DashboardPanels(out.Today)
	if dealgate.Allowed(actor, dealgate.ActReviewVote) {
		if out.Pending, err = tx.panel(ctx, actor, pending); err != nil {
			return out, err
		}
	}
	if out.DueSoon, err = tx.panel(ctx, actor, dueSoon); err != nil {
		return out, err
	}
	if out.Overdue, err = tx.panel(ctx, actor, overdue); err != nil {
		return out, err
	}
	conflicts, err := tx.Q.ConflictDeals(ctx, n)
	if out.Conflicts, err = mapRows(conflicts, err, "deals with conflicts", conflictDeal); err != nil {
		return out, err
	}
	dec, err := tx.Q.RecentDecisions(ctx, n)
	out.Decisions, err = mapRows(dec, err, "recent decisions", recentDecision)
	return out, err
}

func queuedDeal(r sqlc.ReviewQueueRow) dealgate.QueuedDeal {
	return dealgate.QueuedDeal{DealID: r.ID, Title: r.Title, NegotiationOn: r.NegotiationOn,
		CurrentVersion: int(r.CurrentVersion), SubmittedAt: r.SubmittedAt, Counsel: r.AuthorName}
}

func conflictDeal(r sqlc.ConflictDealsRow) dealgate.ConflictDeal {
	return dealgate.ConflictDeal{DealID: r.ID, Title: r.Title, Counterparty: r.Counterparty,
		Version: int(r.CurrentVersion), NegotiationOn: r.NegotiationOn, ReviewID: r.ReviewID}
}

func recentDecision(r sqlc.RecentDecisionsRow) dealgate.DecisionListItem {
	return dealgate.DecisionListItem{ID: r.ID, ReviewID: r.ReviewID, DealID: r.DealID,
		Title: r.Title, Outcome: dealgate.DecisionOutcome(r.Outcome), DecidedAt: r.DecidedAt}
}

// familyDecisions are the latest decisions on deals with any party of
// family (the review's counterparty's corporate family), other than review
// reviewID's.
func (tx *Tx) familyDecisions(ctx context.Context, family []int64, reviewID int64) ([]dealgate.FamilyDecision, error) {
	if len(family) == 0 {
		return nil, nil
	}
	rows, err := tx.Q.FamilyDecisions(ctx, sqlc.FamilyDecisionsParams{PartyIds: family, ReviewID: reviewID, N: dealgate.EarlierDecisionsShown})
	if err != nil {
		return nil, fmt.Errorf("earlier decisions: %w", err)
	}
	out := make([]dealgate.FamilyDecision, len(rows))
	for i, r := range rows {
		out[i] = dealgate.FamilyDecision{DealID: r.DealID, ReviewID: r.ReviewID, Title: r.Title, Counterparty: r.Counterparty,
			DealVersion: int(r.DealVersion), Outcome: dealgate.DecisionOutcome(r.Outcome), Conditions: r.Conditions, DecidedAt: r.DecidedAt}
	}
	return out, nil
}
