package screening

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
	"time"

	"github.com/dealgate/dealgate/internal/dealgate"
)

// Index is the loaded inputs laid out for screening: the taxonomy tree,
// the parties' corporate families, and the clauses in force posted under
// the categories they cover, split by whom they restrict. Screening a deal
// reads only the clauses posted under the deal categories' top-level
// categories that restrict its counterparty's kind or anyone, plus the
// clauses naming a party of its corporate family. An Index never changes
// once built and is safe for concurrent use; a change to the register
// builds a new one.
type Index struct {
	tree *Tree

	partyPos map[int64]int32
	parties  []partyRec

	clauses []clauseRec

	// Postings: clauses restricting anyone (less exceptions), and by the
	// restricted kind, in compressed rows by covered category position.
	anyPost  postings
	kindPost map[dealgate.PartyKind]*postings
	// Clauses naming a restricted party, by the party's family root.
	namedByFamily map[int32][]int32

	// seen is a pool of bitsets over clause indexes, to gather candidates
	// without sorting them.
	seen sync.Pool
	// byID finds an indexed clause by its ID (AppliesAny).
	byID map[int64]int32
}

type partyRec struct {
	ref    dealgate.PartyRef
	parent int32 // -1: none known
	root   int32 // the top of its corporate family
}

type clauseRec struct {
	facts *ClauseFacts
	ord   int32 // rank by agreement title, agreement, section and clause ID

	scope          dealgate.RestrictionScope
	restrictedKind dealgate.PartyKind
	kind           dealgate.ClauseKind
	binding        bool

	agreementVersion int64
	from, until      int32 // days since 1970-01-01; math.MinInt32/MaxInt32 when open
	area             area
	beneficiary      int32 // party position, -1 if unknown
	benRoot          int32
	named            []int32 // restricted party positions (scope named)
	exceptions       []int32 // party positions
	covered          []int32 // category positions, sorted
	excluded         []int32
}

// postings holds clause indexes grouped by category position: the clauses
// covering category position p are list[start[p]:start[p+1]].
type postings struct {
	start []int32
	list  []int32
}

func newPostings(n int, pairs [][2]int32) postings {
	p := postings{start: make([]int32, n+1), list: make([]int32, len(pairs))}
	for _, pr := range pairs {
		p.start[pr[0]+1]++
	}
	for i := 1; i <= n; i++ {
		p.start[i] += p.start[i-1]
	}
	next := slices.Clone(p.start[:n])
	for _, pr := range pairs {
		p.list[next[pr[0]]] = pr[1]
		next[pr[0]]++
	}
	return p
}

