package postgres_test

import "bytes"
import "encoding/csv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// TestExportCSVNeutralisesEveryFormulaLead exports a cell starting with each
// character a spreadsheet reads as the start of a formula (= + - @, tab and
// carriage return): each gets a leading apostrophe.
func TestExportCSVNeutralisesEveryFormulaLead(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	leads := []string{"=", "+", "-", "@", "\t", "\r"}
	for _, lead := range leads {
		a := e.mustAgreement(t, dealgate.AgreementInput{Title: "Formula " + strings.TrimSpace(lead) + "x", PartyID: e.nimbus.ID, Binding: true,
			Summary: "SUM(A1:A9)"})
		// The forms trim leading tabs and returns, so an older or imported
		// row with them is written straight to the table.
		if _, err := e.db.Pool.Exec(e.ctx, `UPDATE agreement SET summary = $1 WHERE id = $2`, lead+"SUM(A1:A9)", a.ID); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := e.reg.ExportCSV(e.ctx, e.auditor, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	summary := -1
	for i, h := range recs[0] {
		if h == "summary" {
			summary = i
		}
	}
	if summary < 0 {
		t.Fatalf("no summary column in %q", recs[0])
	}
	seen := map[string]bool{}
	for _, r := range recs[1:] {
		cell := r[summary]
		if !strings.Contains(cell, "SUM(A1:A9)") {
			continue
		}
		for _, lead := range leads {
			if strings.HasPrefix(cell, "'"+lead+"SUM") {
				seen[lead] = true
			}
		}
		if !strings.HasPrefix(cell, "'") {
			t.Errorf("formula cell exported as is: %q", cell)
		}
	}
	for _, lead := range leads {
		if !seen[lead] {
			t.Errorf("no neutralised cell for lead %q", lead)
		}
	}
}
