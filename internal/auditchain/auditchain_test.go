package auditchain_test

import "bytes"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/auditchain"

// The database computes the same bytes (audit_payload, migration 000001):
// internal/postgres's verify and export tests check Go against Postgres on
// real events. This test pins what the framing must keep apart.
func TestPayloadKeepsFieldsApart(t *testing.T) {
	t.Parallel()
	id := int64(0)
	base := auditchain.Event{Seq: 1, ID: 1, OccurredAt: time.Date(2026, 1, 1, 0, 0, 0, 1000, time.UTC),
		ActorLabel: "ann", Action: "x.y", EntityType: "deal", EntityID: "12"}
	variants := map[string]auditchain.Event{}
	add := func(name string, f func(*auditchain.Event)) {
		e := base
		f(&e)
		variants[name] = e
	}
	add("base", func(*auditchain.Event) {})
	add("actor 0 instead of none", func(e *auditchain.Event) { e.ActorID = &id })
	add("empty before instead of none", func(e *auditchain.Event) { e.Before = []byte{} })
	add("before {} ", func(e *auditchain.Event) { e.Before = []byte("{}") })
	add("after {}", func(e *auditchain.Event) { e.After = []byte("{}") })
	add("fields shifted", func(e *auditchain.Event) { e.EntityType, e.EntityID = "deal1", "2" })
	add("a microsecond later", func(e *auditchain.Event) { e.OccurredAt = e.OccurredAt.Add(time.Microsecond) })
	add("seq", func(e *auditchain.Event) { e.Seq = 2 })
	seen := map[string]string{}
	for name, e := range variants {
		p := string(auditchain.Payload(e))
		if other, dup := seen[p]; dup {
			t.Errorf("%q and %q encode alike", name, other)
		}
		seen[p] = name
	}
	if !bytes.Equal(auditchain.Link(auditchain.Genesis, base), auditchain.Link(auditchain.Genesis, base)) ||
		bytes.Equal(auditchain.Link(auditchain.Genesis, base), auditchain.Link(auditchain.Link(auditchain.Genesis, base), base)) {
		t.Fatal("a link must depend on the event and on the previous hash only")
	}
}
