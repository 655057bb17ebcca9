package postgres_test

import "bytes"
import "encoding/csv"
import "slices"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// exportRecords exports e's register as counsel (who keep the register, so
// may export it) and reads it back.
func exportRecords(t *testing.T, e *regEnv) ([][]string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := e.reg.ExportCSV(e.ctx, e.counsel, &buf); err != nil {
		t.Fatalf("counsel export: %v", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs, buf.Bytes()
}

// partyRetiredCell returns the party_retired cell of party name's row.
func partyRetiredCell(t *testing.T, recs [][]string, name string) string {
	t.Helper()
	col := slices.Index(recs[0], "party_retired")
	party := slices.Index(recs[0], "party")
	ref := slices.Index(recs[0], "agreement_ref")
	for _, r := range recs[1:] {
		if r[party] == name && r[ref] == "" {
			return r[col]
		}
	}
	t.Fatalf("no party row for %s in %q", name, recs)
	return ""
}

// TestExportRetiredPartyRoundTrip: a retired party is exported as retired,
// imported into another register it is created retired (after the
// agreements that name it), and imported again into its own register it
// stays retired; a file that says otherwise is a problem, never a change.
func TestExportRetiredPartyRoundTrip(t *testing.T) {
	t.Parallel()
	src := newRegEnv(t)
	corp := src.mustParty(t, dealgate.PartyInput{Name: "Azurine Corporation", Kind: dealgate.PartyOther})
	old := src.mustParty(t, dealgate.PartyInput{Name: "Stratus Legacy", Kind: dealgate.PartyCloudProvider, Aliases: []string{"Stratus"}, ParentID: &corp.ID})
	src.mustAgreement(t, dealgate.AgreementInput{Title: "Old hosting memorandum", PartyID: old.ID, Kind: dealgate.AgreementMoU})
	if _, err := src.reg.RetireParty(src.ctx, src.counsel, old.ID, old.Version); err != nil {
		t.Fatal(err)
	}
	recs, file := exportRecords(t, src)
	if got := partyRetiredCell(t, recs, "Stratus Legacy"); got != "yes" {
		t.Fatalf("retired party exported with party_retired %q", got)
	}
	if got := partyRetiredCell(t, recs, "Azurine Corporation"); got != "no" {
		t.Fatalf("live party exported with party_retired %q", got)
	}

	// Into an empty register: created, its agreement too, and retired.
	dst := newRegEnv(t)
	rep, err := dst.reg.ImportCSV(dst.ctx, dst.counsel, bytes.NewReader(file), false)
	if err != nil || len(rep.Problems) > 0 || rep.Parties != 2 || rep.Agreements != 1 {
		t.Fatalf("import into an empty register: %+v %v", rep, err)
	}
	p, err := dst.reg.FindPartyByName(dst.ctx, dst.auditor, "Stratus")
	if err != nil || !p.Retired() || p.ParentName != "Azurine Corporation" {
		t.Fatalf("imported party %+v %v", p, err)
	}
	recs2, file2 := exportRecords(t, dst)
	if got := partyRetiredCell(t, recs2, "Stratus Legacy"); got != "yes" {
		t.Fatalf("re-exported party_retired %q", got)
	}

	// Into its own register again: the party rows agree, nothing changes.
	rep, err = dst.reg.ImportCSV(dst.ctx, dst.counsel, bytes.NewReader(file2), false)
	if err != nil || len(rep.Problems) > 0 || rep.Parties != 0 || rep.Agreements != 1 {
		t.Fatalf("re-import: %+v %v", rep, err)
	}
	if p, _ := dst.reg.FindPartyByName(dst.ctx, dst.auditor, "Stratus"); !p.Retired() {
		t.Fatal("re-import restored the retired party")
	}

	// A file that calls the retired party live, or says something else, is
	// reported by line and column and imports nothing.
	edited := strings.Replace(string(file2), "Stratus Legacy,cloud_provider,Stratus,Azurine Corporation,,,yes",
		"Stratus Legacy,cloud_provider,Stratus,Azurine Corporation,,,no", 1)
	if edited == string(file2) {
		t.Fatalf("party row not found in %s", file2)
	}
	rep, err = dst.reg.ImportCSV(dst.ctx, dst.counsel, strings.NewReader(edited), false)
	if dealgate.ErrorCode(err) != dealgate.EINVALID || len(rep.Problems) != 1 || rep.Problems[0].Column != "party_retired" ||
		!strings.Contains(rep.Problems[0].Message, "is retired") {
		t.Fatalf("contradicting import: %+v %v", rep, err)
	}
	bad := strings.Replace(string(file2), "Azurine Corporation,other,,,,,no", "Azurine Corporation,other,,,,,maybe", 1)
	rep, _ = dst.reg.ImportCSV(dst.ctx, dst.counsel, strings.NewReader(bad), true)
	if len(rep.Problems) != 1 || rep.Problems[0].Message != "Write yes or no" {
		t.Fatalf("unreadable party_retired: %+v", rep.Problems)
	}
	var events int
	_ = dst.db.Pool.QueryRow(dst.ctx, `SELECT count(*) FROM audit_event WHERE action = 'party.retired'`).Scan(&events)
	if events != 1 {
		t.Errorf("%d party.retired events, want the import's one", events)
	}
}
