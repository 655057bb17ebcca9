package screening

import "cmp"
import "fmt"
import "math"
import "slices"
import "sync"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

// Index is the loaded inputs laid out for screening: the taxonomy tree,
// the parties' corporate families, and the clauses in force posted under
// the categories they cover, split by whom they restrict. Screening a deal
// reads only the clauses posted under the deal categories' top-level
// categories that restrict its counterparty's kind or anyone, plus the
// clauses naming a party of its corporate family. An Index never changes
// once built and is safe for concurrent use; a change to the register
// builds a new one (NewIndex, or With for a few clauses).
type Index struct {
	tree *Tree

	partyPos map[int64]int32
	parties  []partyRec

	// clauses are in the order findings list them (agreement title,
	// agreement, section, clause ID), so a clause's index is its rank and
	// candidates gathered in a bitset come out in finding order.
	clauses []clauseRec
	// hot holds, for each clause, what is tested for every candidate, in
	// 24 bytes: candidates are read in order from a dense array.
	hot []hotRec

	// lists are the clauses restricting anyone (less exceptions) or a kind
	// of party, by the top-level category they cover a category under: each
	// a dense copy of their hot records in finding order, so screening reads
	// its candidates sequentially.
	lists map[listKey][]denseRec
	// Clauses naming a restricted party, by the party's family root.
	namedByFamily map[int32][]int32

	// seen is a pool of bitsets over clause indexes, to read a clause
	// listed under two of a deal's top-level categories once.
	seen sync.Pool
	// byID finds an indexed clause by its ID (AppliesAny, With).
	byID map[int64]int32
}

type partyRec struct {
	ref    dealgate.PartyRef
	parent int32 // -1: none known
	root   int32 // the top of its corporate family
	kind   int8  // kindCode(ref.Kind)
}

// kindCode numbers the party kinds (-1 for one the engine does not know).
func kindCode(k dealgate.PartyKind) int8 {
	return int8(slices.Index(dealgate.AllPartyKinds, k))
}

// hotRec is the part of a clauseRec that every candidate is tested on.
type hotRec struct {
	from, until int32
	area        area
	benRoot     int32 // -1 if the beneficiary is unknown
	// cov are the first two covered category positions (-1: none).
	cov [2]int32
	// exc is the one excepted party's position; -1 for none, -2 when the
	// clause excepts several (see clauseRec.exceptions).
	exc   int32
	scope int8
	kind  int8 // the restricted kind's code (scope kind)
	// simple: the clause covers at most two categories and excludes none,
	// so cov is all the category test needs.
	simple bool
}

// Restriction scopes as the hot loop compares them.
const (
	scopeAny int8 = iota
	scopeKind
	scopeNamed
)

// clauseRec is one indexed clause. The fields screening tests for every
// candidate come first, so that they share a cache line.
type clauseRec struct {
	from, until    int32 // days since 1970-01-01; math.MinInt32/MaxInt32 when open
	area           area
	beneficiary    int32 // party position, -1 if unknown
	benRoot        int32
	scope          int8
	binding        bool
	restrictedKind dealgate.PartyKind
	covered        []int32 // category positions, sorted
	excluded       []int32
	named          []int32 // restricted party positions (scope named)
	exceptions     []int32 // party positions
	kind           dealgate.ClauseKind
	facts          *ClauseFacts
}

// listKey names a list of clauses: those of a restriction scope (any, or
// kind with the kind restricted) covering categories under a top-level
// category.
type listKey struct {
	top   int32
	scope int8
	kind  dealgate.PartyKind
}

// denseRec is a clause's hot record in a list, with its index.
type denseRec struct {
	hotRec
	ci int32
}

func dayNum(t time.Time) int32 {
	return int32(dealgate.DateOf(t).Unix() / 86400)
}

func dayPtr(t *time.Time, open int32) int32 {
	if t == nil {
		return open
	}
	return dayNum(*t)
}

// NewIndex builds the index from the loaded inputs. It copies what it needs
// (sharing strings and the clauses' exception and region slices, which must
// not change afterwards), so the caller may drop the inputs.
func NewIndex(in Inputs) (*Index, error) {
	if in.Taxonomy == nil {
		return nil, fmt.Errorf("screening: no taxonomy version")
	}
	idx := &Index{tree: NewTree(in.Taxonomy)}
	idx.loadParties(in.Parties)
	recs := make([]clauseRec, 0, len(in.Clauses))
	for i := range in.Clauses {
		if r, ok := idx.rec(&in.Clauses[i], in.AgreementVersions[in.Clauses[i].AgreementID]); ok {
			recs = append(recs, r)
		}
	}
	idx.finish(recs)
	return idx, nil
}

