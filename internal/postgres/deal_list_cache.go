package postgres

import "context"
import "fmt"
import "math"
import "sync/atomic"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

// The deal lists, cached under the deal list stamp.
//
// A page of "My deals" or of the committee's list depends on the deals, their
// shares, their current versions' screening, the committee's decisions and
// the authors' names. Every committed change to any of these adds, in the
// changing transaction, a row to deal_list_change keyed by the transaction's
// ID (migration 000042, fed by the deal_change triggers of 000032). The
// newest such ID is the deal list stamp, trusted only once settled: when no
// transaction with a smaller ID can still commit in this database. Then any
// later change has a larger ID, so the stamp moves with every change (see
// dealListStampSQL).
//
// Each instance keeps whole list pages (IDs, rows, clearances and total)
// under the stamp the request read before loading them, keyed by the
// normalised filter, the viewer (own and shared deals; the committee's list
// is the same for everyone who sees it) and the day. A page is served only
// to a request that read the same stamp, so a change through any instance is
// seen by every instance's next request. The stamp costs no round trip on
// the list route: the session statement reads it (FindSession) into the
// request's slot (WithDealListStampSlot). Who may list is decided afresh on
// every request; a page with a clearance that has since expired is reloaded.
// An unsettled stamp (a change committed while an older transaction still
// runs) is not cached under: the request reads afresh.

// settledStampSQL is a stamp as a scalar subquery: the transaction ID that
// newest (a query of one xid8) reads, if settled; 0 if it reads none; -1 if
// unsettled. The snapshot's xmin settles it cheaply; audit_seal_bound
// (migration 000028) leaves out transactions of other databases, which
// cannot change this one's rows.
func settledStampSQL(newest string) string {
	return `(SELECT CASE WHEN k IS NULL THEN 0
		WHEN k < pg_snapshot_xmin(pg_current_snapshot()) THEN k::text::bigint
		WHEN k < audit_seal_bound() THEN k::text::bigint
		ELSE -1 END
	FROM (SELECT (` + newest + `) AS k OFFSET 0) newest)`
}

// dealListStampSQL is the deal list stamp: the newest deal_list_change ID.
var dealListStampSQL = settledStampSQL(`SELECT xid FROM deal_list_change ORDER BY xid DESC LIMIT 1`)

// stampUnread marks a slot whose stamp must be read afresh.
const stampUnread = math.MinInt64

// dealListKey is what a cached list page depends on besides the stamp.
type dealListKey struct {
	filter dealgate.DealFilter // normalised, AllDeals decided
	viewer int64               // 0 for the committee's list
	day    time.Time           // "soon" and "past" are judged against it
}

// stampKind is which stamp a request's slot holds: the session statement
// reads at most one.
type stampKind int32

const (
	stampDealList stampKind = 1 // dealListStampSQL
	stampAudit    stampKind = 2 // auditStampSQL (audit_list.go)
)

// stampSeen carries, per request, the stamp of kind the session statement
// read.
type stampSeen struct {
	kind  stampKind
	stamp atomic.Int64
}

type stampSeenKey struct{}

// WithDealListStampSlot returns ctx with an empty slot that FindSession
// fills with the deal list stamp, so that the request's deal list needs no
// statement when this instance holds the page.
func WithDealListStampSlot(ctx context.Context) context.Context {
	return withStampSlot(ctx, stampDealList)
}

func withStampSlot(ctx context.Context, kind stampKind) context.Context {
	s := &stampSeen{kind: kind}
	s.stamp.Store(stampUnread)
	return context.WithValue(ctx, stampSeenKey{}, s)
}

func stampSeenFrom(ctx context.Context) *stampSeen {
	s, _ := ctx.Value(stampSeenKey{}).(*stampSeen)
	return s
}

// seenStamp is the stamp of kind the session statement read for this
// request, if it did and the request has changed nothing since.
func seenStamp(ctx context.Context, kind stampKind) (int64, bool) {
	if s := stampSeenFrom(ctx); s != nil && s.kind == kind {
		if n := s.stamp.Load(); n != stampUnread {
			return n, true
		}
	}
	return 0, false
}

// forgetStamp drops the stamp the request read: the request has
// committed a change, so its reads must see it.
func forgetStamp(ctx context.Context) {
	if s := stampSeenFrom(ctx); s != nil {
		s.stamp.Store(stampUnread)
	}
}

// dealListStamp is the deal list stamp for this request's reads: the one
// read with the session, else read now. -1: do not cache.
func dealListStamp(ctx context.Context, tx *Tx) (int64, error) {
	if n, ok := seenStamp(ctx, stampDealList); ok {
		return n, nil
	}
	var n int64
	if err := tx.QueryRow(ctx, "SELECT "+dealListStampSQL).Scan(&n); err != nil {
		return 0, fmt.Errorf("deal list stamp: %w", err)
	}
	return n, nil
}

// ListDeals returns a page of the deals actor sees, filtered, sorted and
// paged in the database, from this instance's cache when it holds the page
// at the current stamp. Scope "mine" lists the deals actor wrote or that are
// shared with them; "all" (the committee, auditors and admins) lists every
// submitted or withdrawn deal besides. The returned page may be shared:
// callers must not change it.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Deals) ListDeals(ctx context.Context, actor *dealgate.User, f dealgate.DealFilter) (dealgate.Page[dealgate.DealListItem], error) {
	return dealReadAuthorized(ctx, s, actor, dealgate.ActDealView, func(tx *Tx) (dealgate.Page[dealgate.DealListItem], error) {
		f = f.Normalize()
		f.AllDeals = f.AllDeals && dealgate.SeesSubmittedDeals(actor)
		key := dealListKey{filter: f, day: tx.today()}
		if !f.AllDeals {
			key.viewer = actor.ID
		}
		stamp := int64(-1) // inside a caller's transaction: its changes are not committed
		if s.tx == nil {
			var err error
			if stamp, err = dealListStamp(ctx, tx); err != nil {
				return dealgate.Page[dealgate.DealListItem]{}, err
			}
		}
		return s.lists.load(ctx, tx, stamp, key, loader[dealgate.Page[dealgate.DealListItem]]{
			read:   func() (dealgate.Page[dealgate.DealListItem], error) { return tx.listDeals(ctx, actor.ID, f) },
			usable: func(p dealgate.Page[dealgate.DealListItem]) bool { return !clearanceExpired(p.Items, tx.Now) },
			kept:   func(p *dealgate.Page[dealgate.DealListItem]) { p.Derived = dealgate.NewDerived() },
		})
	})
}

// clearanceExpired reports whether a deal of items was cleared until a
// moment that has passed.
func clearanceExpired(items []dealgate.DealListItem, now time.Time) bool {
	for _, d := range items {
		if c := d.Clearance; c.Cleared && c.ExpiresAt != nil && !now.Before(*c.ExpiresAt) {
			return true
		}
	}
	return false
}
