package screening_test

import "fmt"
import "math/rand/v2"
import "reflect"
import "slices"
import "sync"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/screening"

var smallSize = synthSize{parties: 150, agreements: 300, clauses: 3000, categories: 200}

// shuffled returns the register with its clauses (and their categories and
// parties) and its parties in another order.
func shuffled(s *synthetic, r *rand.Rand) *synthetic {
	out := *s
	out.clauses = slices.Clone(s.clauses)
	r.Shuffle(len(out.clauses), func(i, j int) { out.clauses[i], out.clauses[j] = out.clauses[j], out.clauses[i] })
	for i := range out.clauses {
		c := &out.clauses[i]
		c.Categories = slices.Clone(c.Categories)
		r.Shuffle(len(c.Categories), func(i, j int) { c.Categories[i], c.Categories[j] = c.Categories[j], c.Categories[i] })
	}
	out.parties = slices.Clone(s.parties)
	r.Shuffle(len(out.parties), func(i, j int) { out.parties[i], out.parties[j] = out.parties[j], out.parties[i] })
	return &out
}

func checkOrderIndependent(t *testing.T, seed uint64) {
	s := newSynthetic(smallSize, seed)
	r := rand.New(rand.NewPCG(seed, 1))
	a, err := s.index()
	if err != nil {
		t.Fatal(err)
	}
	b, err := shuffled(s, r).index()
	if err != nil {
		t.Fatal(err)
	}
	findings := 0
	for range 40 {
		deal := s.deal(r)
		want, err := a.Screen(deal, s.today)
		if err != nil {
			t.Fatal(err)
		}
		other := deal
		other.CategoryIDs = slices.Clone(deal.CategoryIDs)
		slices.Reverse(other.CategoryIDs)
		other.Regions = slices.Clone(deal.Regions)
		slices.Reverse(other.Regions)
		got, err := b.Screen(other, s.today)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: report depends on input order:\n%s\nvs%s", seed, describe(want), describe(got))
		}
		findings += len(want.Findings)
	}
	if findings == 0 {
		t.Fatalf("seed %d: no findings at all; the property is vacuous", seed)
	}
}

// Findings never depend on the order of clauses, parties, the clauses'
// categories, or the deal's categories and regions.
func TestFindingsIndependentOfOrder(t *testing.T) {
	t.Parallel()
	for seed := range uint64(8) {
		checkOrderIndependent(t, seed)
	}
}

func FuzzFindingsIndependentOfOrder(f *testing.F) {
	f.Add(uint64(11))
	f.Add(uint64(12))
	f.Fuzz(func(t *testing.T, seed uint64) { checkOrderIndependent(t, seed) })
}

// Narrowing a deal (fewer categories, a smaller territory, no term) never
// raises its verdict nor the severity of any clause's finding, and adds no
// clause.
func TestNarrowingNeverRaisesVerdict(t *testing.T) {
	t.Parallel()
	severities := func(rep screening.Report) map[int64]screening.Severity {
		m := map[int64]screening.Severity{}
		for _, f := range rep.Findings {
			m[f.ClauseID] = f.Severity
		}
		return m
	}
	checks, lowered := 0, 0
	for seed := range uint64(6) {
		s := newSynthetic(smallSize, seed)
		idx, err := s.index()
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(seed, 2))
		for range 60 {
			deal := s.deal(r)
			deal.CategoryIDs = append(deal.CategoryIDs, s.all[r.IntN(len(s.all))], s.leaves[r.IntN(len(s.leaves))])
			wide, err := idx.Screen(deal, s.today)
			if err != nil {
				t.Fatal(err)
			}
			narrow := deal
			narrow.CategoryIDs = nil
			for _, c := range deal.CategoryIDs {
				if r.IntN(2) == 0 {
					narrow.CategoryIDs = append(narrow.CategoryIDs, c)
				}
			}
			if len(narrow.CategoryIDs) == 0 {
				narrow.CategoryIDs = deal.CategoryIDs[:1]
			}
			if r.IntN(3) == 0 {
				narrow.Worldwide, narrow.Regions = false, []string{dealgate.Regions[r.IntN(len(dealgate.Regions))].Code}
				if !deal.Worldwide && len(deal.Regions) > 0 {
					narrow.Regions = deal.Regions[:1]
				}
			}
			if r.IntN(3) == 0 {
				narrow.TermStart, narrow.TermEnd = nil, nil
			}
			got, err := idx.Screen(narrow, s.today)
			if err != nil {
				t.Fatal(err)
			}
			if got.Verdict.Rank() > wide.Verdict.Rank() {
				t.Fatalf("seed %d: narrowing raised the verdict from %s to %s", seed, wide.Verdict, got.Verdict)
			}
			before := severities(wide)
			for id, sev := range severities(got) {
				was, ok := before[id]
				if !ok || sev.Rank() > was.Rank() {
					t.Fatalf("seed %d: narrowing raised clause %d from %q to %s", seed, id, was, sev)
				}
			}
			checks++
			if got.Verdict.Rank() < wide.Verdict.Rank() || len(got.Findings) < len(wide.Findings) {
				lowered++
			}
		}
	}
	if lowered == 0 || lowered == checks {
		t.Fatalf("narrowing lowered %d of %d verdicts; the property is vacuous", lowered, checks)
	}
}

