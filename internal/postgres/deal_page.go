package postgres

import "context"
import "fmt"
import "sync/atomic"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// The deal page, cached under the deal's page stamp.
//
// The page gathers the deal, its shares, versions, attachments, history,
// clearance, open requests for information and the current version's
// screening: about fifteen statements. Each instance keeps the page of a
// deal under the key it read before loading it: the deal's page stamp (the
// count of its deal_change rows, which every committed change to anything
// the page shows raises; migration 000032), the register change counter
// (screening findings show clauses) and the day (negotiation and expiry are
// judged against it). A request reads the stamp and the viewer's relation to
// the deal in one statement (DealPageStamp), asks the policy, and is served
// the cached page only when the key matches, so a change through any
// instance is seen by every instance's next request. Who may see the page and
// what they may do are decided afresh on every request.

// dealPageCacheMax bounds the pages one instance keeps at one register
// change counter.
const dealPageCacheMax = 2048

// DealPage is what the deal page shows: the overview and the current
// version's latest screening (nil for a draft or before screening).
type DealPage struct {
	dealgate.DealOverview
	Screening *Stored
	// Derived is shared by the requests served this page from the cache.
	Derived *dealgate.Derived
}

// dealPageKey is a deal's page at one page stamp and day; the cache's
// counter is the register change counter.
type dealPageKey struct {
	id, stamp int64
	day       time.Time
}

func newDealPageCache() *versionCache[dealPageKey, DealPage] {
	return &versionCache[dealPageKey, DealPage]{limit: dealPageCacheMax}
}

// DealPage returns everything the deal page shows, if actor may see the deal:
// one statement when this instance holds the page at the deal's current stamp.
// The returned page is shared: callers must not change it.
// Errors: EUNAUTHORIZED, ENOTFOUND (no such deal, or one actor may not see).
func (s *Deals) DealPage(ctx context.Context, actor *dealgate.User, id int64) (DealPage, error) {
	return dealReadAuthorized(ctx, s, actor, dealgate.ActDealView, func(tx *Tx) (DealPage, error) {
		return s.dealPage(ctx, tx, actor, id)
	})
}

// dealPage is DealPage in tx, for the pages that show a deal's page with
// more (the review page). The caller has checked dealgate.ActDealView.
func (s *Deals) dealPage(ctx context.Context, tx *Tx, actor *dealgate.User, id int64) (DealPage, error) {
	st, ok := stampReadWithSession(ctx, actor.ID, id)
	if !ok || s.tx != nil {
		var err error
		if st, err = tx.Q.DealPageStamp(ctx, sqlc.DealPageStampParams{ID: id, ViewerID: actor.ID}); err != nil {
			return DealPage{}, orNotFound(err, "deal")
		}
	}
	rel := dealgate.DealRelation{Status: dealgate.DealStatus(st.Status), Author: st.AuthorID == actor.ID,
		Share: dealgate.ShareAccess(st.ShareAccess)}
	if err := dealgate.AuthorizeDeal(actor, rel, dealgate.DealRead); err != nil {
		return DealPage{}, err
	}
	rc, err := registerCounter(ctx, tx)
	if err != nil {
		return DealPage{}, err
	}
	if s.tx != nil {
		rc = -1 // inside a caller's transaction: its changes are not committed
	}
	// Viewers who miss together wait for one read (versionCache.load).
	p, err := s.pages.load(ctx, tx, rc, dealPageKey{id: id, stamp: st.Stamp, day: tx.today()}, loader[DealPage]{
		read: func() (DealPage, error) { return tx.loadDealPage(ctx, actor, id) },
		// A clearance that has lapsed since the page was read changes it.
		usable: func(p DealPage) bool { return p.Clearance.ExpiresAt == nil || tx.Now.Before(*p.Clearance.ExpiresAt) },
		kept:   func(p *DealPage) { p.Derived = dealgate.NewDerived() },
	})
	if err != nil {
		return DealPage{}, err
	}
	p.CanEdit = dealgate.AuthorizeDeal(actor, rel, dealgate.DealEdit) == nil && rel.Status != dealgate.DealWithdrawn
	p.CanManage = dealgate.AuthorizeDeal(actor, rel, dealgate.DealManage) == nil && rel.Status != dealgate.DealWithdrawn
	return p, nil
}

// loadDealPage reads the deal page from the database.
func (tx *Tx) loadDealPage(ctx context.Context, actor *dealgate.User, id int64) (DealPage, error) {
	o, err := tx.dealOverview(ctx, actor, id)
	if err != nil {
		return DealPage{}, err
	}
	p := DealPage{DealOverview: o}
	cur := o.Current()
	if cur == nil {
		return p, nil
	}
	sid, err := tx.Q.LatestScreeningID(ctx, sqlc.LatestScreeningIDParams{DealID: id, Number: int32(cur.Number)})
	if err != nil {
		return p, fmt.Errorf("latest screening: %w", err)
	}
	if sid != nil {
		p.Screening, err = tx.storedScreening(ctx, *sid) // screening.go
	}
	return p, err
}

// The deal page's stamp read with the session.
//
// GET /deals/:id reads DealPageStamp (the viewer's relation to the deal and
// the deal's page stamp) in the statement that reads the session
// (FindSession), so a page this instance holds at that stamp costs that
// one round trip. The slot is dropped when the request commits a change.

type dealPageSeen struct {
	id  int64
	row atomic.Pointer[dealPageStampRead]
}

type dealPageStampRead struct {
	viewer int64
	row    sqlc.DealPageStampRow
}

type dealPageSeenKey struct{}

// WithDealPageSlot returns ctx with an empty slot that FindSession fills
// with deal id's page stamp and the session user's relation to it.
func WithDealPageSlot(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, dealPageSeenKey{}, &dealPageSeen{id: id})
}

func dealPageSeenFrom(ctx context.Context) *dealPageSeen {
	s, _ := ctx.Value(dealPageSeenKey{}).(*dealPageSeen)
	return s
}

// stampReadWithSession returns what the session statement read for deal id and
// viewer, if it did.
func stampReadWithSession(ctx context.Context, viewer, id int64) (sqlc.DealPageStampRow, bool) {
	if s := dealPageSeenFrom(ctx); s != nil && s.id == id {
		if r := s.row.Load(); r != nil && r.viewer == viewer {
			return r.row, true
		}
	}
	return sqlc.DealPageStampRow{}, false
}

// forgetDealPageStamp drops the stamp the request read: it has committed a
// change, so its reads must see it.
func forgetDealPageStamp(ctx context.Context) {
	if s := dealPageSeenFrom(ctx); s != nil {
		s.row.Store(nil)
	}
}
