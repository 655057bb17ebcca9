package export

import "encoding/csv"
import "fmt"
import "io"
import "strconv"
import "time"

import "github.com/xuri/excelize/v2"

import "github.com/dealgate/dealgate/internal/csvformat"

// A table report is a flat list of records (the decision register) written
// as CSV, XLSX or a PDF table, with the same description (Meta) as the audit
// exports. Cells are typed by their column.

// CellKind is how a column's cells are written.
type CellKind int

// The cell kinds. A cell may always be nil (blank).
const (
	Text   CellKind = iota // string
	Int                    // int or int64
	Number                 // float64, in the shortest form that reads back exactly
	Moment                 // time.Time: a date-time in the viewer's zone
	Day                    // time.Time: a calendar date
)

// Column is one column of a table report. PDFWidth is its width in mm in
// the PDF; 0 leaves it out of the PDF (a landscape page holds about 270 mm).
type Column struct {
	Name     string
	Kind     CellKind
	Width    float64 // XLSX width in characters
	PDFWidth float64
}

// Table describes a table report: its title, its columns and the export's
// description.
type Table struct {
	Title   string // e.g. "Dealgate decision register"
	Sheet   string // the XLSX sheet of the records, e.g. "Decisions"
	Columns []Column
	Meta    Meta
}

// TableWriter writes a table report one record at a time.
type TableWriter interface {
	// WriteRow adds a record: one cell per column, typed as the column says.
	WriteRow(cells []any) error
	// Close finishes the file. It does not close the output.
	Close() error
}

// NewTable returns a writer of t in format f (CSV, XLSX or PDF) on w.
func NewTable(f Format, w io.Writer, t Table) (TableWriter, error) {
	switch f {
	case CSV:
		cw := &tableCSV{t: t, w: csv.NewWriter(w), rec: make([]string, len(t.Columns))}
		names := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			names[i] = c.Name
		}
		return cw, cw.w.Write(names)
	case XLSX:
		return newTableXLSX(w, t)
	case PDF:
		return newTablePDF(w, t), nil
	}
	return nil, fmt.Errorf("a table report is CSV, XLSX or PDF, not %s", f)
}

// cellText is a cell as text: moments in the meta's zone.
func (t Table) cellText(c Column, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		if c.Kind == Day {
			return x.Format("2006-01-02")
		}
		return x.In(t.Meta.zone()).Format("2006-01-02 15:04")
	}
	return fmt.Sprint(v)
}

type tableCSV struct {
	t   Table
	w   *csv.Writer
	rec []string
}

func (c *tableCSV) WriteRow(cells []any) error {
	for i, col := range c.t.Columns {
		s := c.t.cellText(col, cells[i])
		if col.Kind == Moment {
			if tm, ok := cells[i].(time.Time); ok {
				s = tm.In(c.t.Meta.zone()).Format(time.RFC3339)
			}
		}
		c.rec[i] = csvformat.EscapeCell(s)
	}
	return c.w.Write(c.rec)
}

func (c *tableCSV) Close() error {
	c.w.Flush()
	return c.w.Error()
}

type tableXLSX struct {
	t   Table
	out io.Writer
	f   *excelize.File
	sw  *excelize.StreamWriter
	st  workbookStyles
	row int
}

func newTableXLSX(w io.Writer, t Table) (*tableXLSX, error) {
	f, st, err := newWorkbook(t.Sheet)
	if err != nil {
		return nil, err
	}
	x := &tableXLSX{t: t, out: w, f: f, st: st, row: 1}
	if x.sw, err = f.NewStreamWriter(t.Sheet); err != nil {
		return nil, err
	}
	head := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		if err := x.sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return nil, err
		}
		head[i] = excelize.Cell{StyleID: st.header, Value: c.Name}
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	return x, x.sw.SetRow("A1", head)
}

