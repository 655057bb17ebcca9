// Package csvformat is the register's CSV template: its columns, reading a
// file into rows with their line numbers, the problems an import reports,
// and the cell escaping that keeps spreadsheets from running formulas. It
// is pure: no database, no HTTP. The import and export services in
// internal/postgres use it, and so can every later import or export.
//
// The template is one flat table, one row per clause, so that an export
// can be edited in a spreadsheet and imported again (docs/register-import.md
// has the details):
//
//	agreement_ref        required; rows with the same ref are one agreement
//	title                the agreement's title
//	party                name or alias of a party in the register (or created above)
//	party_kind           cloud_provider, model_developer, reseller, investor, other (or their
//	                     labels); with a party not in the register, the import creates it
//	party_aliases        the new party's aliases, separated by ";"
//	party_parent         name or alias of its parent company (in the register or created above)
//	party_website        the new party's web address, optional
//	party_notes          free text, optional
//	party_retired        yes/no, optional: yes creates the party retired (hidden from
//	                     pickers), as the export writes a retired party
//	agreement_kind       partnership, investment, cloud_services, licence, mou, other (or their labels)
//	binding              yes/no (true/false, binding/non-binding)
//	status               draft, active, expired, terminated
//	signed_on            YYYY-MM-DD, optional (so are effective_on and expires_on)
//	effective_on
//	expires_on
//	value                amount in major units, e.g. 11000000000.00; optional
//	currency             ISO 4217 code, required with a value
//	owner_email          email of a Dealgate user, optional
//	summary, notes       free text, optional
//	clause_kind          blank: the row adds no clause; else exclusivity, right_of_first_refusal, …
//	section              section reference, e.g. 4.2
//	beneficiary          party name or alias; blank: the agreement's party
//	categories           category keys (or exact names) of the current taxonomy, separated by ";"
//	excluded_categories  the same, for categories the clause explicitly excludes
//	restricts            "named", "any" or a party kind (e.g. cloud_provider); blank: named if
//	                     restricted_parties is filled in, else any
//	restricted_parties   party names or aliases separated by ";" (with restricts = named)
//	exceptions           party names or aliases separated by ";" (with a kind or any)
//	territory            "worldwide" (or blank) or region codes separated by ";", e.g. EU;UK
//	valid_from           YYYY-MM-DD, optional: blank inherits the agreement's dates
//	valid_until
//	notice_days          whole days, optional (required for notice_required)
//	clause_text          the clause as written
//
// A row with party and party_kind and every agreement and clause column
// blank (agreement_ref too) only creates its party, so that a file can
// define parents before their affiliates. Party columns given for a party
// that already exists (or was created above) must agree with it: an import
// never changes a party.
//
// agreement_id and clause_id (written by the export) are ignored on import.
// The first row of an agreement carries its fields; later rows of the same
// agreement may repeat them exactly or leave them blank. Cells the export
// writes with a leading apostrophe (those starting with = + - @, which
// spreadsheets would run as formulas) lose it on import.
package csvformat

import "encoding/csv"
import "errors"
import "fmt"
import "io"
import "strings"

// Columns are the template's columns in the order the export writes them.
var Columns = []string{
	"agreement_ref", "title", "party", "party_kind", "party_aliases", "party_parent", "party_website", "party_notes", "party_retired",
	"agreement_kind", "binding", "status", "signed_on", "effective_on",
	"expires_on", "value", "currency", "owner_email", "summary", "notes",
	"clause_kind", "section", "beneficiary", "categories", "excluded_categories", "restricts",
	"restricted_parties", "exceptions", "territory", "valid_from", "valid_until", "notice_days", "clause_text",
}

// AgreementColumns are the columns that describe the agreement itself.
var AgreementColumns = []string{"title", "party", "agreement_kind", "binding", "status", "signed_on", "effective_on",
	"expires_on", "value", "currency", "owner_email", "summary", "notes"}

// PartyColumns describe the row's party: they create it when it is not in
// the register, and must agree with it when it is.
var PartyColumns = []string{"party_kind", "party_aliases", "party_parent", "party_website", "party_notes", "party_retired"}

// ClauseColumns describe the row's clause.
var ClauseColumns = []string{"clause_kind", "section", "beneficiary", "categories", "excluded_categories", "restricts",
	"restricted_parties", "exceptions", "territory", "valid_from", "valid_until", "notice_days", "clause_text"}

// ExportOnlyColumns are written by the export for reference and ignored on import.
var ExportOnlyColumns = []string{"agreement_id", "clause_id"}

// MaxRows bounds one import.
const MaxRows = 50000

// Problem is one reason a row cannot be imported. Line is the line of
// the file the row starts on (the header is line 1); Column is "" when the
// problem is the whole row.
type Problem struct {
	Line    int
	Column  string
	Message string
}

func (p Problem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return fmt.Sprintf("line %d, %s: %s", p.Line, p.Column, p.Message)
}

// Report says what an import did, or would do in a dry run.
type Report struct {
	DryRun     bool
	Rows       int // data rows read
	Parties    int // created (or that would be)
	Agreements int
	Clauses    int
	Problems   []Problem // every bad row; nothing is imported when any
}

// Problems collects import problems, at most 1,000, and at most one per
// cell: a cell is told about once, with the first problem found (as a form
// field is; see dealgate.Validation).
type Problems struct {
	list  []Problem
	cells map[cell]bool
}

type cell struct {
	line int
	col  string
}

