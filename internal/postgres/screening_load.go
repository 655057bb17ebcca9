package postgres

// Loading the engine's inputs: in full (the taxonomy, every party, the live
// clauses of active agreements with their categories and parties), or, when
// the instance already holds an index on the same taxonomy version, parties
// and day, only the clauses whose identity differs from the ones it holds.

import "context"
import "crypto/sha256"
import "fmt"
import "maps"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"
import "github.com/dealgate/dealgate/internal/screening"

// maxIncremental is how many changed clauses an index is updated for in
// place (Index.With); beyond it, the register is loaded again in full.
const maxIncremental = 5000

// LoadIndex loads the engine's inputs as tx sees them and builds the index:
// the current published taxonomy, every party, and the live clauses of
// agreements recorded active.
func LoadIndex(ctx context.Context, tx *Tx, reg *Register) (*screening.Index, error) {
	l, err := loadIndex(ctx, tx, reg, 0, nil)
	if err != nil {
		return nil, err
	}
	return l.idx, nil
}

// loadIndex loads the register at change counter, from base when base is
// on the same taxonomy version, parties and day and few clauses differ.
func loadIndex(ctx context.Context, tx *Tx, reg *Register, counter int64, base *loadedIndex) (*loadedIndex, error) {
	taxID, err := tx.Q.CurrentTaxonomyVersionID(ctx)
	if err != nil {
		return nil, orNotFound(err, "published taxonomy")
	}
	tax, err := reg.published.get(ctx, tx, taxID)
	if err != nil {
		return nil, err
	}
	parties, hash, err := tx.screeningParties(ctx)
	if err != nil {
		return nil, err
	}
	l := &loadedIndex{counter: counter, day: tx.today(), taxID: taxID, parties: hash}
	if base != nil && base.taxID == taxID && base.parties == hash && base.day.Equal(l.day) {
		ok, err := tx.updateIndex(ctx, base, l)
		if err != nil || ok {
			return l, err
		}
	}
	rows, err := tx.Q.ScreeningClauses(ctx)
	if err != nil {
		return nil, translate(err)
	}
	cats, err := tx.Q.ScreeningClauseCategories(ctx)
	if err != nil {
		return nil, translate(err)
	}
	cps, err := tx.Q.ScreeningClauseParties(ctx)
	if err != nil {
		return nil, translate(err)
	}
	clauses, versions := tx.screeningClauses(rows, cats, cps)
	l.idx, err = screening.NewIndex(screening.Inputs{Taxonomy: tax, Parties: parties, Clauses: clauses, AgreementVersions: versions})
	if err != nil {
		return nil, err
	}
	l.rows = make(map[int64][2]int64, len(clauses))
	for _, c := range clauses {
		if c.AgreementStatus == dealgate.StatusActive {
			l.rows[c.ID] = [2]int64{c.Version, versions[c.AgreementID]}
		}
	}
	l.clauses = l.idx.ClauseVersions()
	return l, nil
}

// screeningParties loads every party and fingerprints their names, kinds
// and families.
func (tx *Tx) screeningParties(ctx context.Context) ([]dealgate.Party, [32]byte, error) {
	var sum [32]byte
	prows, err := tx.Q.ScreeningParties(ctx)
	if err != nil {
		return nil, sum, translate(err)
	}
	parties := make([]dealgate.Party, len(prows))
	ph := sha256.New()
	for i, r := range prows {
		parties[i] = dealgate.Party{ID: r.ID, Name: r.Name, Kind: dealgate.PartyKind(r.Kind), ParentID: r.ParentID}
		parent := int64(0)
		if r.ParentID != nil {
			parent = *r.ParentID
		}
		fmt.Fprintf(ph, "%d\x00%s\x00%s\x00%d\x00", r.ID, r.Name, r.Kind, parent)
	}
	copy(sum[:], ph.Sum(nil))
	return parties, sum, nil
}

