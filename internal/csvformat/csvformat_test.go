package csvformat_test

import "strings"
import "testing"
import "unicode/utf8"

import "github.com/dealgate/dealgate/internal/csvformat"

func TestEscapeCellRoundTrip(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"=1+1", "+44 20", "-5", "@sum", "\tx", "\rx", "\nx", "\uFF1D1+1", "\uFF0B1", "\uFF0D1", "\uFF20sum",
		"plain", "'quoted", "'=1+1", "''=1", "'", "''", "", "é", "\uFF21"} {
		esc := csvformat.EscapeCell(s)
		if r, _ := utf8.DecodeRuneInString(s); strings.ContainsRune("=+-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20", r) && !strings.HasPrefix(esc, "'") {
			t.Errorf("%q not defused: %q", s, esc)
		}
		if got := csvformat.UnescapeCell(esc); got != s {
			t.Errorf("%q → %q → %q", s, esc, got)
		}
	}
}

func TestReadReportsEveryProblemWithItsLine(t *testing.T) {
	t.Parallel()
	file := "\uFEFFagreement_ref,title,party,colour\n" +
		"a1,Partnership,Azurine,\n" +
		"a2,\"unclosed,Nimbus,\n"
	var probs csvformat.Problems
	if _, ok := csvformat.Read(strings.NewReader(file), &probs); ok {
		t.Fatal("a file with an unknown column was read")
	}
	if len(probs.List()) != 1 || probs.List()[0].Line != 1 || probs.List()[0].Column != "colour" {
		t.Fatalf("problems: %v", probs.List())
	}

	file = "agreement_ref,title,party,binding\na1,=HYPERLINK(),Azurine,yes\n\na2,Other,Nimbus,no,extra\n"
	probs = csvformat.Problems{}
	rows, ok := csvformat.Read(strings.NewReader(file), &probs)
	if !ok || len(rows) != 1 || rows[0].Line != 2 || rows[0].Cells["title"] != "=HYPERLINK()" {
		t.Fatalf("rows %+v ok %v", rows, ok)
	}
	if len(probs.List()) != 1 || probs.List()[0].Line != 4 {
		t.Errorf("problems: %v", probs.List())
	}
	if yes, ok := csvformat.ParseYesNo(rows[0].Cells["binding"]); !yes || !ok {
		t.Errorf("binding %v %v", yes, ok)
	}
	if _, ok := csvformat.ParseYesNo("perhaps"); ok {
		t.Error("perhaps read as yes or no")
	}
}

func TestPartyRow(t *testing.T) {
	t.Parallel()
	if !csvformat.IsPartyRow(map[string]string{"party": "Azurine", "party_kind": "cloud_provider"}) {
		t.Error("a party-only row not recognised")
	}
	if csvformat.IsPartyRow(map[string]string{"party": "Azurine", "party_kind": "cloud_provider", "clause_kind": "exclusivity"}) {
		t.Error("a row with a clause taken for a party row")
	}
	if got := csvformat.Column("beneficiary_id"); got != "beneficiary" {
		t.Errorf("beneficiary_id → %q", got)
	}
}

func TestProblemsTellEachCellOnce(t *testing.T) {
	var p csvformat.Problems
	p.Add(3, "restricted_parties", "%q is not a party", "Nobody")
	p.Add(3, "restricted_parties", "Choose the parties the clause restricts")
	p.Add(4, "restricted_parties", "Choose the parties the clause restricts")
	p.Add(3, "", "whole row")
	p.Add(3, "", "another whole-row problem")
	got := p.List()
	if len(got) != 4 || got[0].Message != `"Nobody" is not a party` || got[1].Line != 4 {
		t.Errorf("problems %v", got)
	}
}
