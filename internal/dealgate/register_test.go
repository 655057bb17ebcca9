package dealgate_test

import "archive/zip"
import "bytes"
import "strings"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

func ptr[T any](v T) *T { return &v }

var today = dealgate.Day(2026, 11, 25)

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	if dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Fatalf("code %q, want invalid: %v", dealgate.ErrorCode(err), err)
	}
	return dealgate.ErrorFields(err)
}

func TestEnumsParseAndLabel(t *testing.T) {
	t.Parallel()
	for _, k := range dealgate.AllPartyKinds {
		if got, err := dealgate.ParsePartyKind(k.Label()); err != nil || got != k {
			t.Errorf("ParsePartyKind(%q) = %q, %v", k.Label(), got, err)
		}
	}
	for _, k := range dealgate.AllClauseKinds {
		if got, err := dealgate.ParseClauseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseClauseKind(%q) = %q, %v", k, got, err)
		}
		if k.Label() == string(k) {
			t.Errorf("%s has no label", k)
		}
	}
	if got, _ := dealgate.ParseAgreementKind("Memorandum of understanding"); got != dealgate.AgreementMoU {
		t.Errorf("MoU label parsed as %q", got)
	}
	if got, _ := dealgate.ParseAgreementKind("cloud services"); got != dealgate.AgreementCloudServices {
		t.Errorf("spaces for underscores: %q", got)
	}
	if _, err := dealgate.ParseAgreementStatus("pending"); dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Errorf("bad status: %v", err)
	}
}

func TestPartyValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   dealgate.PartyInput
		want map[string]string // field -> substring; nil means valid
	}{
		{"valid", dealgate.PartyInput{Name: " Nimbus  Web Services ", Kind: dealgate.PartyCloudProvider, Aliases: []string{"NWS", "Nimbus"}, Website: "nimbus.example"}, nil},
		{"missing name and kind", dealgate.PartyInput{}, map[string]string{"name": "Enter", "kind": "Choose"}},
		{"alias equals name", dealgate.PartyInput{Name: "Azurine", Kind: dealgate.PartyOther, Aliases: []string{"azurine."}}, map[string]string{"aliases": "is the party's name"}},
		{"alias twice", dealgate.PartyInput{Name: "Azurine", Kind: dealgate.PartyOther, Aliases: []string{"AZ", "az"}}, map[string]string{"aliases": "listed twice"}},
		{"bad website", dealgate.PartyInput{Name: "X", Kind: dealgate.PartyOther, Website: "javascript:alert(1)"}, map[string]string{"website": "web address"}},
		{"long name", dealgate.PartyInput{Name: strings.Repeat("a", 201), Kind: dealgate.PartyOther}, map[string]string{"name": "200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			got := fieldsOf(t, in.Validate())
			if len(got) != len(tt.want) {
				t.Fatalf("fields %v, want %v", got, tt.want)
			}
			for f, sub := range tt.want {
				if !strings.Contains(got[f], sub) {
					t.Errorf("%s: %q, want it to contain %q", f, got[f], sub)
				}
			}
		})
	}
	in := dealgate.PartyInput{Name: " Nimbus  Web Services ", Kind: dealgate.PartyCloudProvider, Website: "nimbus.example"}
	_ = in.Validate()
	if in.Name != "Nimbus Web Services" || in.Website != "https://nimbus.example" {
		t.Errorf("cleaned to %q %q", in.Name, in.Website)
	}
	if dealgate.NormalizePartyName("  Nimbus   Inc. ") != dealgate.NormalizePartyName("nimbus inc") {
		t.Error("normalised names differ")
	}
}

