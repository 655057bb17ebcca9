package postgres

import "context"
import "fmt"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

// The agreement search's statements (see Register.ListAgreements).

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