// rec lays out clause c of agreement revision agreementVersion; ok is false
// when it can never apply: retired, its agreement not active, covering no
// category of the taxonomy version, or naming no party the index knows.
func (idx *Index) rec(c *dealgate.Clause, agreementVersion int64) (clauseRec, bool) {
	if c.RetiredAt != nil || c.AgreementStatus != dealgate.StatusActive {
		return clauseRec{}, false
	}
	r := clauseRec{from: dayPtr(c.From(), math.MinInt32), until: dayPtr(c.Until(), math.MaxInt32),
		area: territory(c.Worldwide, c.Regions), beneficiary: idx.party(c.Beneficiary.ID),
		restrictedKind: c.RestrictedKind, kind: c.Kind, binding: c.AgreementBinding}
	switch c.Scope {
	case dealgate.RestrictNamed:
		r.scope = scopeNamed
	case dealgate.RestrictKind:
		r.scope = scopeKind
	}
	r.benRoot = r.beneficiary
	if r.beneficiary >= 0 {
		r.benRoot = idx.parties[r.beneficiary].root
	}
	r.covered = idx.tree.positions(c.Categories)
	r.excluded = idx.tree.positions(c.ExcludedCategories)
	if len(r.covered) == 0 {
		return r, false // covers nothing in this taxonomy version
	}
	for _, pr := range c.Exceptions {
		if p := idx.party(pr.ID); p >= 0 {
			r.exceptions = append(r.exceptions, p)
		}
	}
	if r.scope == scopeNamed {
		for _, pr := range c.RestrictedParties {
			if p := idx.party(pr.ID); p >= 0 {
				r.named = append(r.named, p)
			}
		}
		if len(r.named) == 0 {
			return r, false // names no party we know
		}
	}
	r.facts = FactsOf(c, agreementVersion)
	if r.beneficiary >= 0 {
		r.facts.Beneficiary = idx.parties[r.beneficiary].ref
	}
	return r, true
}

// finish puts recs in finding order and posts them.
func (idx *Index) finish(recs []clauseRec) {
	// Sort an order, not the records (which are large), then lay them out.
	order := make([]int32, len(recs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		x, y := recs[a].facts, recs[b].facts
		return cmp.Or(cmp.Compare(x.AgreementTitle, y.AgreementTitle), cmp.Compare(x.AgreementID, y.AgreementID),
			cmp.Compare(x.Section, y.Section), cmp.Compare(x.ClauseID, y.ClauseID))
	})
	sorted := make([]clauseRec, len(recs))
	for i, o := range order {
		sorted[i] = recs[o]
	}
	recs = sorted
	idx.clauses = recs
	idx.hot = make([]hotRec, len(recs))
	idx.lists = map[listKey][]denseRec{}
	idx.namedByFamily = map[int32][]int32{}
	idx.byID = make(map[int64]int32, len(recs))
	for i := range recs {
		r, ci := &recs[i], int32(i)
		idx.byID[r.facts.ClauseID] = ci
		idx.hot[i] = hot(r)
		if r.scope == scopeNamed {
			var roots []int32
			for _, p := range r.named {
				if root := idx.parties[p].root; !slices.Contains(roots, root) {
					roots = append(roots, root)
					idx.namedByFamily[root] = append(idx.namedByFamily[root], ci)
				}
			}
			continue
		}
		var tops []int32
		for _, p := range r.covered {
			if t := idx.tree.top[p]; !slices.Contains(tops, t) {
				tops = append(tops, t)
				k := listKey{top: t, scope: r.scope}
				if r.scope == scopeKind {
					k.kind = r.restrictedKind
				}
				idx.lists[k] = append(idx.lists[k], denseRec{hotRec: idx.hot[i], ci: ci})
			}
		}
	}
	words := (len(recs) + 63) / 64
	idx.seen = sync.Pool{New: func() any { b := make([]uint64, words); return &b }}
}

func hot(r *clauseRec) hotRec {
	h := hotRec{from: r.from, until: r.until, area: r.area, benRoot: r.benRoot, cov: [2]int32{r.covered[0], -1},
		exc: -1, scope: r.scope, kind: kindCode(r.restrictedKind), simple: len(r.covered) <= 2 && len(r.excluded) == 0}
	if len(r.covered) > 1 {
		h.cov[1] = r.covered[1]
	}
	switch len(r.exceptions) {
	case 0:
	case 1:
		h.exc = r.exceptions[0]
	default:
		h.exc = -2
	}
	return h
}

// FactsOf is what a finding says about clause c of agreement revision
// agreementVersion: a stored finding is rendered again from its clause.
func FactsOf(c *dealgate.Clause, agreementVersion int64) *ClauseFacts {
	return &ClauseFacts{ClauseID: c.ID, ClauseVersion: c.Version, AgreementID: c.AgreementID,
		AgreementVersion: agreementVersion, AgreementTitle: c.AgreementTitle, Binding: c.AgreementBinding,
		Kind: c.Kind, Section: c.Section, Text: c.Text, Beneficiary: c.Beneficiary, Exceptions: c.Exceptions,
		ClauseWorldwide: c.Worldwide, ClauseRegions: c.Regions, From: c.From(), Until: c.Until(), NoticeDays: c.NoticeDays}
}

