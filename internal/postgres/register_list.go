package postgres

import "context"
import "fmt"
import "slices"
import "strconv"
import "strings"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"

// List screens with optional filters build their SQL here: column and sort
// expressions come only from the whitelists below, and every value is a
// parameter.

// query collects a statement's conditions and parameters.
type query struct {
	where []string
	args  []any
	named map[string]string
}

// once adds a parameter the first time name is asked for and returns the
// same placeholder afterwards, so a statement only carries the parameters
// it uses.
func (q *query) once(name string, v any) string {
	if ph, ok := q.named[name]; ok {
		return ph
	}
	if q.named == nil {
		q.named = map[string]string{}
	}
	q.named[name] = q.arg(v)
	return q.named[name]
}

// arg adds a parameter and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *query) cond(format string, vals ...any) {
	ph := make([]any, len(vals))
	for i, v := range vals {
		ph[i] = q.arg(v)
	}
	q.where = append(q.where, fmt.Sprintf(format, ph...))
}

func (q *query) whereSQL() string {
	if len(q.where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(q.where, " AND ")
}

// ---------------------------------------------------------------------------
// Parties

var partySorts = map[string]string{
	"name":       "lower(p.name)",
	"kind":       "p.kind",
	"updated_at": "p.updated_at",
}

// ListParties returns a page of parties matching f. Query matches any part
// of a name or alias, ignoring case.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Register) ListParties(ctx context.Context, actor *dealgate.User, f dealgate.PartyFilter) (dealgate.Page[dealgate.Party], error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Page[dealgate.Party], error) {
		f = f.Normalize()
		counter, err := registerCounter(ctx, tx)
		if err != nil {
			return dealgate.Page[dealgate.Party]{}, err
		}
		// Every column shown comes from party and party_name, whose
		// changes bump the counter: the whole page is cached. Its items
		// are shared; callers only read them.
		return s.partyPages.load(ctx, tx, counter, f, loader[dealgate.Page[dealgate.Party]]{
			read: func() (dealgate.Page[dealgate.Party], error) { return tx.listParties(ctx, f) },
			kept: func(p *dealgate.Page[dealgate.Party]) { p.Derived = dealgate.NewDerived() },
		})
	})
}

func (tx *Tx) listParties(ctx context.Context, f dealgate.PartyFilter) (dealgate.Page[dealgate.Party], error) {
	page := dealgate.Page[dealgate.Party]{Items: []dealgate.Party{}, Page: f.Page, PerPage: f.PerPage}
	var q query
	if !f.IncludeRetired {
		q.where = append(q.where, "p.retired_at IS NULL")
	}
	if f.Kind != "" {
		q.cond("p.kind = %s", string(f.Kind))
	}
	if n := dealgate.NormalizePartyName(f.Query); n != "" {
		q.cond("p.id IN (SELECT n.party_id FROM party_name n WHERE n.norm LIKE %s)", "%"+likeLiteral(n)+"%")
	}
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM party p"+q.whereSQL(), q.args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count parties: %w", err)
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	sql := "SELECT p.id FROM party p" + q.whereSQL() +
		" ORDER BY " + partySorts[f.Sort] + dir + ", p.id" + dir +
		" LIMIT " + q.arg(f.PerPage) + " OFFSET " + q.arg((f.Page-1)*f.PerPage)
	rows, err := tx.Query(ctx, sql, q.args...)
	if err != nil {
		return page, fmt.Errorf("list parties: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return page, fmt.Errorf("list parties: %w", err)
	}
	if page.Items, err = tx.parties(ctx, ids); err != nil {
		return page, err
	}
	return page, nil
}

