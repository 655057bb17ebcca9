package screening_test

import "fmt"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/screening"

// The demo register (internal/demo/register.go) as plain values: its
// taxonomy, parties and agreements with their clauses. Dates that the demo
// sets relative to today are fixed here.

func ptr[T any](v T) *T { return &v }

var (
	today  = dealgate.Day(2026, 11, 25)
	negDay = dealgate.Day(2027, 1, 15)
)

type fixture struct {
	tax     *dealgate.Taxonomy
	cat     map[string]int64 // key → ID
	party   map[string]dealgate.Party
	parties []dealgate.Party
	clauses []dealgate.Clause
	nextID  int64
}

var demoCategories = [][3]string{ // key, parent key, name
	{"ai-services", "", "AI services"},
	{"foundation-models", "ai-services", "Foundation models"},
	{"stateless-model-apis", "foundation-models", "Stateless model APIs"},
	{"model-weights-licensing", "foundation-models", "Model weights licensing"},
	{"fine-tuning-services", "foundation-models", "Fine-tuning services"},
	{"agentic-platforms", "ai-services", "Agentic platforms"},
	{"agent-hosting", "agentic-platforms", "Agent hosting"},
	{"agent-orchestration-and-management", "agentic-platforms", "Agent orchestration & management"},
	{"ai-applications", "ai-services", "AI applications"},
	{"compute", "", "Compute"},
	{"training-compute", "compute", "Training compute"},
	{"inference-hosting", "compute", "Inference hosting"},
	{"data-services", "", "Data services"},
	{"training-data-licensing", "data-services", "Training data licensing"},
	{"distribution", "", "Distribution"},
	{"marketplace-listing", "distribution", "Marketplace listing"},
}

var demoPartyList = []struct {
	name   string
	kind   dealgate.PartyKind
	parent string
}{
	{"Lumen Labs", dealgate.PartyModelDeveloper, ""},
	{"Azurine Corporation", dealgate.PartyInvestor, ""},
	{"Azurine Cloud", dealgate.PartyCloudProvider, "Azurine Corporation"},
	{"Nimbus Inc.", dealgate.PartyOther, ""},
	{"Nimbus Web Services", dealgate.PartyCloudProvider, "Nimbus Inc."},
	{"Cumulo Compute", dealgate.PartyCloudProvider, ""},
	{"Strato Cloud", dealgate.PartyCloudProvider, ""},
	{"Orbital GPU", dealgate.PartyCloudProvider, ""},
	{"Halcyon AI", dealgate.PartyModelDeveloper, ""},
	{"Vertex Reach Partners", dealgate.PartyReseller, ""},
	{"Northwind Systems Integrators", dealgate.PartyReseller, ""},
	{"Meridian Ventures", dealgate.PartyInvestor, ""},
	{"Quill Data Co.", dealgate.PartyOther, ""},
	// Not in the demo: a second Nimbus subsidiary, for sibling affiliates.
	{"Nimbus Labs", dealgate.PartyModelDeveloper, "Nimbus Inc."},
}

func newFixture() *fixture {
	f := &fixture{cat: map[string]int64{}, party: map[string]dealgate.Party{}, nextID: 1}
	var cats []dealgate.Category
	for i, c := range demoCategories {
		id := int64(100 + i)
		f.cat[c[0]] = id
		var parent *int64
		if c[1] != "" {
			parent = ptr(f.cat[c[1]])
		}
		cats = append(cats, dealgate.Category{ID: id, Key: c[0], ParentID: parent, Name: c[2], Position: i})
	}
	f.tax = dealgate.NewTaxonomy(dealgate.TaxonomyVersion{ID: 7, Number: 1, Status: dealgate.TaxonomyPublished}, cats)
	for i, p := range demoPartyList {
		party := dealgate.Party{ID: int64(10 + i), Name: p.name, Kind: p.kind}
		if p.parent != "" {
			party.ParentID = ptr(f.party[p.parent].ID)
		}
		f.party[p.name] = party
		f.parties = append(f.parties, party)
	}
	return f
}

func (f *fixture) ref(name string) dealgate.PartyRef {
	p, ok := f.party[name]
	if !ok {
		panic("no party " + name)
	}
	return p.Ref()
}

func (f *fixture) refs(names ...string) []dealgate.PartyRef {
	var out []dealgate.PartyRef
	for _, n := range names {
		out = append(out, f.ref(n))
	}
	return out
}