func TestAgreementValidation(t *testing.T) {
	t.Parallel()
	base := func() dealgate.AgreementInput {
		return dealgate.AgreementInput{Title: "Strategic partnership", PartyID: 1, Kind: dealgate.AgreementPartnership,
			Binding: true, Status: dealgate.StatusActive, EffectiveOn: ptr(dealgate.Day(2019, 7, 22)), ExpiresOn: ptr(dealgate.Day(2032, 12, 31)),
			Value: &dealgate.Money{Minor: 1_100_000_000_000, Currency: "USD"}}
	}
	tests := []struct {
		name   string
		change func(*dealgate.AgreementInput)
		want   []string
	}{
		{"valid", func(*dealgate.AgreementInput) {}, nil},
		{"required", func(in *dealgate.AgreementInput) { *in = dealgate.AgreementInput{} }, []string{"title", "party_id", "kind", "status"}},
		{"expiry before effective", func(in *dealgate.AgreementInput) {
			in.ExpiresOn = ptr(dealgate.Day(2018, 1, 1))
			in.Status = dealgate.StatusExpired
		}, []string{"expires_on"}},
		{"active but expired", func(in *dealgate.AgreementInput) { in.ExpiresOn = ptr(dealgate.Day(2025, 1, 1)) }, []string{"status"}},
		{"expired without date", func(in *dealgate.AgreementInput) { in.Status = dealgate.StatusExpired; in.ExpiresOn = nil }, []string{"expires_on"}},
		{"expired in future", func(in *dealgate.AgreementInput) { in.Status = dealgate.StatusExpired }, []string{"status"}},
		{"signed in future", func(in *dealgate.AgreementInput) { in.SignedOn = ptr(dealgate.Day(2027, 1, 1)) }, []string{"signed_on"}},
		{"bad currency", func(in *dealgate.AgreementInput) { in.Value.Currency = "usd" }, []string{"currency"}},
		{"unknown currency", func(in *dealgate.AgreementInput) { in.Value.Currency = "XYZ" }, []string{"currency"}},
		{"negative value", func(in *dealgate.AgreementInput) { in.Value.Minor = -1 }, []string{"value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.change(&in)
			got := fieldsOf(t, in.Validate(today))
			if len(got) != len(tt.want) {
				t.Fatalf("fields %v, want %v", got, tt.want)
			}
			for _, f := range tt.want {
				if got[f] == "" {
					t.Errorf("no message for %s in %v", f, got)
				}
			}
		})
	}
}

func TestClauseValidation(t *testing.T) {
	t.Parallel()
	a := dealgate.Agreement{EffectiveOn: ptr(dealgate.Day(2019, 7, 22)), ExpiresOn: ptr(dealgate.Day(2032, 12, 31))}
	base := func() dealgate.ClauseInput {
		return dealgate.ClauseInput{Kind: dealgate.ClauseExclusivity, BeneficiaryID: 1, CategoryIDs: []int64{10},
			Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, ExceptionPartyIDs: []int64{1},
			Worldwide: true, Text: "Azurine shall be the exclusive host."}
	}
	tests := []struct {
		name   string
		change func(*dealgate.ClauseInput)
		want   []string
	}{
		{"valid", func(*dealgate.ClauseInput) {}, nil},
		{"required", func(in *dealgate.ClauseInput) { *in = dealgate.ClauseInput{} }, []string{"kind", "beneficiary_id", "category_ids", "restriction_scope", "regions", "text"}},
		{"covered and excluded", func(in *dealgate.ClauseInput) { in.ExcludedCategoryIDs = []int64{10} }, []string{"excluded_category_ids"}},
		{"named without parties", func(in *dealgate.ClauseInput) { in.Scope = dealgate.RestrictNamed }, []string{"restricted_party_ids"}},
		{"kind without kind", func(in *dealgate.ClauseInput) { in.RestrictedKind = "" }, []string{"restricted_kind"}},
		{"unknown region", func(in *dealgate.ClauseInput) { in.Worldwide = false; in.Regions = []string{"Atlantis"} }, []string{"regions"}},
		{"window reversed", func(in *dealgate.ClauseInput) {
			in.ValidFrom, in.ValidUntil = ptr(dealgate.Day(2025, 1, 1)), ptr(dealgate.Day(2024, 1, 1))
		}, []string{"valid_until"}},
		{"outlasts agreement", func(in *dealgate.ClauseInput) { in.ValidUntil = ptr(dealgate.Day(2040, 1, 1)) }, []string{"valid_until"}},
		{"starts before agreement", func(in *dealgate.ClauseInput) { in.ValidFrom = ptr(dealgate.Day(2010, 1, 1)) }, []string{"valid_from"}},
		{"notice without days", func(in *dealgate.ClauseInput) { in.Kind = dealgate.ClauseNoticeRequired }, []string{"notice_days"}},
		{"notice negative", func(in *dealgate.ClauseInput) { in.NoticeDays = ptr(-3) }, []string{"notice_days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.change(&in)
			got := fieldsOf(t, in.Validate(a))
			if len(got) != len(tt.want) {
				t.Fatalf("fields %v, want %v", got, tt.want)
			}
			for _, f := range tt.want {
				if got[f] == "" {
					t.Errorf("no message for %s in %v", f, got)
				}
			}
		})
	}
}

