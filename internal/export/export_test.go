package export

import "bytes"
import "compress/zlib"
import "encoding/csv"
import "io"
import "regexp"
import "strconv"
import "strings"
import "testing"
import "time"

import "github.com/xuri/excelize/v2"

import "github.com/dealgate/dealgate/internal/auditchain"

// chain returns n chained rows; every third one is left out (as a filtered
// view would), so the export has both consecutive and separate events.
func chain(n int) []Row {
	prev := auditchain.Genesis
	var rows []Row
	actor := int64(7)
	for seq := int64(1); len(rows) < n; seq++ {
		e := auditchain.Event{Seq: seq, ID: seq + 100, OccurredAt: time.Date(2026, 1, 2, 3, 4, 5, int(seq)*1000, time.UTC),
			ActorLabel: "ann@example.com", Action: "agreement.updated", EntityType: "agreement", EntityID: "42",
			Before: []byte(`{"title": "Old, \"quoted\"", "value": 1.50}`), After: []byte(`{"title": "=HYPERLINK(\"x\")"}`),
			RequestID: "req-1", ClientIP: "10.0.0.1"}
		switch seq % 4 {
		case 1:
			e.ActorID, e.ActorLabel = &actor, "=cmd|' /C calc'!A0"
			e.EntityID = "+44 20 ünïcode \u2028 tab\there"
		case 2:
			e.Before, e.Action, e.ActorLabel = nil, "taxonomy.published", "system"
		}
		h := auditchain.Link(prev, e)
		if seq%3 != 0 {
			rows = append(rows, Row{Event: e, PrevHash: prev, Hash: h})
		}
		prev = h
	}
	return rows
}

var meta = Meta{
	Filters:    []Filter{{"Deal", "Nimbus cloud deal"}, {"Actor", "ann@example.com"}},
	From:       time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	To:         time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
	ExportedBy: "audrey@example.com", ExportedAt: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC),
	HeadSeq: 99, HeadHash: bytes.Repeat([]byte{0xab}, 32),
}

func write(t *testing.T, f Format, rows []Row) ([]byte, Proof) {
	t.Helper()
	var buf bytes.Buffer
	var w Writer
	var err error
	switch f {
	case CSV:
		w, err = NewCSV(&buf, meta)
	case JSONL:
		w, err = NewJSONL(&buf, meta)
	case XLSX:
		w, err = NewXLSX(&buf, meta)
	case PDF:
		w, err = NewPDF(&buf, meta)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	p, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), p
}

func TestFileName(t *testing.T) {
	if got := FileName("audit", meta, "csv"); got != "dealgate-audit-2026-01-01_2026-03-31.csv" {
		t.Fatalf("got %q", got)
	}
	open := Meta{ExportedAt: meta.ExportedAt}
	if got := FileName("audit", open, "pdf"); got != "dealgate-audit-start_2026-04-02.pdf" {
		t.Fatalf("got %q", got)
	}
}

func TestVerifyUntouchedExports(t *testing.T) {
	rows := chain(10)
	for _, f := range []Format{CSV, JSONL} {
		data, p := write(t, f, rows)
		v, err := Verify(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: untouched export refused: %v\n%s", f, err, data)
		}
		if v.Format != f || v.Proof.Rows != 10 || !bytes.Equal(v.Proof.LastHash, rows[9].Hash) ||
			!bytes.Equal(v.Proof.HeadHash, meta.HeadHash) || !bytes.Equal(v.Proof.Digest, p.Digest) {
			t.Fatalf("%s: verified %+v, wrote %+v", f, v, p)
		}
	}
	// An empty export verifies too.
	data, _ := write(t, CSV, nil)
	if _, err := Verify(bytes.NewReader(data)); err != nil {
		t.Fatalf("empty: %v", err)
	}
}

func TestVerifyDetectsEditedDeletedReorderedLines(t *testing.T) {
	rows := chain(10)
	for _, f := range []Format{CSV, JSONL} {
		data, _ := write(t, f, rows)
		lines := strings.SplitAfter(string(data), "\n")
		lines = lines[:len(lines)-1] // the empty string after the last newline
		first := 0
		if f == CSV {
			first = 1
		}
		cases := map[string]func([]string) []string{
			"edited actor": func(l []string) []string {
				l[first+2] = strings.Replace(l[first+2], "ann@example.com", "bob@example.com", 1)
				return l
			},
			"edited before": func(l []string) []string {
				l[first+3] = strings.Replace(l[first+3], "1.50", "1.5", 1)
				return l
			},
			"deleted middle line": func(l []string) []string { return append(l[:first+4:first+4], l[first+5:]...) },
			"deleted last event":  func(l []string) []string { return append(l[:len(l)-2:len(l)-2], l[len(l)-1]) },
			"deleted proof":       func(l []string) []string { return l[:len(l)-1] },
			"reordered lines": func(l []string) []string {
				l[first+1], l[first+2] = l[first+2], l[first+1]
				return l
			},
			"repeated line": func(l []string) []string {
				return append(l[:first+2:first+2], append([]string{l[first+1]}, l[first+2:]...)...)
			},
		}
		for name, tamper := range cases {
			changed := strings.Join(tamper(append([]string(nil), lines...)), "")
			if changed == string(data) {
				t.Fatalf("%s %s: the tampering changed nothing", f, name)
			}
			if _, err := Verify(strings.NewReader(changed)); err == nil {
				t.Errorf("%s: %s was not detected", f, name)
			} else {
				t.Logf("%s %s: %v", f, name, err)
			}
		}
	}
}

