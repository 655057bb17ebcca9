package screening_test

import "strings"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/screening"

// One clause, one deal: every rule and its boundaries. The base clause is a
// binding exclusivity in favour of Azurine Cloud on Stateless model APIs,
// restricting any cloud provider except Azurine Cloud, worldwide, in an
// agreement in force from 2020 to 2030; the base deal is with Nimbus Web
// Services for Stateless model APIs, worldwide, negotiation from
// 2027-01-15, judged on 2026-11-25.

type ruleCase struct {
	name     string
	agr      func(*agreement)
	clause   func(*fixture, *dealgate.Clause)
	deal     func(*fixture, *screening.Deal)
	today    time.Time // zero: 2026-11-25
	want     screening.Severity
	relation screening.Relation // checked when there is a finding
	match    screening.PartyMatchKind
	actBy    string   // checked when set
	explain  []string // substrings of the explanation
}

func ruleCases() []ruleCase {
	return []ruleCase{
		// Severity by kind and relation.
		{name: "exclusivity within, binding", want: screening.Conflict, relation: screening.Within, match: screening.MatchKind,
			explain: []string{"Nimbus Web Services is a cloud provider, and §4.2 restricts any cloud provider except Azurine Cloud.",
				"Deal category Stateless model APIs is covered by §4.2.", "would breach this binding exclusivity in favour of Azurine Cloud"}},
		{name: "non-compete within, binding", clause: kind(dealgate.ClauseNonCompete), want: screening.Conflict, relation: screening.Within,
			explain: []string{"binding non-compete"}},
		{name: "non-binding memorandum", agr: func(a *agreement) { a.binding = false }, want: screening.Caution, relation: screening.Within,
			explain: []string{"The agreement is non-binding, so this is a caution rather than a conflict."}},
		{name: "non-binding non-compete", agr: func(a *agreement) { a.binding = false }, clause: kind(dealgate.ClauseNonCompete), want: screening.Caution},
		{name: "broader deal category", deal: cats("foundation-models"), want: screening.Caution, relation: screening.Broader,
			explain: []string{"Deal category Foundation models includes Stateless model APIs, which §4.2 covers", "Narrow the deal to leave out Stateless model APIs"}},
		{name: "broader top-level deal category", deal: cats("ai-services"), want: screening.Caution, relation: screening.Broader},
		{name: "related through a shared ancestor", deal: cats("agent-hosting"), want: screening.Info, relation: screening.Related,
			explain: []string{"Deal category Agent hosting is not within Stateless model APIs covered by §4.2; both sit under AI services, so the relation is noted for the committee."}},
		{name: "related sibling", deal: cats("model-weights-licensing"), want: screening.Info, relation: screening.Related, explain: []string{"both sit under Foundation models"}},
		{name: "unrelated top-level category", deal: cats("training-compute"), want: screening.Clear},
		{name: "descendant of a covered category", clause: covers("foundation-models"), want: screening.Conflict, relation: screening.Within,
			explain: []string{"Deal category Stateless model APIs is within Foundation models, which §4.2 covers."}},
		{name: "within beats related across deal categories", deal: cats("agent-hosting", "stateless-model-apis"), want: screening.Conflict, relation: screening.Within},
		{name: "within beats broader across deal categories", deal: cats("ai-services", "stateless-model-apis"), want: screening.Conflict, relation: screening.Within},

		// Exclusions.
		{name: "excluded sub-category", clause: func(f *fixture, c *dealgate.Clause) {
			c.Categories, c.ExcludedCategories = f.cats("ai-services"), f.cats("stateless-model-apis")
		}, want: screening.Info, relation: screening.Related,
			explain: []string{"Deal category Stateless model APIs falls under AI services, which §4.2 covers, but §4.2 excludes Stateless model APIs"}},
		{name: "inside an excluded category", clause: func(f *fixture, c *dealgate.Clause) {
			c.Categories, c.ExcludedCategories = f.cats("ai-services"), f.cats("foundation-models")
		}, want: screening.Info, relation: screening.Related, explain: []string{"excludes Foundation models, which contains it"}},
		{name: "exclusion of a sibling leaves the category within", clause: func(f *fixture, c *dealgate.Clause) {
			c.Categories, c.ExcludedCategories = f.cats("ai-services"), f.cats("stateless-model-apis")
		}, deal: cats("model-weights-licensing"), want: screening.Conflict, relation: screening.Within},
		{name: "deal broader than an exclusion is within what remains", clause: func(f *fixture, c *dealgate.Clause) {
			c.Categories, c.ExcludedCategories = f.cats("ai-services"), f.cats("stateless-model-apis")
		}, deal: cats("foundation-models"), want: screening.Conflict, relation: screening.Within},

		// Dates: the agreement active on the negotiation date or during the term.
		{name: "agreement expires on the negotiation date", agr: expires("2027-01-15"), want: screening.Conflict},
		{name: "agreement expired the day before", agr: expires("2027-01-14"), want: screening.Clear},
		{name: "agreement takes effect on the negotiation date", agr: effective("2027-01-15"), want: screening.Conflict},
		{name: "agreement takes effect the day after", agr: effective("2027-01-16"), want: screening.Clear},
		{name: "agreement takes effect during the term", agr: effective("2027-06-01"),
			deal: term("2027-02-01", "2029-01-31"), want: screening.Conflict,
			explain: []string{"It is not yet in force when negotiation starts on 15 January 2027 but takes effect on 1 June 2027, during the deal's term."}},
		{name: "agreement takes effect the day after the term", agr: effective("2029-02-01"), deal: term("2027-02-01", "2029-01-31"), want: screening.Clear},
		{name: "open-ended term reaches a later agreement", agr: effective("2035-01-01"), deal: term("2027-02-01", ""), want: screening.Conflict},
		{name: "term without a start starts at negotiation", agr: effective("2028-01-01"), deal: term("", "2028-01-01"), want: screening.Conflict},
		{name: "clause window ends before the negotiation date", clause: func(_ *fixture, c *dealgate.Clause) { c.ValidUntil = date("2027-01-14") }, want: screening.Clear},
		{name: "clause window ends on the negotiation date", clause: func(_ *fixture, c *dealgate.Clause) { c.ValidUntil = date("2027-01-15") }, want: screening.Conflict},
		{name: "clause window starts after the term", clause: func(_ *fixture, c *dealgate.Clause) { c.ValidFrom = date("2028-01-01") },
			deal: term("2027-01-15", "2027-12-31"), want: screening.Clear},
		{name: "clause window starts on the term's last day", clause: func(_ *fixture, c *dealgate.Clause) { c.ValidFrom = date("2027-12-31") },
			deal: term("2027-01-15", "2027-12-31"), want: screening.Conflict},
		{name: "draft agreement", agr: func(a *agreement) { a.status = dealgate.StatusDraft }, want: screening.Clear},
		{name: "terminated agreement", agr: func(a *agreement) { a.status = dealgate.StatusTerminated }, want: screening.Clear},
		{name: "retired clause", clause: func(_ *fixture, c *dealgate.Clause) { c.RetiredAt = ptr(today) }, want: screening.Clear},

		// Territory.
		{name: "regional clause, deal in a country of the region", clause: regions("EU"), deal: dealRegions("DE"), want: screening.Conflict,
			explain: []string{"§4.2 applies in European Union, which the deal's territory overlaps."}},
		{name: "regional clause, worldwide deal", clause: regions("EU"), want: screening.Conflict},
		{name: "worldwide clause, regional deal", deal: dealRegions("JP"), want: screening.Conflict},
		{name: "disjoint territories", clause: regions("EU"), deal: dealRegions("US", "CA"), want: screening.Clear},
		{name: "United Kingdom is not in the European Union", clause: regions("UK"), deal: dealRegions("EU"), want: screening.Clear},
		{name: "EEA overlaps EU", clause: regions("EEA"), deal: dealRegions("EU"), want: screening.Conflict},
		{name: "EMEA contains France", clause: regions("EMEA"), deal: dealRegions("FR"), want: screening.Conflict},
		{name: "North America and Latin America share Mexico", clause: regions("NA"), deal: dealRegions("LATAM"), want: screening.Conflict},
		{name: "Brazil is not in North America", clause: regions("NA"), deal: dealRegions("BR"), want: screening.Clear},
		{name: "APAC contains Singapore", clause: regions("APAC"), deal: dealRegions("SG"), want: screening.Conflict},

		// Parties.
		{name: "named counterparty", clause: named("Nimbus Web Services"), want: screening.Conflict, match: screening.MatchNamed,
			explain: []string{"§4.2 restricts Nimbus Web Services by name."}},
		{name: "affiliate: subsidiary of a restricted party", clause: named("Nimbus Inc."), want: screening.Conflict, match: screening.MatchAffiliate,
			explain: []string{"§4.2 restricts Nimbus Inc. by name, and Nimbus Web Services belongs to it, so §4.2 covers Nimbus Web Services as an affiliate."}},
		{name: "affiliate: parent of a restricted party", clause: named("Nimbus Web Services"), deal: counterparty("Nimbus Inc."),
			want: screening.Conflict, match: screening.MatchAffiliate, explain: []string{"Nimbus Inc. is its parent company"}},
		{name: "affiliate: sibling of a restricted party", clause: named("Nimbus Labs"), want: screening.Conflict, match: screening.MatchAffiliate,
			explain: []string{"belongs to the same corporate family (Nimbus Inc.)"}},
		{name: "named party of another family", clause: named("Cumulo Compute"), want: screening.Clear},
		{name: "class: counterparty of the restricted kind", want: screening.Conflict, match: screening.MatchKind},
		{name: "class: counterparty of another kind", clause: func(_ *fixture, c *dealgate.Clause) { c.RestrictedKind = dealgate.PartyModelDeveloper }, want: screening.Clear},
		{name: "class with the counterparty excepted", clause: func(f *fixture, c *dealgate.Clause) { c.Exceptions = f.refs("Azurine Cloud", "Nimbus Web Services") }, want: screening.Clear},
		{name: "class excepting the parent only still restricts its subsidiary", clause: func(f *fixture, c *dealgate.Clause) { c.Exceptions = f.refs("Nimbus Inc.") },
			want: screening.Conflict},
		{name: "any party", clause: anyParty(), want: screening.Conflict, match: screening.MatchAny,
			explain: []string{"§4.2 restricts any party except Azurine Cloud, which includes Nimbus Web Services."}},
		{name: "any party, counterparty excepted", clause: func(f *fixture, c *dealgate.Clause) {
			c.Scope, c.RestrictedKind, c.Exceptions = dealgate.RestrictAny, "", f.refs("Nimbus Web Services")
		}, want: screening.Clear},
		{name: "beneficiary is never restricted", clause: func(f *fixture, c *dealgate.Clause) {
			c.Scope, c.RestrictedKind, c.Exceptions, c.Beneficiary = dealgate.RestrictAny, "", nil, f.ref("Nimbus Web Services")
		}, want: screening.Clear},
		{name: "beneficiary's own affiliate is never restricted", clause: func(f *fixture, c *dealgate.Clause) {
			c.Scope, c.RestrictedKind, c.Exceptions, c.Beneficiary = dealgate.RestrictAny, "", nil, f.ref("Nimbus Inc.")
		}, want: screening.Clear},
		{name: "beneficiary's affiliate even when named", clause: func(f *fixture, c *dealgate.Clause) {
			c.Scope, c.RestrictedKind, c.Exceptions = dealgate.RestrictNamed, "", nil
			c.RestrictedParties, c.Beneficiary = f.refs("Nimbus Web Services"), f.ref("Nimbus Labs")
		}, want: screening.Clear},

		// First refusal and first negotiation: the first-offer date.
		{name: "first refusal before the first-offer date", clause: firstOffer(dealgate.ClauseRightOfFirstRefusal, 30),
			want: screening.Caution, actBy: "2026-12-16",
			explain: []string{"Offer the deal to Azurine Cloud by 16 December 2026 (30 days' notice before negotiation starts on 15 January 2027)."}},
		{name: "first refusal on the first-offer date", clause: firstOffer(dealgate.ClauseRightOfFirstRefusal, 30), today: dealgate.Day(2026, 12, 16),
			want: screening.Caution, actBy: "2026-12-16"},
		{name: "first refusal the day after the first-offer date", clause: firstOffer(dealgate.ClauseRightOfFirstRefusal, 30), today: dealgate.Day(2026, 12, 17),
			want: screening.Conflict, actBy: "2026-12-16",
			explain: []string{"The date to offer the deal to Azurine Cloud was 16 December 2026 (30 days' notice before negotiation starts on 15 January 2027) and has passed: starting negotiation as planned would breach this right of first refusal."}},
		{name: "non-binding first refusal past its date stays a caution", agr: func(a *agreement) { a.binding = false },
			clause: firstOffer(dealgate.ClauseRightOfFirstRefusal, 30), today: dealgate.Day(2026, 12, 17), want: screening.Caution,
			explain: []string{"has passed. The agreement is non-binding"}},
		{name: "first negotiation without a notice period: by the negotiation date", clause: firstOffer(dealgate.ClauseRightOfFirstNegotiation, -1),
			today: negDay, want: screening.Caution, actBy: "2027-01-15",
			explain: []string{"Offer Azurine Cloud negotiations first by 15 January 2027 (the negotiation date; the clause sets no notice period)."}},
		{name: "first negotiation past the negotiation date", clause: firstOffer(dealgate.ClauseRightOfFirstNegotiation, -1),
			today: negDay.AddDate(0, 0, 1), want: screening.Conflict},
		{name: "first refusal on a broader category", clause: firstOffer(dealgate.ClauseRightOfFirstRefusal, 30), deal: cats("foundation-models"),
			want: screening.Caution, relation: screening.Broader, explain: []string{"Narrow the deal to leave out Stateless model APIs, or offer the deal to Azurine Cloud by 16 December 2026"}},
		{name: "first refusal on a related category is info even when past", clause: firstOffer(dealgate.ClauseRightOfFirstRefusal, 30), deal: cats("agent-hosting"),
			today: dealgate.Day(2027, 3, 1), want: screening.Info},

		// Cautions that name what to do and by when.
		{name: "notice required", clause: noticeClause(30), want: screening.Caution, actBy: "2026-12-16",
			explain: []string{"Give Azurine Cloud written notice by 16 December 2026 (30 days' notice before negotiation starts on 15 January 2027)."}},
		{name: "notice required, date passed", clause: noticeClause(30), today: dealgate.Day(2026, 12, 20), want: screening.Caution,
			explain: []string{"has passed: with notice given today, negotiation can start on 19 January 2027 at the earliest."}},
		{name: "consent required", clause: kind(dealgate.ClauseConsentRequired), want: screening.Caution,
			explain: []string{"Obtain Azurine Cloud's written consent before negotiation starts on 15 January 2027."}},
		{name: "consent required with a notice period", clause: func(f *fixture, c *dealgate.Clause) {
			c.Kind, c.NoticeDays = dealgate.ClauseConsentRequired, ptr(10)
		}, want: screening.Caution, actBy: "2027-01-05"},
		{name: "most-favoured nation", clause: kind(dealgate.ClauseMostFavouredNation), want: screening.Caution,
			explain: []string{"no better than those Azurine Cloud has"}},
		{name: "preferred provider", clause: kind(dealgate.ClausePreferredProvider), want: screening.Caution,
			explain: []string{"Consider Azurine Cloud first, as the preferred provider of Stateless model APIs, and record why Nimbus Web Services is chosen"}},
		{name: "preferred provider, related category", clause: kind(dealgate.ClausePreferredProvider), deal: cats("agent-hosting"), want: screening.Info},
		{name: "consent required, broader category", clause: kind(dealgate.ClauseConsentRequired), deal: cats("foundation-models"), want: screening.Caution,
			relation: screening.Broader, explain: []string{"Narrow the deal to leave out Stateless model APIs, or obtain"}},
	}
}

