package postgres_test

import "bytes"
import "encoding/csv"
import "fmt"
import "slices"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/csvformat"
import "github.com/dealgate/dealgate/internal/dealgate"

// csvFile is a file in the full template: each row gives only the
// columns it fills in.
func csvFile(t *testing.T, rows ...map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(csvformat.Columns)
	for _, r := range rows {
		rec := make([]string, len(csvformat.Columns))
		for col, v := range r {
			i := slices.Index(csvformat.Columns, col)
			if i < 0 {
				t.Fatalf("no column %q", col)
			}
			rec[i] = v
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return buf.String()
}

// withCategories publishes a taxonomy with some of withStory's categories
// (the same keys) and no parties.
func (e *regEnv) withCategories(t *testing.T) *regEnv {
	t.Helper()
	cat := func(name string, parent int64) int64 {
		in := dealgate.CategoryInput{Name: name, Definition: "Definition of " + name + "."}
		if parent != 0 {
			in.ParentID = &parent
		}
		c, err := e.reg.CreateCategory(e.ctx, e.counsel, in)
		if err != nil {
			t.Fatalf("category %s: %v", name, err)
		}
		return c.ID
	}
	e.ai = cat("AI services", 0)
	e.models = cat("Foundation models", e.ai)
	e.apis = cat("Stateless model APIs", e.models)
	e.agentic = cat("Agentic platforms", e.ai)
	e.hosting = cat("Agent hosting", e.agentic)
	e.compute = cat("Compute", 0)
	e.publish(t, "First version")
	return e
}

func (e *regEnv) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.Pool.QueryRow(e.ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *regEnv) auditCount(t *testing.T, action string) int {
	t.Helper()
	return e.count(t, `SELECT count(*) FROM audit_event WHERE action = $1`, action)
}

// partyFileRows create two parties (the parent by a party-only row, its
// affiliate on its first agreement's row), two agreements and three clauses.
var partyFileRows = []map[string]string{
	{"party": "Azurine Corporation", "party_kind": "Other", "party_notes": "The holding company."},
	{"agreement_ref": "P1", "title": "Azurine strategic partnership", "party": "Azurine Cloud", "party_kind": "cloud_provider",
		"party_aliases": "Azurine; AZ", "party_parent": "azurine corporation", "party_website": "azurine.example",
		"agreement_kind": "partnership", "binding": "yes", "status": "active", "expires_on": "2032-12-31",
		"clause_kind": "exclusivity", "section": "4.2", "categories": "stateless-model-apis", "restricts": "cloud_provider",
		"exceptions": "Azurine", "clause_text": "Azurine shall be the exclusive host."},
	{"agreement_ref": "P1", "clause_kind": "right_of_first_refusal", "categories": "compute", "clause_text": "Azurine may match any offer."},
	{"agreement_ref": "M1", "title": "Memorandum", "party": "AZ", "party_kind": "Cloud provider",
		"agreement_kind": "mou", "binding": "no", "status": "draft",
		"clause_kind": "notice_required", "beneficiary": "Azurine Corporation", "categories": "ai-services",
		"restricted_parties": "Azurine Cloud", "notice_days": "30", "clause_text": "Thirty days' notice."},
}

func TestImportCSVCreatesPartiesThenTheirAgreements(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withCategories(t)
	file := csvFile(t, partyFileRows...)

	rep, err := e.reg.ImportCSV(e.ctx, e.counsel, strings.NewReader(file), true)
	if err != nil {
		t.Fatalf("dry run: %v %v", err, rep.Problems)
	}
	if !rep.DryRun || rep.Rows != 4 || rep.Parties != 2 || rep.Agreements != 2 || rep.Clauses != 3 {
		t.Errorf("dry run report %+v", rep)
	}
	if n := e.count(t, `SELECT count(*) FROM party`); n != 0 {
		t.Fatalf("a dry run created %d parties", n)
	}
	if n := e.auditCount(t, "party.created"); n != 0 {
		t.Fatalf("a dry run left %d party audit events", n)
	}

	rep, err = e.reg.ImportCSV(e.ctx, e.counsel, strings.NewReader(file), false)
	if err != nil || rep.Parties != 2 || rep.Agreements != 2 || rep.Clauses != 3 {
		t.Fatalf("import %+v %v", rep, err)
	}
	corp, err := e.reg.FindPartyByName(e.ctx, e.auditor, "Azurine Corporation")
	if err != nil || corp.Kind != dealgate.PartyOther || corp.Notes != "The holding company." || corp.ParentID != nil {
		t.Fatalf("parent %+v %v", corp, err)
	}
	cloud, err := e.reg.FindPartyByName(e.ctx, e.auditor, "az")
	if err != nil || cloud.Name != "Azurine Cloud" || cloud.Kind != dealgate.PartyCloudProvider || cloud.ParentID == nil ||
		*cloud.ParentID != corp.ID || strings.Join(cloud.Aliases, ";") != "AZ;Azurine" || cloud.Website != "https://azurine.example" {
		t.Fatalf("affiliate %+v %v", cloud, err)
	}
	if n := e.count(t, `SELECT count(*) FROM agreement WHERE party_id = $1`, cloud.ID); n != 2 {
		t.Errorf("%d agreements with the new party, want 2", n)
	}
	page, _ := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: "Memorandum"})
	if page.Total != 1 {
		t.Fatalf("memorandum %+v", page)
	}
	clauses, _ := e.reg.Clauses(e.ctx, e.auditor, page.Items[0].ID, false)
	if len(clauses) != 1 || clauses[0].Beneficiary.ID != corp.ID || len(clauses[0].RestrictedParties) != 1 || clauses[0].RestrictedParties[0].ID != cloud.ID {
		t.Errorf("memorandum clause %+v", clauses)
	}
	for action, want := range map[string]int{"party.created": 2, "agreement.created": 2, "clause.created": 3, "register.imported": 1} {
		if n := e.auditCount(t, action); n != want {
			t.Errorf("%d %s audit events, want %d", n, action, want)
		}
	}
	// The parties' events are the register's own, by the importer.
	if n := e.count(t, `SELECT count(*) FROM audit_event WHERE action = 'party.created' AND actor_label = $1 AND entity_id = $2`,
		e.counsel.Email, fmt.Sprint(cloud.ID)); n != 1 {
		t.Errorf("the new party's audit event: %d", n)
	}
}

