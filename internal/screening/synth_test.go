package screening_test

import "fmt"
import "math/rand/v2"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/screening"

// synthetic generates a register shaped like the scale seeder's
// (internal/demo/scale.go): the same mix of party kinds and families,
// agreement statuses and windows, clause kinds, restriction scopes,
// regions, notice periods, leaf categories covered and occasional
// exclusions, with text of similar length. The same seed gives the same
// register.
type synthetic struct {
	tax     *dealgate.Taxonomy
	parties []dealgate.Party
	clauses []dealgate.Clause
	leaves  []int64
	all     []int64
	today   time.Time
}

type synthSize struct{ parties, agreements, clauses, categories int }

var scaleSize = synthSize{parties: 5000, agreements: 20000, clauses: 100000, categories: 2000}

func weighted(r *rand.Rand, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

var synthWords = []string{"inference", "training", "agent", "vector", "speech", "vision", "retrieval", "edge", "batch", "safety",
	"evaluation", "orchestration", "hosting", "licensing", "marketplace", "analytics", "storage", "search", "translation", "coding"}

func newSynthetic(size synthSize, seed uint64) *synthetic {
	r := rand.New(rand.NewPCG(seed, 0x5ca1e))
	s := &synthetic{today: dealgate.Day(2026, 11, 25)}
	word := func() string { return synthWords[r.IntN(len(synthWords))] }

	// Taxonomy: up to 12 top-level categories, at most four levels.
	roots := max(1, min(12, size.categories/150))
	depth := map[int64]int{}
	children := map[int64]int{}
	cats := make([]dealgate.Category, 0, size.categories)
	for i := range size.categories {
		id := int64(i + 1)
		var parent *int64
		d := 0
		if i >= roots {
			for {
				p := s.all[r.IntN(len(s.all))]
				if depth[p] < 3 {
					parent, d = &p, depth[p]+1
					break
				}
			}
			children[*parent]++
		}
		name := fmt.Sprintf("%s %s %d", word(), word(), id)
		cats = append(cats, dealgate.Category{ID: id, Key: fmt.Sprintf("c-%d", id), ParentID: parent, Name: name, Position: i})
		depth[id] = d
		s.all = append(s.all, id)
	}
	for _, id := range s.all {
		if children[id] == 0 {
			s.leaves = append(s.leaves, id)
		}
	}
	s.tax = dealgate.NewTaxonomy(dealgate.TaxonomyVersion{ID: 1, Number: 1, Status: dealgate.TaxonomyPublished}, cats)

	// Parties: one in ten has a parent among the earlier ones.
	for i := range size.parties {
		p := dealgate.Party{ID: int64(i + 1), Name: fmt.Sprintf("%s %s Party %d", word(), word(), i+1),
			Kind: dealgate.AllPartyKinds[weighted(r, 30, 25, 20, 15, 10)]}
		if i > 20 && r.IntN(10) == 0 {
			p.ParentID = ptr(int64(r.IntN(i) + 1))
		}
		s.parties = append(s.parties, p)
	}

	// Agreements.
	type agr struct {
		id       int64
		party    int
		binding  bool
		status   dealgate.AgreementStatus
		from     time.Time
		until    *time.Time
		title    string
		clauseNo int
	}
	agrs := make([]agr, size.agreements)
	for i := range agrs {
		a := agr{id: int64(i + 1), party: r.IntN(size.parties), binding: r.IntN(5) != 0,
			status: dealgate.AllAgreementStatuses[weighted(r, 8, 70, 14, 8)]}
		a.from = dealgate.Day(2016+r.IntN(11), time.Month(1+r.IntN(12)), 1+r.IntN(28))
		if r.IntN(8) != 0 {
			e := a.from.AddDate(1+r.IntN(8), r.IntN(12), 0)
			if a.status == dealgate.StatusActive && e.Before(s.today) {
				e = s.today.AddDate(0, 0, r.IntN(3000))
			}
			a.until = &e
		}
		a.title = fmt.Sprintf("%s %s agreement %d", s.parties[a.party].Name, word(), a.id)
		agrs[i] = a
	}

	// Clauses.
	s.clauses = make([]dealgate.Clause, 0, size.clauses)
	for i := range size.clauses {
		a := &agrs[r.IntN(len(agrs))]
		a.clauseNo++
		kind := dealgate.AllClauseKinds[weighted(r, 25, 10, 10, 15, 10, 10, 12, 8)]
		ben := s.parties[a.party].Ref()
		if r.IntN(10) == 0 {
			ben = s.parties[r.IntN(size.parties)].Ref()
		}
		c := dealgate.Clause{ID: int64(i + 1), Version: 1 + int64(r.IntN(3)), AgreementID: a.id, Kind: kind, Beneficiary: ben,
			Scope: dealgate.AllRestrictionScopes[weighted(r, 35, 45, 20)], Worldwide: true,
			AgreementTitle: a.title, AgreementStatus: a.status, AgreementBinding: a.binding,
			AgreementEffectiveOn: ptr(a.from), AgreementExpiresOn: a.until,
			Section: fmt.Sprintf("%d.%d", 1+r.IntN(14), a.clauseNo)}
		if r.IntN(3) == 0 {
			c.Worldwide = false
			for range 1 + r.IntN(3) {
				code := dealgate.Regions[r.IntN(len(dealgate.Regions))].Code
				c.Regions = append(c.Regions, code)
			}
		}
		if a.until != nil && r.IntN(4) == 0 {
			d := a.from.AddDate(0, 0, int(a.until.Sub(a.from).Hours()/24)/2)
			c.ValidUntil = &d
		}
		if kind == dealgate.ClauseNoticeRequired || r.IntN(10) == 0 {
			c.NoticeDays = ptr(15 * (1 + r.IntN(8)))
		}
		cat := func(id int64) dealgate.CategoryRef { cc, _ := s.tax.Category(id); return cc.Ref() }
		covered := s.leaves[r.IntN(len(s.leaves))]
		c.Categories = []dealgate.CategoryRef{cat(covered)}
		if r.IntN(3) == 0 {
			if extra := s.leaves[r.IntN(len(s.leaves))]; extra != covered {
				c.Categories = append(c.Categories, cat(extra))
			}
		}
		if r.IntN(10) == 0 {
			if ex := s.all[r.IntN(len(s.all))]; ex != covered {
				c.ExcludedCategories = []dealgate.CategoryRef{cat(ex)}
			}
		}
		switch c.Scope {
		case dealgate.RestrictNamed:
			c.RestrictedParties = []dealgate.PartyRef{s.parties[r.IntN(size.parties)].Ref()}
		case dealgate.RestrictKind:
			c.RestrictedKind = dealgate.AllPartyKinds[r.IntN(len(dealgate.AllPartyKinds))]
			if r.IntN(2) == 0 {
				c.Exceptions = []dealgate.PartyRef{ben}
			}
		default:
			if r.IntN(2) == 0 {
				c.Exceptions = []dealgate.PartyRef{ben}
			}
		}
		c.Text = fmt.Sprintf("%s shall be the exclusive provider of %s services to the Company during the Term, "+
			"and the Company shall not procure comparable %s services from any other provider without giving %d days' written notice. "+
			"Nothing in this clause restricts %s or %s activities that the parties have agreed in writing.",
			ben.Name, c.Categories[0].Name, word(), 15*(1+r.IntN(8)), word(), word())
		s.clauses = append(s.clauses, c)
	}
	return s
}

func (s *synthetic) index() (*screening.Index, error) {
	return screening.NewIndex(screening.Inputs{Taxonomy: s.tax, Parties: s.parties, Clauses: s.clauses})
}

// deal returns a random deal: one to three categories (leaves or inner
// nodes), worldwide or a few regions, a negotiation date within a year and
// sometimes a term.
func (s *synthetic) deal(r *rand.Rand) screening.Deal {
	d := screening.Deal{CounterpartyID: s.parties[r.IntN(len(s.parties))].ID, Worldwide: r.IntN(2) == 0,
		NegotiationDate: s.today.AddDate(0, 0, r.IntN(365))}
	for range 1 + r.IntN(3) {
		if r.IntN(2) == 0 {
			d.CategoryIDs = append(d.CategoryIDs, s.leaves[r.IntN(len(s.leaves))])
		} else {
			d.CategoryIDs = append(d.CategoryIDs, s.all[r.IntN(len(s.all))])
		}
	}
	if !d.Worldwide {
		for range 1 + r.IntN(3) {
			d.Regions = append(d.Regions, dealgate.Regions[r.IntN(len(dealgate.Regions))].Code)
		}
	}
	if r.IntN(2) == 0 {
		start := d.NegotiationDate.AddDate(0, 1+r.IntN(6), 0)
		end := start.AddDate(1+r.IntN(5), 0, 0)
		d.TermStart, d.TermEnd = &start, &end
	}
	return d
}
