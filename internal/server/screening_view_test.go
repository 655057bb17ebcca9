package server

import "strings"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/screening"

// A stored screening's page shows every conflict and caution and the first
// few info notes, with a link to the other listed ones.
func TestStoredReportShowsTheFirstInfoNotes(t *testing.T) {
	st := &postgres.Stored{Verdict: screening.Caution, Cautions: 2, Infos: 3400, ScreenedAt: time.Now(), JudgedOn: time.Now()}
	clause := &screening.ClauseFacts{Section: "4.2", Text: "Exclusive hosting."}
	for range 2 {
		st.Findings = append(st.Findings, screening.Finding{ClauseFacts: clause, Severity: screening.Caution, Relation: screening.Within})
	}
	for range postgres.MaxStoredInfo {
		st.Findings = append(st.Findings, screening.Finding{ClauseFacts: clause, Severity: screening.Info, Relation: screening.Related})
	}
	st.ClauseChanged = make([]bool, len(st.Findings))
	count := func(cards []string) map[string]int {
		n := map[string]int{}
		for _, c := range cards {
			n[c]++
		}
		return n
	}
	first := storedReportView(st, time.UTC, false)
	var kinds []string
	for _, f := range first.Findings {
		kinds = append(kinds, f.SeverityKind)
	}
	if n := count(kinds); n["caution"] != 2 || n["info"] != infoShownFirst {
		t.Fatalf("first view: %v", n)
	}
	if first.AllInfoHref == "" || !strings.Contains(first.AllInfoText, "15") {
		t.Errorf("no link to the other info notes: %q %q", first.AllInfoHref, first.AllInfoText)
	}
	all := storedReportView(st, time.UTC, true)
	if len(all.Findings) != 2+postgres.MaxStoredInfo || all.AllInfoHref != "" {
		t.Errorf("all info notes: %d findings, link %q", len(all.Findings), all.AllInfoHref)
	}
	if !strings.Contains(all.More, "3380 more") {
		t.Errorf("counted but not stored: %q", all.More)
	}
}

// A stored screening names its taxonomy version in lower case mid-sentence,
// and a re-screen counts changed verdicts in proper plurals.
func TestScreeningWordsReadAsSentences(t *testing.T) {
	st := &postgres.Stored{Verdict: screening.Clear, Version: 2, TaxonomyLabel: "Version 1", ScreenedAt: time.Now(), JudgedOn: time.Now()}
	if meta := storedReportView(st, time.UTC, false).Meta; !strings.Contains(meta, "against taxonomy version 1 ") {
		t.Errorf("meta = %q", meta)
	}
	for n, want := range map[int]string{0: "no verdict changed", 1: "1 changed verdict", 3: "3 changed verdicts"} {
		if got := changedText(n); got != want {
			t.Errorf("changedText(%d) = %q, want %q", n, got, want)
		}
	}
}
