package postgres_test

import "bytes"
import "encoding/csv"
import "fmt"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

func (e *regEnv) countAgreements(t *testing.T) (agreements, clauses int) {
	t.Helper()
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT (SELECT count(*) FROM agreement), (SELECT count(*) FROM clause)`).Scan(&agreements, &clauses); err != nil {
		t.Fatal(err)
	}
	return agreements, clauses
}

const csvHeader = "agreement_ref,title,party,agreement_kind,binding,status,signed_on,effective_on,expires_on,value,currency,owner_email,summary,notes," +
	"clause_kind,section,beneficiary,categories,excluded_categories,restricts,restricted_parties,exceptions,territory,valid_from,valid_until,notice_days,clause_text\n"

// TestImportCSVGoodFile imports a file in the template as it was before
// the party columns: it must keep working.
func TestImportCSVGoodFile(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	file := csvHeader +
		`P1,Azurine strategic partnership,Azurine,partnership,yes,active,2019-07-22,2019-07-22,2032-12-31,"11,000,000,000",USD,counsel@example.test,"Investment, exclusive hosting.",,` +
		`exclusivity,4.2,,stateless-model-apis,,cloud_provider,,Azurine Cloud,worldwide,,,,"Azurine shall be the exclusive host of stateless model APIs."` + "\n" +
		`P1,,,,,,,,,,,,,,right_of_first_refusal,5.1,,Compute,,any,,,EU;UK,,2030-12-31,,"Azurine may match any offer for new compute capacity."` + "\n" +
		`M1,Nimbus memorandum,NWS,Memorandum of understanding,no,active,,2025-09-01,,,,,,,notice_required,2,Azurine Cloud,ai-services,agentic-platforms,named,Nimbus Web Services,,,,,30,"Thirty days' notice."` + "\n" +
		`X1,Lumen licence (no clauses),Lumen Labs,licence,yes,draft,,,,,,,,,,,,,,,,,,,,,` + "\n"

	rep, err := e.reg.ImportCSV(e.ctx, e.counsel, strings.NewReader(file), true)
	if err != nil {
		t.Fatalf("dry run: %v %+v", err, rep.Problems)
	}
	if !rep.DryRun || rep.Rows != 4 || rep.Parties != 0 || rep.Agreements != 3 || rep.Clauses != 3 {
		t.Errorf("dry run report %+v", rep)
	}
	if a, c := e.countAgreements(t); a != 0 || c != 0 {
		t.Fatalf("dry run wrote %d agreements %d clauses", a, c)
	}
	rep, err = e.reg.ImportCSV(e.ctx, e.counsel, strings.NewReader(file), false)
	if err != nil || rep.Agreements != 3 || rep.Clauses != 3 {
		t.Fatalf("import %+v %v", rep, err)
	}
	page, _ := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: "compute capacity"})
	if page.Total != 1 || page.Items[0].Value.Minor != 1_100_000_000_000 || page.Items[0].OwnerID == nil || page.Items[0].ClauseCount != 2 {
		t.Fatalf("imported %+v", page.Items)
	}
	clauses, _ := e.reg.Clauses(e.ctx, e.auditor, page.Items[0].ID, false)
	if got := clauses[0].Sentence(); got != "Exclusive: Azurine Cloud is the exclusive host of Stateless model APIs worldwide from 2019-07-22 until 2032-12-31; restricts any cloud provider except Azurine Cloud." {
		t.Errorf("sentence %q", got)
	}
	if c := clauses[1]; c.Scope != dealgate.RestrictAny || len(c.Regions) != 2 || c.ValidUntil == nil || c.Categories[0].ID != e.compute {
		t.Errorf("second clause %+v", c)
	}
	var imported int
	_ = e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_event WHERE action IN ('agreement.created', 'clause.created', 'register.imported')`).Scan(&imported)
	if imported != 3+3+1 {
		t.Errorf("%d audit events", imported)
	}
}

