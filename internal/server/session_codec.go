package server

import "encoding/binary"
import "errors"
import "fmt"
import "time"

import "github.com/alexedwards/scs/v2"

// sessionCodec stores session data in a small binary form instead of scs's
// default gob: every signed-in request decodes its session, and gob builds
// a decoder and reads type information for each one (about a fifth of a
// simple page's CPU under load, docs/performance.md). Sessions hold only
// IDs, epochs, role keys, timestamps and short strings, so the codec takes
// strings, int64, int and bool values and refuses anything else. Data that
// does not start with its marker is gob, written before it existed, and is
// read with scs's codec, so no session ends on upgrade.
type sessionCodec struct{}

// sessionCodecMarker starts every encoding. A gob stream never starts with
// a zero byte (its first message has a non-zero length).
var sessionCodecMarker = [2]byte{0, 'D'}

const (
	valString = 's'
	valInt64  = 'i'
	valInt    = 'n'
	valBool   = 'b'
)

var errSessionData = errors.New("session data: malformed")

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := append(make([]byte, 0, 64), sessionCodecMarker[:]...)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = appendString(b, k)
		switch v := v.(type) {
		case string:
			b = appendString(append(b, valString), v)
		case int64:
			b = binary.AppendVarint(append(b, valInt64), v)
		case int:
			b = binary.AppendVarint(append(b, valInt), int64(v))
		case bool:
			t := byte(0)
			if v {
				t = 1
			}
			b = append(b, valBool, t)
		default:
			return nil, fmt.Errorf("session data: %q holds a %T; only strings, integers and booleans are kept", k, v)
		}
	}
	return b, nil
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) < 2 || b[0] != sessionCodecMarker[0] || b[1] != sessionCodecMarker[1] {
		return scs.GobCodec{}.Decode(b)
	}
	r := sessionReader{b: b[2:]}
	deadline := time.Unix(0, r.varint()).UTC()
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	for range n {
		k := r.string()
		switch r.byte() {
		case valString:
			values[k] = r.string()
		case valInt64:
			values[k] = r.varint()
		case valInt:
			values[k] = int(r.varint())
		case valBool:
			values[k] = r.byte() == 1
		default:
			r.err = errSessionData
		}
		if r.err != nil {
			return time.Time{}, nil, r.err
		}
	}
	return deadline, values, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// sessionReader reads the codec's fields, remembering the first error.
type sessionReader struct {
	b   []byte
	err error
}

func (r *sessionReader) varint() int64 { return readVarint(r, binary.Varint) }

func (r *sessionReader) uvarint() uint64 { return readVarint(r, binary.Uvarint) }

// readVarint reads one signed or unsigned varint with decode.
func readVarint[T int64 | uint64](r *sessionReader, decode func([]byte) (T, int)) T {
	v, n := decode(r.b)
	if n <= 0 {
		r.err = errSessionData
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *sessionReader) byte() byte {
	if len(r.b) == 0 {
		r.err = errSessionData
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *sessionReader) string() string {
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errSessionData
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