// likeLiteral makes s match literally inside a LIKE pattern.
func likeLiteral(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ---------------------------------------------------------------------------
// Agreements

// agreementSorts maps the whitelisted sort keys to SQL; "status" sorts by
// the effective status (see sortExpr).
var agreementSorts = map[string]string{
	"title":        "lower(a.title)",
	"party":        "lower(p.name)",
	"kind":         "a.kind",
	"status":       "eff_status",
	"effective_on": "a.effective_on",
	"expires_on":   "a.expires_on",
	"value":        "a.value_minor",
	"updated_at":   "a.updated_at",
	"relevance":    "rank",
}

// Highlight options: matches are wrapped in the private-use markers that
// dealgate.ParseHighlight splits on (see dealgate.HighlightStart), never in
// HTML, so the snippet is plain text the templates escape like any other.
const (
	headlineSnippet = "StartSel=\uE000, StopSel=\uE001, MaxWords=35, MinWords=15, ShortWord=3"
	headlineWhole   = "StartSel=\uE000, StopSel=\uE001, HighlightAll=true"
)

// ListAgreements returns a page of agreements matching f: filtered, sorted
// and paged in the database. With a Query it is a full-text search over
// titles, summaries and the text of live clauses (Postgres websearch
// syntax: words, "quoted phrases", or, -not), ranked by relevance unless
// another sort is chosen, each item carrying its highlighted title and the
// best-matching snippet. CategoryID matches agreements on the screening
// engine's relation, each labelled with the path that matched (Cover).
//
// A search ranked by relevance reads at most 2,000 matching rows: when a
// very common word matches more, it ranks those candidates (title and
// summary matches first) and, past 1,000 agreements, reports Total 1,000
// with TotalIsEstimate set: "more than 1,000" (see searchCandidateRows).
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Register) ListAgreements(ctx context.Context, actor *dealgate.User, f dealgate.AgreementFilter) (dealgate.Page[dealgate.AgreementListItem], error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Page[dealgate.AgreementListItem], error) {
		f = f.Normalize()
		key, err := agreementPageKeyOf(ctx, tx, f)
		if err != nil {
			return dealgate.Page[dealgate.AgreementListItem]{}, err
		}
		// A page shows the register, judged on a day, and its owners'
		// names: it is cached whole under the register change counter,
		// keyed by the day and the users' names stamp (read_cache.go), so
		// a page served from the cache costs no round trip of its own. Its
		// items are shared; callers only read them.
		return s.agreementPages.load(ctx, tx, key.counter, key, loader[dealgate.Page[dealgate.AgreementListItem]]{
			read: func() (dealgate.Page[dealgate.AgreementListItem], error) {
				page, err := tx.ListAgreements(ctx, f)
				if err == nil && f.CategoryID > 0 {
					err = s.coverPaths(ctx, tx, page.Items, f.CategoryID)
				}
				return page, err
			},
			kept: func(p *dealgate.Page[dealgate.AgreementListItem]) { p.Derived = dealgate.NewDerived() },
		})
	})
}

// agreementPageKey is a cache key of a list page: the normalised filter
// (Binding as a value), the day it is judged on, the register change
// counter and the users' names stamp it was read at.
type agreementPageKey struct {
	f              dealgate.AgreementFilter // Binding nil
	binding        int8                     // 0 any, 1 binding, 2 non-binding
	day            int64
	counter, names int64
}

func agreementPageKeyOf(ctx context.Context, tx *Tx, f dealgate.AgreementFilter) (agreementPageKey, error) {
	k := agreementPageKey{day: tx.today().Unix()}
	var err error
	if k.counter, err = registerCounter(ctx, tx); err != nil {
		return k, err
	}
	if k.names, err = userNamesStamp(ctx, tx); err != nil {
		return k, err
	}
	if f.Binding != nil {
		k.binding = 2
		if *f.Binding {
			k.binding = 1
		}
	}
	f.Binding = nil
	k.f = f
	return k, nil
}

// agreementPageIDs is what the list query finds for a page: the IDs in
// order, their ranks (search), the total, and the parsed search.
type agreementPageIDs struct {
	ids      []int64
	ranks    []float32
	total    int
	estimate bool
	tsquery  string
}

// ListAgreements is the list query; the caller has authorised.
//
// It runs in three steps. The first finds the page: the IDs in order (and,
// for a search, their rank and the total) under a plan made for this
// request's values. The second counts, for a plain list. The last loads
// the page's rows and, for a search, their highlights, by ID. The first two
// are sent unprepared (pgx.QueryExecModeExec): they differ with every
// filter, and a cached generic plan cannot see the search terms or dates and
// is several times slower. The last is the same for every request and is
// prepared once per connection.
func (tx *Tx) ListAgreements(ctx context.Context, f dealgate.AgreementFilter) (dealgate.Page[dealgate.AgreementListItem], error) {
	f = f.Normalize()
	ids, err := tx.agreementPageIDs(ctx, f)
	if err != nil {
		return dealgate.Page[dealgate.AgreementListItem]{Items: []dealgate.AgreementListItem{}, Page: f.Page, PerPage: f.PerPage}, err
	}
	return tx.agreementPage(ctx, f, ids)
}