func TestCategoryValidation(t *testing.T) {
	t.Parallel()
	in := dealgate.CategoryInput{Name: "Agent orchestration & management", Definition: "Platforms that plan and run agents.",
		InclusionExamples: []string{"Workflow engines for agents\nAgent monitoring"}}
	if err := in.Validate(true); err != nil {
		t.Fatal(err)
	}
	if in.Key != "agent-orchestration-and-management" || len(in.InclusionExamples) != 2 {
		t.Errorf("key %q examples %q", in.Key, in.InclusionExamples)
	}
	bad := dealgate.CategoryInput{Key: "Bad Key", Name: "", InclusionExamples: []string{"x"}, ExclusionExamples: []string{"x"}}
	got := fieldsOf(t, bad.Validate(true))
	for _, f := range []string{"key", "name", "definition", "exclusion_examples"} {
		if got[f] == "" {
			t.Errorf("no message for %s in %v", f, got)
		}
	}
}

// TestMoneyTypedReadsBack: a form shows a stored value with separators,
// as its hint writes them, and reads it back to the same amount.
func TestMoneyTypedReadsBack(t *testing.T) {
	t.Parallel()
	for _, m := range []dealgate.Money{{Minor: 30_000_000_000, Currency: "USD"}, {Minor: 1000, Currency: "JPY"}, {Minor: 7, Currency: "GBP"}} {
		back, err := dealgate.ParseMoney(m.Typed(), m.Currency)
		if err != nil || back == nil || *back != m {
			t.Errorf("%+v typed as %q reads back as %+v, %v", m, m.Typed(), back, err)
		}
	}
	if got := (dealgate.Money{Minor: 30_000_000_000, Currency: "USD"}).Typed(); got != "300,000,000.00" {
		t.Errorf("typed %q", got)
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		amount, cur string
		minor       int64
		field       string
	}{
		{"11,000,000,000", "USD", 1_100_000_000_000, ""},
		{"1250.5", "eur", 125050, ""},
		{"0.07", "GBP", 7, ""},
		{"1000", "JPY", 1000, ""},
		{"10.5", "JPY", 0, "value"},
		{"1.234", "USD", 0, "value"},
		{"abc", "USD", 0, "value"},
		{"-5", "USD", 0, "value"},
		{"10", "", 0, "currency"},
		{"10", "US", 0, "currency"},
		{"99999999999999999999", "USD", 0, "value"},
	}
	for _, tt := range tests {
		m, err := dealgate.ParseMoney(tt.amount, tt.cur)
		if tt.field != "" {
			if dealgate.ErrorFields(err)[tt.field] == "" {
				t.Errorf("ParseMoney(%q, %q) = %v, %v; want error on %s", tt.amount, tt.cur, m, err, tt.field)
			}
			continue
		}
		if err != nil || m == nil || m.Minor != tt.minor {
			t.Errorf("ParseMoney(%q, %q) = %v, %v; want %d", tt.amount, tt.cur, m, err, tt.minor)
		}
	}
	if m, err := dealgate.ParseMoney("", ""); m != nil || err != nil {
		t.Errorf("empty: %v %v", m, err)
	}
	m := dealgate.Money{Minor: 1_100_000_000_000, Currency: "USD"}
	if m.String() != "USD 11,000,000,000.00" || m.Amount() != "11000000000.00" {
		t.Errorf("format %q %q", m.String(), m.Amount())
	}
	if s := (dealgate.Money{Minor: 5, Currency: "JPY"}).String(); s != "JPY 5" {
		t.Errorf("JPY %q", s)
	}
}

func TestEffectiveStatus(t *testing.T) {
	t.Parallel()
	past, future := ptr(dealgate.Day(2026, 11, 24)), ptr(dealgate.Day(2026, 11, 25))
	if got := dealgate.EffectiveStatus(dealgate.StatusActive, past, today); got != dealgate.StatusExpired {
		t.Errorf("lapsed active = %s", got)
	}
	if got := dealgate.EffectiveStatus(dealgate.StatusActive, future, today); got != dealgate.StatusActive {
		t.Errorf("expiring today = %s", got)
	}
	if got := dealgate.EffectiveStatus(dealgate.StatusTerminated, past, today); got != dealgate.StatusTerminated {
		t.Errorf("terminated = %s", got)
	}
}

