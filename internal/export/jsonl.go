package export

import "bufio"
import "encoding/hex"
import "encoding/json"
import "io"
import "strconv"
import "unicode/utf8"

type jsonlWriter struct {
	w     *bufio.Writer
	proof *proofBuilder
	buf   []byte
}

// NewJSONL returns a JSON Lines writer on w: one object per event, with
// before and after as the snapshots' canonical JSON, and a last line
// {"proof": …}.
func NewJSONL(w io.Writer, m Meta) (Writer, error) {
	return &jsonlWriter{w: bufio.NewWriterSize(w, 64<<10), proof: newProof(m)}, nil
}

func (j *jsonlWriter) Write(r Row) error {
	j.proof.add(r)
	b := j.buf[:0]
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, r.Seq, 10)
	b = append(b, `,"event_id":`...)
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, `,"occurred_at":"`...)
	b = r.OccurredAt.UTC().AppendFormat(b, timeLayout)
	b = append(b, `","actor_id":`...)
	if r.ActorID == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *r.ActorID, 10)
	}
	b = appendKeyString(b, "actor", r.ActorLabel)
	b = appendKeyString(b, "action", r.Action)
	b = appendKeyString(b, "entity_type", r.EntityType)
	b = appendKeyString(b, "entity_id", r.EntityID)
	b = appendRaw(b, "before", r.Before)
	b = appendRaw(b, "after", r.After)
	b = appendKeyString(b, "request_id", r.RequestID)
	b = appendKeyString(b, "client_ip", r.ClientIP)
	b = append(b, `,"prev_hash":"`...)
	b = hex.AppendEncode(b, r.PrevHash)
	b = append(b, `","hash":"`...)
	b = hex.AppendEncode(b, r.Hash)
	b = append(b, "\"}\n"...)
	j.buf = b
	_, err := j.w.Write(b)
	return err
}

// jsonlProof is the last line of a JSON Lines export.
type jsonlProof struct {
	Proof jsonlProofFields `json:"proof"`
}

// jsonlProofFields are the proof line's fields, as written and as verified.
type jsonlProofFields struct {
	Marker        string `json:"marker"`
	Rows          int64  `json:"rows"`
	LastSeq       int64  `json:"last_seq"`
	LastHash      string `json:"last_hash"`
	ChainHeadSeq  int64  `json:"chain_head_seq"`
	ChainHeadHash string `json:"chain_head_hash"`
	Digest        string `json:"digest"`
}

func (j *jsonlWriter) Close() (Proof, error) {
	p := j.proof.p
	var line jsonlProof
	line.Proof.Marker = ProofMarker
	line.Proof.Rows, line.Proof.LastSeq, line.Proof.LastHash = p.Rows, p.LastSeq, hexOrEmpty(p.LastHash)
	line.Proof.ChainHeadSeq, line.Proof.ChainHeadHash, line.Proof.Digest = p.HeadSeq, hexOrEmpty(p.HeadHash), hexOrEmpty(p.Digest)
	b, err := json.Marshal(line)
	if err != nil {
		return p, err
	}
	if _, err := j.w.Write(append(b, '\n')); err != nil {
		return p, err
	}
	return p, j.w.Flush()
}

func appendRaw(b []byte, key string, raw []byte) []byte {
	b = append(b, `,"`...)
	b = append(b, key...)
	b = append(b, `":`...)
	if raw == nil {
		return append(b, "null"...)
	}
	return append(b, raw...)
}

func appendKeyString(b []byte, key, s string) []byte {
	b = append(b, `,"`...)
	b = append(b, key...)
	b = append(b, `":`...)
	return appendString(b, s)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
