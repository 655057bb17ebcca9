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
// the effective status.
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
	headlineSnippet = "StartSel=\uE000, StopSel=\uE001, MaxWords=35, MinWords=12, ShortWord=3, MaxFragments=2, FragmentDelimiter=\" … \""
	headlineWhole   = "StartSel=\uE000, StopSel=\uE001, HighlightAll=true"
)

// ListAgreements returns a page of agreements matching f: filtered, sorted
// and paged in the database. With a Query it is a full-text search over
// titles, summaries and the text of live clauses (Postgres websearch
// syntax: words, "quoted phrases", or, -not), ranked by relevance unless
// another sort is chosen, each item carrying its highlighted title and the
// best-matching snippet. CategoryID matches agreements with a live clause
// covering that category or any category below it.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Register) ListAgreements(ctx context.Context, actor *dealgate.User, f dealgate.AgreementFilter) (dealgate.Page[dealgate.AgreementListItem], error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Page[dealgate.AgreementListItem], error) {
		return tx.ListAgreements(ctx, f)
	})
}

// ListAgreements is the list query; the caller has authorised.
func (tx *Tx) ListAgreements(ctx context.Context, f dealgate.AgreementFilter) (dealgate.Page[dealgate.AgreementListItem], error) {
	f = f.Normalize()
	page := dealgate.Page[dealgate.AgreementListItem]{Items: []dealgate.AgreementListItem{}, Page: f.Page, PerPage: f.PerPage}
	st, err := tx.agreementStatements(ctx, f)
	if err != nil {
		return page, err
	}
	if !st.search {
		if err := tx.QueryRow(ctx, st.count, st.countArgs...).Scan(&page.Total); err != nil {
			return page, fmt.Errorf("count agreements: %w", err)
		}
		if page.Total == 0 {
			return page, nil
		}
		items, err := tx.scanAgreementItems(ctx, st.page, st.pageArgs)
		page.Items = items
		return page, err
	}
	items, total, err := tx.scanSearchItems(ctx, st.page, st.pageArgs)
	if err != nil {
		return page, err
	}
	page.Items, page.Total = items, total
	if len(items) == 0 && f.Page > 1 {
		// Past the last page: the window count came back with no rows.
		if err := tx.QueryRow(ctx, st.count, st.countArgs...).Scan(&page.Total); err != nil {
			return page, fmt.Errorf("count search: %w", err)
		}
	}
	return page, nil
}

