package export

import "encoding/hex"
import "errors"
import "fmt"
import "io"
import "strconv"

// MaxPDFRows bounds a PDF report: a longer one belongs in CSV or XLSX.
const MaxPDFRows = 100000

// ErrTooManyRows is returned by a PDF writer given more than MaxPDFRows.
var ErrTooManyRows = fmt.Errorf("a PDF report holds at most %d events: narrow the filters or export CSV or XLSX", MaxPDFRows)

type pdfWriter struct {
	*pdfDoc
	out      io.Writer
	proof    *proofBuilder
	actions  counts
	actors   counts
	started  bool
	widths   []float64
	rowColor bool
}

var pdfColumns = []string{"Time", "Actor", "Action", "Entity", "Seq", "Hash"}

// NewPDF returns a PDF report writer that writes the report to w on Close:
// a cover page (filters, period, who exported it and when, the chain head),
// a table of events with page numbers, and a summary by action and by actor
// with the proof.
func NewPDF(w io.Writer, m Meta) (Writer, error) {
	x := &pdfWriter{pdfDoc: newPDFDoc("Dealgate audit report", m, true), out: w, proof: newProof(m),
		actions: counts{}, actors: counts{}, widths: []float64{38, 62, 55, 62, 22, 34}}
	x.cover()
	return x, x.pdf.Error()
}

func (x *pdfWriter) cover() {
	p, m := x.pdf, x.meta
	x.coverHead("Dealgate audit report", "none: every event of the period")
	x.line("Chain head at export", "event "+strconv.FormatInt(m.HeadSeq, 10))
	x.line("Chain head hash", hex.EncodeToString(m.HeadHash))
	p.Ln(4)
	p.SetFont("Helvetica", "I", 9)
	p.MultiCell(0, 5, x.tr("Each event's hash links it into the audit chain. The last page gives the hash of the last "+
		"event this report covers; compare it and the chain head with `dealgate audit verify` or a signed checkpoint."), "", "L", false)
}

func (x *pdfWriter) tableHeader() {
	p := x.pdf
	p.SetFont("Helvetica", "B", 9)
	p.SetFillColor(232, 238, 244)
	for i, c := range pdfColumns {
		p.CellFormat(x.widths[i], 7, c, "B", 0, "L", true, 0, "")
	}
	p.Ln(-1)
	p.SetFont("Helvetica", "", 8)
}

func (x *pdfWriter) Write(r Row) error {
	if x.proof.p.Rows >= MaxPDFRows {
		return ErrTooManyRows
	}
	x.proof.add(r)
	x.actions[r.Action]++
	x.actors[r.ActorLabel]++
	p := x.pdf
	if !x.started {
		x.started = true
		p.SetHeaderFunc(func() { x.tableHeader() })
		p.AddPage()
	}
	if p.GetY() > x.bottom {
		p.AddPage()
	}
	x.rowColor = !x.rowColor
	if x.rowColor {
		p.SetFillColor(248, 248, 248)
	} else {
		p.SetFillColor(255, 255, 255)
	}
	cells := []string{
		r.OccurredAt.In(x.meta.zone()).Format("2006-01-02 15:04:05"),
		r.ActorLabel, r.Action, r.EntityType + " " + r.EntityID,
		strconv.FormatInt(r.Seq, 10), hex.EncodeToString(r.Hash)[:16],
	}
	for i, c := range cells {
		p.CellFormat(x.widths[i], 5.5, x.fit(c, x.widths[i]), "", 0, "L", true, 0, "")
	}
	p.Ln(-1)
	return p.Error()
}

func (x *pdfWriter) summaryTable(title string, c counts) {
	p := x.pdf
	p.SetFont("Helvetica", "B", 12)
	p.CellFormat(0, 9, x.tr(title), "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "", 9)
	for _, kv := range c.sorted() {
		p.CellFormat(120, 5.5, x.fit(kv.Key, 120), "B", 0, "L", false, 0, "")
		p.CellFormat(30, 5.5, strconv.FormatInt(kv.N, 10), "B", 1, "R", false, 0, "")
	}
	p.Ln(4)
}

func (x *pdfWriter) Close() (Proof, error) {
	pr := x.proof.p
	p := x.pdf
	p.SetHeaderFunc(nil)
	p.AddPage()
	p.SetFont("Helvetica", "B", 16)
	p.CellFormat(0, 12, "Summary", "", 1, "L", false, 0, "")
	x.line("Events", strconv.FormatInt(pr.Rows, 10))
	if pr.Rows > 0 {
		x.line("Last event covered", "event "+strconv.FormatInt(pr.LastSeq, 10))
		x.line("Last event hash", hex.EncodeToString(pr.LastHash))
	}
	x.line("Chain head hash", hex.EncodeToString(pr.HeadHash))
	x.line("Digest of the events", hex.EncodeToString(pr.Digest))
	p.Ln(4)
	x.summaryTable("By action", x.actions)
	x.summaryTable("By actor", x.actors)
	if err := p.Output(x.out); err != nil {
		return pr, err
	}
	return pr, errors.Join(p.Error())
}