func TestImportCSVReportsEveryBadRowAndImportsNothing(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	file := csvHeader +
		// line 2: good
		`G1,Good agreement,Azurine,partnership,yes,active,,,,,,,,,exclusivity,1,,stateless-model-apis,,any,,,,,,,Good clause.` + "\n" +
		// line 3: unknown party, bad kind, bad date
		`B1,Bad agreement,Nobody Inc,alliance,yes,active,2020-13-01,,,,,,,,,,,,,,,,,,,,` + "\n" +
		// line 4: a multi-line summary; the row starts on line 4 and its clause names an unknown category
		`B2,Multi-line,Nimbus,cloud_services,no,active,,,,,,,"first line` + "\n" + `second line",,consent_required,,,no-such-category,,any,,,,,,,Consent.` + "\n" +
		// line 6: differs from its agreement's first row (title, value)
		`G1,Another title,,,,,,,,100,,,,,,,,,,,,,,,,,` + "\n" +
		// line 7: too few cells
		`B3,Short row` + "\n" +
		// line 8: missing ref; owner unknown; expired without date
		`,No ref,Azurine,other,yes,expired,,,,,,ghost@example.test,,,,,,,,,,,,,,,` + "\n" +
		// line 9: notice clause without days, region unknown, window outside the agreement
		`B4,Window,Azurine,partnership,yes,active,,2020-01-01,2025-12-31,,,,,,notice_required,,,ai-services,,any,,,Atlantis,,2026-06-30,,Notice.` + "\n"
	before, _ := e.countAgreements(t)
	for _, dry := range []bool{true, false} {
		rep, err := e.reg.ImportCSV(e.ctx, e.counsel, strings.NewReader(file), dry)
		regWantCode(t, err, dealgate.EINVALID)
		got := map[string]bool{}
		for _, p := range rep.Problems {
			got[fmt.Sprintf("%d/%s", p.Line, p.Column)] = true
		}
		for _, want := range []string{
			"3/party", "3/agreement_kind", "3/signed_on",
			"4/categories",
			"6/title", "6/value",
			"7/",
			"8/agreement_ref",
			"9/notice_days", "9/territory", "9/valid_until",
		} {
			if !got[want] {
				t.Errorf("dry=%v: no problem at %s in %v", dry, want, rep.Problems)
			}
		}
		for _, p := range rep.Problems {
			if p.Line == 2 {
				t.Errorf("good row reported: %v", p)
			}
			if p.Message == "" {
				t.Errorf("empty message %v", p)
			}
		}
		if after, _ := e.countAgreements(t); after != before {
			t.Fatalf("dry=%v: %d agreements written", dry, after-before)
		}
	}
	// Owner problems surface once the row has a ref.
	fixed := csvHeader + `O1,Owner,Azurine,other,yes,draft,,,,,,ghost@example.test,,,,,,,,,,,,,,,` + "\n"
	rep, _ := e.reg.ImportCSV(e.ctx, e.counsel, strings.NewReader(fixed), true)
	if len(rep.Problems) != 1 || rep.Problems[0].Column != "owner_email" || rep.Problems[0].Line != 2 {
		t.Errorf("owner %+v", rep.Problems)
	}
}

func TestImportCSVFileLevelProblems(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t)
	tests := map[string]string{
		"empty":          "",
		"unknown column": "agreement_ref,title,party,colour\n",
		"missing column": "agreement_ref,title\nA,B\n",
		"header only":    csvHeader,
	}
	for name, file := range tests {
		rep, err := e.reg.ImportCSV(e.ctx, e.counsel, strings.NewReader(file), true)
		if dealgate.ErrorCode(err) != dealgate.EINVALID || len(rep.Problems) == 0 {
			t.Errorf("%s: %+v %v", name, rep, err)
		}
	}
	_, err := e.reg.ImportCSV(e.ctx, e.auditor, strings.NewReader(csvHeader), true)
	regWantCode(t, err, dealgate.EFORBIDDEN)
}