// agreementPage loads the rows of a page found by agreementPageIDs.
func (tx *Tx) agreementPage(ctx context.Context, f dealgate.AgreementFilter, p agreementPageIDs) (dealgate.Page[dealgate.AgreementListItem], error) {
	page := dealgate.Page[dealgate.AgreementListItem]{Items: []dealgate.AgreementListItem{}, Page: f.Page, PerPage: f.PerPage,
		Total: p.total, TotalIsEstimate: p.estimate}
	if len(p.ids) == 0 {
		return page, nil
	}
	var err error
	page.Items, err = tx.agreementItems(ctx, p.ids, p.ranks, p.tsquery)
	return page, err
}

// agreementPageIDs runs the first two steps of ListAgreements for the
// normalised f.
func (tx *Tx) agreementPageIDs(ctx context.Context, f dealgate.AgreementFilter) (agreementPageIDs, error) {
	var out agreementPageIDs
	st, err := tx.agreementStatements(ctx, f)
	if err != nil || st.empty {
		return out, err
	}
	out.tsquery = st.tsquery
	if !st.search {
		if err := tx.QueryRow(ctx, st.count, append([]any{pgx.QueryExecModeExec}, st.countArgs...)...).Scan(&out.total); err != nil {
			return out, fmt.Errorf("count agreements: %w", err)
		}
		if out.total == 0 {
			return out, nil
		}
	}
	rows, err := tx.Query(ctx, st.page, append([]any{pgx.QueryExecModeExec}, st.pageArgs...)...)
	if err != nil {
		return out, fmt.Errorf("list agreements: %w", err)
	}
	ids, ranks, total, read, err := scanAgreementPage(rows)
	if err != nil {
		return out, err
	}
	if st.search {
		out.total = int(total)
	}
	if st.bounded && read >= searchCandidateRows {
		// The bound cut the candidates short: some matches were not read.
		if total > searchTotalCap {
			out.total, out.estimate = searchTotalCap, true
		} else {
			// Rare: the rows read were many matches in few agreements,
			// too few to say "more than searchTotalCap"; read them all.
			rows, err := tx.Query(ctx, st.exactPage, append([]any{pgx.QueryExecModeExec}, st.exactPageArgs...)...)
			if err != nil {
				return out, fmt.Errorf("list agreements: %w", err)
			}
			if ids, ranks, total, _, err = scanAgreementPage(rows); err != nil {
				return out, err
			}
			out.total = int(total)
		}
	}
	if st.search && len(ids) == 0 && f.Page > 1 {
		// Past the last page: the window count came back with no rows.
		if err := tx.QueryRow(ctx, st.count, append([]any{pgx.QueryExecModeExec}, st.countArgs...)...).Scan(&out.total); err != nil {
			return out, fmt.Errorf("count search: %w", err)
		}
	}
	out.ids, out.ranks = ids, ranks
	return out, nil
}

// scanAgreementPage reads the page statement's rows: IDs and ranks in
// order, and the total and rows read that every row repeats.
func scanAgreementPage(rows pgx.Rows) (ids []int64, ranks []float32, total, read int64, err error) {
	defer rows.Close()
	for rows.Next() {
		var id int64
		var rank float32
		if err := rows.Scan(&id, &rank, &total, &read); err != nil {
			return nil, nil, 0, 0, fmt.Errorf("list agreements: %w", err)
		}
		ids, ranks = append(ids, id), append(ranks, rank)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, 0, 0, fmt.Errorf("list agreements: %w", err)
	}
	return ids, ranks, total, read, nil
}

