// Package auditchain is the one implementation of the audit chain's hash:
// the byte encoding of an event that a seal covers (mirroring the SQL
// function audit_payload of migration 000001 byte for byte) and the link
// hash sha256(previous hash || payload). The database verifier
// (internal/postgres) and the offline export verifier (internal/export) both
// use it, so the two can never disagree. It is pure: no database.
package auditchain

import "crypto/sha256"
import "encoding/binary"
import "time"

// Size is the length of a link hash.
const Size = sha256.Size

// Genesis is the hash before the first event.
var Genesis = make([]byte, Size)

// pgEpoch is PostgreSQL's timestamp origin; timestamptz_send counts
// microseconds from it.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Event is what a seal's hash covers. Before and After are the canonical
// jsonb text as Postgres prints it (before::text), nil for SQL NULL.
type Event struct {
	Seq        int64
	ID         int64
	OccurredAt time.Time // microsecond precision
	ActorID    *int64
	ActorLabel string
	Action     string
	EntityType string
	EntityID   string
	Before     []byte
	After      []byte
	RequestID  string
	ClientIP   string
}

// Payload is the byte encoding of e: each field framed by a 4-byte
// big-endian length (0xffffffff for NULL), in audit_payload's order.
func Payload(e Event) []byte {
	buf := make([]byte, 0, 128+len(e.Before)+len(e.After))
	field := func(b []byte, null bool) {
		if null {
			buf = append(buf, 0xff, 0xff, 0xff, 0xff)
			return
		}
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(b)))
		buf = append(buf, b...)
	}
	int8 := func(v int64) { field(binary.BigEndian.AppendUint64(nil, uint64(v)), false) }
	text := func(s string) { field([]byte(s), false) }
	// jsonb_send prefixes the canonical text with format version 1.
	jsonb := func(b []byte) {
		if b == nil {
			field(nil, true)
			return
		}
		field(append([]byte{1}, b...), false)
	}
	int8(e.Seq)
	int8(e.ID)
	int8(e.OccurredAt.Sub(pgEpoch).Microseconds())
	if e.ActorID == nil {
		field(nil, true)
	} else {
		int8(*e.ActorID)
	}
	text(e.ActorLabel)
	text(e.Action)
	text(e.EntityType)
	text(e.EntityID)
	jsonb(e.Before)
	jsonb(e.After)
	text(e.RequestID)
	text(e.ClientIP)
	return buf
}

// Link is the hash of e chained after prev: sha256(prev || Payload(e)).
func Link(prev []byte, e Event) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(Payload(e))
	return h.Sum(nil)
}
