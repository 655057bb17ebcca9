package export

import "bufio"
import "bytes"
import "encoding/csv"
import "encoding/hex"
import "encoding/json"
import "errors"
import "fmt"
import "io"
import "strconv"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/auditchain"
import "github.com/dealgate/dealgate/internal/csvformat"

// Verified is what Verify proved about an export.
type Verified struct {
	Format Format
	Proof  Proof
}

// verifier checks rows in order against their links and the proof.
type verifier struct {
	digest   []byte
	rows     int64
	lastSeq  int64
	lastHash []byte
}

func newVerifier() *verifier { return &verifier{digest: auditchain.Genesis} }

func (v *verifier) row(where string, r Row) error {
	if got := auditchain.Link(r.PrevHash, r.Event); !bytes.Equal(got, r.Hash) {
		return fmt.Errorf("%s (event %d): its contents do not match its hash: the line was edited", where, r.Seq)
	}
	if v.rows > 0 {
		switch {
		case r.Seq <= v.lastSeq:
			return fmt.Errorf("%s (event %d) comes after event %d: lines were reordered or repeated", where, r.Seq, v.lastSeq)
		case r.Seq == v.lastSeq+1 && !bytes.Equal(r.PrevHash, v.lastHash):
			return fmt.Errorf("%s (event %d): its link to event %d does not match: the chain was cut here", where, r.Seq, v.lastSeq)
		}
	}
	v.rows++
	v.lastSeq, v.lastHash = r.Seq, r.Hash
	v.digest = digestNext(v.digest, r.Hash)
	return nil
}

func (v *verifier) proof(p Proof) error {
	switch {
	case p.Rows != v.rows:
		return fmt.Errorf("the proof counts %d events but the file has %d: lines were deleted or added", p.Rows, v.rows)
	case v.rows > 0 && (p.LastSeq != v.lastSeq || !bytes.Equal(p.LastHash, v.lastHash)):
		return fmt.Errorf("the proof's last event (%d) is not the file's last event (%d): lines were deleted or reordered", p.LastSeq, v.lastSeq)
	case !bytes.Equal(p.Digest, v.digest):
		return errors.New("the proof's digest does not match the events in the file: lines were deleted, added or reordered")
	case v.rows > 0 && p.HeadSeq < v.lastSeq:
		return fmt.Errorf("the proof's chain head (%d) is older than the last event (%d)", p.HeadSeq, v.lastSeq)
	}
	return nil
}

// Verify re-checks a CSV or JSON Lines export read from r, offline: every
// line's hash is recomputed from its contents, consecutive events' links
// and the order are checked, and the count, last hash and digest must match
// the proof that ends the file. The returned proof's LastHash and HeadHash
// can then be compared with the database or a signed checkpoint.
func Verify(r io.Reader) (Verified, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	first, err := br.Peek(1)
	if err != nil {
		return Verified{}, errors.New("the file is empty")
	}
	if first[0] == '{' {
		p, err := verifyJSONL(br)
		return Verified{Format: JSONL, Proof: p}, err
	}
	p, err := verifyCSV(br)
	return Verified{Format: CSV, Proof: p}, err
}

func verifyCSV(r io.Reader) (Proof, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return Proof{}, fmt.Errorf("line 1: %w", err)
	}
	if strings.Join(header, ",") != strings.Join(Columns, ",") {
		return Proof{}, errors.New("line 1: this is not a Dealgate audit export (unexpected header)")
	}
	v := newVerifier()
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return Proof{}, errors.New("the proof line at the end is missing: the file was cut short")
		}
		line, _ := cr.FieldPos(0)
		where := fmt.Sprintf("line %d", line)
		if err != nil {
			return Proof{}, fmt.Errorf("%s: %w", where, err)
		}
		if len(rec) > 0 && rec[0] == ProofMarker {
			p, err := parseProofFields(rec[1:])
			if err != nil {
				return p, fmt.Errorf("%s: %w", where, err)
			}
			if _, err := cr.Read(); err != io.EOF {
				return p, fmt.Errorf("%s: lines follow the proof", where)
			}
			return p, v.proof(p)
		}
		row, err := csvRow(rec)
		if err != nil {
			return Proof{}, fmt.Errorf("%s: %w", where, err)
		}
		if err := v.row(where, row); err != nil {
			return Proof{}, err
		}
	}
}

func csvRow(rec []string) (Row, error) {
	if len(rec) != len(Columns) {
		return Row{}, fmt.Errorf("%d cells instead of %d", len(rec), len(Columns))
	}
	var r Row
	var err error
	num := func(s, col string) int64 {
		n, e := strconv.ParseInt(s, 10, 64)
		if e != nil && err == nil {
			err = fmt.Errorf("%s %q is not a number", col, s)
		}
		return n
	}
	r.Seq = num(rec[0], "seq")
	r.ID = num(rec[1], "event_id")
	if r.OccurredAt, err = time.Parse(timeLayout, rec[2]); err != nil {
		return r, fmt.Errorf("occurred_at_utc %q is not a time", rec[2])
	}
	if rec[3] != "" {
		id := num(rec[3], "actor_id")
		r.ActorID = &id
	}
	r.ActorLabel = csvformat.UnescapeCell(rec[4])
	r.Action = rec[5]
	r.EntityType = csvformat.UnescapeCell(rec[6])
	r.EntityID = csvformat.UnescapeCell(rec[7])
	if rec[8] != "" {
		r.Before = []byte(rec[8])
	}
	if rec[9] != "" {
		r.After = []byte(rec[9])
	}
	r.RequestID = csvformat.UnescapeCell(rec[10])
	r.ClientIP = csvformat.UnescapeCell(rec[11])
	r.PrevHash = hash(rec[12], "prev_hash", &err)
	r.Hash = hash(rec[13], "hash", &err)
	return r, err
}

