package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dealgate/dealgate/internal/dealgate"
)

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
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Page[dealgate.Party], error) {
		f = f.Normalize()
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
		items, err := tx.parties(ctx, ids)
		if err != nil {
			return page, err
		}
		page.Items = items
		return page, nil
	})
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
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Page[dealgate.AgreementListItem], error) {
		page, err := tx.ListAgreements(ctx, f)
		if err != nil || f.CategoryID <= 0 {
			return page, err
		}
		return page, s.coverPaths(ctx, tx, page.Items, f.CategoryID)
	})
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
	page := dealgate.Page[dealgate.AgreementListItem]{Items: []dealgate.AgreementListItem{}, Page: f.Page, PerPage: f.PerPage}
	st, err := tx.agreementStatements(ctx, f)
	if err != nil || st.empty {
		return page, err
	}
	if !st.search {
		if err := tx.QueryRow(ctx, st.count, append([]any{pgx.QueryExecModeExec}, st.countArgs...)...).Scan(&page.Total); err != nil {
			return page, fmt.Errorf("count agreements: %w", err)
		}
		if page.Total == 0 {
			return page, nil
		}
	}
	rows, err := tx.Query(ctx, st.page, append([]any{pgx.QueryExecModeExec}, st.pageArgs...)...)
	if err != nil {
		return page, fmt.Errorf("list agreements: %w", err)
	}
	ids, ranks, total, read, err := scanAgreementPage(rows)
	if err != nil {
		return page, err
	}
	if st.search {
		page.Total = int(total)
	}
	if st.bounded && read >= searchCandidateRows {
		// The bound cut the candidates short: some matches were not read.
		if total > searchTotalCap {
			page.Total, page.TotalIsEstimate = searchTotalCap, true
		} else {
			// Rare: the rows read were many matches in few agreements,
			// too few to say "more than searchTotalCap"; read them all.
			rows, err := tx.Query(ctx, st.exactPage, append([]any{pgx.QueryExecModeExec}, st.exactPageArgs...)...)
			if err != nil {
				return page, fmt.Errorf("list agreements: %w", err)
			}
			if ids, ranks, total, _, err = scanAgreementPage(rows); err != nil {
				return page, err
			}
			page.Total = int(total)
		}
	}
	if st.search && len(ids) == 0 && f.Page > 1 {
		// Past the last page: the window count came back with no rows.
		if err := tx.QueryRow(ctx, st.count, append([]any{pgx.QueryExecModeExec}, st.countArgs...)...).Scan(&page.Total); err != nil {
			return page, fmt.Errorf("count search: %w", err)
		}
	}
	if len(ids) == 0 {
		return page, nil
	}
	page.Items, err = tx.agreementItems(ctx, ids, ranks, st.tsquery)
	return page, err
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

// Bounds of a search ranked by relevance. A search reads at most
// searchCandidateRows matching rows (titles and summaries first, then live
// clauses) and ranks those. Typical searches match far fewer, so their
// ranking and total are exact. A very common word can match most of the
// register (tens of thousands of rows), and reading and ranking every one
// of them costs far more than the page is worth; then the candidates are
// ranked, and when they span more than searchTotalCap agreements the total
// reads "more than searchTotalCap" (dealgate.Page.TotalIsEstimate). The
// candidates favour title and summary matches, which for a one-word search
// always outrank a match in clause text only (weights A and B against D),
// so the top of the list is the same; among clause-only matches the
// candidates are those found first, and refining the search narrows them.
const (
	searchCandidateRows = 2000
	searchTotalCap      = 1000
)

