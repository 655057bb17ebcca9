package screening

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/dealgate/dealgate/internal/dealgate"
)

// AllInfo asks ScreenUpTo for every info finding.
const AllInfo = -1

// Screen checks deal against the indexed clauses, judging first-offer and
// notice dates on day today, and returns every finding. The deal must name
// a known counterparty, at least one category of the index's taxonomy
// version, a territory and a negotiation date; otherwise the error is
// EINVALID and says what is missing.
func (idx *Index) Screen(deal Deal, today time.Time) (Report, error) {
	return idx.ScreenUpTo(deal, today, AllInfo)
}

// ScreenUpTo is Screen keeping every conflict and caution but only the
// first maxInfo info findings (all of them when maxInfo is AllInfo);
// Report.Count still counts every finding. At scale a deal draws thousands
// of related notes, and building them is most of the work: a caller that
// shows or stores only the first few asks for those.
func (idx *Index) ScreenUpTo(deal Deal, today time.Time, maxInfo int) (Report, error) {
	rep := Report{Verdict: Clear, Taxonomy: idx.tree.tax.Version, Today: dealgate.DateOf(today)}
	sc, cp, err := idx.scopeOf(deal, today)
	if err != nil {
		return rep, err
	}
	seenp := idx.seen.Get().(*[]uint64)
	idx.candidates(*seenp, &sc, cp)

	// Candidates come out of the bitset in finding order within each
	// severity and relation, so the first info findings are the first met.
	hits := make([]hit, 0, 64)
	keys := make([]uint64, 0, 64)
	seen := *seenp
	for w, word := range seen {
		if word == 0 {
			continue
		}
		seen[w] = 0
		for ; word != 0; word &= word - 1 {
			ci := int32(w<<6 + bits.TrailingZeros64(word))
			h, ok := idx.classify(ci, cp, &sc)
			if !ok {
				continue
			}
			rep.counts[h.sev.Rank()]++
			if h.sev == Info && maxInfo >= 0 && rep.counts[1] > maxInfo {
				continue
			}
			h.ci = ci
			// severity (2 bits), relation (2), clause order (30), hit (30)
			keys = append(keys, uint64(3-h.sev.Rank())<<62|uint64(3-h.rel)<<60|uint64(uint32(ci))<<30|uint64(len(hits)))
			hits = append(hits, h)
		}
	}
	idx.seen.Put(seenp)
	slices.Sort(keys)

	rep.Findings = make([]Finding, len(keys))
	for i, k := range keys {
		rep.Findings[i] = idx.finding(&hits[k&(1<<30-1)], cp, &sc, rep.Today)
	}
	for _, sev := range AllSeverities {
		if rep.counts[sev.Rank()] > 0 {
			rep.Verdict = sev // the worst finding, kept or not
			break
		}
	}
	return rep, nil
}

// scopeOf checks the deal and lays it out for the clause tests.
func (idx *Index) scopeOf(deal Deal, today time.Time) (scope, int32, error) {
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
		return scope{}, cp, err
	}
	slices.Sort(cats)
	cats = slices.Compact(cats)
	neg := dayNum(deal.NegotiationDate)
	sc := scope{cats: cats, neg: neg, negDay: dealgate.DateOf(deal.NegotiationDate), termFrom: neg,
		termUntil: math.MaxInt32, area: territory(deal.Worldwide, deal.Regions), today: dayNum(today)}
	if deal.TermStart != nil || deal.TermEnd != nil {
		sc.hasTerm, sc.termFrom, sc.termUntil = true, dayPtr(deal.TermStart, neg), dayPtr(deal.TermEnd, math.MaxInt32)
	}
	return sc, cp, nil
}

// candidates marks in seen the clauses that can apply: those posted under
// the top-level categories the deal's categories sit under, restricting
// anyone or the counterparty's kind, and those naming a party of the
// counterparty's family.
func (idx *Index) candidates(seen []uint64, sc *scope, cp int32) {
	mark := func(list []int32) {
		for _, ci := range list {
			seen[ci>>6] |= 1 << (ci & 63)
		}
	}
	me := &idx.parties[cp]
	kind := idx.kindPost[me.ref.Kind]
	var tops []int32
	for _, p := range sc.cats {
		if t := idx.tree.top[p]; !slices.Contains(tops, t) {
			tops = append(tops, t)
			mark(idx.anyPost.rangeList(t, idx.tree.end[t]))
			mark(kind.rangeList(t, idx.tree.end[t]))
		}
	}
	mark(idx.namedByFamily[me.root])
}

