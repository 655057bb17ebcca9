package export

import "encoding/csv"
import "encoding/hex"
import "io"
import "strconv"

import "github.com/dealgate/dealgate/internal/csvformat"

// Columns are the CSV export's columns. before and after are the snapshots'
// canonical JSON (blank: none); hashes are hexadecimal.
var Columns = []string{"seq", "event_id", "occurred_at_utc", "actor_id", "actor", "action", "entity_type", "entity_id",
	"before", "after", "request_id", "client_ip", "prev_hash", "hash"}

// ProofMarker starts the proof line that ends a CSV or JSON Lines export.
const ProofMarker = "#dealgate-audit-export-proof"

type csvWriter struct {
	w     *csv.Writer
	proof *proofBuilder
	rec   []string
}

// NewCSV returns a CSV writer on w. Its first record is the header, its last
// the proof; every cell a spreadsheet would run as a formula is neutralised
// (csvformat.EscapeCell), and Verify undoes that exactly.
func NewCSV(w io.Writer, m Meta) (Writer, error) {
	cw := &csvWriter{w: csv.NewWriter(w), proof: newProof(m), rec: make([]string, len(Columns))}
	return cw, cw.w.Write(Columns)
}

func (c *csvWriter) Write(r Row) error {
	c.proof.add(r)
	rec := c.rec
	rec[0] = strconv.FormatInt(r.Seq, 10)
	rec[1] = strconv.FormatInt(r.ID, 10)
	rec[2] = r.OccurredAt.UTC().Format(timeLayout)
	rec[3] = ""
	if r.ActorID != nil {
		rec[3] = strconv.FormatInt(*r.ActorID, 10)
	}
	rec[4] = csvformat.EscapeCell(r.ActorLabel)
	rec[5] = r.Action
	rec[6] = csvformat.EscapeCell(r.EntityType)
	rec[7] = csvformat.EscapeCell(r.EntityID)
	rec[8] = string(r.Before)
	rec[9] = string(r.After)
	rec[10] = csvformat.EscapeCell(r.RequestID)
	rec[11] = csvformat.EscapeCell(r.ClientIP)
	rec[12] = hex.EncodeToString(r.PrevHash)
	rec[13] = hex.EncodeToString(r.Hash)
	return c.w.Write(rec)
}

func (c *csvWriter) Close() (Proof, error) {
	p := c.proof.p
	err := c.w.Write(proofFields(p))
	c.w.Flush()
	if err == nil {
		err = c.w.Error()
	}
	return p, err
}

func proofFields(p Proof) []string {
	return []string{ProofMarker,
		"rows=" + strconv.FormatInt(p.Rows, 10),
		"last_seq=" + strconv.FormatInt(p.LastSeq, 10),
		"last_hash=" + hexOrEmpty(p.LastHash),
		"chain_head_seq=" + strconv.FormatInt(p.HeadSeq, 10),
		"chain_head_hash=" + hexOrEmpty(p.HeadHash),
		"digest=" + hexOrEmpty(p.Digest),
	}
}
