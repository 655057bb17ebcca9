package screening_test

import "math/rand/v2"
import "reflect"
import "slices"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/screening"

// An index updated in place for a few changed, added and retired clauses
// screens every deal exactly as one built from scratch on the changed
// register, and leaves the index it was made from as it was.
func TestWithMatchesNewIndex(t *testing.T) {
	t.Parallel()
	for seed := range uint64(4) {
		s := newSynthetic(smallSize, seed+100)
		r := rand.New(rand.NewPCG(seed, 9))
		before, err := s.index()
		if err != nil {
			t.Fatal(err)
		}
		after := slices.Clone(s.clauses)
		var changed []dealgate.Clause
		var drop []int64
		for range 40 {
			i := r.IntN(len(after))
			c := after[i]
			c.Version++
			switch r.IntN(5) {
			case 0: // a new notice period
				c.NoticeDays = ptr(1 + r.IntN(90))
			case 1: // other categories
				c.Categories = []dealgate.CategoryRef{{ID: s.all[r.IntN(len(s.all))]}}
			case 2: // restricts anyone
				c.Scope, c.RestrictedParties = dealgate.RestrictAny, nil
			case 3: // retired
				c.RetiredAt = ptr(s.today)
			default: // renamed agreement: the clause moves in finding order
				c.AgreementTitle = "AAA " + c.AgreementTitle
			}
			after[i] = c
			changed = append(changed, c)
			if r.IntN(4) == 0 {
				drop = append(drop, c.ID)
			}
		}
		// Dropped clauses leave the register; the rest are changed.
		var kept []dealgate.Clause
		var update []dealgate.Clause
		for _, c := range after {
			if !slices.Contains(drop, c.ID) {
				kept = append(kept, c)
			}
		}
		for _, c := range changed {
			if !slices.Contains(drop, c.ID) {
				update = append(update, c)
			}
		}
		want, err := screening.NewIndex(screening.Inputs{Taxonomy: s.tax, Parties: s.parties, Clauses: kept})
		if err != nil {
			t.Fatal(err)
		}
		got := before.With(update, nil, drop)
		old, _ := s.index()
		if got.Clauses() != want.Clauses() {
			t.Fatalf("seed %d: %d clauses after With, want %d", seed, got.Clauses(), want.Clauses())
		}
		for range 60 {
			deal := s.deal(r)
			for _, pair := range [][2]*screening.Index{{got, want}, {before, old}} {
				a, errA := pair[0].Screen(deal, s.today)
				b, errB := pair[1].Screen(deal, s.today)
				if (errA == nil) != (errB == nil) || !reflect.DeepEqual(a, b) {
					t.Fatalf("seed %d: reports differ:\n%s\nvs\n%s", seed, describe(a), describe(b))
				}
			}
		}
	}
}

// ScreenUpTo keeps every conflict and caution and the first info
// findings of Screen's, in the same order, and counts them all.
func TestScreenUpToIsAPrefixOfInfo(t *testing.T) {
	t.Parallel()
	s := newSynthetic(smallSize, 3)
	idx, err := s.index()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 3))
	cut := 0
	for range 100 {
		deal := s.deal(r)
		all, err := idx.Screen(deal, s.today)
		if err != nil {
			t.Fatal(err)
		}
		for _, limit := range []int{0, 1, 5} {
			some, err := idx.ScreenUpTo(deal, s.today, limit)
			if err != nil {
				t.Fatal(err)
			}
			var want []screening.Finding
			infos := 0
			for _, f := range all.Findings {
				if f.Severity == screening.Info {
					if infos++; infos > limit {
						continue
					}
				}
				want = append(want, f)
			}
			if len(want) < len(all.Findings) {
				cut++
			}
			if (len(want) > 0 || len(some.Findings) > 0) && !reflect.DeepEqual(some.Findings, want) || some.Verdict != all.Verdict {
				t.Fatalf("limit %d: findings differ:\n%s\nvs\n%s", limit, describe(some), describe(all))
			}
			for _, sev := range screening.AllSeverities {
				if some.Count(sev) != all.Count(sev) {
					t.Fatalf("limit %d: %d %s counted, want %d", limit, some.Count(sev), sev, all.Count(sev))
				}
			}
		}
	}
	if cut == 0 {
		t.Fatal("no report was cut; the test is vacuous")
	}
}