func TestImportCSVWithABadLastRowCreatesNoParties(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withCategories(t)
	rows := append(slices.Clone(partyFileRows), map[string]string{
		"agreement_ref": "X1", "title": "Broken", "party": "Azurine", "agreement_kind": "partnership", "binding": "maybe", "status": "active",
	})
	for _, dry := range []bool{true, false} {
		rep, err := e.reg.ImportCSV(e.ctx, e.counsel, strings.NewReader(csvFile(t, rows...)), dry)
		regWantCode(t, err, dealgate.EINVALID)
		if len(rep.Problems) != 1 || rep.Problems[0].Line != 6 || rep.Problems[0].Column != "binding" {
			t.Errorf("dry=%v: problems %v", dry, rep.Problems)
		}
	}
	if n := e.count(t, `SELECT count(*) FROM party`); n != 0 {
		t.Errorf("a failed import created %d parties", n)
	}
	if a, c := e.countAgreements(t); a != 0 || c != 0 {
		t.Errorf("a failed import created %d agreements, %d clauses", a, c)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_event WHERE action IN ('party.created', 'agreement.created', 'register.imported')`); n != 0 {
		t.Errorf("a failed import left %d audit events", n)
	}
}

func TestImportCSVReportsPartiesThatContradictTheRegister(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	agreement := func(ref, party string, extra map[string]string) map[string]string {
		r := map[string]string{"agreement_ref": ref, "title": "Agreement " + ref, "party": party,
			"agreement_kind": "other", "binding": "yes", "status": "draft"}
		for k, v := range extra {
			r[k] = v
		}
		return r
	}
	file := csvFile(t,
		// line 2: an existing party (by alias) of another kind
		map[string]string{"party": "Azurine", "party_kind": "model_developer"},
		// line 3: an existing party with a new alias, another parent and website
		agreement("A3", "Nimbus", map[string]string{"party_aliases": "NWS;Cirrus", "party_parent": "Lumen Labs", "party_website": "nimbus.example"}),
		// line 4: a new party whose parent is nowhere
		map[string]string{"party": "New Co", "party_kind": "reseller", "party_parent": "Nobody Holdings"},
		// line 5: names the party line 4 could not create
		agreement("A5", "New Co", nil),
		// line 6: an unknown party without party_kind
		agreement("A6", "Ghost Ltd", nil),
		// line 7 creates a party; line 8 gives it another kind
		map[string]string{"party": "Fresh Ltd", "party_kind": "investor"},
		agreement("A8", "fresh ltd", map[string]string{"party_kind": "other"}),
		// line 9: a party row without a kind for an unknown party
		map[string]string{"party": "Vague Ltd", "party_aliases": "VL"},
		// line 10: an existing party confirmed exactly: no problem
		map[string]string{"party": "Azurine Cloud", "party_kind": "Cloud provider", "party_aliases": "azurine", "party_parent": "Azurine Corporation"},
		// line 11: a new party with an alias another party has
		map[string]string{"party": "Copycat", "party_kind": "other", "party_aliases": "NWS"},
	)
	rep, err := e.reg.ImportCSV(e.ctx, e.counsel, strings.NewReader(file), true)
	regWantCode(t, err, dealgate.EINVALID)
	got := map[string]string{}
	for _, p := range rep.Problems {
		got[fmt.Sprintf("%d/%s", p.Line, p.Column)] = p.Message
	}
	want := map[string]string{
		"2/party_kind":     "Party Azurine Cloud exists as a cloud provider",
		"3/party_aliases":  "not also known as Cirrus",
		"3/party_parent":   "has no parent company",
		"3/party_website":  "has no web address",
		"4/party_parent":   `"Nobody Holdings" is not a party`,
		"5/party":          "line 4",
		"6/party":          "fill in party_kind",
		"8/party_kind":     "exists as an investor (from line 7)",
		"9/party_kind":     "fill in party_kind",
		"9/agreement_ref":  "party_kind",
		"11/party_aliases": "already an alias of Nimbus Web Services",
	}
	for at, msg := range want {
		if !strings.Contains(got[at], msg) {
			t.Errorf("%s: %q, want it to say %q", at, got[at], msg)
		}
	}
	for at := range got {
		if _, ok := want[at]; !ok {
			t.Errorf("unexpected problem %s: %s", at, got[at])
		}
	}
	if n := e.count(t, `SELECT count(*) FROM party`); n != 4 {
		t.Errorf("%d parties after a failed import, want withStory's 4", n)
	}
}

func TestExportCSVReimportsIntoAnEmptyRegister(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	lumen := dealgate.PartyInput{Name: e.lumen.Name, Kind: e.lumen.Kind, Website: "lumen.example",
		Notes: "-Model developer, \"Lumen\".", Aliases: []string{"Lumen"}}
	if _, err := e.reg.UpdateParty(e.ctx, e.counsel, e.lumen.ID, e.lumen.Version, lumen); err != nil {
		t.Fatal(err)
	}
	a := e.mustAgreement(t, dealgate.AgreementInput{Title: "Partnership", Binding: true, ExpiresOn: regDay(2032, 12, 31)})
	e.mustClause(t, a.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, ExceptionPartyIDs: []int64{e.azurine.ID}, Text: "Exclusive host."})
	e.mustClause(t, a.ID, dealgate.ClauseInput{Kind: dealgate.ClauseNoticeRequired, Scope: dealgate.RestrictNamed, BeneficiaryID: e.lumen.ID,
		RestrictedPartyIDs: []int64{e.nimbus.ID}, CategoryIDs: []int64{e.ai}, NoticeDays: regInt(30), Text: "Notice."})
	e.mustAgreement(t, dealgate.AgreementInput{Title: "No clauses", PartyID: e.nimbus.ID, Kind: dealgate.AgreementMoU})

	var first bytes.Buffer
	if err := e.reg.ExportCSV(e.ctx, e.auditor, &first); err != nil {
		t.Fatal(err)
	}
	fresh := newRegEnv(t).withCategories(t)
	rep, err := fresh.reg.ImportCSV(fresh.ctx, fresh.counsel, bytes.NewReader(first.Bytes()), false)
	if err != nil {
		t.Fatalf("import into an empty register: %v %v", err, rep.Problems)
	}
	if rep.Parties != 4 || rep.Agreements != 2 || rep.Clauses != 2 {
		t.Errorf("report %+v", rep)
	}
	got, err := fresh.reg.FindPartyByName(fresh.ctx, fresh.auditor, "Lumen")
	if err != nil || got.Website != "https://lumen.example" || got.Notes != lumen.Notes || got.Kind != dealgate.PartyModelDeveloper {
		t.Errorf("Lumen %+v %v", got, err)
	}
	// Exported again, the register is the same, but for its IDs.
	var second bytes.Buffer
	if err := fresh.reg.ExportCSV(fresh.ctx, fresh.auditor, &second); err != nil {
		t.Fatal(err)
	}
	strip := func(b []byte) [][]string {
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[1:] {
			r[0], r[1], r[2] = "", "", ""
		}
		return recs
	}
	a1, a2 := strip(first.Bytes()), strip(second.Bytes())
	if len(a1) != len(a2) {
		t.Fatalf("%d records, then %d", len(a1), len(a2))
	}
	for i := range a1 {
		if !slices.Equal(a1[i], a2[i]) {
			t.Errorf("record %d:\n%q\n%q", i, a1[i], a2[i])
		}
	}
}
