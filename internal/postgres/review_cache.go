package postgres

import "context"
import "fmt"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

// The committee's dashboard and review list, cached under the deal list stamp.
//
// Both show deals (titles, versions, verdicts, decisions) and their reviews
// (assignments, votes, recusals, due dates), the members' declared
// interests and the committee's rules. Every committed change to any of
// these moves the deal list stamp (migrations 000042 and 000048; see
// deal_list_cache.go), which the session statement reads on these routes. So
// each instance keeps whole pages under the stamp the request read, keyed by
// the viewer (the dashboard's pending votes and a list's recusals are the
// viewer's own), the normalised filter and the day ("due soon", "overdue").
// A page is served only to a request that read the same stamp, so a change
// made through any instance is seen by every instance's next request. Who
// may see the pages is decided afresh on every request.

// Both keys hold the register change counter too: the pages name
// counterparties from the register, and recusals follow corporate families.
type dashboardKey struct {
	viewer, register int64
	day              time.Time
}

type reviewListKey struct {
	viewer, register int64
	filter           string // reviewFilterKey
	day              time.Time
}

// reviewFilterKey spells out a normalised filter, dates and the category's
// subcategories included.
func reviewFilterKey(f dealgate.ReviewFilter) string {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	return fmt.Sprintf("%s|%s|%s|%s|%d|%t|%d|%v|%t|%s|%t|%d|%d", f.State, f.Verdict, day(f.DueFrom), day(f.DueTo),
		f.PartyID, f.Family, f.CategoryID, f.CategoryBelow, f.Pending, f.Sort, f.Desc, f.Page, f.PerPage)
}

type reviewPageKey struct {
	id, viewer, register int64
	day                  time.Time
}

// reviewCaches are Reviews' page caches.
type reviewCaches struct {
	dashboards *versionCache[dashboardKey, dealgate.ReviewDashboard]
	lists      *versionCache[reviewListKey, dealgate.Page[dealgate.ReviewListItem]]
	pages      *versionCache[reviewPageKey, ReviewPage]
}

func newReviewCaches() reviewCaches {
	return reviewCaches{dashboards: &versionCache[dashboardKey, dealgate.ReviewDashboard]{},
		lists: &versionCache[reviewListKey, dealgate.Page[dealgate.ReviewListItem]]{},
		pages: &versionCache[reviewPageKey, ReviewPage]{}}
}

// cachedRead serves a committee page from cache under this request's deal
// list stamp, or loads it and keeps it (with a fresh Derived for the
// server's rendering) when the stamp is settled; stale, if given, says a
// kept page has aged out on its own (a clearance expired). Inside a caller's
// transaction nothing is cached: its changes are not committed.
func cachedRead[K comparable, V any](ctx context.Context, s *Reviews, tx *Tx, cache *versionCache[K, V], keyAt func(register int64) K,
	load func() (V, error), derive func(*V), stale func(V, time.Time) bool) (V, error) {
	stamp, rc := int64(-1), int64(-1)
	if s.tx == nil {
		var err error
		if stamp, err = dealListStamp(ctx, tx); err == nil {
			rc, err = registerCounter(ctx, tx)
		}
		if err != nil {
			var zero V
			return zero, err
		}
	}
	if rc < 0 {
		stamp = -1
	}
	l := loader[V]{read: load, kept: derive}
	if stale != nil {
		l.usable = func(v V) bool { return !stale(v, tx.Now) }
	}
	return cache.load(ctx, tx, stamp, keyAt(rc), l)
}
