package export

import "io"
import "strings"

import "github.com/dealgate/dealgate/internal/dealgate"

// DecisionColumns are the decision register's columns. The PDF, a
// landscape table, leaves out the longer ones.
var DecisionColumns = []Column{
	{"Decided", Moment, 18, 26},
	{"Deal", Int, 8, 11},
	{"Version", Int, 8, 0},
	{"Title", Text, 36, 48},
	{"Counterparty", Text, 24, 34},
	{"Categories", Text, 36, 0},
	{"Value", Number, 16, 0},
	{"Currency", Text, 9, 0},
	{"Screening verdict", Text, 16, 20},
	{"For", Int, 6, 9},
	{"Against", Int, 8, 12},
	{"Abstentions", Int, 11, 17},
	{"Recusals", Int, 9, 14},
	{"Decision", Text, 22, 32},
	{"Conditions", Text, 40, 0},
	{"Decided by", Text, 20, 0},
	{"Submitted", Moment, 18, 0},
	{"Days to decision", Number, 10, 17},
	{"Negotiation started", Day, 12, 0},
	{"Negotiation before clearance", Text, 28, 32},
}

// WriteDecisionRegister writes the decision register's records in format f
// (CSV, XLSX or PDF) to w.
func WriteDecisionRegister(w io.Writer, f Format, m Meta, recs []dealgate.DecisionRecord) error {
	tw, err := NewTable(f, w, Table{Title: "Dealgate decision register", Sheet: "Decisions", Columns: DecisionColumns, Meta: m})
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := tw.WriteRow(decisionCells(r)); err != nil {
			return err
		}
	}
	return tw.Close()
}

func decisionCells(r dealgate.DecisionRecord) []any {
	var value, currency any
	if r.Value != nil {
		value, currency = r.Value.Major(), r.Value.Currency
	}
	var started any
	if d := r.NegotiationStarted(); d != nil {
		started = *d
	}
	return []any{
		r.DecidedAt, r.DealID, r.DealVersion, r.Title, r.Counterparty, strings.Join(r.Categories, "; "), value, currency,
		r.VerdictLabel(), r.For, r.Against, r.Abstained, r.Recused, r.Outcome.Label(), r.Conditions, r.DecidedBy,
		r.SubmittedAt, r.DaysToDecision(), started, r.NegotiationBeforeClearance(),
	}
}