// ExplainListAgreements returns the plans of the statements ListAgreements
// runs for f (EXPLAIN, with ANALYZE when analyze is set), for performance
// checks. The caller has authorised.
func (tx *Tx) ExplainListAgreements(ctx context.Context, f dealgate.AgreementFilter, analyze bool) (string, error) {
	f = f.Normalize()
	st, err := tx.agreementStatements(ctx, f)
	if err != nil || st.empty {
		return "", err
	}
	page, err := tx.ListAgreements(ctx, f)
	if err != nil {
		return "", err
	}
	ids := make([]int64, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.ID
	}
	opts := "(FORMAT TEXT)"
	if analyze {
		opts = "(ANALYZE, BUFFERS, FORMAT TEXT)"
	}
	var out strings.Builder
	for _, s := range []struct {
		sql  string
		args []any
	}{
		{st.page, st.pageArgs},
		{st.count, st.countArgs},
		{agreementItemsSQL, []any{ids, st.tsquery, headlineWhole, headlineSnippet}},
	} {
		rows, err := tx.Query(ctx, "EXPLAIN "+opts+" "+s.sql, append([]any{pgx.QueryExecModeExec}, s.args...)...)
		if err != nil {
			return "", err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return "", err
		}
		out.WriteString(strings.Join(lines, "\n") + "\n\n")
	}
	return out.String(), nil
}

// agreementStatements are the SQL statements of one agreement list request.
type agreementStatements struct {
	search   bool
	empty    bool   // a search that cannot match anything
	tsquery  string // the parsed search, as tsquery text
	page     string // id, rank, total, rows read of the page's rows (total only for a search, rows read only when bounded)
	pageArgs []any
	// bounded: page reads at most searchCandidateRows matching rows;
	// exactPage reads them all, for when the bound cuts the candidates
	// short of searchTotalCap agreements.
	bounded       bool
	exactPage     string
	exactPageArgs []any
	count         string // the total (for a search, used only past the last page)
	countArgs     []any
}