func TestRules(t *testing.T) {
	t.Parallel()
	for _, tc := range ruleCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture()
			a := agreement{1, "Azurine strategic partnership", "Azurine Cloud", true, dealgate.StatusActive, "2020-01-01", "2030-12-31"}
			if tc.agr != nil {
				tc.agr(&a)
			}
			c := dealgate.Clause{Kind: dealgate.ClauseExclusivity, Section: "4.2", Categories: f.cats("stateless-model-apis"),
				Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, Exceptions: f.refs("Azurine Cloud"), Worldwide: true,
				Text: "Azurine shall be the exclusive cloud provider for the hosting of Lumen's Stateless APIs."}
			if tc.clause != nil {
				tc.clause(f, &c)
			}
			added := f.add(a, c)
			deal := screening.Deal{CounterpartyID: f.party["Nimbus Web Services"].ID, CategoryIDs: f.catIDs("stateless-model-apis"),
				Worldwide: true, NegotiationDate: negDay}
			if tc.deal != nil {
				tc.deal(f, &deal)
			}
			day := today
			if !tc.today.IsZero() {
				day = tc.today
			}
			rep, err := f.index(t).Screen(deal, day)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s; findings: %s", rep.Verdict, tc.want, describe(rep))
			}
			if tc.want == screening.Clear {
				if len(rep.Findings) != 0 {
					t.Fatalf("clear with findings: %s", describe(rep))
				}
				return
			}
			if len(rep.Findings) != 1 {
				t.Fatalf("%d findings, want 1: %s", len(rep.Findings), describe(rep))
			}
			got := rep.Findings[0]
			if got.ClauseID != added.ID || got.ClauseVersion != 3 || got.AgreementID != 1 || got.Text != added.Text || got.Kind != added.Kind {
				t.Errorf("finding does not identify its clause: %+v", got)
			}
			if rep.Taxonomy.Number != 1 {
				t.Errorf("taxonomy version %+v", rep.Taxonomy)
			}
			if tc.relation != "" && got.Relation != tc.relation {
				t.Errorf("relation %s, want %s", got.Relation, tc.relation)
			}
			if tc.match != "" && got.Party.Kind != tc.match {
				t.Errorf("party match %s, want %s", got.Party.Kind, tc.match)
			}
			if tc.actBy != "" && (got.ActBy == nil || got.ActBy.Format(dealgate.DateLayout) != tc.actBy) {
				t.Errorf("act by %v, want %s", got.ActBy, tc.actBy)
			}
			text := got.Explanation()
			for _, want := range tc.explain {
				if !strings.Contains(text, want) {
					t.Errorf("explanation lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

func describe(r screening.Report) string {
	var b strings.Builder
	for _, f := range r.Findings {
		b.WriteString("\n  " + string(f.Severity) + " " + f.Headline() + ": " + f.Explanation())
	}
	return b.String()
}

func kind(k dealgate.ClauseKind) func(*fixture, *dealgate.Clause) {
	return func(_ *fixture, c *dealgate.Clause) { c.Kind = k }
}

func covers(keys ...string) func(*fixture, *dealgate.Clause) {
	return func(f *fixture, c *dealgate.Clause) { c.Categories = f.cats(keys...) }
}

func regions(codes ...string) func(*fixture, *dealgate.Clause) {
	return func(_ *fixture, c *dealgate.Clause) { c.Worldwide, c.Regions = false, codes }
}

func named(names ...string) func(*fixture, *dealgate.Clause) {
	return func(f *fixture, c *dealgate.Clause) {
		c.Scope, c.RestrictedKind, c.Exceptions, c.RestrictedParties = dealgate.RestrictNamed, "", nil, f.refs(names...)
	}
}

func anyParty() func(*fixture, *dealgate.Clause) {
	return func(_ *fixture, c *dealgate.Clause) { c.Scope, c.RestrictedKind = dealgate.RestrictAny, "" }
}

func firstOffer(k dealgate.ClauseKind, notice int) func(*fixture, *dealgate.Clause) {
	return func(_ *fixture, c *dealgate.Clause) {
		c.Kind = k
		if notice >= 0 {
			c.NoticeDays = ptr(notice)
		}
	}
}

func noticeClause(days int) func(*fixture, *dealgate.Clause) {
	return func(_ *fixture, c *dealgate.Clause) { c.Kind, c.NoticeDays = dealgate.ClauseNoticeRequired, ptr(days) }
}

func cats(keys ...string) func(*fixture, *screening.Deal) {
	return func(f *fixture, d *screening.Deal) { d.CategoryIDs = f.catIDs(keys...) }
}

func dealRegions(codes ...string) func(*fixture, *screening.Deal) {
	return func(_ *fixture, d *screening.Deal) { d.Worldwide, d.Regions = false, codes }
}

func term(from, until string) func(*fixture, *screening.Deal) {
	return func(_ *fixture, d *screening.Deal) { d.TermStart, d.TermEnd = date(from), date(until) }
}

func counterparty(name string) func(*fixture, *screening.Deal) {
	return func(f *fixture, d *screening.Deal) { d.CounterpartyID = f.party[name].ID }
}

func expires(day string) func(*agreement) { return func(a *agreement) { a.expires = day } }

func effective(day string) func(*agreement) { return func(a *agreement) { a.effective = day } }

func TestScreenRejectsIncompleteDeals(t *testing.T) {
	t.Parallel()
	f := demoRegister()
	idx := f.index(t)
	_, err := idx.Screen(screening.Deal{CounterpartyID: 999, CategoryIDs: []int64{12345}}, today)
	fields := dealgate.ErrorFields(err)
	if dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Fatalf("error %v, want invalid", err)
	}
	for _, k := range []string{"counterparty_id", "category_ids", "regions", "negotiation_date"} {
		if fields[k] == "" {
			t.Errorf("no message for %s: %v", k, fields)
		}
	}
	if _, err := idx.Screen(screening.Deal{CounterpartyID: f.party["Nimbus Web Services"].ID, Worldwide: true, NegotiationDate: negDay}, today); dealgate.ErrorFields(err)["category_ids"] == "" {
		t.Errorf("a deal without categories screened: %v", err)
	}
}