// The relation of every pair of categories agrees with the taxonomy's own
// ancestry, on a generated tree.
func TestRelationAgreesWithTaxonomy(t *testing.T) {
	t.Parallel()
	s := newSynthetic(synthSize{parties: 2, agreements: 1, clauses: 0, categories: 300}, 3)
	tr := screening.NewTree(s.tax)
	top := func(id int64) int64 { return s.tax.Path(id)[0].ID }
	for i, d := range s.all {
		for _, c := range s.all[i%7:][:40] {
			m := tr.Relate(d, []int64{c}, nil)
			var want screening.Relation
			switch {
			case s.tax.IsWithin(d, c):
				want = screening.Within
			case s.tax.IsWithin(c, d):
				want = screening.Broader
			case top(d) == top(c):
				want = screening.Related
			default:
				want = screening.Unrelated
			}
			if m.Relation != want {
				t.Fatalf("%s vs %s: %s, want %s", s.tax.PathString(d), s.tax.PathString(c), m.Relation, want)
			}
			if want == screening.Related && !s.tax.IsWithin(d, m.Common.ID) {
				t.Fatalf("%s vs %s: common %s", s.tax.PathString(d), s.tax.PathString(c), m.Common.Name)
			}
		}
	}
}

// One index serves concurrent screenings with the same results as one at a
// time (run with -race).
func TestConcurrentScreening(t *testing.T) {
	t.Parallel()
	s := newSynthetic(smallSize, 9)
	idx, err := s.index()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 9))
	deals := make([]screening.Deal, 30)
	want := make([]screening.Report, len(deals))
	for i := range deals {
		deals[i] = s.deal(r)
		if want[i], err = idx.Screen(deals[i], s.today); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan string, 4*len(deals))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range deals {
				i := (i + g*7) % len(deals)
				got, err := idx.Screen(deals[i], s.today)
				if err != nil || !reflect.DeepEqual(got, want[i]) {
					errs <- fmt.Sprintf("deal %d differs when screened concurrently (%v)", i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestAppliesAnyAgreesWithScreen: a clause gives a deal a finding exactly
// when AppliesAny says it applies.
func TestAppliesAnyAgreesWithScreen(t *testing.T) {
	t.Parallel()
	f := demoRegister()
	idx := f.index(t)
	for _, cats := range [][]int64{f.catIDs("agent-hosting"), f.catIDs("stateless-model-apis"), f.catIDs("training-compute")} {
		deal := screening.Deal{CounterpartyID: f.party["Nimbus Web Services"].ID, CategoryIDs: cats,
			Worldwide: true, NegotiationDate: negDay, TermStart: date("2027-03-01"), TermEnd: date("2031-12-31")}
		rep, err := idx.Screen(deal, today)
		if err != nil {
			t.Fatal(err)
		}
		found := map[int64]bool{}
		for _, fd := range rep.Findings {
			found[fd.ClauseID] = true
		}
		for id := range idx.ClauseVersions() {
			if got := idx.AppliesAny(deal, today, []int64{id}); got != found[id] {
				t.Errorf("categories %v, clause %d: AppliesAny %v, finding %v", cats, id, got, found[id])
			}
		}
	}
}