func TestClauseSentence(t *testing.T) {
	t.Parallel()
	azurine := dealgate.PartyRef{ID: 1, Name: "Azurine Cloud", Kind: dealgate.PartyCloudProvider}
	c := dealgate.Clause{
		Kind: dealgate.ClauseExclusivity, Beneficiary: azurine,
		Categories: []dealgate.CategoryRef{{ID: 3, Name: "Stateless model APIs"}},
		Scope:      dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, Exceptions: []dealgate.PartyRef{azurine},
		Worldwide: true, AgreementExpiresOn: ptr(dealgate.Day(2032, 12, 31)),
	}
	want := "Exclusive: Azurine Cloud is the exclusive host of Stateless model APIs worldwide until 2032-12-31; restricts any cloud provider except Azurine Cloud."
	if got := c.Sentence(); got != want {
		t.Errorf("sentence\n got %q\nwant %q", got, want)
	}

	n := dealgate.Clause{
		Kind: dealgate.ClauseNoticeRequired, Beneficiary: azurine, NoticeDays: ptr(30),
		Categories:         []dealgate.CategoryRef{{Name: "AI services"}},
		ExcludedCategories: []dealgate.CategoryRef{{Name: "Training compute"}, {Name: "Old thing", Retired: true}},
		Scope:              dealgate.RestrictNamed, RestrictedParties: []dealgate.PartyRef{{Name: "Nimbus Web Services"}, {Name: "Orbital"}},
		Regions: []string{"EU", "UK"}, ValidFrom: ptr(dealgate.Day(2025, 9, 1)), ValidUntil: ptr(dealgate.Day(2026, 8, 31)),
	}
	want = "Notice required: Azurine Cloud must be given 30 days' notice before any deal for AI services (excluding Training compute and Old thing (retired)) in European Union and United Kingdom from 2025-09-01 until 2026-08-31; restricts Nimbus Web Services and Orbital."
	if got := n.Sentence(); got != want {
		t.Errorf("sentence\n got %q\nwant %q", got, want)
	}
	for _, k := range dealgate.AllClauseKinds {
		s := dealgate.Clause{Kind: k, Beneficiary: azurine, Scope: dealgate.RestrictAny, Worldwide: true, NoticeDays: ptr(10)}.Sentence()
		if !strings.HasSuffix(s, "restricts any party; 10 days' notice.") && !strings.HasSuffix(s, "restricts any party.") {
			t.Errorf("%s: %q", k, s)
		}
	}
}

func TestClauseInForce(t *testing.T) {
	t.Parallel()
	c := dealgate.Clause{AgreementStatus: dealgate.StatusActive, AgreementEffectiveOn: ptr(dealgate.Day(2020, 1, 1)),
		AgreementExpiresOn: ptr(dealgate.Day(2030, 12, 31)), ValidUntil: ptr(dealgate.Day(2027, 6, 30))}
	for day, want := range map[time.Time]bool{
		dealgate.Day(2019, 12, 31): false, dealgate.Day(2020, 1, 1): true, dealgate.Day(2027, 6, 30): true, dealgate.Day(2027, 7, 1): false,
	} {
		if got := c.InForce(day); got != want {
			t.Errorf("InForce(%s) = %v", day.Format(time.DateOnly), got)
		}
	}
}

func TestHighlight(t *testing.T) {
	t.Parallel()
	h := dealgate.ParseHighlight("the " + dealgate.HighlightStart + "exclusive" + dealgate.HighlightStop + " host <b>x</b>")
	if len(h) != 3 || !h[1].Match || h[1].Text != "exclusive" || h[2].Text != " host <b>x</b>" || h.String() != "the exclusive host <b>x</b>" {
		t.Errorf("%#v", h)
	}
	if !h.HasMatch() || dealgate.ParseHighlight("plain").HasMatch() {
		t.Error("HasMatch")
	}
	// Markers typed by a user never reach the database.
	in := dealgate.PartyInput{Name: "A" + dealgate.HighlightStart + "B", Kind: dealgate.PartyOther}
	_ = in.Validate()
	if in.Name != "AB" {
		t.Errorf("markers kept: %q", in.Name)
	}
}