// rangeList returns the clauses posted under positions lo..hi inclusive.
func (p *postings) rangeList(lo, hi int32) []int32 {
	if p == nil || len(p.start) == 0 {
		return nil
	}
	return p.list[p.start[lo]:p.start[hi+1]]
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
	idx := &Index{tree: NewTree(in.Taxonomy), kindPost: map[dealgate.PartyKind]*postings{},
		namedByFamily: map[int32][]int32{}}
	idx.loadParties(in.Parties)
	n := int32(len(idx.tree.ids))
	anyPairs := [][2]int32{}
	kindPairs := map[dealgate.PartyKind][][2]int32{}
	for i := range in.Clauses {
		c := &in.Clauses[i]
		if c.RetiredAt != nil || c.AgreementStatus != dealgate.StatusActive {
			continue
		}
		r := clauseRec{agreementVersion: in.AgreementVersions[c.AgreementID],
			from: dayPtr(c.From(), math.MinInt32), until: dayPtr(c.Until(), math.MaxInt32),
			area: territory(c.Worldwide, c.Regions), beneficiary: idx.party(c.Beneficiary.ID),
			scope: c.Scope, restrictedKind: c.RestrictedKind, kind: c.Kind, binding: c.AgreementBinding}
		r.benRoot = r.beneficiary
		if r.beneficiary >= 0 {
			r.benRoot = idx.parties[r.beneficiary].root
		}
		for _, cat := range c.Categories {
			if p, ok := idx.tree.pos[cat.ID]; ok {
				r.covered = append(r.covered, p)
			}
		}
		for _, cat := range c.ExcludedCategories {
			if p, ok := idx.tree.pos[cat.ID]; ok {
				r.excluded = append(r.excluded, p)
			}
		}
		slices.Sort(r.covered)
		r.covered = slices.Compact(r.covered)
		if len(r.covered) == 0 {
			continue // covers nothing in this taxonomy version
		}
		for _, pr := range c.Exceptions {
			if p := idx.party(pr.ID); p >= 0 {
				r.exceptions = append(r.exceptions, p)
			}
		}
		r.facts = FactsOf(c, r.agreementVersion)
		if r.beneficiary >= 0 {
			r.facts.Beneficiary = idx.parties[r.beneficiary].ref
		}
		ci := int32(len(idx.clauses))
		switch c.Scope {
		case dealgate.RestrictNamed:
			var roots []int32
			for _, pr := range c.RestrictedParties {
				if p := idx.party(pr.ID); p >= 0 {
					r.named = append(r.named, p)
					if root := idx.parties[p].root; !slices.Contains(roots, root) {
						roots = append(roots, root)
						idx.namedByFamily[root] = append(idx.namedByFamily[root], ci)
					}
				}
			}
			if len(r.named) == 0 {
				continue // names no party we know
			}
		case dealgate.RestrictKind:
			for _, p := range r.covered {
				kindPairs[c.RestrictedKind] = append(kindPairs[c.RestrictedKind], [2]int32{p, ci})
			}
		default:
			for _, p := range r.covered {
				anyPairs = append(anyPairs, [2]int32{p, ci})
			}
		}
		idx.clauses = append(idx.clauses, r)
	}
	order := make([]int32, len(idx.clauses))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		x, y := idx.clauses[a].facts, idx.clauses[b].facts
		return cmp.Or(cmp.Compare(x.AgreementTitle, y.AgreementTitle), cmp.Compare(x.AgreementID, y.AgreementID),
			cmp.Compare(x.Section, y.Section), cmp.Compare(x.ClauseID, y.ClauseID))
	})
	for rank, ci := range order {
		idx.clauses[ci].ord = int32(rank)
	}
	idx.byID = make(map[int64]int32, len(idx.clauses))
	for i := range idx.clauses {
		idx.byID[idx.clauses[i].facts.ClauseID] = int32(i)
	}
	words := (len(idx.clauses) + 63) / 64
	idx.seen.New = func() any { b := make([]uint64, words); return &b }
	idx.anyPost = newPostings(int(n), anyPairs)
	for k, pairs := range kindPairs {
		p := newPostings(int(n), pairs)
		idx.kindPost[k] = &p
	}
	return idx, nil
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
		idx.parties[i] = partyRec{ref: p.Ref(), parent: -1, root: int32(i)}
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