func TestCSVNeutralisesFormulasAndReadsBack(t *testing.T) {
	rows := chain(4)
	data, _ := write(t, CSV, rows)
	recs, err := func() ([][]string, error) {
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		return r.ReadAll()
	}()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+4+1 || strings.Join(recs[0], ",") != strings.Join(Columns, ",") || recs[5][0] != ProofMarker {
		t.Fatalf("records: %d, header %v, last %v", len(recs), recs[0], recs[len(recs)-1])
	}
	for _, rec := range recs[1:5] {
		for i, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r\n", rune(cell[0])) {
				t.Errorf("column %s: formula lead not neutralised: %q", Columns[i], cell)
			}
		}
	}
	if recs[1][4] != "'=cmd|' /C calc'!A0" || recs[1][7] != "'+44 20 ünïcode \u2028 tab\there" {
		t.Fatalf("escaped cells: %q %q", recs[1][4], recs[1][7])
	}
}

func TestXLSXTypedFrozenFilteredAndSplitAcrossSheets(t *testing.T) {
	rows := chain(7)
	var buf bytes.Buffer
	w, err := newXLSX(&buf, meta, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Events|Events 2|Events 3|Export" {
		t.Fatalf("sheets %s", got)
	}
	total := 0
	for _, sheet := range []string{"Events", "Events 2", "Events 3"} {
		all, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if all[0][0] != "Seq" || all[0][4] != "Action" {
			t.Fatalf("%s header %v", sheet, all[0])
		}
		total += len(all) - 1
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Fatalf("%s panes %+v %v", sheet, panes, err)
		}
		if wdt, _ := f.GetColWidth(sheet, "H"); wdt != 50 {
			t.Fatalf("%s column H width %v", sheet, wdt)
		}
	}
	if total != 7 {
		t.Fatalf("%d data rows", total)
	}
	// Numbers and date-times are numeric cells (no string type); text is text.
	for _, cell := range []string{"A2", "B2", "C2"} {
		typ, _ := f.GetCellType("Events", cell)
		raw, _ := f.GetCellValue("Events", cell, excelize.Options{RawCellValue: true})
		if _, err := strconv.ParseFloat(raw, 64); err != nil || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
			t.Fatalf("%s: type %v, raw %q", cell, typ, raw)
		}
	}
	if typ, _ := f.GetCellType("Events", "D2"); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
		t.Fatalf("actor cell type %v", typ)
	}
	if got, _ := f.GetCellValue("Events", "C2"); got != "2026-01-02 03:04:05" {
		t.Fatalf("time cell shows %q", got)
	}
	if got, _ := f.GetCellValue("Events", "D2"); got != "=cmd|' /C calc'!A0" {
		t.Fatalf("actor %q", got)
	}
	if formula, _ := f.GetCellFormula("Events", "D2"); formula != "" {
		t.Fatalf("a value became a formula: %q", formula)
	}
	names := f.GetDefinedName()
	filters := 0
	for _, n := range names {
		if n.Name == "_xlnm._FilterDatabase" {
			filters++
		}
	}
	if filters != 3 {
		t.Fatalf("autofilters: %+v", names)
	}
	if got, _ := f.GetCellValue("Export", "B2"); got != "2026-01-01 – 2026-03-31" {
		t.Fatalf("period %q", got)
	}
}

var streamRE = regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`)

// pdfText inflates every stream of a PDF and returns the text shown.
func pdfText(t *testing.T, data []byte) string {
	var out strings.Builder
	for _, m := range streamRE.FindAllSubmatch(data, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			out.Write(m[1])
			continue
		}
		b, _ := io.ReadAll(r)
		out.Write(b)
	}
	return out.String()
}

func TestPDFReport(t *testing.T) {
	rows := chain(120)
	data, _ := write(t, PDF, rows)
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	pages := len(regexp.MustCompile(`/Type /Page\b`).FindAll(data, -1))
	if pages < 4 { // cover, at least two pages of 120 events, summary
		t.Fatalf("%d pages", pages)
	}
	text := pdfText(t, data)
	for _, want := range []string{"Dealgate audit report", "Nimbus cloud deal", "audrey@example.com", "By action", "By actor",
		"taxonomy.published", "abababab", "page 2 of " + strconv.Itoa(pages)} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
}
