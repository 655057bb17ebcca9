package postgres

import "context"
import "encoding/csv"
import "fmt"
import "io"
import "strconv"
import "strings"

import "github.com/dealgate/dealgate/internal/csvformat"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// ExportCSV writes the whole register in the import template: first one
// party-only row per party (parents before their affiliates, then by name),
// so that the file imports into an empty register; then one row per live
// clause (an agreement without clauses gets one row), ordered by agreement
// and clause. Status is the effective status. The export is an audit event.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Register) ExportCSV(ctx context.Context, actor *dealgate.User, w io.Writer) error {
	if err := dealgate.Authorize(actor, dealgate.ActRegisterExport); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		cw := csv.NewWriter(w)
		header := append(append([]string{}, csvformat.ExportOnlyColumns...), csvformat.Columns...)
		if err := cw.Write(header); err != nil {
			return err
		}
		np, err := tx.exportParties(ctx, cw, header)
		if err != nil {
			return err
		}
		rows, err := tx.Q.ExportRegisterRows(ctx, tx.today())
		if err != nil {
			return fmt.Errorf("export register: %w", err)
		}
		for _, r := range rows {
			if err := cw.Write(exportRecord(r)); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "register.exported", EntityType: dealgate.EntityRegister, EntityID: "export",
			After: map[string]any{"format": "csv", "rows": np + len(rows), "parties": np},
		})
	})
}

// exportParties writes a party-only row for every party, parents first,
// and returns how many it wrote.
func (tx *Tx) exportParties(ctx context.Context, cw *csv.Writer, header []string) (int, error) {
	ids, err := tx.Q.ExportPartyOrder(ctx)
	if err != nil {
		return 0, fmt.Errorf("export parties: %w", err)
	}
	parties, err := tx.parties(ctx, ids)
	if err != nil {
		return 0, err
	}
	for _, p := range parties {
		cells := map[string]string{
			"party": p.Name, "party_kind": string(p.Kind), "party_aliases": strings.Join(p.Aliases, ";"),
			"party_parent": p.ParentName, "party_website": p.Website, "party_notes": p.Notes, "party_retired": "no",
		}
		if p.Retired() {
			cells["party_retired"] = "yes"
		}
		rec := make([]string, len(header))
		for i, col := range header {
			rec[i] = csvformat.EscapeCell(cells[col])
		}
		if err := cw.Write(rec); err != nil {
			return 0, err
		}
	}
	return len(parties), nil
}

// exportRecord is one agreement-and-clause row of the export, its cells
// escaped, in the order of csvformat.ExportOnlyColumns then Columns.
func exportRecord(r sqlc.ExportRegisterRowsRow) []string {
	val, cur := "", ""
	if r.ValueMinor != nil && r.Currency != nil {
		m := dealgate.Money{Minor: *r.ValueMinor, Currency: *r.Currency}
		val, cur = m.Amount(), m.Currency
	}
	yes := "no"
	if r.Binding {
		yes = "yes"
	}
	rec := []string{
		strconv.FormatInt(r.ID, 10), "", "A" + strconv.FormatInt(r.ID, 10), r.Title, r.PartyName, "", "", "", "", "", "", r.Kind, yes, r.Status,
		dealgate.FormatDate(r.SignedOn), dealgate.FormatDate(r.EffectiveOn), dealgate.FormatDate(r.ExpiresOn), val, cur, r.OwnerEmail, r.Summary, r.Notes,
	}
	clauseCells := make([]string, 13)
	if r.ClauseID != nil {
		rec[1] = strconv.FormatInt(*r.ClauseID, 10)
		restricts := deref(r.RestrictionScope)
		if restricts == string(dealgate.RestrictKind) {
			restricts = deref(r.RestrictedKind)
		}
		territory := "worldwide"
		if r.Worldwide != nil && !*r.Worldwide {
			territory = strings.Join(r.Regions, ";")
		}
		nd := ""
		if r.NoticeDays != nil {
			nd = strconv.Itoa(int(*r.NoticeDays))
		}
		clauseCells = []string{deref(r.ClauseKind), deref(r.Section), deref(r.Beneficiary), r.Categories, r.ExcludedCategories, restricts,
			r.RestrictedParties, r.Exceptions, territory, dealgate.FormatDate(r.ValidFrom), dealgate.FormatDate(r.ValidUntil), nd, deref(r.Text)}
	}
	rec = append(rec, clauseCells...)
	for i := range rec {
		rec[i] = csvformat.EscapeCell(rec[i])
	}
	return rec
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