// searchPageSQL is the statement that finds a search's page: id, rank, the
// number of matching agreements and (bounded only) the number of matching
// rows read, of at most searchCandidateRows.
func searchPageSQL(f dealgate.AgreementFilter, tsquery string, catIDs categoryScope, now func() time.Time, dir string, sortExpr func(func() string) string, bounded bool) (string, []any) {
	var q query
	today := func() string { return q.once("today", now()) }
	agreementConditions(&q, f, today, catIDs)
	tsq := q.arg(tsquery) + "::tsquery"
	if bounded {
		// The filters go inside each branch, before the bound, so that the
		// candidates are all agreements the filters keep. Each branch is a
		// materialized CTE: it is planned to read all its matches (through
		// the full-text index; a plan made for the LIMIT would scan a table
		// sequentially when a word is common enough) and still runs only
		// until the LIMIT has its rows, the clause branch not at all when
		// titles and summaries fill it.
		filters, clauseJoin := "", ""
		if len(q.where) > 0 {
			filters = " AND " + strings.Join(q.where, " AND ")
			clauseJoin = " JOIN agreement a ON a.id = c.agreement_id"
		}
		sql := `WITH agreement_hits AS MATERIALIZED (
			SELECT a.id AS agreement_id, ts_rank(a.search, ` + tsq + `) AS rank
			FROM agreement a WHERE a.search @@ ` + tsq + filters + `
		), clause_hits AS MATERIALIZED (
			SELECT c.agreement_id, ts_rank(c.search, ` + tsq + `) * 0.9 AS rank
			FROM clause c` + clauseJoin + ` WHERE c.search @@ ` + tsq + ` AND c.retired_at IS NULL` + filters + `
		), hits AS (
			SELECT agreement_id, rank FROM agreement_hits
			UNION ALL
			SELECT agreement_id, rank FROM clause_hits
			LIMIT ` + q.arg(searchCandidateRows) + `
		), best AS (
			SELECT agreement_id AS id, max(rank) AS rank FROM hits GROUP BY agreement_id
		)
		SELECT best.id, best.rank, count(*) OVER (), (SELECT count(*) FROM hits)
		FROM best
		ORDER BY best.rank DESC, best.id ASC
		LIMIT ` + q.arg(f.PerPage) + ` OFFSET ` + q.arg((f.Page-1)*f.PerPage)
		return sql, q.args
	}
	join, order := "", "best.rank DESC, best.id ASC" // best first, whatever the direction
	if f.Sort != "relevance" {
		order = sortExpr(today) + dir + ", a.id" + dir
	}
	if len(q.where) > 0 || f.Sort != "relevance" {
		join = " JOIN agreement a ON a.id = best.id"
	}
	if f.Sort == "party" {
		join += " JOIN party p ON p.id = a.party_id"
	}
	sql := `WITH hits AS (
			SELECT a.id AS agreement_id, ts_rank(a.search, ` + tsq + `) AS rank
			FROM agreement a WHERE a.search @@ ` + tsq + `
			UNION ALL
			SELECT c.agreement_id, ts_rank(c.search, ` + tsq + `) * 0.9
			FROM clause c WHERE c.search @@ ` + tsq + ` AND c.retired_at IS NULL
		), best AS (
			SELECT agreement_id AS id, max(rank) AS rank FROM hits GROUP BY agreement_id
		)
		SELECT best.id, best.rank, count(*) OVER (), 0::bigint
		FROM best` + join + q.whereSQL() + `
		ORDER BY ` + order + `
		LIMIT ` + q.arg(f.PerPage) + ` OFFSET ` + q.arg((f.Page-1)*f.PerPage)
	return sql, q.args
}