// Screen checks deal against the indexed clauses, judging first-offer and
// notice dates on day today. The deal must name a known counterparty, at
// least one category of the index's taxonomy version, a territory and a
// negotiation date; otherwise the error is EINVALID and says what is
// missing.
func (idx *Index) Screen(deal Deal, today time.Time) (Report, error) {
	rep := Report{Verdict: Clear, Taxonomy: idx.tree.tax.Version, Today: dealgate.DateOf(today)}
	cp := idx.party(deal.CounterpartyID)
	var v dealgate.Validation
	if cp < 0 {
		v.Add("counterparty_id", "Choose the counterparty from the register's parties")
	}
	cats := make([]int32, 0, len(deal.CategoryIDs))
	for _, id := range deal.CategoryIDs {
		p, ok := idx.tree.pos[id]
		if !ok {
			v.Add("category_ids", fmt.Sprintf("Category %d is not in taxonomy %s", id, idx.tree.tax.Version.Label()))
			continue
		}
		cats = append(cats, p)
	}
	if len(deal.CategoryIDs) == 0 {
		v.Add("category_ids", "Choose at least one product category the deal covers")
	}
	if !deal.Worldwide && len(deal.Regions) == 0 {
		v.Add("regions", "Choose worldwide or at least one region")
	}
	if deal.NegotiationDate.IsZero() {
		v.Add("negotiation_date", "Enter the proposed negotiation start date")
	}
	if err := v.Err(); err != nil {
		return rep, err
	}
	slices.Sort(cats)
	cats = slices.Compact(cats)

	neg := dayNum(deal.NegotiationDate)
	negDay := dealgate.DateOf(deal.NegotiationDate)
	termFrom, termUntil, hasTerm := neg, int32(math.MaxInt32), false
	if deal.TermStart != nil || deal.TermEnd != nil {
		hasTerm = true
		termFrom = dayPtr(deal.TermStart, neg)
		termUntil = dayPtr(deal.TermEnd, math.MaxInt32)
	}
	dealArea := territory(deal.Worldwide, deal.Regions)
	cpRec := idx.parties[cp]
	todayNum := dayNum(today)

	// Candidates: clauses posted under the top-level categories the deal's
	// categories sit under, restricting anyone or the counterparty's kind,
	// and the clauses naming a party of the counterparty's family.
	var tops []int32
	for _, p := range cats {
		if t := idx.tree.top[p]; !slices.Contains(tops, t) {
			tops = append(tops, t)
		}
	}
	sc := scope{cats: cats, neg: neg, negDay: negDay, termFrom: termFrom, termUntil: termUntil, hasTerm: hasTerm,
		area: dealArea, today: todayNum}
	seenp := idx.seen.Get().(*[]uint64)
	seen := *seenp
	mark := func(list []int32) {
		for _, ci := range list {
			seen[ci>>6] |= 1 << (ci & 63)
		}
	}
	for _, t := range tops {
		lo, hi := t, idx.tree.end[t]
		mark(idx.anyPost.rangeList(lo, hi))
		mark(idx.kindPost[cpRec.ref.Kind].rangeList(lo, hi))
	}
	mark(idx.namedByFamily[cpRec.root])

	// First pass: which clauses apply, and the order of their findings,
	// as one sortable key each (severity, relation, clause order).
	keys := make([]uint64, 0, 64)
	hits := make([]hit, 0, 64)
	for w, word := range seen {
		if word == 0 {
			continue
		}
		seen[w] = 0
		for ; word != 0; word &= word - 1 {
			r := &idx.clauses[w<<6+bits.TrailingZeros64(word)]
			if h, ok := idx.apply(r, cp, &sc); ok {
				h.rec = r
				// severity (2 bits), relation (2), clause order (30), hit (30)
				keys = append(keys, uint64(3-h.sev.Rank())<<62|uint64(3-h.rel.relation.Rank())<<60|
					uint64(uint32(r.ord))<<30|uint64(len(hits)))
				hits = append(hits, h)
			}
		}
	}
	idx.seen.Put(seenp)
	slices.Sort(keys)

	// Second pass: the findings, in order.
	rep.Findings = make([]Finding, len(keys))
	cpRef := idx.parties[cp].ref
	for i, k := range keys {
		h := &hits[k&(1<<30-1)]
		r := h.rec
		var pm PartyMatch
		switch r.scope {
		case dealgate.RestrictNamed:
			pm, _ = idx.restricts(r, cp)
		case dealgate.RestrictKind:
			pm = PartyMatch{Kind: MatchKind, Counterparty: cpRef, RestrictedKind: r.restrictedKind}
		default:
			pm = PartyMatch{Kind: MatchAny, Counterparty: cpRef}
		}
		rep.Findings[i] = Finding{ClauseFacts: r.facts, Severity: h.sev, Relation: h.rel.relation,
			Party: pm, Category: idx.tree.match(h.deal, h.rel), InForceOnNeg: h.onNeg,
			NegotiationDate: negDay, ActBy: h.actBy, Passed: h.passed, Today: rep.Today}
	}
	if len(rep.Findings) > 0 {
		rep.Verdict = rep.Findings[0].Severity
	}
	return rep, nil
}