func (tx *Tx) agreementStatements(ctx context.Context, f dealgate.AgreementFilter) (agreementStatements, error) {
	var catIDs categoryScope
	if f.CategoryID > 0 {
		ids, err := tx.Q.CurrentCategorySubtreeIDs(ctx, f.CategoryID)
		if err != nil {
			return agreementStatements{}, fmt.Errorf("category filter: %w", err)
		}
		up, err := tx.Q.CurrentCategoryAncestorIDs(ctx, f.CategoryID)
		if err != nil {
			return agreementStatements{}, fmt.Errorf("category filter: %w", err)
		}
		catIDs = categoryScope{self: f.CategoryID, below: ids, above: up}
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	sortExpr := func(today func() string) string {
		if f.Sort == "status" { // the effective status
			return "CASE WHEN a.status = 'active' AND a.expires_on < " + today() + "::date THEN 'expired' ELSE a.status END"
		}
		return agreementSorts[f.Sort]
	}

	if f.Query == "" {
		var q query
		today := func() string { return q.once("today", tx.today()) }
		agreementConditions(&q, f, today, catIDs)
		st := agreementStatements{count: "SELECT count(*) FROM agreement a" + q.whereSQL(), countArgs: slices.Clone(q.args)}
		join := ""
		if f.Sort == "party" {
			join = " JOIN party p ON p.id = a.party_id"
		}
		st.page = `SELECT a.id, 0::real, 0::bigint, 0::bigint FROM agreement a` + join + q.whereSQL() + `
			ORDER BY ` + sortExpr(today) + dir + `, a.id` + dir + `
			LIMIT ` + q.arg(f.PerPage) + ` OFFSET ` + q.arg((f.Page-1)*f.PerPage)
		st.pageArgs = q.args
		return st, nil
	}

	// Search: rank every hit (agreement title/summary or live clause text),
	// keep each agreement's best, filter, sort and page. Agreements and
	// parties are joined before paging only when a filter or sort needs them.
	st := agreementStatements{search: true}
	// Parse the query once: as a constant the planner sees its terms, and
	// ts_rank does not re-parse it for every row it ranks.
	if err := tx.QueryRow(ctx, `SELECT websearch_to_tsquery('english', $1)::text`, f.Query).Scan(&st.tsquery); err != nil {
		return st, fmt.Errorf("parse search: %w", err)
	}
	if strings.TrimSpace(st.tsquery) == "" {
		st.empty = true // only stop words or punctuation: nothing can match
		return st, nil
	}
	{
		var cq query
		agreementConditions(&cq, f, func() string { return cq.once("today", tx.today()) }, catIDs)
		tsq := cq.arg(st.tsquery) + "::tsquery"
		st.count = `SELECT count(*) FROM (
			SELECT a.id FROM agreement a WHERE a.search @@ ` + tsq + `
			UNION
			SELECT c.agreement_id FROM clause c WHERE c.search @@ ` + tsq + ` AND c.retired_at IS NULL
		) best JOIN agreement a ON a.id = best.id` + cq.whereSQL()
		st.countArgs = cq.args
	}
	st.page, st.pageArgs = searchPageSQL(f, st.tsquery, catIDs, tx.today, dir, sortExpr, false)
	if f.Sort == "relevance" {
		st.bounded = true
		st.exactPage, st.exactPageArgs = st.page, st.pageArgs
		st.page, st.pageArgs = searchPageSQL(f, st.tsquery, catIDs, tx.today, dir, sortExpr, true)
	}
	return st, nil
}

// categoryScope is the category filter as the screening engine relates
// categories (internal/screening): a clause covers the category when it
// covers the category itself or one below it (self is in below), or one
// above it without excluding the category or any category above it.
type categoryScope struct {
	self         int64
	below, above []int64
}

// agreementConditions adds f's filters to q. today returns today's
// placeholder; catIDs is the category filter.
func agreementConditions(q *query, f dealgate.AgreementFilter, today func() string, catIDs categoryScope) {
	switch f.Status {
	case dealgate.StatusActive:
		q.where = append(q.where, "a.status = 'active' AND (a.expires_on IS NULL OR a.expires_on >= "+today()+"::date)")
	case dealgate.StatusExpired:
		q.where = append(q.where, "(a.status = 'expired' OR (a.status = 'active' AND a.expires_on < "+today()+"::date))")
	case dealgate.StatusDraft, dealgate.StatusTerminated:
		q.cond("a.status = %s", string(f.Status))
	}
	if f.Kind != "" {
		q.cond("a.kind = %s", string(f.Kind))
	}
	switch {
	case f.PartyID > 0 && f.PartyFamily:
		// The family: everything under the party's topmost parent.
		q.cond(`a.party_id IN (WITH RECURSIVE up (id, parent_id, depth) AS (
			SELECT p.id, p.parent_id, 0 FROM party p WHERE p.id = %s
			UNION ALL SELECT p.id, p.parent_id, up.depth + 1 FROM party p JOIN up ON p.id = up.parent_id WHERE up.depth < 100),
		root AS (SELECT id FROM up ORDER BY depth DESC LIMIT 1),
		down (id, depth) AS (SELECT id, 0 FROM root
			UNION ALL SELECT p.id, down.depth + 1 FROM party p JOIN down ON p.parent_id = down.id WHERE down.depth < 100)
		SELECT id FROM down)`, f.PartyID)
	case f.PartyID > 0:
		q.cond("a.party_id = %s", f.PartyID)
	}
	if f.Binding != nil {
		q.cond("a.binding = %s", *f.Binding)
	}
	if f.ExpiringWithinDays > 0 {
		q.where = append(q.where, "a.status = 'active' AND a.expires_on >= "+today()+"::date"+
			" AND a.expires_on <= "+today()+"::date + "+q.arg(f.ExpiringWithinDays)+"::integer")
	}
	switch {
	case len(catIDs.above) > 0:
		q.cond(`(a.id IN (SELECT cc.agreement_id FROM clause_category cc
			WHERE cc.category_id = ANY(%s) AND cc.live AND NOT cc.excluded)
			OR a.id IN (SELECT cc.agreement_id FROM clause_category cc
			WHERE cc.category_id = ANY(%s) AND cc.live AND NOT cc.excluded AND NOT EXISTS (SELECT 1 FROM clause_category ex
				WHERE ex.clause_id = cc.clause_id AND ex.excluded AND ex.category_id = ANY(%s))))`,
			catIDs.below, catIDs.above, append([]int64{catIDs.self}, catIDs.above...))
	case len(catIDs.below) > 0:
		q.cond(`a.id IN (SELECT cc.agreement_id FROM clause_category cc
			WHERE cc.category_id = ANY(%s) AND cc.live AND NOT cc.excluded)`, catIDs.below)
	}
}