// agreementItemsSQL loads a page's rows by ID, in the order given. With a
// search ($2 is its tsquery text) it adds the highlighted title and the
// snippet: the summary when it matches at least as well as the best
// matching live clause, else that clause.
const agreementItemsSQL = `
	SELECT a.id, a.title, a.party_id, p.name, p.kind, a.kind, a.binding, a.status,
	       a.signed_on, a.effective_on, a.expires_on, a.value_minor, a.currency, a.owner_id,
	       coalesce(u.name, ''), a.created_at, a.updated_at, a.version,
	       (SELECT count(*) FROM clause c WHERE c.agreement_id = a.id AND c.retired_at IS NULL),
	       CASE WHEN q.q IS NULL THEN '' ELSE ts_headline('english', a.title, q.q, $3) END,
	       CASE WHEN q.q IS NULL THEN ''
	            WHEN sm.summary_wins THEN ts_headline('english', a.summary, q.q, $4)
	            WHEN bc.id IS NOT NULL THEN ts_headline('english', bc.text, q.q, $4)
	            ELSE ''
	       END,
	       CASE WHEN q.q IS NULL OR sm.summary_wins THEN 0 ELSE coalesce(bc.id, 0) END
	FROM (SELECT CASE WHEN $2::text = '' THEN NULL ELSE $2::tsquery END AS q) q
	CROSS JOIN unnest($1::bigint[]) WITH ORDINALITY AS m(id, ord)
	JOIN agreement a ON a.id = m.id
	JOIN party p ON p.id = a.party_id
	LEFT JOIN users u ON u.id = a.owner_id
	LEFT JOIN LATERAL (
		SELECT c.id, c.text, ts_rank(c.search, q.q) AS rank
		FROM clause c
		WHERE q.q IS NOT NULL AND c.agreement_id = a.id AND c.retired_at IS NULL AND c.search @@ q.q
		ORDER BY rank DESC, c.id
		LIMIT 1
	) bc ON true
	-- The summary is weight B of a.search: match and rank it alone (phrases
	-- included), without parsing it again.
	CROSS JOIN LATERAL (SELECT ts_filter(a.search, '{b}') AS v) sv
	CROSS JOIN LATERAL (
		SELECT q.q IS NOT NULL AND sv.v @@ q.q AND (bc.id IS NULL OR ts_rank(sv.v, q.q) >= bc.rank) AS summary_wins
	) sm
	ORDER BY m.ord`

func (tx *Tx) agreementItems(ctx context.Context, ids []int64, ranks []float32, tsquery string) ([]dealgate.AgreementListItem, error) {
	rows, err := tx.Query(ctx, agreementItemsSQL, ids, tsquery, headlineWhole, headlineSnippet)
	if err != nil {
		return nil, fmt.Errorf("load agreements: %w", err)
	}
	defer rows.Close()
	today := tx.today()
	items := make([]dealgate.AgreementListItem, 0, len(ids))
	for rows.Next() {
		var it dealgate.AgreementListItem
		var partyKind, kind, recorded, title, snippet string
		var value *int64
		var currency *string
		if err := rows.Scan(&it.ID, &it.Title, &it.Party.ID, &it.Party.Name, &partyKind, &kind, &it.Binding, &recorded,
			&it.SignedOn, &it.EffectiveOn, &it.ExpiresOn, &value, &currency, &it.OwnerID,
			&it.OwnerName, &it.CreatedAt, &it.UpdatedAt, &it.Version, &it.ClauseCount,
			&title, &snippet, &it.SnippetClauseID); err != nil {
			return nil, fmt.Errorf("load agreements: %w", err)
		}
		it.Party.Kind = dealgate.PartyKind(partyKind)
		it.Kind = dealgate.AgreementKind(kind)
		it.RecordedStatus = dealgate.AgreementStatus(recorded)
		it.Status = dealgate.EffectiveStatus(it.RecordedStatus, it.ExpiresOn, today)
		if value != nil && currency != nil {
			it.Value = &dealgate.Money{Minor: *value, Currency: *currency}
		}
		if title != "" {
			it.TitleHighlight = dealgate.ParseHighlight(title)
		}
		if snippet != "" {
			it.Snippet = dealgate.ParseHighlight(snippet)
		}
		if i := len(items); i < len(ranks) {
			it.Rank = ranks[i]
		}
		items = append(items, it)
	}
	return items, rows.Err()
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