// ExplainListAgreements returns the plans of the statements ListAgreements
// runs for f (EXPLAIN, with ANALYZE when analyze is set), for performance
// checks. The caller has authorised.
func (tx *Tx) ExplainListAgreements(ctx context.Context, f dealgate.AgreementFilter, analyze bool) (string, error) {
	f = f.Normalize()
	st, err := tx.agreementStatements(ctx, f)
	if err != nil {
		return "", err
	}
	opts := "(FORMAT TEXT)"
	if analyze {
		opts = "(ANALYZE, BUFFERS, FORMAT TEXT)"
	}
	var out strings.Builder
	for _, s := range []struct {
		sql  string
		args []any
	}{{st.page, st.pageArgs}, {st.count, st.countArgs}} {
		rows, err := tx.Query(ctx, "EXPLAIN "+opts+" "+s.sql, s.args...)
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
	search    bool
	page      string // the page's rows (for a search, with the total in each row)
	pageArgs  []any
	count     string // the total (for a search, used only past the last page)
	countArgs []any
}

func (tx *Tx) agreementStatements(ctx context.Context, f dealgate.AgreementFilter) (agreementStatements, error) {
	var catIDs []int64
	if f.CategoryID > 0 {
		catIDs = []int64{f.CategoryID}
		if t, err := tx.CurrentTaxonomy(ctx); err == nil {
			catIDs = append(catIDs, t.Descendants(f.CategoryID)...)
		} else if !isNotFound(err) {
			return agreementStatements{}, err
		}
	}
	dir := " ASC"
	if f.Desc {
		dir = " DESC"
	}
	order := agreementSorts[f.Sort] + dir + ", a.id" + dir
	if f.Sort == "relevance" {
		order = "rank DESC, a.id ASC" // best first, whatever the direction
	}

	if f.Query == "" {
		var q query
		today := func() string { return q.once("today", tx.today()) }
		agreementConditions(&q, f, today, catIDs)
		st := agreementStatements{count: "SELECT count(*) FROM agreement a" + q.whereSQL(), countArgs: slices.Clone(q.args)}
		effStatus := "CASE WHEN a.status = 'active' AND a.expires_on < " + today() + "::date THEN 'expired' ELSE a.status END"
		st.page = `SELECT a.id, a.title, a.party_id, p.name, p.kind, a.kind, a.binding, a.status, ` + effStatus + ` AS eff_status,
			       a.signed_on, a.effective_on, a.expires_on, a.value_minor, a.currency, a.owner_id,
			       coalesce(u.name, ''), a.created_at, a.updated_at, a.version,
			       (SELECT count(*) FROM clause c WHERE c.agreement_id = a.id AND c.retired_at IS NULL),
			       0::real, '', '', 0::bigint
			FROM agreement a
			JOIN party p ON p.id = a.party_id
			LEFT JOIN users u ON u.id = a.owner_id` + q.whereSQL() + `
			ORDER BY ` + order + `
			LIMIT ` + q.arg(f.PerPage) + ` OFFSET ` + q.arg((f.Page-1)*f.PerPage)
		st.pageArgs = q.args
		return st, nil
	}

	// Search: rank every hit (agreement title/summary or live clause text),
	// keep each agreement's best, filter, sort, page; only then build the
	// highlights, which are costly, for the page's rows.
	st := agreementStatements{search: true}
	{
		var cq query
		agreementConditions(&cq, f, func() string { return cq.once("today", tx.today()) }, catIDs)
		tsq := "websearch_to_tsquery('english', " + cq.arg(f.Query) + ")"
		st.count = `SELECT count(*) FROM (
			SELECT a.id FROM agreement a WHERE a.search @@ ` + tsq + `
			UNION
			SELECT c.agreement_id FROM clause c WHERE c.search @@ ` + tsq + ` AND c.retired_at IS NULL
		) best JOIN agreement a ON a.id = best.id` + cq.whereSQL()
		st.countArgs = cq.args
	}
	var q query
	today := func() string { return q.once("today", tx.today()) }
	agreementConditions(&q, f, today, catIDs)
	effStatus := "CASE WHEN a.status = 'active' AND a.expires_on < " + today() + "::date THEN 'expired' ELSE a.status END"
	tsq := "websearch_to_tsquery('english', " + q.arg(f.Query) + ")"
	snippetOpts, wholeOpts := q.arg(headlineSnippet), q.arg(headlineWhole)
	st.page = `WITH hits AS (
			SELECT a.id AS agreement_id, ts_rank(a.search, ` + tsq + `) AS rank
			FROM agreement a WHERE a.search @@ ` + tsq + `
			UNION ALL
			SELECT c.agreement_id, ts_rank(c.search, ` + tsq + `) * 0.9
			FROM clause c WHERE c.search @@ ` + tsq + ` AND c.retired_at IS NULL
		), best AS (
			SELECT agreement_id, max(rank) AS rank FROM hits GROUP BY agreement_id
		), matched AS (
			SELECT a.id, best.rank, ` + effStatus + ` AS eff_status, count(*) OVER () AS total
			FROM best
			JOIN agreement a ON a.id = best.agreement_id
			JOIN party p ON p.id = a.party_id` + q.whereSQL() + `
			ORDER BY ` + order + `
			LIMIT ` + q.arg(f.PerPage) + ` OFFSET ` + q.arg((f.Page-1)*f.PerPage) + `
		)
		SELECT a.id, a.title, a.party_id, p.name, p.kind, a.kind, a.binding, a.status, m.eff_status,
		       a.signed_on, a.effective_on, a.expires_on, a.value_minor, a.currency, a.owner_id,
		       coalesce(u.name, ''), a.created_at, a.updated_at, a.version,
		       (SELECT count(*) FROM clause c WHERE c.agreement_id = a.id AND c.retired_at IS NULL),
		       m.rank, ts_headline('english', a.title, ` + tsq + `, ` + wholeOpts + `),
		       CASE WHEN sm.summary_wins THEN ts_headline('english', a.summary, ` + tsq + `, ` + snippetOpts + `)
		            WHEN bc.id IS NOT NULL THEN ts_headline('english', bc.text, ` + tsq + `, ` + snippetOpts + `)
		            ELSE ''
		       END,
		       CASE WHEN sm.summary_wins THEN 0 ELSE coalesce(bc.id, 0) END,
		       m.total
		FROM matched m
		JOIN agreement a ON a.id = m.id
		JOIN party p ON p.id = a.party_id
		LEFT JOIN users u ON u.id = a.owner_id
		LEFT JOIN LATERAL (
			SELECT c.id, c.text, ts_rank(c.search, ` + tsq + `) AS rank
			FROM clause c
			WHERE c.agreement_id = a.id AND c.retired_at IS NULL AND c.search @@ ` + tsq + `
			ORDER BY rank DESC, c.id
			LIMIT 1
		) bc ON true
		CROSS JOIN LATERAL (
			SELECT to_tsvector('english', a.summary) @@ ` + tsq + `
			       AND (bc.id IS NULL OR ts_rank(to_tsvector('english', a.summary), ` + tsq + `) >= bc.rank) AS summary_wins
		) sm
		ORDER BY ` + strings.ReplaceAll(order, "rank", "m.rank")
	st.pageArgs = q.args
	return st, nil
}

// agreementConditions adds f's filters to q. today returns today's
// placeholder; catIDs are the category filter and the categories below it.
func agreementConditions(q *query, f dealgate.AgreementFilter, today func() string, catIDs []int64) {
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
	if f.PartyID > 0 {
		q.cond("a.party_id = %s", f.PartyID)
	}
	if f.Binding != nil {
		q.cond("a.binding = %s", *f.Binding)
	}
	if f.ExpiringWithinDays > 0 {
		q.where = append(q.where, "a.status = 'active' AND a.expires_on >= "+today()+"::date"+
			" AND a.expires_on <= "+today()+"::date + "+q.arg(f.ExpiringWithinDays)+"::integer")
	}
	if len(catIDs) > 0 {
		q.cond(`EXISTS (SELECT 1 FROM clause_category cc JOIN clause c ON c.id = cc.clause_id
			WHERE cc.category_id = ANY(%s) AND NOT cc.excluded AND c.agreement_id = a.id AND c.retired_at IS NULL)`, catIDs)
	}
}

func (tx *Tx) scanAgreementItems(ctx context.Context, sql string, args []any) ([]dealgate.AgreementListItem, error) {
	items, _, err := tx.scanItems(ctx, sql, args, false)
	return items, err
}

func (tx *Tx) scanSearchItems(ctx context.Context, sql string, args []any) ([]dealgate.AgreementListItem, int, error) {
	return tx.scanItems(ctx, sql, args, true)
}

func (tx *Tx) scanItems(ctx context.Context, sql string, args []any, withTotal bool) ([]dealgate.AgreementListItem, int, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list agreements: %w", err)
	}
	defer rows.Close()
	items := []dealgate.AgreementListItem{}
	total := 0
	for rows.Next() {
		var it dealgate.AgreementListItem
		var partyKind, kind, recorded, eff, title, snippet string
		var value *int64
		var currency *string
		var total64 int64
		dest := []any{&it.ID, &it.Title, &it.Party.ID, &it.Party.Name, &partyKind, &kind, &it.Binding, &recorded, &eff,
			&it.SignedOn, &it.EffectiveOn, &it.ExpiresOn, &value, &currency, &it.OwnerID,
			&it.OwnerName, &it.CreatedAt, &it.UpdatedAt, &it.Version, &it.ClauseCount,
			&it.Rank, &title, &snippet, &it.SnippetClauseID}
		if withTotal {
			dest = append(dest, &total64)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, fmt.Errorf("list agreements: %w", err)
		}
		it.Party.Kind = dealgate.PartyKind(partyKind)
		it.Kind = dealgate.AgreementKind(kind)
		it.RecordedStatus, it.Status = dealgate.AgreementStatus(recorded), dealgate.AgreementStatus(eff)
		if value != nil && currency != nil {
			it.Value = &dealgate.Money{Minor: *value, Currency: *currency}
		}
		if title != "" {
			it.TitleHighlight = dealgate.ParseHighlight(title)
		}
		if snippet != "" {
			it.Snippet = dealgate.ParseHighlight(snippet)
		}
		total = int(total64)
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list agreements: %w", err)
	}
	return items, total, nil
}