// Add records a problem of line (and column, when not ""), unless that
// cell already has one.
func (p *Problems) Add(line int, col, format string, args ...any) {
	if len(p.list) >= 1000 {
		return
	}
	if col != "" {
		if p.cells[cell{line, col}] {
			return
		}
		if p.cells == nil {
			p.cells = map[cell]bool{}
		}
		p.cells[cell{line, col}] = true
	}
	p.list = append(p.list, Problem{Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// Any reports whether there is a problem.
func (p *Problems) Any() bool { return len(p.list) > 0 }

// List returns the problems in the order they were found.
func (p *Problems) List() []Problem { return p.list }

// Row is one data row: its cells by column, and the line it starts on.
type Row struct {
	Line  int
	Cells map[string]string
}

// Column maps a domain input's field name to its CSV column.
func Column(f string) string {
	switch f {
	case "party_id":
		return "party"
	case "kind":
		return "agreement_kind"
	case "owner_id":
		return "owner_email"
	case "beneficiary_id":
		return "beneficiary"
	case "category_ids":
		return "categories"
	case "excluded_category_ids":
		return "excluded_categories"
	case "restriction_scope", "restricted_kind":
		return "restricts"
	case "restricted_party_ids":
		return "restricted_parties"
	case "exception_party_ids":
		return "exceptions"
	case "regions":
		return "territory"
	case "text":
		return "clause_text"
	}
	return f
}

// HasClauseCells reports whether any clause column of a row is filled in.
func HasClauseCells(cells map[string]string) bool {
	for _, c := range ClauseColumns {
		if cells[c] != "" {
			return true
		}
	}
	return false
}

// IsPartyRow reports whether a row only describes a party: party and
// party_kind filled in, every agreement and clause column blank.
func IsPartyRow(cells map[string]string) bool {
	if cells["agreement_ref"] != "" || cells["party"] == "" || cells["party_kind"] == "" || HasClauseCells(cells) {
		return false
	}
	for _, c := range AgreementColumns {
		if c != "party" && cells[c] != "" {
			return false
		}
	}
	return true
}

// Read reads the header and every row. ok is false when the file
// cannot be read as the template at all (problems say why); rows that
// cannot be read are reported and left out.
func Read(r io.Reader, probs *Problems) ([]Row, bool) {
	problem := probs.Add
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, index, ok := readHeader(cr, probs)
	if !ok {
		return nil, false
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				problem(pe.StartLine, "", "This row cannot be read as CSV: %v", pe.Err)
				continue
			}
			problem(line, "", "This row cannot be read: %v", err)
			return rows, false
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(header) {
			problem(line, "", "This row has %d cells but the header has %d", len(rec), len(header))
			continue
		}
		if len(rows) >= MaxRows {
			problem(line, "", "An import may have at most %d rows; split the file", MaxRows)
			return rows, false
		}
		cells := make(map[string]string, len(index))
		for col, i := range index {
			cells[col] = UnescapeCell(strings.TrimSpace(rec[i-1]))
		}
		rows = append(rows, Row{Line: line, Cells: cells})
	}
	if len(rows) == 0 && !probs.Any() {
		problem(2, "", "The file has a header but no rows")
	}
	// Rows that could not be read are reported; the rest are still checked
	// so that one pass reports every problem.
	return rows, true
}

// readHeader reads the header row and indexes its columns (1-based); ok is
// false, with the problems added, when it is not the template's.
func readHeader(cr *csv.Reader, probs *Problems) (header []string, index map[string]int, ok bool) {
	problem := probs.Add
	var err error
	header, err = cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			problem(1, "", "The file is empty; it needs a header row and at least one agreement")
		} else {
			problem(1, "", "The header row cannot be read as CSV: %v", err)
		}
		return nil, nil, false
	}
	index = map[string]int{}
	known := map[string]bool{}
	for _, c := range append(append([]string{}, Columns...), ExportOnlyColumns...) {
		known[c] = true
	}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF") // spreadsheets add a byte order mark
		}
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !known[h]:
			problem(1, h, "Unknown column %q; the template's columns are listed in docs/register-import.md", h)
		case index[h] != 0:
			problem(1, h, "Column %q appears twice", h)
		default:
			index[h] = i + 1
		}
	}
	for _, c := range []string{"agreement_ref", "title", "party"} {
		if index[c] == 0 {
			problem(1, c, "The required column %q is missing", c)
		}
	}
	if probs.Any() {
		return nil, nil, false
	}
	return header, index, true
}

// ParseYesNo reads a yes/no cell; ok is false when it is neither.
func ParseYesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "true", "1", "binding":
		return true, true
	case "no", "n", "false", "0", "non-binding", "nonbinding", "not binding":
		return false, true
	}
	return false, false
}

// FormulaLeads are the first characters that make a spreadsheet (Excel,
// LibreOffice, Google Sheets) run a cell as a formula or a DDE command: = + -
// @, tab, carriage return and line feed, and the full-width forms of = + - @
// that Excel accepts in East Asian locales.
const FormulaLeads = "=+-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20"

// formulaLike reports whether s, after any leading apostrophes, starts with
// a formula lead.
func formulaLike(s string) bool {
	s = strings.TrimLeft(s, "'")
	for _, r := range s {
		return strings.ContainsRune(FormulaLeads, r)
	}
	return false
}

// EscapeCell defuses spreadsheet formulas: a cell starting with a formula
// lead gets a leading apostrophe, which import removes. So that the escape
// can always be undone, a cell that starts with apostrophes followed by a
// formula lead gets one more.
func EscapeCell(s string) string {
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

// UnescapeCell undoes EscapeCell.
func UnescapeCell(s string) string {
	if strings.HasPrefix(s, "'") && formulaLike(s[1:]) {
		return s[1:]
	}
	return s
}
