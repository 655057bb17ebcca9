package export

import "fmt"

import "github.com/go-pdf/fpdf"

// pdfDoc is what every PDF report shares: the page set-up, a footer with
// the report's name, period and "page n of m", labelled lines, headings,
// paragraphs and text cut to a column's width. The audit report, the
// decision register and the decision packet are built on it.
type pdfDoc struct {
	pdf  *fpdf.Fpdf
	tr   func(string) string
	meta Meta
	// width is the page's usable width, in mm.
	width float64
	// bottom is the lowest y a table row may start at, in mm.
	bottom float64
}

// newPDFDoc starts an A4 document titled title; landscape for tables.
func newPDFDoc(title string, m Meta, landscape bool) *pdfDoc {
	orient, w, h := "P", 210.0, 297.0
	if landscape {
		orient, w, h = "L", 297.0, 210.0
	}
	p := fpdf.New(orient, "mm", "A4", "")
	p.SetTitle(title, true)
	p.SetAuthor("Dealgate", true)
	p.SetCreator("Dealgate", true)
	p.SetCreationDate(m.ExportedAt)
	p.SetModificationDate(m.ExportedAt)
	p.AliasNbPages("{nb}")
	p.SetMargins(12, 12, 12)
	p.SetAutoPageBreak(true, 14)
	d := &pdfDoc{pdf: p, tr: p.UnicodeTranslatorFromDescriptor(""), meta: m, width: w - 24, bottom: h - 14 - 6}
	p.SetFooterFunc(func() {
		p.SetY(-10)
		p.SetFont("Helvetica", "", 8)
		p.SetTextColor(90, 90, 90)
		p.CellFormat(0, 5, d.tr(fmt.Sprintf("%s · %s · page %d of {nb}", title, m.Period(), p.PageNo())), "", 0, "C", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	return d
}

// line writes a label and its value, the value wrapping.
func (d *pdfDoc) line(label, value string) {
	p := d.pdf
	p.SetFont("Helvetica", "B", 10)
	p.CellFormat(55, 6, d.tr(label), "", 0, "L", false, 0, "")
	p.SetFont("Helvetica", "", 10)
	p.MultiCell(0, 6, d.tr(value), "", "L", false)
}

// heading writes a section heading.
func (d *pdfDoc) heading(text string) {
	p := d.pdf
	p.Ln(3)
	p.SetFont("Helvetica", "B", 13)
	p.CellFormat(0, 9, d.tr(text), "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "", 10)
}

// para writes wrapping text in size pt.
func (d *pdfDoc) para(text string, size float64) {
	d.pdf.SetFont("Helvetica", "", size)
	d.pdf.MultiCell(0, size*0.5, d.tr(text), "", "L", false)
}

// coverHead writes a report's title, its period and zone, its filters and
// who exported it when; none describes the absence of filters.
func (d *pdfDoc) coverHead(title, none string) {
	p, m := d.pdf, d.meta
	p.AddPage()
	p.SetFont("Helvetica", "B", 22)
	p.CellFormat(0, 14, d.tr(title), "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "", 12)
	p.CellFormat(0, 8, d.tr("Period: "+m.Period()+" ("+m.zone().String()+")"), "", 1, "L", false, 0, "")
	p.Ln(4)
	if len(m.Filters) == 0 {
		d.line("Filters", none)
	}
	for _, f := range m.Filters {
		d.line("Filter: "+f.Name, f.Value)
	}
	p.Ln(2)
	d.line("Exported by", m.ExportedBy)
	d.line("Exported at", m.ExportedAt.In(m.zone()).Format("2006-01-02 15:04:05 MST"))
}

// fit shortens s to fit width w.
func (d *pdfDoc) fit(s string, w float64) string {
	s = d.tr(s)
	if d.pdf.GetStringWidth(s) <= w-2 {
		return s
	}
	for len(s) > 1 && d.pdf.GetStringWidth(s+"...") > w-2 {
		s = s[:len(s)-1]
	}
	return s + "..."
}