// updateIndex builds l's index from base's by loading only the clauses
// whose identity (clause version, agreement version, in force) differs.
// The candidates are the clauses the register changes after base's counter
// touched (RegisterChangedClauses, migration 000050), not every live
// clause. It reports false, having done nothing, when too many differ.
func (tx *Tx) updateIndex(ctx context.Context, base, l *loadedIndex) (bool, error) {
	touched, err := tx.Q.RegisterChangedClauses(ctx, sqlc.RegisterChangedClausesParams{AfterCounter: base.counter, UpTo: l.counter})
	if err != nil {
		return false, translate(err)
	}
	if len(touched) > maxIncremental {
		return false, nil
	}
	ids, err := tx.Q.ScreeningClauseIdentitiesByID(ctx, touched)
	if err != nil {
		return false, translate(err)
	}
	l.rows = maps.Clone(base.rows)
	for _, id := range touched {
		delete(l.rows, id)
	}
	var changed []int64
	for _, r := range ids {
		if dealgate.EffectiveStatus(dealgate.StatusActive, r.AgreementExpiresOn, tx.Now) != dealgate.StatusActive {
			continue
		}
		v := [2]int64{r.Version, r.AgreementVersion}
		l.rows[r.ID] = v
		if base.rows[r.ID] != v {
			changed = append(changed, r.ID)
		}
	}
	var drop []int64
	for _, id := range touched {
		if _, was := base.rows[id]; was {
			if _, in := l.rows[id]; !in {
				drop = append(drop, id)
			}
		}
	}
	var clauses []dealgate.Clause
	versions := map[int64]int64{}
	if len(changed) > 0 {
		rows, err := tx.Q.ScreeningClausesByID(ctx, changed)
		if err != nil {
			return false, translate(err)
		}
		cats, err := tx.Q.ScreeningClauseCategoriesByID(ctx, changed)
		if err != nil {
			return false, translate(err)
		}
		cps, err := tx.Q.ScreeningClausePartiesByID(ctx, changed)
		if err != nil {
			return false, translate(err)
		}
		full := make([]sqlc.ScreeningClausesRow, len(rows))
		for i, r := range rows {
			full[i] = sqlc.ScreeningClausesRow(r)
		}
		catRows := make([]sqlc.ScreeningClauseCategoriesRow, len(cats))
		for i, r := range cats {
			catRows[i] = sqlc.ScreeningClauseCategoriesRow(r)
		}
		partyRows := make([]sqlc.ScreeningClausePartiesRow, len(cps))
		for i, r := range cps {
			partyRows[i] = sqlc.ScreeningClausePartiesRow(r)
		}
		clauses, versions = tx.screeningClauses(full, catRows, partyRows)
	}
	l.idx = base.idx.With(clauses, versions, append(drop, changed...))
	l.clauses = l.idx.ClauseVersions()
	l.incremental = true
	return true, nil
}

// screeningClauses maps the loaded rows to clauses, with the agreements'
// versions.
func (tx *Tx) screeningClauses(rows []sqlc.ScreeningClausesRow, cats []sqlc.ScreeningClauseCategoriesRow, cps []sqlc.ScreeningClausePartiesRow) ([]dealgate.Clause, map[int64]int64) {
	clauses := make([]dealgate.Clause, len(rows))
	pos := make(map[int64]int, len(rows))
	versions := map[int64]int64{}
	for i, r := range rows {
		pos[r.ID] = i
		versions[r.AgreementID] = r.AgreementVersion
		c := dealgate.Clause{
			ID: r.ID, AgreementID: r.AgreementID, Kind: dealgate.ClauseKind(r.Kind),
			Beneficiary: dealgate.PartyRef{ID: r.BeneficiaryID, Name: r.BeneficiaryName, Kind: dealgate.PartyKind(r.BeneficiaryKind)},
			Scope:       dealgate.RestrictionScope(r.RestrictionScope),
			Worldwide:   r.Worldwide, Regions: r.Regions, ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil,
			NoticeDays: intPtr(r.NoticeDays), Section: r.Section, Text: r.Text, Version: r.Version,
		}
		clauses[i] = tx.withAgreement(c, r.RestrictedKind, r.AgreementTitle, r.AgreementStatus, r.AgreementBinding, r.AgreementEffectiveOn, r.AgreementExpiresOn)
	}
	for _, r := range cats {
		if i, ok := pos[r.ClauseID]; ok {
			addClauseCategory(&clauses[i], r.Excluded, dealgate.CategoryRef{ID: r.CategoryID})
		}
	}
	for _, r := range cps {
		if i, ok := pos[r.ClauseID]; ok {
			addClauseParty(&clauses[i], r.Role, dealgate.PartyRef{ID: r.PartyID, Name: r.Name, Kind: dealgate.PartyKind(r.Kind)})
		}
	}
	return clauses, versions
}
