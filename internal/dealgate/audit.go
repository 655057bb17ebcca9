package dealgate

import "context"
import "time"

// AuditEvent is one append-only entry of the audit trail. Before and After are
// JSON-encodable snapshots of the entity; secrets never go in them.
type AuditEvent struct {
	ID         int64 // order of writing; the chain's sequence is in audit_seal
	OccurredAt time.Time
	ActorID    *int64 // nil: the system
	ActorLabel string // who acted, as recorded then (an email, "system")
	// ActorName is the acting user's name now, where a record's history
	// read it; empty for the system and elsewhere.
	ActorName  string
	Action     string // dotted verb, e.g. "user.created"
	EntityType string
	EntityID   string
	Before     any
	After      any
	RequestID  string
	ClientIP   string
}

// Actor is whoever causes a change: a signed-in user or the system.
type Actor struct {
	UserID *int64
	Label  string
}

// SystemActor is used by jobs, the seeder and the command line.
var SystemActor = Actor{Label: "system"}

// RequestMeta is where a change came from; it travels in the context so that
// services can stamp audit events without handlers passing it by hand.
type RequestMeta struct {
	RequestID string
	ClientIP  string
	Actor     Actor
}

type requestMetaKey struct{}

// WithRequestMeta returns a context carrying m.
func WithRequestMeta(ctx context.Context, m RequestMeta) context.Context {
	return context.WithValue(ctx, requestMetaKey{}, m)
}

// RequestMetaFrom returns the request metadata of ctx, or the system actor.
func RequestMetaFrom(ctx context.Context) RequestMeta {
	if m, ok := ctx.Value(requestMetaKey{}).(RequestMeta); ok {
		if m.Actor.Label == "" {
			m.Actor = SystemActor
		}
		return m
	}
	return RequestMeta{Actor: SystemActor}
}

// ChainReport is the outcome of walking the audit chain.
type ChainReport struct {
	Count    int64
	HeadSeq  int64
	HeadHash []byte
	// BrokenAt is the sequence number of the first event that does not verify;
	// zero when the chain is intact.
	BrokenAt int64
	Reason   string
	// Pending counts committed events not sealed into the chain yet (the
	// sealer links them within moments); OldestPending is when the oldest
	// of them happened. The chain's hashes do not cover them yet.
	Pending       int64
	OldestPending time.Time
}

// OK reports whether the chain verified.
func (r ChainReport) OK() bool { return r.BrokenAt == 0 }

// AuditFilter narrows the audit trail list. Empty fields do not filter.
type AuditFilter struct {
	ActionPrefix string // e.g. "user." or "auth.sign_in_failed"
	EntityType   string
	EntityID     string
	Actor        string // the actor label (an email or "system"), any case
	From, To     time.Time
	Deal         string // a deal's ID: the deal and its parts (audit_browse.go)
	Agreement    string // an agreement's ID: the agreement and its parts
	Text         string // free text: actor, record ID, request ID or a value in a snapshot
	// Keyset paging, newest first: events older than Before, or newer than
	// After (at most one is set); PerPage of PageRequest is the page size.
	Before, After int64
	PageRequest
}