func TestExportCSVRoundTrip(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	a := e.mustAgreement(t, dealgate.AgreementInput{Title: "=HYPERLINK(\"http://evil\")", Binding: true, ExpiresOn: regDay(2032, 12, 31),
		Value: &dealgate.Money{Minor: 123456, Currency: "EUR"}, Summary: "Line one,\nline \"two\"."})
	e.mustClause(t, a.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, ExcludedCategoryIDs: []int64{e.hosting},
		ExceptionPartyIDs: []int64{e.azurine.ID}, Section: "4.2", Text: "-1 means nothing; exclusive host."})
	e.mustClause(t, a.ID, dealgate.ClauseInput{Kind: dealgate.ClauseNoticeRequired, Scope: dealgate.RestrictNamed,
		RestrictedPartyIDs: []int64{e.nimbus.ID, e.lumen.ID}, CategoryIDs: []int64{e.ai}, Regions: []string{"EU", "UK"}, NoticeDays: regInt(30), Text: "Notice."})
	e.mustAgreement(t, dealgate.AgreementInput{Title: "No clauses", PartyID: e.nimbus.ID, Binding: false, Kind: dealgate.AgreementMoU})

	var buf bytes.Buffer
	member := regUser(t, e.db, "member@example.test", dealgate.RoleMember)
	if err := e.reg.ExportCSV(e.ctx, member, &buf); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Fatalf("member export: %v", err)
	}
	if err := e.reg.ExportCSV(e.ctx, e.auditor, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Four party rows, parents first, then the agreements' rows.
	if len(recs) != 1+4+3 || recs[0][0] != "agreement_id" || recs[1][4] != "Azurine Corporation" ||
		strings.Join(recs[4][4:8], "|") != "Azurine Cloud|cloud_provider|Azurine|Azurine Corporation" {
		t.Fatalf("export %q", recs)
	}
	recs = append(recs[:1], recs[5:]...)
	if !strings.HasPrefix(recs[1][3], "'=") {
		t.Fatalf("export %q", recs)
	}
	if recs[1][25] != "stateless-model-apis" || recs[1][26] != "agent-hosting" || recs[1][27] != "cloud_provider" || recs[1][29] != "Azurine Cloud" {
		t.Errorf("clause cells %q", recs[1][20:])
	}
	if recs[2][28] != "Lumen Labs;Nimbus Web Services" || recs[2][30] != "EU;UK" || recs[2][33] != "30" {
		t.Errorf("notice cells %q", recs[2][20:])
	}
	var exported int
	_ = e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_event WHERE action = 'register.exported' AND actor_label = $1`, e.auditor.Email).Scan(&exported)
	if exported != 1 {
		t.Errorf("export audited %d times", exported)
	}

	// Import what was exported: the same register again (its party rows
	// agree with the parties, so they create nothing).
	rep, err := e.reg.ImportCSV(e.ctx, e.counsel, bytes.NewReader(buf.Bytes()), false)
	if err != nil {
		t.Fatalf("re-import: %v %v", err, rep.Problems)
	}
	if rep.Parties != 0 || rep.Agreements != 2 || rep.Clauses != 2 {
		t.Errorf("re-import %+v", rep)
	}
	page, _ := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Sort: "updated_at", Desc: true, PerPage: 2})
	var copyOf dealgate.AgreementListItem
	for _, it := range page.Items {
		if it.ID != a.ID && it.Title == a.Title {
			copyOf = it
		}
	}
	if copyOf.ID == 0 || copyOf.Value == nil || *copyOf.Value != *a.Value {
		t.Fatalf("round trip lost the agreement: %+v", page.Items)
	}
	orig, _ := e.reg.Clauses(e.ctx, e.auditor, a.ID, false)
	again, _ := e.reg.Clauses(e.ctx, e.auditor, copyOf.ID, false)
	for i := range orig {
		if orig[i].Sentence() != again[i].Sentence() || orig[i].Text != again[i].Text {
			t.Errorf("clause %d:\n%s\n%s", i, orig[i].Sentence(), again[i].Sentence())
		}
	}
	full, _ := e.reg.Agreement(e.ctx, e.auditor, copyOf.ID)
	if full.Summary != a.Summary {
		t.Errorf("summary %q", full.Summary)
	}
}
