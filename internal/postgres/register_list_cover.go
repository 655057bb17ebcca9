package postgres

import "context"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"
import "github.com/dealgate/dealgate/internal/screening"

// coverPaths labels a page of the agreement list filtered by category with
// the path that matched: for each agreement, the live clause whose
// categories relate closest to the category on the screening engine's tree
// (a covered category above it beats one below it; then the shorter path).
// One query for the page, on clause_category's agreement index.
func (s *Register) coverPaths(ctx context.Context, tx *Tx, items []dealgate.AgreementListItem, categoryID int64) error {
	if len(items) == 0 {
		return nil
	}
	taxID, err := tx.Q.CurrentTaxonomyVersionID(ctx)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return translate(err)
	}
	tax, err := s.published.get(ctx, tx, taxID)
	if err != nil {
		return err
	}
	tree := screening.NewTree(tax)
	if !tree.Has(categoryID) {
		return nil
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	rows, err := tx.Q.AgreementCoverCandidates(ctx, sqlc.AgreementCoverCandidatesParams{AgreementIds: ids,
		CategoryIds: append(tree.Below(categoryID), tree.Ancestors(categoryID)[1:]...)})
	if err != nil {
		return translate(err)
	}
	best := map[int64]*dealgate.CoverPath{}
	for i := 0; i < len(rows); {
		r := rows[i]
		var covered, excluded []int64
		for ; i < len(rows) && rows[i].ClauseID == r.ClauseID; i++ {
			if rows[i].Excluded {
				excluded = append(excluded, rows[i].CategoryID)
			} else {
				covered = append(covered, rows[i].CategoryID)
			}
		}
		p := coverPath(tree, categoryID, covered, excluded)
		if p == nil {
			continue
		}
		p.ClauseID, p.Section = r.ClauseID, r.Section
		if b := best[r.AgreementID]; b == nil || closer(p, b) {
			best[r.AgreementID] = p
		}
	}
	for i := range items {
		items[i].Cover = best[items[i].ID]
	}
	return nil
}

// coverPath is how a clause covering covered less excluded relates to
// category id: nil unless id is within it or broader.
func coverPath(tree *screening.Tree, id int64, covered, excluded []int64) *dealgate.CoverPath {
	m := tree.Relate(id, covered, excluded)
	switch m.Relation {
	case screening.Within:
		return &dealgate.CoverPath{Path: tree.Path(m.Clause.ID, id)}
	case screening.Broader:
		return &dealgate.CoverPath{Path: tree.Path(id, m.Clause.ID), Broader: true}
	}
	return nil
}

// closer reports whether path a labels an agreement better than b.
func closer(a, b *dealgate.CoverPath) bool {
	if a.Broader != b.Broader {
		return !a.Broader
	}
	return len(a.Path) < len(b.Path)
}
