package dealgate

import "strings"
import "testing"

func dealTaxonomy() *Taxonomy {
	root := int64(1)
	return NewTaxonomy(TaxonomyVersion{ID: 7, Number: 3, Status: TaxonomyPublished}, []Category{
		{ID: 1, Key: "ai", Name: "AI services"},
		{ID: 2, Key: "agent-hosting", Name: "Agent hosting", ParentID: &root},
		{ID: 3, Key: "old", Name: "Old thing", ParentID: &root, Retired: true},
	})
}

func completeInput() DealInput {
	return DealInput{
		Title: "Agent hosting with Nimbus", Counterparty: "Nimbus", CategoryIDs: []string{"2"},
		Description: "Hosting of agents.", Rationale: "Redundancy.", Value: "1,000,000", Currency: "USD",
		TermStart: "2027-01-01", TermEnd: "2028-01-01", Regions: []string{"us", "EU"},
		NegotiationStart: "2026-12-15", Sponsor: "Head of Platform",
	}
}

var dealToday = Day(2026, 12, 1)

func TestDealValidateSubmitComplete(t *testing.T) {
	in := completeInput()
	party := &PartyRef{ID: 9, Name: "Nimbus Web Services"}
	c, newParty, err := in.Validate(dealToday, CheckSubmit, DealLookup{Party: party, Taxonomy: dealTaxonomy()})
	if err != nil {
		t.Fatalf("complete deal refused: %v %v", err, ErrorFields(err))
	}
	if newParty != nil || c.Counterparty.ID != 9 || len(c.Categories) != 1 || c.Categories[0].Name != "Agent hosting" {
		t.Fatalf("content %+v new %v", c, newParty)
	}
	if c.Value.Minor != 100000000 || strings.Join(c.Regions, ",") != "US,EU" || c.Territory() != "United States, European Union" {
		t.Fatalf("value %v regions %v", c.Value, c.Regions)
	}
}

func TestDealValidateSubmitRefusesIncomplete(t *testing.T) {
	in := DealInput{Title: "Half a deal", TermStart: "2027-02-01", TermEnd: "2027-01-01", NegotiationStart: "2026-12-01",
		Value: "-5", Currency: "USD", CategoryIDs: []string{"3", "999", "x"}, Counterparty: "Unknown Co"}
	_, _, err := in.Validate(dealToday, CheckSubmit, DealLookup{Taxonomy: dealTaxonomy()})
	fields := ErrorFields(err)
	for f, want := range map[string]string{
		"term_end": "end after it starts", "negotiation_start": "after today", "value": "negative",
		"categories": "current taxonomy", "counterparty": "No party", "description": "Describe",
		"rationale": "rationale", "regions": "worldwide", "sponsor": "sponsor",
	} {
		if !strings.Contains(fields[f], want) {
			t.Errorf("%s: %q, want it to mention %q", f, fields[f], want)
		}
	}
}

func TestDealValidateDraftNeedsOnlyATitle(t *testing.T) {
	in := DealInput{Title: "  Early idea  ", Currency: "USD"}
	c, _, err := in.Validate(dealToday, CheckDraft, DealLookup{})
	if err != nil || c.Title != "Early idea" || c.Value != nil {
		t.Fatalf("draft: %+v %v", c, err)
	}
	in = DealInput{}
	if _, _, err := in.Validate(dealToday, CheckDraft, DealLookup{}); ErrorFields(err)["title"] == "" {
		t.Fatal("a draft without a title was accepted")
	}
	in = DealInput{Title: strings.Repeat("x", 301), Description: strings.Repeat("y", 20001), TermStart: "2026-13-01"}
	fields := ErrorFields(func() error { _, _, err := in.Validate(dealToday, CheckDraft, DealLookup{}); return err }())
	if fields["title"] == "" || fields["description"] == "" || fields["term_start"] == "" {
		t.Fatalf("oversized or malformed draft: %v", fields)
	}
}

func TestDealValidateProposesNewParty(t *testing.T) {
	in := completeInput()
	in.Counterparty, in.NewCounterparty, in.NewCounterpartyKind = "Brand New Cloud", true, PartyCloudProvider
	c, p, err := in.Validate(dealToday, CheckSubmit, DealLookup{Taxonomy: dealTaxonomy()})
	if err != nil || p == nil || p.Name != "Brand New Cloud" || c.Counterparty != nil {
		t.Fatalf("proposal: %v %+v %v", p, c.Counterparty, ErrorFields(err))
	}
	in.NewCounterpartyKind = "spaceship"
	if _, _, err := in.Validate(dealToday, CheckSubmit, DealLookup{Taxonomy: dealTaxonomy()}); ErrorFields(err)["new_counterparty_kind"] == "" {
		t.Fatalf("bad kind accepted: %v", ErrorFields(err))
	}
}