func (x *tableXLSX) WriteRow(cells []any) error {
	x.row++
	v := make([]any, len(cells))
	for i, c := range x.t.Columns {
		switch tm, isTime := cells[i].(time.Time); {
		case isTime && c.Kind == Day:
			v[i] = excelize.Cell{StyleID: x.st.day, Value: timeAsUTCWall(tm)}
		case isTime:
			v[i] = excelize.Cell{StyleID: x.st.moment, Value: timeAsUTCWall(tm.In(x.t.Meta.zone()))}
		default:
			v[i] = cells[i] // strings stay strings, numbers numbers: never a formula
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	return x.sw.SetRow(cell, v)
}

func (x *tableXLSX) Close() error {
	defer func() { _ = x.f.Close() }()
	last, _ := excelize.CoordinatesToCellName(len(x.t.Columns), max(x.row, 2))
	if err := x.f.AutoFilter(x.t.Sheet, "A1:"+last, nil); err != nil {
		return err
	}
	if err := x.sw.Flush(); err != nil {
		return err
	}
	lines := append(metaLines(x.t.Title, x.t.Meta), [2]any{"Records", x.row - 1})
	if err := writeInfoSheet(x.f, "Export", lines, x.st.header); err != nil {
		return err
	}
	err := writeWorkbook(x.f, x.out)
	return err
}

type tablePDF struct {
	*pdfDoc
	t        Table
	out      io.Writer
	rows     int
	started  bool
	rowColor bool
}

func newTablePDF(w io.Writer, t Table) *tablePDF {
	x := &tablePDF{pdfDoc: newPDFDoc(t.Title, t.Meta, true), t: t, out: w}
	x.coverHead(t.Title, "none")
	return x
}

func (x *tablePDF) header() {
	p := x.pdf
	p.SetFont("Helvetica", "B", 8)
	p.SetFillColor(232, 238, 244)
	for _, c := range x.t.Columns {
		if c.PDFWidth > 0 {
			p.CellFormat(c.PDFWidth, 7, x.fit(c.Name, c.PDFWidth), "B", 0, "L", true, 0, "")
		}
	}
	p.Ln(-1)
	p.SetFont("Helvetica", "", 8)
}

// WriteRow writes a record as a table row whose cells wrap: the row is as
// tall as its longest cell, and moves whole to the next page.
func (x *tablePDF) WriteRow(cells []any) error {
	p := x.pdf
	if !x.started {
		x.started = true
		p.SetHeaderFunc(x.header)
		p.AddPage()
	}
	const lineH = 4.2
	lines := make([][]string, len(cells))
	n := 1
	for i, c := range x.t.Columns {
		if c.PDFWidth > 0 {
			lines[i] = p.SplitText(x.tr(x.t.cellText(c, cells[i])), c.PDFWidth-2)
			n = max(n, len(lines[i]))
		}
	}
	h := float64(n)*lineH + 1.5
	if p.GetY()+h > x.bottom+6 {
		p.AddPage()
	}
	x.rows++
	x.rowColor = !x.rowColor
	if x.rowColor {
		p.SetFillColor(248, 248, 248)
	} else {
		p.SetFillColor(255, 255, 255)
	}
	left, top := p.GetX(), p.GetY()
	p.Rect(left, top, x.width, h, "F")
	for i, c := range x.t.Columns {
		if c.PDFWidth == 0 {
			continue
		}
		align := "L"
		if c.Kind == Int || c.Kind == Number {
			align = "R"
		}
		for j, l := range lines[i] {
			p.SetXY(left, top+0.75+float64(j)*lineH)
			p.CellFormat(c.PDFWidth, lineH, l, "", 0, align, false, 0, "")
		}
		left += c.PDFWidth
	}
	p.SetXY(12, top+h)
	return p.Error()
}

func (x *tablePDF) Close() error {
	p := x.pdf
	p.SetHeaderFunc(nil)
	if !x.started {
		p.Ln(4)
		x.para("No records match.", 11)
	}
	p.Ln(4)
	x.line("Records", strconv.Itoa(x.rows))
	return p.Output(x.out)
}
