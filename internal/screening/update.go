package screening

import "slices"

import "github.com/dealgate/dealgate/internal/dealgate"

// With returns a new index on the same taxonomy version and parties that
// holds idx's clauses less those whose IDs are in drop, plus clauses
// (which replace any clause of the same ID; agreementVersions as in
// Inputs). idx does not change and stays usable. A register change that
// touches a few clauses costs a copy and re-sort of the index's records
// instead of loading and laying out the register again; a change to the
// parties or the taxonomy needs NewIndex.
func (idx *Index) With(clauses []dealgate.Clause, agreementVersions map[int64]int64, drop []int64) *Index {
	gone := make(map[int64]bool, len(drop)+len(clauses))
	for _, id := range drop {
		gone[id] = true
	}
	for i := range clauses {
		gone[clauses[i].ID] = true
	}
	out := &Index{tree: idx.tree, partyPos: idx.partyPos, parties: idx.parties}
	recs := make([]clauseRec, 0, len(idx.clauses)+len(clauses))
	for i := range idx.clauses {
		if !gone[idx.clauses[i].facts.ClauseID] {
			recs = append(recs, idx.clauses[i])
		}
	}
	for i := range clauses {
		if r, ok := out.rec(&clauses[i], agreementVersions[clauses[i].AgreementID]); ok {
			recs = append(recs, r)
		}
	}
	out.finish(slices.Clip(recs))
	return out
}