func TestMaterialChanges(t *testing.T) {
	in := completeInput()
	look := DealLookup{Party: &PartyRef{ID: 9, Name: "Nimbus"}, Taxonomy: dealTaxonomy()}
	base, _, err := in.Validate(dealToday, CheckSubmit, look)
	if err != nil {
		t.Fatal(err)
	}
	change := func(f func(*DealInput)) DealContent {
		in := completeInput()
		f(&in)
		c, _, err := in.Validate(dealToday, CheckSubmit, look)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cases := []struct {
		name string
		f    func(*DealInput)
		want string
	}{
		{"title only", func(in *DealInput) { in.Title = "Renamed" }, ""},
		{"value within 10%", func(in *DealInput) { in.Value = "1,100,000" }, ""},
		{"value beyond 10%", func(in *DealInput) { in.Value = "1,100,001" }, "Estimated value"},
		{"currency", func(in *DealInput) { in.Currency = "EUR" }, "Estimated value"},
		{"negotiation", func(in *DealInput) { in.NegotiationStart = "2026-12-20" }, "Proposed negotiation start"},
		{"territory", func(in *DealInput) { in.Regions, in.Worldwide = nil, true }, "Territory"},
		{"term", func(in *DealInput) { in.TermEnd = "2029-01-01" }, "Term"},
		{"categories", func(in *DealInput) { in.CategoryIDs = []string{"1"} }, "Product categories"},
	}
	for _, tc := range cases {
		got := strings.Join(MaterialChanges(base, change(tc.f), DefaultMaterialValuePercent), ",")
		if got != tc.want {
			t.Errorf("%s: material %q, want %q", tc.name, got, tc.want)
		}
	}
	other := base
	other.Counterparty = &PartyRef{ID: 10, Name: "Azurine"}
	if got := MaterialChanges(base, other, 10); len(got) != 1 || got[0] != "Counterparty" {
		t.Errorf("counterparty: %v", got)
	}
	rows := CompareDeals(base, other)
	if rows[1].Field.Key != "counterparty" || !rows[1].Changed || rows[0].Changed {
		t.Errorf("comparison: %+v", rows[:2])
	}
}

func TestDealPolicy(t *testing.T) {
	u := func(id int64, roles ...Role) *User { return &User{ID: id, Status: UserActive, Roles: roles} }
	counsel, other, chair, auditor := u(1, RoleCounsel), u(2, RoleCounsel), u(3, RoleChair, RoleMember), u(4, RoleAuditor)
	draft := Deal{AuthorID: 1, Status: DealDraft, Shares: []DealShare{{UserID: 5, Access: ShareRead}}}
	reader := u(5, RoleCounsel)
	submitted := draft
	submitted.Status = DealSubmitted
	check := func(name string, who *User, d Deal, op DealOp, want string) {
		t.Helper()
		if got := ErrorCode(AuthorizeDeal(who, d.Relation(who), op)); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	check("author edits draft", counsel, draft, DealEdit, "")
	check("other counsel, draft", other, draft, DealRead, ENOTFOUND)
	check("chair, draft", chair, draft, DealRead, ENOTFOUND)
	check("shared reader reads draft", reader, draft, DealRead, "")
	check("shared reader cannot edit", reader, draft, DealEdit, EFORBIDDEN)
	check("other counsel, submitted", other, submitted, DealRead, ENOTFOUND)
	check("chair reads submitted", chair, submitted, DealRead, "")
	check("chair cannot edit", chair, submitted, DealEdit, EFORBIDDEN)
	check("auditor reads submitted", auditor, submitted, DealRead, "")
	check("reader cannot share", reader, submitted, DealManage, EFORBIDDEN)
	editor := draft
	editor.Shares = []DealShare{{UserID: 5, Access: ShareEdit}}
	check("shared editor edits", reader, editor, DealEdit, "")
	check("shared editor cannot delete", reader, editor, DealManage, EFORBIDDEN)
	gone := &User{ID: 1, Status: UserDeactivated, Roles: []Role{RoleCounsel}}
	check("deactivated author", gone, draft, DealRead, ENOTFOUND)
}

func TestDealSnapshotReadsInWords(t *testing.T) {
	in := completeInput()
	c, _, err := in.Validate(dealToday, CheckSubmit, DealLookup{Party: &PartyRef{ID: 9, Name: "Nimbus"}, Taxonomy: dealTaxonomy()})
	if err != nil {
		t.Fatal(err)
	}
	s := Deal{Status: DealSubmitted, Content: c, Shares: []DealShare{{Name: "Bea Counsel", Email: "b@example.com", Access: ShareRead}, {Email: "c@example.com", Access: ShareEdit}}}.Snapshot()
	if s["territory"] != "United States, European Union" || s["counterparty"] != "Nimbus" || s["value"] != "USD 1,000,000.00" ||
		s["shared_with"] != "Bea Counsel (can read), c@example.com (can edit)" || s["negotiation_start"] != "15 December 2026" {
		t.Fatalf("snapshot: %v", s)
	}
}
