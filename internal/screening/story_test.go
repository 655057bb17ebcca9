package screening_test

import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/screening"

// The seed story (shared/seed): Lumen wants Nimbus Web Services, the rival
// cloud, as the exclusive provider for Frontier, its agent platform, while
// Azurine holds an exclusivity on Lumen's stateless model APIs (§4.2) and a
// non-binding September memorandum lets Lumen explore outside
// collaborations with notice. Whether the deal breaches §4.2 turns on
// whether agent hosting is a stateless model API: on the taxonomy it is
// not, so §4.2 is only noted; if the deal also covered stateless model
// APIs, it would breach §4.2.
func TestSeedStory(t *testing.T) {
	t.Parallel()
	f := demoRegister()
	idx := f.index(t)
	frontier := screening.Deal{CounterpartyID: f.party["Nimbus Web Services"].ID, CategoryIDs: f.catIDs("agent-hosting"),
		Worldwide: true, NegotiationDate: negDay, TermStart: date("2027-03-01"), TermEnd: date("2031-12-31")}

	t.Run("agentic-platform hosting", func(t *testing.T) {
		rep, err := idx.Screen(frontier, today)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(describe(rep))
		want := map[string]screening.Severity{ // section → severity; nothing else may apply
			"4.2": screening.Info,    // exclusivity on stateless model APIs: related through AI services
			"2":   screening.Caution, // memorandum: 30 days' notice for AI services except stateless APIs
			"3":   screening.Caution, // memorandum: first negotiation for agentic platforms
			"4":   screening.Caution, // Meridian: consent before cloud exclusives in AI services
			"8":   screening.Info,    // Halcyon MFN on model weights: related
			// Cumulo's lease (preferred provider for fine-tuning, related)
			// ends on 2027-01-04, before negotiation and term: it does not apply.
		}
		got := map[string]screening.Severity{}
		for _, fd := range rep.Findings {
			got[fd.Section] = fd.Severity
		}
		if len(got) != len(want) {
			t.Errorf("findings %v, want %v", got, want)
		}
		for s, sev := range want {
			if got[s] != sev {
				t.Errorf("§%s: %q, want %q", s, got[s], sev)
			}
		}
		if rep.Verdict != screening.Caution {
			t.Errorf("verdict %s, want caution", rep.Verdict)
		}
		excl := find(t, rep, "4.2")
		if excl.Relation != screening.Related || excl.Party.Kind != screening.MatchKind {
			t.Errorf("§4.2: %s / %s", excl.Relation, excl.Party.Kind)
		}
		wantText := "Nimbus Web Services is a cloud provider, and §4.2 restricts any cloud provider except Azurine Cloud. " +
			"Deal category Agent hosting is not within Stateless model APIs covered by §4.2; both sit under AI services, so the relation is noted for the committee."
		if excl.Explanation() != wantText {
			t.Errorf("§4.2 explanation:\n got %s\nwant %s", excl.Explanation(), wantText)
		}
		if excl.Headline() != "§4.2 Exclusivity in Azurine strategic partnership" || !strings.Contains(excl.Text, "exclusive cloud provider") {
			t.Errorf("§4.2 names %q and quotes %q", excl.Headline(), excl.Text)
		}
		notice := find(t, rep, "2")
		if notice.ActBy == nil || notice.ActBy.Format(dealgate.DateLayout) != "2026-12-16" || notice.Binding {
			t.Errorf("memorandum §2: act by %v, binding %v", notice.ActBy, notice.Binding)
		}
		if !strings.Contains(notice.Explanation(), "Deal category Agent hosting is within AI services, which §2 covers.") {
			t.Errorf("memorandum §2: %s", notice.Explanation())
		}
		if rep.Taxonomy.Label() != "Version 1" {
			t.Errorf("taxonomy %s", rep.Taxonomy.Label())
		}
	})

	t.Run("also covering stateless model APIs", func(t *testing.T) {
		deal := frontier
		deal.CategoryIDs = f.catIDs("agent-hosting", "stateless-model-apis")
		rep, err := idx.Screen(deal, today)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(describe(rep))
		if rep.Verdict != screening.Conflict {
			t.Fatalf("verdict %s, want conflict", rep.Verdict)
		}
		excl := rep.Findings[0]
		if excl.Section != "4.2" || excl.Severity != screening.Conflict || excl.Relation != screening.Within {
			t.Fatalf("first finding %s %s %s", excl.Section, excl.Severity, excl.Relation)
		}
		if !strings.Contains(excl.Explanation(), "Deal category Stateless model APIs is covered by §4.2. As described, the deal would breach this binding exclusivity in favour of Azurine Cloud") {
			t.Errorf("§4.2 explanation: %s", excl.Explanation())
		}
		// The memorandum excludes stateless model APIs, but the deal's agent
		// hosting is still within §2.
		if m := find(t, rep, "2"); m.Relation != screening.Within || m.Category.Deal.Key != "agent-hosting" {
			t.Errorf("memorandum §2: %s on %s", m.Relation, m.Category.Deal.Key)
		}
	})

	t.Run("Azurine itself is never restricted by its own clauses", func(t *testing.T) {
		deal := frontier
		deal.CounterpartyID = f.party["Azurine Cloud"].ID
		deal.CategoryIDs = f.catIDs("stateless-model-apis", "agent-hosting", "training-compute")
		rep, err := idx.Screen(deal, today)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range rep.Findings {
			if fd.Beneficiary.Name == "Azurine Cloud" {
				t.Errorf("Azurine restricted by its own clause %s", fd.Headline())
			}
		}
	})

	t.Run("expired and terminated agreements never apply", func(t *testing.T) {
		deal := frontier
		deal.CounterpartyID = f.party["Orbital GPU"].ID
		deal.CategoryIDs = f.catIDs("inference-hosting", "ai-applications")
		deal.Regions, deal.Worldwide = []string{"EU"}, false
		rep, err := idx.Screen(deal, today)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(describe(rep))
		for _, fd := range rep.Findings {
			if fd.AgreementTitle == "Strato Cloud burst inference agreement" || fd.AgreementTitle == "Northwind integration services agreement" {
				t.Errorf("%s applied", fd.Headline())
			}
		}
		// Azurine's first refusal over inference hosting applies to anyone.
		if fd := find(t, rep, "5.1"); fd.Severity != screening.Caution || fd.ActBy.Format(dealgate.DateLayout) != "2027-01-15" {
			t.Errorf("§5.1: %s by %v", fd.Severity, fd.ActBy)
		}
	})
}

func find(t *testing.T, rep screening.Report, section string) screening.Finding {
	t.Helper()
	for _, f := range rep.Findings {
		if f.Section == section {
			return f
		}
	}
	t.Fatalf("no finding for §%s in%s", section, describe(rep))
	return screening.Finding{}
}
