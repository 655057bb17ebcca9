package screening

import "fmt"
import "math"
import "slices"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

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
	g := gather{idx: idx, sc: &sc, cp: cp, maxInfo: maxInfo, rep: &rep}
	me := &idx.parties[cp]
	var tops []int32
	for _, p := range sc.cats {
		if t := idx.tree.top[p]; !slices.Contains(tops, t) {
			tops = append(tops, t)
		}
	}
	if len(tops) > 1 {
		// A clause covering categories under two of the deal's top-level
		// categories is listed under both: read it once.
		seenp := idx.seen.Get().(*[]uint64)
		g.seen = *seenp
		defer func() { clear(g.seen); idx.seen.Put(seenp) }()
	}
	for _, t := range tops {
		g.list(idx.lists[listKey{top: t, scope: scopeAny}])
		g.list(idx.lists[listKey{top: t, scope: scopeKind, kind: me.ref.Kind}])
	}
	g.listInfo = 0
	for _, ci := range idx.namedByFamily[me.root] {
		g.one(&idx.hot[ci], ci)
	}
	// Each list kept its first maxInfo info findings; keep the first
	// maxInfo of all (info sorts last).
	slices.Sort(g.keys)
	keys := g.keys
	if kept := rep.counts[1] - g.infoDropped; maxInfo >= 0 && kept > maxInfo {
		keys = keys[:len(keys)-(kept-maxInfo)]
	}
	hits := g.hits

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

// gather collects the clauses that apply to one deal.
type gather struct {
	idx     *Index
	sc      *scope
	cp      int32
	maxInfo int
	rep     *Report
	seen    []uint64 // nil when no clause can be read twice
	hits    []hit
	keys    []uint64
	// infoDropped counts the info findings not kept; listInfo those kept
	// from the current list.
	infoDropped, listInfo int
}

// list reads the clauses of one list (in finding order).
func (g *gather) list(l []denseRec) {
	g.listInfo = 0
	for i := range l {
		g.one(&l[i].hotRec, l[i].ci)
	}
}

// one tests clause ci and keeps its hit: every conflict and caution, and
// the first maxInfo info findings of the current list.
func (g *gather) one(r *hotRec, ci int32) {
	if g.seen != nil {
		w, bit := ci>>6, uint64(1)<<(ci&63)
		if g.seen[w]&bit != 0 {
			return
		}
		g.seen[w] |= bit
	}
	h, ok := g.idx.classify(r, ci, g.cp, g.sc)
	if !ok {
		return
	}
	g.rep.counts[h.sev.Rank()]++
	if h.sev == Info && g.maxInfo >= 0 {
		if g.listInfo >= g.maxInfo {
			g.infoDropped++
			return
		}
		g.listInfo++
	}
	h.ci = ci
	// severity (2 bits), relation (2), clause order (30), hit (30)
	g.keys = append(g.keys, uint64(3-h.sev.Rank())<<62|uint64(3-h.rel)<<60|uint64(uint32(ci))<<30|uint64(len(g.hits)))
	g.hits = append(g.hits, h)
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
			if _, hit := idx.classify(&idx.hot[ci], ci, cp, &sc); hit {
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

// classify decides whether clause ci (hot record r) applies to the deal and
// how severely.
func (idx *Index) classify(r *hotRec, ci int32, cp int32, sc *scope) (hit, bool) {
	var h hit
	// In force on the negotiation date, or at some time in the term.
	h.onNeg = r.from <= sc.neg && sc.neg <= r.until
	if !h.onNeg && !(sc.hasTerm && r.from <= sc.termUntil && sc.termFrom <= r.until) {
		return h, false
	}
	if r.area&sc.area == 0 || !idx.restrictsFast(r, ci, cp) {
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
