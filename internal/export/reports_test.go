package export

import "bytes"
import "encoding/csv"
import "regexp"
import "strconv"
import "strings"
import "testing"
import "time"

import "github.com/xuri/excelize/v2"

import "github.com/dealgate/dealgate/internal/dealgate"

func decisionRecords() []dealgate.DecisionRecord {
	at := time.Date(2026, 3, 5, 14, 30, 0, 0, time.UTC)
	early := &dealgate.NegotiationRecord{RecordedAt: at.Add(-time.Hour), StartedOn: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), DealVersion: 1}
	early.Decision.DecidedAt, early.Decision.Outcome, early.Decision.DealVersion = at, dealgate.OutcomeApproved, 1
	return []dealgate.DecisionRecord{
		{DecisionID: 1, DealID: 7, DealVersion: 1, Round: 1, Title: "=Nimbus hosting", Counterparty: "Nimbus Web Services",
			Categories: []string{"Agent hosting", "Inference hosting"}, Value: &dealgate.Money{Minor: 125050, Currency: "USD"},
			Verdict: dealgate.ScreeningCaution, For: 3, Against: 1, Abstained: 1, Recused: 2, Outcome: dealgate.OutcomeApprovedConditions,
			Conditions: "Notify Azurine first.", DecidedBy: "Chair Person", SubmittedAt: at.Add(-36 * time.Hour), DecidedAt: at, Negotiation: early},
		{DecisionID: 2, DealID: 8, DealVersion: 2, Round: 2, Title: "Lumen licence", Counterparty: "Lumen Labs",
			Verdict: dealgate.ScreeningConflict, Against: 3, Outcome: dealgate.OutcomeFlagged, DecidedBy: "Chair Person",
			SubmittedAt: at.Add(-12 * time.Hour), DecidedAt: at.Add(time.Hour)},
	}
}

var reportMeta = Meta{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
	Zone: time.UTC, ExportedBy: "audrey@example.com", ExportedAt: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)}

