package server

import "strings"
import "testing"
import "time"

import "github.com/alexedwards/scs/v2"

func TestSessionCodecRoundTrip(t *testing.T) {
	deadline := time.Date(2026, 12, 1, 13, 30, 0, 123, time.UTC)
	in := map[string]any{sessUserID: int64(42), sessEpoch: int64(-3), sessRoles: "chair,member", "flash.success": "Saved ✓",
		"count": 7, "pending": true, "empty": ""}
	b, err := sessionCodec{}.Encode(deadline, in)
	if err != nil {
		t.Fatal(err)
	}
	got, out, err := sessionCodec{}.Decode(b)
	if err != nil || !got.Equal(deadline) || len(out) != len(in) {
		t.Fatalf("decode: %v %v %v", got, out, err)
	}
	for k, v := range in {
		if out[k] != v { // types included: scs's GetInt64 asserts int64
			t.Errorf("%s: got %#v, want %#v", k, out[k], v)
		}
	}
}

// A session written by scs's gob codec (before this codec) still reads.
func TestSessionCodecReadsGobSessions(t *testing.T) {
	deadline := time.Now().Add(time.Hour).Truncate(time.Second)
	b, err := scs.GobCodec{}.Encode(deadline, map[string]any{sessUserID: int64(7), sessRoles: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	got, out, err := sessionCodec{}.Decode(b)
	if err != nil || !got.Equal(deadline) || out[sessUserID] != int64(7) || out[sessRoles] != "admin" {
		t.Fatalf("gob session: %v %v %v", got, out, err)
	}
}

func TestSessionCodecRefusesOtherTypes(t *testing.T) {
	_, err := sessionCodec{}.Encode(time.Now(), map[string]any{"ratio": 0.5})
	if err == nil || !strings.Contains(err.Error(), "ratio") {
		t.Fatalf("a float was encoded: %v", err)
	}
}

// FuzzSessionCodecDecode: no input makes Decode panic, and what it accepts
// encodes back to data that decodes to the same values.
func FuzzSessionCodecDecode(f *testing.F) {
	good, _ := sessionCodec{}.Encode(time.Unix(1e9, 0), map[string]any{"a": "b", "n": int64(1), "i": 2, "t": true})
	f.Add(good)
	f.Add([]byte{0, 'D'})
	f.Add([]byte{0, 'D', 2, 200, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 2 || b[0] != 0 || b[1] != 'D' {
			return // gob's to judge
		}
		d, v, err := sessionCodec{}.Decode(b)
		if err != nil {
			return
		}
		again, err := sessionCodec{}.Encode(d, v)
		if err != nil {
			t.Fatal(err)
		}
		d2, v2, err := sessionCodec{}.Decode(again)
		if err != nil || !d2.Equal(d) || len(v2) != len(v) {
			t.Fatalf("re-decode: %v %v %v", d2, v2, err)
		}
		for k := range v {
			if v2[k] != v[k] {
				t.Fatalf("%q: %#v != %#v", k, v2[k], v[k])
			}
		}
	})
}
