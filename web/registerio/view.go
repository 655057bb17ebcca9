// Package registerio renders the register's bulk screens: the expiry watch
// and the CSV import (the export is a plain download).
package registerio

import "strconv"

import "github.com/dealgate/dealgate/web/components"

// ExpiryRow is one agreement or clause ending within the window. What says
// which ("Agreement", "Exclusivity clause, section 4.2"); EndsOn is already
// written in words in the viewer's zone.
type ExpiryRow struct {
	What           string
	AgreementTitle string
	AgreementHref  string
	Party          string
	EndsOn         string
	DueSoon        bool
}

// ExpiryView is the expiry watch with its GET filter. When Errors is set the
// list is not shown (the window could not be read).
type ExpiryView struct {
	Days   components.Field
	Errors []components.FieldError
	// Window is the window in words ("90 days"), for the caption and the
	// empty state; WiderHref is a link to a wider window, "" for none.
	Window    string
	WiderHref string
	Rows      []ExpiryRow
	Pager     components.Pager
	// FirstHref is set when a page past the end of the list was asked for.
	FirstHref string
}

// Column is one column of the import template as the import page explains it.
type Column struct {
	Name, Required, Meaning string
}

// ImportView is the import page: what the template is, the upload form and,
// after an upload, the report.
type ImportView struct {
	TemplateHref string
	ExportHref   string // "" when the viewer may not export
	MaxSize      string // "5 MB"
	Columns      []Column
	Action       string
	CSRFToken    string
	// Submission is the form's one-time token: an import is refused when it
	// does not match the last form shown, so a replay imports nothing twice.
	Submission string
	Errors     []components.FieldError
	FileError  string
	Mode       []components.Option
	ModeError  string
	Report     *Report
	// Checked is the hash of a file that passed its check and is held for
	// "Import these N rows" ("" for none).
	Checked string
}

// Report says what an upload did or would do. Problems lists every bad row;
// when there are any nothing was (or would be) imported.
type Report struct {
	DryRun     bool
	FileName   string
	Rows       int
	Parties    int
	Agreements int
	Clauses    int
	Problems   []Problem
	// Truncated says the service stopped listing problems at its limit.
	Truncated bool
}

// Problem is one reason a row cannot be imported; Line is the file's line
// (the header is line 1), Column is "" for the whole row.
type Problem struct {
	Line            int
	Column, Message string
}

// ProblemsID is the id of the problems table, the error summary's target.
const ProblemsID = "import-problems"

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func cleanSummary(r Report) string {
	what := plural(r.Agreements, "agreement", "agreements") + " and " + plural(r.Clauses, "clause", "clauses")
	if r.Parties > 0 {
		what = plural(r.Parties, "party", "parties") + ", " + what
	}
	if r.DryRun {
		return "Importing this file would create " + what + ". Nothing has been saved yet: to import it, choose the same file again below and select Import."
	}
	return "The import created " + what + "."
}

func problemTitle(r Report) string {
	n := plural(len(r.Problems), "problem", "problems")
	if r.Truncated {
		n = "More than " + n
	}
	if r.FileName != "" {
		return n + " in " + r.FileName
	}
	return n + " in the file"
}

// reportRows are the report's figures. Counts of records to create mean
// something only when every row is good.
func reportRows(r Report) []components.SummaryRow {
	rows := []components.SummaryRow{
		{Key: "File", Value: r.FileName},
		{Key: "Rows read", Value: strconv.Itoa(r.Rows)},
	}
	if len(r.Problems) == 0 {
		pverb := "Parties created"
		verb := "Agreements created"
		cverb := "Clauses created"
		if r.DryRun {
			pverb, verb, cverb = "Parties to create", "Agreements to create", "Clauses to create"
		}
		rows = append(rows,
			components.SummaryRow{Key: pverb, Value: strconv.Itoa(r.Parties)},
			components.SummaryRow{Key: verb, Value: strconv.Itoa(r.Agreements)},
			components.SummaryRow{Key: cverb, Value: strconv.Itoa(r.Clauses)})
	} else {
		rows = append(rows, components.SummaryRow{Key: "Rows with problems", Value: strconv.Itoa(rowsWithProblems(r.Problems))})
	}
	return rows
}

func rowsWithProblems(ps []Problem) int {
	lines := map[int]bool{}
	for _, p := range ps {
		lines[p.Line] = true
	}
	return len(lines)
}

// importRowsLabel is the button that imports a checked file.
func importRowsLabel(rows int) string {
	if rows == 1 {
		return "Import this row"
	}
	return "Import these " + strconv.Itoa(rows) + " rows"
}
