package screening

import "slices"

import "github.com/dealgate/dealgate/internal/dealgate"

// Relation is how a deal's product category stands to the categories a
// clause covers, on one taxonomy version's tree.
type Relation string

const (
	// Unrelated: the two sit under different top-level categories.
	Unrelated Relation = "unrelated"
	// Related: not within and not broader, but both sit under the same
	// top-level category (they share an ancestor below the tree's root). A
	// deal category carved out by the clause's exclusions is related too.
	Related Relation = "related"
	// Broader: the deal category is an ancestor of a covered category, so the
	// deal as described includes restricted scope.
	Broader Relation = "broader"
	// Within: the deal category is a covered category or one below it, and
	// not inside one of the clause's excluded categories.
	Within Relation = "within"
)

// Rank orders relations from unrelated (0) to within (3).
func (r Relation) Rank() int {
	switch r {
	case Related:
		return 1
	case Broader:
		return 2
	case Within:
		return 3
	}
	return 0
}

// Label is the relation as people read it.
func (r Relation) Label() string {
	switch r {
	case Related:
		return "Related"
	case Broader:
		return "Broader"
	case Within:
		return "Within"
	}
	return "Unrelated"
}

// Tree is a taxonomy version's tree laid out for constant-time ancestry
// tests: every category has its position in depth-first order and the
// position of its last descendant, so "a is within b" is two comparisons and
// the categories below b are one contiguous range. It is built once per
// taxonomy version and is safe for concurrent use.
type Tree struct {
	tax    *dealgate.Taxonomy
	pos    map[int64]int32 // category ID → position
	ids    []int64         // position → category ID
	parent []int32         // position → parent position, -1 for a top-level category
	end    []int32         // position → position of its last descendant (itself if a leaf)
	top    []int32         // position → position of its top-level ancestor
}

// NewTree lays out t. It uses the taxonomy's own depth-first order and
// depths, so a cycle the taxonomy broke stays broken the same way.
func NewTree(t *dealgate.Taxonomy) *Tree {
	n := len(t.Categories)
	tr := &Tree{tax: t, pos: make(map[int64]int32, n), ids: make([]int64, n),
		parent: make([]int32, n), end: make([]int32, n), top: make([]int32, n)}
	var stack []int32 // open ancestors of the current position
	for i, c := range t.Categories {
		p := int32(i)
		for len(stack) > 0 && t.Categories[stack[len(stack)-1]].Depth >= c.Depth {
			stack = stack[:len(stack)-1]
		}
		tr.ids[i] = c.ID
		tr.pos[c.ID] = p
		tr.end[i] = p
		if len(stack) == 0 {
			tr.parent[i], tr.top[i] = -1, p
		} else {
			tr.parent[i] = stack[len(stack)-1]
			tr.top[i] = tr.top[stack[0]]
		}
		for _, a := range stack {
			tr.end[a] = p
		}
		stack = append(stack, p)
	}
	return tr
}

// Taxonomy is the version the tree was built from.
func (tr *Tree) Taxonomy() *dealgate.Taxonomy { return tr.tax }

// Has reports whether id is a category of this version.
func (tr *Tree) Has(id int64) bool { _, ok := tr.pos[id]; return ok }

// Within reports whether id is ancestor or below it.
func (tr *Tree) Within(id, ancestor int64) bool {
	p, ok1 := tr.pos[id]
	a, ok2 := tr.pos[ancestor]
	return ok1 && ok2 && tr.within(p, a)
}

func (tr *Tree) within(p, a int32) bool { return a <= p && p <= tr.end[a] }

// Ancestors returns id and the categories above it, nearest first: the
// categories whose clauses cover id, before exclusions.
func (tr *Tree) Ancestors(id int64) []int64 {
	p, ok := tr.pos[id]
	if !ok {
		return nil
	}
	var out []int64
	for ; p >= 0; p = tr.parent[p] {
		out = append(out, tr.ids[p])
	}
	return out
}

// common returns the lowest common ancestor of p and q, -1 if they sit
// under different top-level categories.
func (tr *Tree) common(p, q int32) int32 {
	if tr.top[p] != tr.top[q] {
		return -1
	}
	for a := p; a >= 0; a = tr.parent[a] {
		if tr.within(q, a) {
			return a
		}
	}
	return -1
}

func (tr *Tree) ref(p int32) dealgate.CategoryRef {
	if p < 0 {
		return dealgate.CategoryRef{}
	}
	return tr.tax.Categories[p].Ref()
}

// CategoryMatch says how one deal category matched one clause's categories.
type CategoryMatch struct {
	Relation Relation
	// Deal is the deal's category; Clause the covered category it relates to.
	Deal, Clause dealgate.CategoryRef
	// Common is the nearest category both sit under (Related only).
	Common dealgate.CategoryRef
	// Excluded is the clause's excluded category the deal category falls in
	// (Related only, when a covered category contains the deal category).
	Excluded *dealgate.CategoryRef
}