// ---------------------------------------------------------------------------
// Expiry watch

// ExpiringSoon lists active agreements whose expiry date, and live clauses
// whose own end date, falls from today to today+days, soonest first.
// Clauses that end with their agreement are represented by the agreement.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (days outside 1–3660).
func (s *Register) ExpiringSoon(ctx context.Context, actor *dealgate.User, days int, p dealgate.PageRequest) (dealgate.Page[dealgate.ExpiryItem], error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Page[dealgate.ExpiryItem], error) {
		p = p.Normalize()
		page := dealgate.Page[dealgate.ExpiryItem]{Items: []dealgate.ExpiryItem{}, Page: p.Page, PerPage: p.PerPage}
		if days < 1 || days > 3660 {
			return page, &dealgate.Error{Code: dealgate.EINVALID, Message: "Choose a window of 1 to 3,660 days.",
				Fields: map[string]string{"days": "Choose a window of 1 to 3,660 days"}}
		}
		from := tx.today()
		until := from.AddDate(0, 0, days)
		rows, err := tx.Query(ctx, `
			SELECT agreement_id, title, party_id, party_name, party_kind, clause_id, clause_kind, section, ends_on,
			       count(*) OVER ()
			FROM (
				SELECT a.id AS agreement_id, a.title, p.id AS party_id, p.name AS party_name, p.kind AS party_kind,
				       0::bigint AS clause_id, ''::text AS clause_kind, ''::text AS section, a.expires_on AS ends_on
				FROM agreement a JOIN party p ON p.id = a.party_id
				WHERE a.status = 'active' AND a.expires_on BETWEEN $1 AND $2
				UNION ALL
				SELECT a.id, a.title, p.id, p.name, p.kind, c.id, c.kind, c.section, c.valid_until
				FROM clause c
				JOIN agreement a ON a.id = c.agreement_id
				JOIN party p ON p.id = a.party_id
				WHERE c.retired_at IS NULL AND c.valid_until IS NOT NULL AND c.valid_until BETWEEN $1 AND $2
				  AND a.status = 'active' AND (a.expires_on IS NULL OR a.expires_on >= $1)
			) x
			ORDER BY ends_on, agreement_id, clause_id
			LIMIT $3 OFFSET $4`, from, until, p.PerPage, p.Offset())
		if err != nil {
			return page, fmt.Errorf("expiry watch: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var it dealgate.ExpiryItem
			var partyKind, clauseKind string
			var total int64
			var ends time.Time
			if err := rows.Scan(&it.AgreementID, &it.AgreementTitle, &it.Party.ID, &it.Party.Name, &partyKind,
				&it.ClauseID, &clauseKind, &it.Section, &ends, &total); err != nil {
				return page, fmt.Errorf("expiry watch: %w", err)
			}
			it.Party.Kind, it.ClauseKind, it.EndsOn = dealgate.PartyKind(partyKind), dealgate.ClauseKind(clauseKind), ends
			page.Items = append(page.Items, it)
			page.Total = int(total)
		}
		return page, rows.Err()
	})
}
