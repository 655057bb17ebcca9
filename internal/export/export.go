// Package export writes audit reports: CSV, JSON Lines, XLSX and a PDF
// report, and verifies CSV and JSON Lines exports offline. It is pure: the
// rows come from a caller (the database service streams them from a cursor),
// and every writer takes one row at a time, so CSV and JSON Lines use
// constant memory and XLSX (excelize's stream writer, spilling to temporary
// files) and PDF bounded memory.
//
// Proof of integrity: every row carries its chain link (seq, prev_hash,
// hash), and every export ends with a proof (Proof): the number of rows,
// the hash of the last chained event it covers, the chain head when the
// export was taken, and a digest over the rows' hashes in order. Verify
// recomputes each row's hash from its contents (auditchain, the one
// implementation), checks the links between consecutive events and the
// order, and compares the count, last hash and digest with the proof: an
// edited, deleted or reordered line is detected.
package export

import "crypto/sha256"
import "encoding/hex"
import "fmt"
import "sort"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/auditchain"

// Row is one audit event of an export with its chain link.
type Row struct {
	auditchain.Event
	PrevHash []byte
	Hash     []byte
}

// Filter is one filter of the exported view, as the viewer named it.
type Filter struct{ Name, Value string }

// Meta describes an export: what was asked for, by whom, when, and the
// chain's head when the export's snapshot was taken.
type Meta struct {
	Filters    []Filter
	From, To   time.Time // the period; zero: open
	Zone       *time.Location
	ExportedBy string
	ExportedAt time.Time
	HeadSeq    int64
	HeadHash   []byte
}

func (m Meta) zone() *time.Location {
	if m.Zone == nil {
		return time.UTC
	}
	return m.Zone
}

// Period describes m's period in its zone, e.g. "2026-01-01 – 2026-03-31".
func (m Meta) Period() string {
	day := func(t time.Time, end bool) string {
		if t.IsZero() {
			if end {
				return "now"
			}
			return "the beginning"
		}
		if end {
			t = t.Add(-time.Nanosecond) // To is exclusive
		}
		return t.In(m.zone()).Format("2006-01-02")
	}
	return day(m.From, false) + " – " + day(m.To, true)
}

// FileName is the server-chosen download name of an export, e.g.
// dealgate-audit-2026-01-01_2026-03-31.csv. ext is the format's extension.
func FileName(kind string, m Meta, ext string) string {
	day := func(t time.Time, end bool, open string) string {
		if t.IsZero() {
			return open
		}
		if end {
			t = t.Add(-time.Nanosecond)
		}
		return t.In(m.zone()).Format("2006-01-02")
	}
	at := m.ExportedAt
	if at.IsZero() {
		at = time.Now()
	}
	return fmt.Sprintf("dealgate-%s-%s_%s.%s", kind, day(m.From, false, "start"),
		day(m.To, true, at.In(m.zone()).Format("2006-01-02")), ext)
}

// Proof is the integrity data an export ends with.
type Proof struct {
	Rows     int64
	LastSeq  int64
	LastHash []byte // the hash of the last chained event covered; nil when empty
	HeadSeq  int64
	HeadHash []byte // the chain head at export time
	Digest   []byte // sha256 chain over the rows' hashes in order
}

// proofBuilder accumulates a Proof row by row.
type proofBuilder struct{ p Proof }

func newProof(m Meta) *proofBuilder {
	return &proofBuilder{p: Proof{HeadSeq: m.HeadSeq, HeadHash: m.HeadHash, Digest: auditchain.Genesis}}
}

func (b *proofBuilder) add(r Row) {
	b.p.Rows++
	b.p.LastSeq, b.p.LastHash = r.Seq, r.Hash
	b.p.Digest = digestNext(b.p.Digest, r.Hash)
}

func digestNext(d, hash []byte) []byte {
	h := sha256.New()
	h.Write(d)
	h.Write(hash)
	return h.Sum(nil)
}

// Writer is one export format.
type Writer interface {
	// Write adds a row. Rows come in chain order (ascending seq).
	Write(Row) error
	// Close writes the proof and flushes. It does not close the output.
	Close() (Proof, error)
}

// Format is an export format's name.
type Format string

// The formats.
const (
	CSV   Format = "csv"
	JSONL Format = "jsonl"
	XLSX  Format = "xlsx"
	PDF   Format = "pdf"
)

// Formats lists the formats in the order the app offers them.
var Formats = []Format{CSV, XLSX, PDF, JSONL}

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, bool) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(strings.TrimSpace(s)) {
			return f, true
		}
	}
	return "", false
}

// ContentType is f's media type.
func (f Format) ContentType() string {
	switch f {
	case CSV:
		return "text/csv; charset=utf-8"
	case JSONL:
		return "application/jsonl; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case PDF:
		return "application/pdf"
	}
	return "application/octet-stream"
}

// Streams reports whether f is written straight to the client (constant
// memory); the others are built first and served with a length.
func (f Format) Streams() bool { return f == CSV || f == JSONL }

func hexOrEmpty(b []byte) string { return hex.EncodeToString(b) }

const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// counts is the summary by action and by actor.
type counts map[string]int64

func (c counts) sorted() []struct {
	Key string
	N   int64
} {
	out := make([]struct {
		Key string
		N   int64
	}, 0, len(c))
	for k, n := range c {
		out = append(out, struct {
			Key string
			N   int64
		}{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	return out
}