// Relate computes how deal category d stands to a clause covering covered
// less excluded. Unknown categories are unrelated.
func (tr *Tree) Relate(d int64, covered, excluded []int64) CategoryMatch {
	p, ok := tr.pos[d]
	if !ok {
		return CategoryMatch{Relation: Unrelated}
	}
	cov := make([]int32, 0, len(covered))
	for _, c := range covered {
		if q, ok := tr.pos[c]; ok {
			cov = append(cov, q)
		}
	}
	exc := make([]int32, 0, len(excluded))
	for _, c := range excluded {
		if q, ok := tr.pos[c]; ok {
			exc = append(exc, q)
		}
	}
	m := tr.relate(p, cov, exc)
	return tr.match(p, m)
}

// rel is a match in positions, before names are looked up.
type rel struct {
	relation              Relation
	clause, common, exclu int32
}

// relate finds the strongest relation of position p to the covered
// positions (within beats broader beats related); ties go to the covered
// category first in tree order, so the result never depends on input order.
func (tr *Tree) relate(p int32, covered, excluded []int32) rel {
	best := rel{relation: Unrelated, clause: -1, common: -1, exclu: -1}
	better := func(r rel) bool {
		if r.relation.Rank() != best.relation.Rank() {
			return r.relation.Rank() > best.relation.Rank()
		}
		return r.relation != Unrelated && r.clause < best.clause
	}
	for _, q := range covered {
		r := rel{relation: Unrelated, clause: q, common: -1, exclu: -1}
		switch {
		case tr.within(p, q):
			r.relation = Within
			for _, e := range excluded {
				if tr.within(p, e) && (r.exclu < 0 || e > r.exclu) {
					r.exclu = e // the narrowest exclusion that holds p
				}
			}
			if r.exclu >= 0 {
				r.relation, r.common = Related, q
			}
		case tr.within(q, p):
			r.relation = Broader
		default:
			if c := tr.common(p, q); c >= 0 {
				r.relation, r.common = Related, c
			}
		}
		if better(r) {
			best = r
		}
	}
	return best
}

func (tr *Tree) match(p int32, r rel) CategoryMatch {
	m := CategoryMatch{Relation: r.relation, Deal: tr.ref(p)}
	if r.relation == Unrelated {
		return m
	}
	m.Clause = tr.ref(r.clause)
	m.Common = tr.ref(r.common)
	if r.exclu >= 0 {
		e := tr.ref(r.exclu)
		m.Excluded = &e
	}
	return m
}

// positions returns the sorted, distinct positions of the categories of
// this version among refs.
func (tr *Tree) positions(refs []dealgate.CategoryRef) []int32 {
	var out []int32
	for _, c := range refs {
		if p, ok := tr.pos[c.ID]; ok {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Relation ranks as the screening loop compares them (Relation.Rank).
const (
	rankUnrelated int8 = iota
	rankRelated
	rankBroader
	rankWithin
)

var relationOfRank = [...]Relation{Unrelated, Related, Broader, Within}

// rank is relate's relation alone, as a rank: what deciding whether a
// clause applies, and how severely, needs. It names no categories, so it
// does not look for the nearest common ancestor.
func (tr *Tree) rank(p int32, covered, excluded []int32) int8 {
	best := rankUnrelated
	for _, q := range covered {
		switch {
		case tr.within(p, q):
			carved := false
			for _, e := range excluded {
				carved = carved || tr.within(p, e)
			}
			if !carved {
				return rankWithin
			}
			best = max(best, rankRelated)
		case tr.within(q, p):
			best = max(best, rankBroader)
		case tr.top[p] == tr.top[q]:
			best = max(best, rankRelated)
		}
	}
	return best
}

// rankOne is rank for one covered position q and no exclusions (q < 0:
// none).
func (tr *Tree) rankOne(p, q int32) int8 {
	switch {
	case q < 0:
		return rankUnrelated
	case tr.within(p, q):
		return rankWithin
	case tr.within(q, p):
		return rankBroader
	case tr.top[p] == tr.top[q]:
		return rankRelated
	}
	return rankUnrelated
}

// Below returns id and every category below it, in tree order.
func (tr *Tree) Below(id int64) []int64 {
	p, ok := tr.pos[id]
	if !ok {
		return nil
	}
	return slices.Clone(tr.ids[p : tr.end[p]+1])
}

// Path returns the categories from ancestor down to id, both included, or
// nil when id is not within ancestor.
func (tr *Tree) Path(ancestor, id int64) []dealgate.CategoryRef {
	if !tr.Within(id, ancestor) {
		return nil
	}
	var out []dealgate.CategoryRef
	for p := tr.pos[id]; p >= 0; p = tr.parent[p] {
		out = append(out, tr.ref(p))
		if tr.ids[p] == ancestor {
			break
		}
	}
	slices.Reverse(out)
	return out
}