func decisionFile(t *testing.T, f Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteDecisionRegister(&buf, f, reportMeta, decisionRecords()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecisionRegisterCSVReadsBack(t *testing.T) {
	recs, err := csv.NewReader(bytes.NewReader(decisionFile(t, CSV))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || len(recs[0]) != len(DecisionColumns) || recs[0][0] != "Decided" || recs[0][19] != "Negotiation before clearance" {
		t.Fatalf("header %v, %d records", recs[0], len(recs))
	}
	row := recs[1]
	want := map[int]string{0: "2026-03-05T14:30:00Z", 1: "7", 3: "'=Nimbus hosting", 5: "Agent hosting; Inference hosting", 6: "1250.5",
		7: "USD", 8: "Caution", 9: "3", 10: "1", 11: "1", 12: "2", 13: "Approved with conditions", 14: "Notify Azurine first.",
		17: "1.5", 18: "2026-03-05", 19: "YES: recorded before the decision"}
	for i, w := range want {
		if row[i] != w {
			t.Errorf("column %s = %q, want %q", recs[0][i], row[i], w)
		}
	}
	if recs[2][19] != "not started" || recs[2][6] != "" || recs[2][17] != "0.5" {
		t.Errorf("second row %q", recs[2])
	}
}

func TestDecisionRegisterXLSXTypedCells(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(decisionFile(t, XLSX)))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Decisions|Export" {
		t.Fatalf("sheets %s", got)
	}
	rows, _ := f.GetRows("Decisions")
	if len(rows) != 3 || rows[0][13] != "Decision" {
		t.Fatalf("rows %v", rows)
	}
	// Dates, counts and the value are numbers; the title stays text.
	for _, cell := range []string{"A2", "B2", "G2", "J2", "Q2", "R2", "S2"} {
		raw, _ := f.GetCellValue("Decisions", cell, excelize.Options{RawCellValue: true})
		if _, err := strconv.ParseFloat(raw, 64); err != nil {
			t.Errorf("%s is not a number: %q", cell, raw)
		}
	}
	if got, _ := f.GetCellValue("Decisions", "A2"); got != "2026-03-05 14:30:00" {
		t.Errorf("decided shows %q", got)
	}
	if got, _ := f.GetCellValue("Decisions", "S2"); got != "2026-03-05" {
		t.Errorf("negotiation day shows %q", got)
	}
	if got, _ := f.GetCellValue("Decisions", "D2"); got != "=Nimbus hosting" {
		t.Errorf("title %q", got)
	}
	if formula, _ := f.GetCellFormula("Decisions", "D2"); formula != "" {
		t.Errorf("a value became a formula: %q", formula)
	}
	if panes, err := f.GetPanes("Decisions"); err != nil || !panes.Freeze {
		t.Errorf("panes %+v %v", panes, err)
	}
	if got, _ := f.GetCellValue("Export", "B2"); got != "2026-03-01 – 2026-03-31" {
		t.Errorf("period %q", got)
	}
}

func TestDecisionRegisterPDF(t *testing.T) {
	data := decisionFile(t, PDF)
	pages := len(regexp.MustCompile(`/Type /Page\b`).FindAll(data, -1))
	if pages != 2 { // cover, one page of decisions
		t.Fatalf("%d pages", pages)
	}
	text := pdfText(t, data)
	for _, want := range []string{"Dealgate decision register", "audrey@example.com", "(Nimbus Web)", "(Services)", "(Approved with)",
		"(YES: recorded)", "Flagged", "page 2 of 2"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}

func TestDecisionPacketPDF(t *testing.T) {
	at := time.Date(2026, 3, 5, 14, 30, 0, 0, time.UTC)
	exp := at.AddDate(0, 0, 90)
	cp := &dealgate.PartyRef{ID: 3, Name: "Nimbus Web Services"}
	d := PacketData{
		Deal: dealgate.Deal{ID: 7},
		Version: dealgate.DealVersion{Number: 2, CreatedAt: at.Add(-48 * time.Hour), CreatedByName: "Counsel Person", ChangeNote: "Narrower scope.",
			Content: dealgate.DealContent{Title: "Nimbus hosting", Counterparty: cp, Description: "Host our agents.", Rationale: "Redundancy.",
				Categories: []dealgate.CategoryRef{{ID: 9, Name: "Agent hosting"}}}},
		Decision: dealgate.Decision{ID: 4, DealVersion: 2, Outcome: dealgate.OutcomeApprovedConditions, Memo: "Approved on the memo's terms.",
			Conditions: "Give Azurine notice.", DecidedBy: "Chair Person", DecidedAt: at, ExpiresAt: &exp,
			Tally: dealgate.Tally{Approve: 1, ApproveConditions: 1, Flag: 1, Recused: 1, Quorum: 2, Majority: dealgate.MajoritySimple}},
		Round: 2,
		Members: []dealgate.ReviewMember{{UserID: 1, Name: "Member One"}, {UserID: 2, Name: "Member Two"},
			{UserID: 3, Name: "Member Three", SelfRecused: true, Reason: "Former employee of Nimbus"}},
		Votes: []dealgate.Vote{{UserID: 1, Name: "Member One", DealVersion: 2, VoteInput: dealgate.VoteInput{Choice: dealgate.VoteApprove, Rationale: "Scope is clear of 4.2."}, UpdatedAt: at},
			{UserID: 2, Name: "Member Two", DealVersion: 2, VoteInput: dealgate.VoteInput{Choice: dealgate.VoteFlag, Rationale: "Too close to exclusivity."}, UpdatedAt: at}},
		Definitions: []dealgate.CategoryDefinition{{Path: "AI services › Agent hosting", Definition: "Running customers' agents."}},
		Events: []dealgate.ChainedEvent{{Seq: 41, Hash: bytes.Repeat([]byte{0xcd}, 32), AuditEvent: dealgate.AuditEvent{OccurredAt: at, ActorLabel: "chair@example.com",
			Action: "review.decided", EntityType: "review", EntityID: "4"}}},
	}
	var buf bytes.Buffer
	if err := WriteDecisionPacket(&buf, reportMeta, d); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"Decision packet: deal 7", "Approved on the memo", "Give Azurine notice.", "Member One: Approve",
		"Scope is clear of 4.2.", "Member Two: Flag", "Too close to exclusivity.", "Former employee of Nimbus", "Running customers",
		"Narrower scope.", "This version was not screened", "review.decided", strings.Repeat("cd", 32)} {
		if !strings.Contains(text, want) {
			t.Errorf("packet text lacks %q", want)
		}
	}
}