func (f *fixture) cats(keys ...string) []dealgate.CategoryRef {
	var out []dealgate.CategoryRef
	for _, k := range keys {
		c, ok := f.tax.ByKey(k)
		if !ok {
			panic("no category " + k)
		}
		out = append(out, c.Ref())
	}
	return out
}

func (f *fixture) catIDs(keys ...string) []int64 {
	var out []int64
	for _, k := range keys {
		id, ok := f.cat[k]
		if !ok {
			panic("no category " + k)
		}
		out = append(out, id)
	}
	return out
}

// agreement is the part of an agreement a clause carries.
type agreement struct {
	id                 int64
	title              string
	party              string
	binding            bool
	status             dealgate.AgreementStatus
	effective, expires string
}

func date(s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse(dealgate.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// add appends a clause of agreement a; the clause's beneficiary defaults
// to the agreement's party.
func (f *fixture) add(a agreement, c dealgate.Clause) *dealgate.Clause {
	c.ID = f.nextID
	f.nextID++
	c.Version = 3
	c.AgreementID = a.id
	c.AgreementTitle = a.title
	c.AgreementBinding = a.binding
	c.AgreementStatus = a.status
	if c.AgreementStatus == "" {
		c.AgreementStatus = dealgate.StatusActive
	}
	c.AgreementEffectiveOn = date(a.effective)
	c.AgreementExpiresOn = date(a.expires)
	if c.Beneficiary.ID == 0 {
		c.Beneficiary = f.ref(a.party)
	}
	if c.Text == "" {
		c.Text = fmt.Sprintf("Clause text of §%s.", c.Section)
	}
	f.clauses = append(f.clauses, c)
	return &f.clauses[len(f.clauses)-1]
}

func (f *fixture) index(t testing.TB) *screening.Index {
	t.Helper()
	idx, err := screening.NewIndex(screening.Inputs{Taxonomy: f.tax, Parties: f.parties, Clauses: f.clauses})
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// demoRegister loads the demo's agreements and clauses.
func demoRegister() *fixture {
	f := newFixture()
	azurine := agreement{1, "Azurine strategic partnership", "Azurine Cloud", true, dealgate.StatusActive, "2019-07-22", "2032-12-31"}
	f.add(azurine, dealgate.Clause{Kind: dealgate.ClauseExclusivity, Section: "4.2", Categories: f.cats("stateless-model-apis"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, Exceptions: f.refs("Azurine Cloud"), Worldwide: true,
		Text: "During the Term, Azurine shall be the exclusive cloud provider for the hosting of Lumen's stateless application programming interfaces (\"Stateless APIs\", as defined in Schedule A). Lumen shall not make any Stateless API available through, or hosted on, the infrastructure of any other cloud provider."})
	f.add(azurine, dealgate.Clause{Kind: dealgate.ClauseRightOfFirstRefusal, Section: "5.1", Categories: f.cats("training-compute", "inference-hosting"),
		Scope: dealgate.RestrictAny, Worldwide: true, ValidUntil: date("2030-12-31"),
		Text: "Before Lumen contracts for new compute capacity from a third party, Lumen shall notify Azurine of the material terms offered, and Azurine may, within fifteen business days, match those terms, in which case Lumen shall contract with Azurine."})
	f.add(azurine, dealgate.Clause{Kind: dealgate.ClausePreferredProvider, Section: "3.1", Categories: f.cats("compute"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, Exceptions: f.refs("Azurine Cloud"), Worldwide: true})

	mou := agreement{2, "September memorandum of understanding", "Azurine Corporation", false, dealgate.StatusActive, "2025-09-12", ""}
	f.add(mou, dealgate.Clause{Kind: dealgate.ClauseNoticeRequired, Section: "2", Beneficiary: f.ref("Azurine Cloud"),
		Categories: f.cats("ai-services", "compute"), ExcludedCategories: f.cats("stateless-model-apis"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, Exceptions: f.refs("Azurine Cloud"), Worldwide: true, NoticeDays: ptr(30),
		Text: "Lumen may explore collaborations with third parties, including other cloud providers, for products and services outside the scope of Section 4.2 of the Strategic Partnership, provided that Lumen gives Azurine not less than thirty (30) days' written notice before entering into negotiations."})
	f.add(mou, dealgate.Clause{Kind: dealgate.ClauseRightOfFirstNegotiation, Section: "3", Beneficiary: f.ref("Azurine Cloud"),
		Categories: f.cats("agentic-platforms"), Scope: dealgate.RestrictAny, Exceptions: f.refs("Azurine Cloud"), Worldwide: true,
		Text: "Before negotiating with a third party for the hosting or distribution of an agentic platform, Lumen will first discuss in good faith with Azurine whether Azurine can meet Lumen's requirements."})

	nws := agreement{3, "Nimbus Web Services capacity reservation", "Nimbus Web Services", true, dealgate.StatusActive, "2024-03-01", "2027-02-28"}
	f.add(nws, dealgate.Clause{Kind: dealgate.ClauseConsentRequired, Section: "9.3", Categories: f.cats("training-compute"), Scope: dealgate.RestrictAny, Worldwide: true})

	cumulo := agreement{5, "Cumulo Compute GPU lease", "Cumulo Compute", true, dealgate.StatusActive, "2025-02-01", "2027-01-04"}
	f.add(cumulo, dealgate.Clause{Kind: dealgate.ClausePreferredProvider, Section: "2.4", Categories: f.cats("fine-tuning-services"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, Exceptions: f.refs("Cumulo Compute"), Regions: []string{"EU"}})

	strato := agreement{6, "Strato Cloud burst inference agreement", "Strato Cloud", true, dealgate.StatusExpired, "2023-06-01", "2024-06-30"}
	f.add(strato, dealgate.Clause{Kind: dealgate.ClauseExclusivity, Section: "3", Categories: f.cats("inference-hosting"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, Exceptions: f.refs("Strato Cloud"), Regions: []string{"EU"}})

	halcyon := agreement{7, "Halcyon speech model weights licence", "Halcyon AI", true, dealgate.StatusActive, "2025-01-15", "2028-01-14"}
	f.add(halcyon, dealgate.Clause{Kind: dealgate.ClauseNonCompete, Section: "7.1", Categories: f.cats("model-weights-licensing"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyModelDeveloper, Exceptions: f.refs("Halcyon AI"), Regions: []string{"EU", "UK"}, ValidUntil: date("2027-01-14")})
	f.add(halcyon, dealgate.Clause{Kind: dealgate.ClauseMostFavouredNation, Section: "8", Categories: f.cats("model-weights-licensing"), Scope: dealgate.RestrictAny, Worldwide: true})

	vertex := agreement{8, "Vertex Reach reseller agreement", "Vertex Reach Partners", true, dealgate.StatusActive, "2024-10-01", "2027-09-30"}
	f.add(vertex, dealgate.Clause{Kind: dealgate.ClauseMostFavouredNation, Section: "6.2", Categories: f.cats("stateless-model-apis"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyReseller, Exceptions: f.refs("Vertex Reach Partners"), Regions: []string{"NA", "LATAM"}})
	f.add(vertex, dealgate.Clause{Kind: dealgate.ClauseRightOfFirstNegotiation, Section: "6.5", Categories: f.cats("ai-applications"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyReseller, Regions: []string{"LATAM"}})

	meridian := agreement{9, "Meridian Ventures side letter", "Meridian Ventures", true, dealgate.StatusActive, "2024-04-30", ""}
	f.add(meridian, dealgate.Clause{Kind: dealgate.ClauseConsentRequired, Section: "4", Categories: f.cats("ai-services"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, Worldwide: true})

	quill := agreement{10, "Quill news archive licence", "Quill Data Co.", true, dealgate.StatusActive, "2025-03-01", "2027-02-08"}
	f.add(quill, dealgate.Clause{Kind: dealgate.ClauseExclusivity, Section: "2.2", Categories: f.cats("training-data-licensing"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyOther, Exceptions: f.refs("Quill Data Co."), Regions: []string{"UK", "EU"}})

	market := agreement{11, "Azurine marketplace listing terms", "Azurine Cloud", true, dealgate.StatusActive, "2023-11-01", "2026-12-15"}
	f.add(market, dealgate.Clause{Kind: dealgate.ClausePreferredProvider, Section: "1.3", Categories: f.cats("marketplace-listing"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, Exceptions: f.refs("Azurine Cloud"), Worldwide: true, NoticeDays: ptr(14)})

	northwind := agreement{13, "Northwind integration services agreement", "Northwind Systems Integrators", true, dealgate.StatusTerminated, "2022-02-01", "2026-01-31"}
	f.add(northwind, dealgate.Clause{Kind: dealgate.ClauseRightOfFirstNegotiation, Section: "5", Categories: f.cats("ai-applications"),
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyReseller, Worldwide: true})
	return f
}