// finding writes out hit h: the party match, the categories that matched
// and the date to act by.
func (idx *Index) finding(h *hit, cp int32, sc *scope, today time.Time) Finding {
	r := &idx.clauses[h.ci]
	var pm PartyMatch
	switch r.scope {
	case scopeNamed:
		pm, _ = idx.restricts(r, cp)
	case scopeKind:
		pm = PartyMatch{Kind: MatchKind, Counterparty: idx.parties[cp].ref, RestrictedKind: r.restrictedKind}
	default:
		pm = PartyMatch{Kind: MatchAny, Counterparty: idx.parties[cp].ref}
	}
	rl := idx.tree.relate(h.deal, r.covered, r.excluded)
	f := Finding{ClauseFacts: r.facts, Severity: h.sev, Relation: rl.relation, Party: pm,
		Category: idx.tree.match(h.deal, rl), InForceOnNeg: h.onNeg, NegotiationDate: sc.negDay,
		Passed: h.passed, Today: today}
	if rl.relation != Related {
		f.ActBy = actBy(r.kind, sc.negDay, r.facts.NoticeDays)
	}
	return f
}

// AppliesAny reports whether any of the clauses clauseIDs (those of them
// the index holds) would give the deal a finding on day today. A deal the
// index cannot screen (unknown counterparty or category) counts as
// touched: the caller screens it in full. Re-screening after a register
// change uses it to find the deals a changed clause can affect, on the
// index before the change and on the one after.
func (idx *Index) AppliesAny(deal Deal, today time.Time, clauseIDs []int64) bool {
	sc, cp, err := idx.scopeOf(deal, today)
	if err != nil {
		return true
	}
	for _, id := range clauseIDs {
		if ci, ok := idx.byID[id]; ok {
			if _, hit := idx.classify(ci, cp, &sc); hit {
				return true
			}
		}
	}
	return false
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
	ci     int32
	deal   int32 // the deal category position that matched closest
	rel    int8
	sev    Severity
	onNeg  bool
	passed bool
}

// classify decides whether clause ci applies to the deal and how severely.
func (idx *Index) classify(ci int32, cp int32, sc *scope) (hit, bool) {
	var h hit
	r := &idx.hot[ci]
	// In force on the negotiation date, or at some time in the term.
	h.onNeg = r.from <= sc.neg && sc.neg <= r.until
	if !h.onNeg && !(sc.hasTerm && r.from <= sc.termUntil && sc.termFrom <= r.until) {
		return h, false
	}
	if r.area&sc.area == 0 || !idx.restrictsFast(ci, cp) {
		return h, false
	}
	h.deal = -1
	tr := idx.tree
	if r.simple {
		for _, p := range sc.cats {
			if k := max(tr.rankOne(p, r.cov[0]), tr.rankOne(p, r.cov[1])); k > h.rel {
				h.rel, h.deal = k, p
			}
		}
	} else {
		c := &idx.clauses[ci]
		for _, p := range sc.cats {
			if k := tr.rank(p, c.covered, c.excluded); k > h.rel {
				h.rel, h.deal = k, p
			}
		}
	}
	switch h.rel {
	case rankUnrelated:
		return h, false
	case rankRelated:
		h.sev = Info
		return h, true
	}
	// The first-offer or notice date: the negotiation date less the notice
	// period (first-offer clauses without one: the negotiation date).
	c := &idx.clauses[ci]
	if n := c.facts.NoticeDays; n != nil {
		h.passed = sc.neg-int32(*n) < sc.today
	} else if isFirstOffer(c.kind) {
		h.passed = sc.neg < sc.today
	}
	h.sev = severity(c.kind, c.binding, relationOfRank[h.rel], h.passed)
	return h, true
}