func testTaxonomy(v int64, mut func(map[int64]*dealgate.Category)) *dealgate.Taxonomy {
	cats := map[int64]*dealgate.Category{
		1: {ID: 1, Key: "ai-services", Name: "AI services", Definition: "All AI."},
		2: {ID: 2, Key: "foundation-models", Name: "Foundation models", ParentID: ptr(int64(1)), Definition: "Models."},
		3: {ID: 3, Key: "stateless-model-apis", Name: "Stateless model APIs", ParentID: ptr(int64(2)), Definition: "APIs."},
		4: {ID: 4, Key: "agentic-platforms", Name: "Agentic platforms", ParentID: ptr(int64(1)), Definition: "Agents."},
		5: {ID: 5, Key: "agent-hosting", Name: "Agent hosting", ParentID: ptr(int64(2)), Definition: "Hosting."},
	}
	if mut != nil {
		mut(cats)
	}
	var list []dealgate.Category
	for _, c := range cats {
		list = append(list, *c)
	}
	return dealgate.NewTaxonomy(dealgate.TaxonomyVersion{ID: v, Number: int(v), Status: dealgate.TaxonomyPublished}, list)
}

func TestTaxonomyTree(t *testing.T) {
	t.Parallel()
	tx := testTaxonomy(1, nil)
	if got := tx.PathString(3); got != "AI services › Foundation models › Stateless model APIs" {
		t.Errorf("path %q", got)
	}
	if !tx.IsWithin(3, 1) || tx.IsWithin(4, 2) {
		t.Error("IsWithin")
	}
	if d := tx.Descendants(2); len(d) != 2 {
		t.Errorf("descendants %v", d)
	}
	if tx.Categories[0].ID != 1 || tx.Categories[0].Depth != 0 || tx.Categories[1].Depth != 1 {
		t.Errorf("order %+v", tx.Categories[:2])
	}
	var v dealgate.Validation
	dealgate.ValidateCategoryPlacement(tx, 2, dealgate.CategoryInput{Name: "Foundation models", ParentID: ptr(int64(3))}, &v)
	if !v.Has("parent_id") {
		t.Error("moving under own descendant allowed")
	}
	var v2 dealgate.Validation
	dealgate.ValidateCategoryPlacement(tx, 0, dealgate.CategoryInput{Name: "agentic platforms", ParentID: ptr(int64(1))}, &v2)
	if !v2.Has("name") {
		t.Error("duplicate sibling name allowed")
	}
}

func TestDiffTaxonomies(t *testing.T) {
	t.Parallel()
	v1 := testTaxonomy(1, nil)
	v2 := testTaxonomy(2, func(m map[int64]*dealgate.Category) {
		m[5].ParentID = ptr(int64(4)) // agent hosting belongs under agentic platforms
		m[3].Definition = "Stateless, request-response access to a foundation model."
		m[3].ExclusionExamples = []string{"Agent hosting"}
		m[2].Name = "Foundation models (core)"
		m[6] = &dealgate.Category{ID: 6, Key: "agent-orchestration", Name: "Agent orchestration", ParentID: ptr(int64(4)), Definition: "x"}
		m[1].Retired = false
	})
	v3 := testTaxonomy(3, func(m map[int64]*dealgate.Category) { m[5].Retired = true })
	changes := dealgate.DiffTaxonomies(v1, v2)
	got := map[dealgate.TaxonomyChangeKind][]int64{}
	for _, c := range changes {
		got[c.Kind] = append(got[c.Kind], c.CategoryID)
	}
	want := map[dealgate.TaxonomyChangeKind][]int64{
		dealgate.ChangeMoved: {5}, dealgate.ChangeRedefined: {3}, dealgate.ChangeExamples: {3},
		dealgate.ChangeRenamed: {2}, dealgate.ChangeAdded: {6},
	}
	if len(got) != len(want) {
		t.Fatalf("changes %+v", changes)
	}
	for k, ids := range want {
		if len(got[k]) != 1 || got[k][0] != ids[0] {
			t.Errorf("%s: %v, want %v", k, got[k], ids)
		}
	}
	for _, c := range changes {
		if c.Kind == dealgate.ChangeMoved && (c.From != "AI services › Foundation models" || c.To != "AI services › Agentic platforms") {
			t.Errorf("moved from %q to %q", c.From, c.To)
		}
	}
	if r := dealgate.DiffTaxonomies(v1, v3); len(r) != 1 || r[0].Kind != dealgate.ChangeRetired || r[0].CategoryID != 5 {
		t.Errorf("retire diff %+v", r)
	}
	if r := dealgate.DiffTaxonomies(v3, v1); len(r) != 1 || r[0].Kind != dealgate.ChangeRestored {
		t.Errorf("restore diff %+v", r)
	}
	retired, moved := dealgate.CategoryFate([]dealgate.CategoryHistoryEntry{
		{VersionNumber: 1, ParentID: ptr(int64(2))}, {VersionNumber: 2, ParentID: ptr(int64(4))}, {VersionNumber: 3, ParentID: ptr(int64(4)), Retired: true},
	})
	if retired != 3 || len(moved) != 1 || moved[0] != 2 {
		t.Errorf("fate %d %v", retired, moved)
	}
}