// AppliesAny reports whether any of the clauses clauseIDs (those of them
// the index holds) would give the deal a finding on day today. A deal the
// index cannot screen (unknown counterparty or category) counts as
// touched: the caller screens it in full. Re-screening after a register
// change uses it to find the deals a changed clause can affect, on the
// index before the change and on the one after.
func (idx *Index) AppliesAny(deal Deal, today time.Time, clauseIDs []int64) bool {
	cp := idx.party(deal.CounterpartyID)
	if cp < 0 || deal.NegotiationDate.IsZero() {
		return true
	}
	cats := make([]int32, 0, len(deal.CategoryIDs))
	for _, id := range deal.CategoryIDs {
		p, ok := idx.tree.pos[id]
		if !ok {
			return true
		}
		cats = append(cats, p)
	}
	neg := dayNum(deal.NegotiationDate)
	sc := scope{cats: cats, neg: neg, negDay: dealgate.DateOf(deal.NegotiationDate), termFrom: neg,
		termUntil: math.MaxInt32, area: territory(deal.Worldwide, deal.Regions), today: dayNum(today)}
	if deal.TermStart != nil || deal.TermEnd != nil {
		sc.hasTerm, sc.termFrom, sc.termUntil = true, dayPtr(deal.TermStart, neg), dayPtr(deal.TermEnd, math.MaxInt32)
	}
	for _, id := range clauseIDs {
		if ci, ok := idx.byID[id]; ok {
			if _, hit := idx.apply(&idx.clauses[ci], cp, &sc); hit {
				return true
			}
		}
	}
	return false
}

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

// scope is the deal as the clause tests need it.
type scope struct {
	cats                     []int32
	neg, termFrom, termUntil int32
	negDay                   time.Time
	hasTerm                  bool
	area                     area
	today                    int32
}

// hit is a clause that applies, before it becomes a Finding.
type hit struct {
	rec    *clauseRec
	deal   int32
	rel    rel
	sev    Severity
	actBy  *time.Time
	onNeg  bool
	passed bool
}

// apply decides whether clause r applies to the deal and how severely.
func (idx *Index) apply(r *clauseRec, cp int32, sc *scope) (hit, bool) {
	var h hit
	// In force on the negotiation date, or at some time in the term.
	h.onNeg = r.from <= sc.neg && sc.neg <= r.until
	if !h.onNeg && !(sc.hasTerm && r.from <= sc.termUntil && sc.termFrom <= r.until) {
		return h, false
	}
	if r.area&sc.area == 0 || !idx.restrictsFast(r, cp) {
		return h, false
	}
	h.rel, h.deal = rel{relation: Unrelated}, -1
	for _, p := range sc.cats {
		m := idx.tree.relate(p, r.covered, r.excluded)
		if m.relation.Rank() > h.rel.relation.Rank() {
			h.rel, h.deal = m, p
		}
	}
	if h.rel.relation == Unrelated {
		return h, false
	}
	if h.rel.relation != Related {
		h.actBy = actBy(r.kind, sc.negDay, r.facts.NoticeDays)
		h.passed = h.actBy != nil && dayNum(*h.actBy) < sc.today
	}
	h.sev = severity(r.kind, r.binding, h.rel.relation, h.passed)
	return h, true
}

// restrictsFast is restricts without the explanation.
func (idx *Index) restrictsFast(r *clauseRec, cp int32) bool {
	me := &idx.parties[cp]
	if r.beneficiary >= 0 && me.root == r.benRoot {
		return false
	}
	switch r.scope {
	case dealgate.RestrictNamed:
		for _, n := range r.named {
			if idx.parties[n].root == me.root {
				return true
			}
		}
		return false
	case dealgate.RestrictKind:
		if me.ref.Kind != r.restrictedKind {
			return false
		}
	}
	return !slices.Contains(r.exceptions, cp)
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
	case dealgate.RestrictNamed:
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
	case dealgate.RestrictKind:
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
