package export

import "archive/zip"
import "encoding/hex"
import "fmt"
import "io"
import "time"

import "github.com/xuri/excelize/v2"

// MaxSheetRows is Excel's row limit per sheet, the header included.
const MaxSheetRows = excelize.TotalRows

// xlsxColumns are the XLSX export's columns and widths.
var xlsxColumns = []struct {
	Name  string
	Width float64
}{
	{"Seq", 10}, {"Event", 10}, {"Time", 20}, {"Actor", 28}, {"Action", 26}, {"Entity type", 16},
	{"Entity", 14}, {"Before", 50}, {"After", 50}, {"Request", 22}, {"Client IP", 16}, {"Previous hash", 20}, {"Hash", 20},
}

type xlsxWriter struct {
	out     io.Writer
	meta    Meta
	f       *excelize.File
	sw      *excelize.StreamWriter
	sheet   int // 1-based sheet number of Events
	row     int // last row written on the current sheet
	perSht  int // data rows per sheet
	header  int // header style
	date    int // date-time style
	proof   *proofBuilder
	scratch []any
}

// NewXLSX returns an XLSX writer that writes the workbook to w on Close:
// sheet "Events" with a bold, frozen header row, an autofilter, column
// widths and typed cells (numbers and date-times in the viewer's zone),
// continuing on "Events 2", "Events 3", … past Excel's row limit; and a sheet
// "Export" with the filters, who exported it and when, and the proof. Rows
// are streamed to temporary files, so memory stays bounded.
func NewXLSX(w io.Writer, m Meta) (Writer, error) {
	return newXLSX(w, m, MaxSheetRows-1)
}

func newXLSX(w io.Writer, m Meta, perSheet int) (*xlsxWriter, error) {
	f, st, err := newWorkbook("Events")
	if err != nil {
		return nil, err
	}
	x := &xlsxWriter{out: w, meta: m, f: f, perSht: perSheet, proof: newProof(m), scratch: make([]any, len(xlsxColumns)),
		header: st.header, date: st.moment}
	return x, x.startSheet()
}

// workbookStyles are the cell styles every workbook shares.
type workbookStyles struct{ header, moment, day int }

// newWorkbook starts a workbook whose first sheet is named first, with the
// header, date-time and date styles.
func newWorkbook(first string) (*excelize.File, workbookStyles, error) {
	f := excelize.NewFile()
	var st workbookStyles
	var err error
	if st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF4"}}}); err != nil {
		return nil, st, err
	}
	moment, day := "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd"
	if st.moment, err = f.NewStyle(&excelize.Style{CustomNumFmt: &moment}); err != nil {
		return nil, st, err
	}
	if st.day, err = f.NewStyle(&excelize.Style{CustomNumFmt: &day}); err != nil {
		return nil, st, err
	}
	return f, st, f.SetSheetName("Sheet1", first)
}

// writeInfoSheet adds a sheet of label and value lines, the first in bold.
func writeInfoSheet(f *excelize.File, name string, lines [][2]any, header int) error {
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	_ = f.SetColWidth(name, "A", "A", 24)
	_ = f.SetColWidth(name, "B", "B", 70)
	for i, l := range lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(name, cell, &[]any{l[0], l[1]}); err != nil {
			return err
		}
	}
	return f.SetCellStyle(name, "A1", "A1", header)
}

// metaLines are an export's description for its info sheet.
func metaLines(title string, m Meta) [][2]any {
	lines := [][2]any{{title, ""}, {"Period", m.Period()}, {"Time zone", m.zone().String()}}
	for _, f := range m.Filters {
		lines = append(lines, [2]any{"Filter: " + f.Name, f.Value})
	}
	return append(lines,
		[2]any{"Exported by", m.ExportedBy},
		[2]any{"Exported at", m.ExportedAt.In(m.zone()).Format("2006-01-02 15:04:05 MST")})
}

func (x *xlsxWriter) sheetName() string {
	if x.sheet <= 1 {
		return "Events"
	}
	return fmt.Sprintf("Events %d", x.sheet)
}

func (x *xlsxWriter) startSheet() error {
	if x.sw != nil {
		if err := x.endSheet(); err != nil {
			return err
		}
	}
	x.sheet++
	name := x.sheetName()
	if x.sheet > 1 {
		if _, err := x.f.NewSheet(name); err != nil {
			return err
		}
	}
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	x.sw = sw
	for i, c := range xlsxColumns {
		if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(xlsxColumns))
	for i, c := range xlsxColumns {
		head[i] = excelize.Cell{StyleID: x.header, Value: c.Name}
	}
	x.row = 1
	return sw.SetRow("A1", head)
}

func (x *xlsxWriter) endSheet() error {
	last, _ := excelize.CoordinatesToCellName(len(xlsxColumns), max(x.row, 2))
	if err := x.f.AutoFilter(x.sheetName(), "A1:"+last, nil); err != nil {
		return err
	}
	err := x.sw.Flush()
	x.sw = nil
	return err
}

func (x *xlsxWriter) Write(r Row) error {
	if x.row-1 >= x.perSht {
		if err := x.startSheet(); err != nil {
			return err
		}
	}
	x.proof.add(r)
	x.row++
	v := x.scratch
	v[0] = r.Seq
	v[1] = r.ID
	// Excel has no zones: the wall-clock time in the viewer's zone.
	local := r.OccurredAt.In(x.meta.zone())
	v[2] = excelize.Cell{StyleID: x.date, Value: timeAsUTCWall(local)}
	v[3] = r.ActorLabel
	v[4] = r.Action
	v[5] = r.EntityType
	v[6] = r.EntityID
	v[7] = string(r.Before)
	v[8] = string(r.After)
	v[9] = r.RequestID
	v[10] = r.ClientIP
	v[11] = hex.EncodeToString(r.PrevHash)
	v[12] = hex.EncodeToString(r.Hash)
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	return x.sw.SetRow(cell, v)
}

func (x *xlsxWriter) Close() (Proof, error) {
	p := x.proof.p
	defer func() { _ = x.f.Close() }()
	if err := x.endSheet(); err != nil {
		return p, err
	}
	lines := append(metaLines("Dealgate audit export", x.meta),
		[2]any{"Events", p.Rows},
		[2]any{"Sheets", x.sheet},
		[2]any{"Last event (seq)", p.LastSeq},
		[2]any{"Last event hash", hexOrEmpty(p.LastHash)},
		[2]any{"Chain head (seq)", p.HeadSeq},
		[2]any{"Chain head hash", hexOrEmpty(p.HeadHash)},
		[2]any{"Digest of the events' hashes", hexOrEmpty(p.Digest)},
	)
	if err := writeInfoSheet(x.f, "Export", lines, x.header); err != nil {
		return p, err
	}
	err := writeWorkbook(x.f, x.out)
	return p, err
}

// writeWorkbook writes f's zip archive straight to out. excelize's own
// WriteTo builds the whole archive in a bytes.Buffer first (128 MB for a
// million events); its zip writer hook lets the archive go to out as it is
// made instead, so memory stays bounded by the stream writer's. (excelize
// patches zip64 local headers in that buffer only for parts over 4 GiB,
// which a sheet capped at Excel's row limit never reaches; archive/zip
// writes correct zip64 records itself.)
func writeWorkbook(f *excelize.File, out io.Writer) error {
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(out) })
	_, err := f.WriteTo(io.Discard)
	return err
}

// timeAsUTCWall keeps t's wall clock and drops its zone, which is how
// excelize stores a date-time serial without shifting it.
func timeAsUTCWall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}