func TestDocuments(t *testing.T) {
	t.Parallel()
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	for _, n := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, _ := zw.Create(n)
		_, _ = w.Write([]byte("<x/>"))
	}
	_ = zw.Close()
	var zipOnly bytes.Buffer
	zw = zip.NewWriter(&zipOnly)
	w, _ := zw.Create("evil.exe")
	_, _ = w.Write([]byte("MZ"))
	_ = zw.Close()
	tests := []struct {
		name    string
		content []byte
		want    string
	}{
		{"pdf", []byte("%PDF-1.7\n..."), dealgate.ContentTypePDF},
		{"docx", docx.Bytes(), dealgate.ContentTypeDOCX},
		{"text", []byte("Section 4.2 Exclusivity.\r\nÜnïcode is fine.\n"), dealgate.ContentTypeText},
		{"plain zip", zipOnly.Bytes(), ""},
		{"binary", []byte{0x7f, 'E', 'L', 'F', 0, 1, 2}, ""},
		{"invalid utf8", []byte{0xff, 0xfe, 'a'}, ""},
	}
	for _, tt := range tests {
		got, ok := dealgate.SniffDocument(tt.content)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: %q %v", tt.name, got, ok)
		}
	}
	if _, err := dealgate.ValidateDocument("a.pdf", make([]byte, 11), 10); dealgate.ErrorFields(err)["file"] == "" {
		t.Errorf("too large accepted: %v", err)
	}
	// A PDF named .txt is served as a PDF with a server-chosen name.
	d := dealgate.Document{AgreementID: 3, StoredFile: dealgate.StoredFile{ID: 7, Filename: `../../"evil"\r\n name.txt`, ContentType: dealgate.ContentTypePDF}}
	if got := d.DownloadName(); got != "agreement-3-evil-r-n-name-7.pdf" {
		t.Errorf("download name %q", got)
	}
	if got := (dealgate.Document{AgreementID: 2, StoredFile: dealgate.StoredFile{ID: 1, Filename: "文書.docx", ContentType: dealgate.ContentTypeDOCX}}).DownloadName(); got != "agreement-2-document-1.docx" {
		t.Errorf("download name %q", got)
	}
}

func TestFiltersNormalize(t *testing.T) {
	t.Parallel()
	f := dealgate.AgreementFilter{Sort: "title; DROP TABLE agreement", Status: "bogus", Page: -1, PerPage: 10000}.Normalize()
	if f.Sort != "title" || f.Status != "" || f.Page != 1 || f.PerPage != dealgate.MaxPerPage {
		t.Errorf("%+v", f)
	}
	if f := (dealgate.AgreementFilter{Query: "exclusive"}).Normalize(); f.Sort != "relevance" {
		t.Errorf("search default sort %q", f.Sort)
	}
	if f := (dealgate.AgreementFilter{Sort: "relevance"}).Normalize(); f.Sort != "title" {
		t.Errorf("relevance without query %q", f.Sort)
	}
	if f := (dealgate.PartyFilter{Sort: "id"}).Normalize(); f.Sort != "name" {
		t.Errorf("party sort %q", f.Sort)
	}
}