func hash(s, col string, err *error) []byte {
	b, e := hex.DecodeString(s)
	if (e != nil || len(b) != auditchain.Size) && *err == nil {
		*err = fmt.Errorf("%s %q is not a hash", col, s)
	}
	return b
}

func parseProofFields(fields []string) (Proof, error) {
	var p Proof
	var err error
	seen := map[string]bool{}
	for _, f := range fields {
		k, val, _ := strings.Cut(f, "=")
		seen[k] = true
		switch k {
		case "rows":
			p.Rows, _ = strconv.ParseInt(val, 10, 64)
		case "last_seq":
			p.LastSeq, _ = strconv.ParseInt(val, 10, 64)
		case "last_hash":
			if val != "" {
				p.LastHash = hash(val, k, &err)
			}
		case "chain_head_seq":
			p.HeadSeq, _ = strconv.ParseInt(val, 10, 64)
		case "chain_head_hash":
			p.HeadHash = hash(val, k, &err)
		case "digest":
			p.Digest = hash(val, k, &err)
		}
	}
	for _, k := range []string{"rows", "last_seq", "last_hash", "chain_head_seq", "chain_head_hash", "digest"} {
		if !seen[k] && err == nil {
			err = fmt.Errorf("the proof has no %s", k)
		}
	}
	return p, err
}

// jsonlRow is one event line as read back; before and after keep their
// exact bytes.
type jsonlRow struct {
	Seq        *int64            `json:"seq"`
	EventID    int64             `json:"event_id"`
	OccurredAt string            `json:"occurred_at"`
	ActorID    *int64            `json:"actor_id"`
	Actor      string            `json:"actor"`
	Action     string            `json:"action"`
	EntityType string            `json:"entity_type"`
	EntityID   string            `json:"entity_id"`
	Before     json.RawMessage   `json:"before"`
	After      json.RawMessage   `json:"after"`
	RequestID  string            `json:"request_id"`
	ClientIP   string            `json:"client_ip"`
	PrevHash   string            `json:"prev_hash"`
	Hash       string            `json:"hash"`
	Proof      *jsonlProofFields `json:"proof"`
}

func rawOrNil(m json.RawMessage) []byte {
	if m == nil || string(m) == "null" {
		return nil
	}
	return m
}

func verifyJSONL(r *bufio.Reader) (Proof, error) {
	v := newVerifier()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		where := fmt.Sprintf("line %d", line)
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var jr jsonlRow
		if err := json.Unmarshal(sc.Bytes(), &jr); err != nil {
			return Proof{}, fmt.Errorf("%s: not JSON: %w", where, err)
		}
		if jr.Proof != nil {
			if jr.Proof.Marker != ProofMarker {
				return Proof{}, fmt.Errorf("%s: not a Dealgate proof", where)
			}
			var err error
			p := Proof{Rows: jr.Proof.Rows, LastSeq: jr.Proof.LastSeq, HeadSeq: jr.Proof.ChainHeadSeq}
			if jr.Proof.LastHash != "" {
				p.LastHash = hash(jr.Proof.LastHash, "last_hash", &err)
			}
			p.HeadHash = hash(jr.Proof.ChainHeadHash, "chain_head_hash", &err)
			p.Digest = hash(jr.Proof.Digest, "digest", &err)
			if err != nil {
				return p, fmt.Errorf("%s: %w", where, err)
			}
			for sc.Scan() {
				if len(bytes.TrimSpace(sc.Bytes())) > 0 {
					return p, fmt.Errorf("line %d: lines follow the proof", line+1)
				}
			}
			return p, v.proof(p)
		}
		if jr.Seq == nil {
			return Proof{}, fmt.Errorf("%s: not an audit event", where)
		}
		at, err := time.Parse(timeLayout, jr.OccurredAt)
		if err != nil {
			return Proof{}, fmt.Errorf("%s: occurred_at %q is not a time", where, jr.OccurredAt)
		}
		row := Row{Event: auditchain.Event{
			Seq: *jr.Seq, ID: jr.EventID, OccurredAt: at, ActorID: jr.ActorID, ActorLabel: jr.Actor,
			Action: jr.Action, EntityType: jr.EntityType, EntityID: jr.EntityID,
			Before: rawOrNil(jr.Before), After: rawOrNil(jr.After), RequestID: jr.RequestID, ClientIP: jr.ClientIP,
		}}
		row.PrevHash = hash(jr.PrevHash, "prev_hash", &err)
		row.Hash = hash(jr.Hash, "hash", &err)
		if err != nil {
			return Proof{}, fmt.Errorf("%s: %w", where, err)
		}
		if err := v.row(where, row); err != nil {
			return Proof{}, err
		}
	}
	if err := sc.Err(); err != nil {
		return Proof{}, err
	}
	return Proof{}, errors.New("the proof line at the end is missing: the file was cut short")
}
