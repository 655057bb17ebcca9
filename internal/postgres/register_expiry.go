package postgres

import "context"
import "fmt"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

// ---------------------------------------------------------------------------
// Expiry watch

// ExpiringSoon lists active agreements whose expiry date, and live clauses
// whose own end date, falls from today to today+days, soonest first.
// Clauses that end with their agreement are represented by the agreement.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (days outside 1–3660).
func (s *Register) ExpiringSoon(ctx context.Context, actor *dealgate.User, days int, p dealgate.PageRequest) (dealgate.Page[dealgate.ExpiryItem], error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Page[dealgate.ExpiryItem], error) {
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