func (idx *Index) loadParties(ps []dealgate.Party) {
	idx.partyPos = make(map[int64]int32, len(ps))
	idx.parties = make([]partyRec, len(ps))
	for i, p := range ps {
		idx.partyPos[p.ID] = int32(i)
		idx.parties[i] = partyRec{ref: p.Ref(), parent: -1, root: int32(i), kind: kindCode(p.Kind)}
	}
	for i, p := range ps {
		if p.ParentID != nil {
			if q, ok := idx.partyPos[*p.ParentID]; ok && q != int32(i) {
				idx.parties[i].parent = q
			}
		}
	}
	// The root is the topmost ancestor; a cycle in the parents (which the
	// register should never hold) is cut where it closes.
	for i := range idx.parties {
		root, steps := int32(i), 0
		for idx.parties[root].parent >= 0 && steps <= len(idx.parties) {
			root = idx.parties[root].parent
			steps++
		}
		if steps > len(idx.parties) {
			root = int32(i)
		}
		idx.parties[i].root = root
	}
}

func (idx *Index) party(id int64) int32 {
	if p, ok := idx.partyPos[id]; ok {
		return p
	}
	return -1
}

// Tree is the taxonomy tree the index relates categories on.
func (idx *Index) Tree() *Tree { return idx.tree }

// Clauses is the number of clauses indexed (those that can apply).
func (idx *Index) Clauses() int { return len(idx.clauses) }

// ClauseVersions lists the indexed clauses' identities: clause ID →
// {clause version, agreement version}. Two indexes on the same taxonomy and
// parties differ only in the clauses whose identities differ.
func (idx *Index) ClauseVersions() map[int64][2]int64 {
	out := make(map[int64][2]int64, len(idx.clauses))
	for i := range idx.clauses {
		f := idx.clauses[i].facts
		out[f.ClauseID] = [2]int64{f.ClauseVersion, f.AgreementVersion}
	}
	return out
}

// restrictsFast is restricts without the explanation, on the hot record
// (and the full one only for named parties and exceptions).
func (idx *Index) restrictsFast(h *hotRec, ci int32, cp int32) bool {
	me := &idx.parties[cp]
	if me.root == h.benRoot {
		return false
	}
	switch h.scope {
	case scopeNamed:
		for _, n := range idx.clauses[ci].named {
			if idx.parties[n].root == me.root {
				return true
			}
		}
		return false
	case scopeKind:
		if me.kind != h.kind {
			return false
		}
	}
	switch h.exc {
	case -1:
		return true
	case -2:
		return !slices.Contains(idx.clauses[ci].exceptions, cp)
	}
	return h.exc != cp
}

// restricts reports whether clause r restricts the party at position cp,
// and why. The beneficiary and its corporate family are never restricted;
// an exception excuses that party only.
func (idx *Index) restricts(r *clauseRec, cp int32) (PartyMatch, bool) {
	me := idx.parties[cp]
	if r.beneficiary >= 0 && me.root == r.benRoot {
		return PartyMatch{}, false
	}
	pm := PartyMatch{Counterparty: me.ref}
	switch r.scope {
	case scopeNamed:
		best := int32(-1)
		for _, n := range r.named {
			if n == cp {
				best = n
				break
			}
			if idx.parties[n].root == me.root && best < 0 {
				best = n
			}
		}
		if best < 0 {
			return pm, false
		}
		pm.Named = idx.parties[best].ref
		if best == cp {
			pm.Kind = MatchNamed
			return pm, true
		}
		pm.Kind = MatchAffiliate
		pm.FamilyRoot = idx.parties[me.root].ref
		switch {
		case idx.isAbove(best, cp):
			pm.Family = "subsidiary"
		case idx.isAbove(cp, best):
			pm.Family = "parent"
		default:
			pm.Family = "sibling"
		}
		return pm, true
	case scopeKind:
		if me.ref.Kind != r.restrictedKind {
			return pm, false
		}
		pm.Kind, pm.RestrictedKind = MatchKind, r.restrictedKind
	default:
		pm.Kind = MatchAny
	}
	if slices.Contains(r.exceptions, cp) {
		return pm, false
	}
	return pm, true
}

// isAbove reports whether a is an ancestor of b in the corporate family.
func (idx *Index) isAbove(a, b int32) bool {
	for p, steps := idx.parties[b].parent, 0; p >= 0 && steps <= len(idx.parties); p, steps = idx.parties[p].parent, steps+1 {
		if p == a {
			return true
		}
	}
	return false
}
