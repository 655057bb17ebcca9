package postgres_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// listed is the deal of id on list's page for who, through instance s.
func listed(t *testing.T, e *dealEnv, s *postgres.Deals, who *dealgate.User, f dealgate.DealFilter, id int64) (dealgate.DealListItem, bool) {
	t.Helper()
	page, err := s.ListDeals(e.ctx, who, f)
	if err != nil {
		t.Fatalf("list deals for %s: %v", who.Email, err)
	}
	for _, d := range page.Items {
		if d.ID == id {
			return d, true
		}
	}
	return dealgate.DealListItem{}, false
}

// TestDealListCacheFollowsChangesOnEveryInstance runs two deal services (two
// instances) on one database. Instance a serves the lists from its cache;
// every change made through instance b, or straight in the database as
// another part of the application would make it, must show on a's next
// list. It fails if the deal list stamp is not checked, or if a change
// (a deal inserted or deleted, a share, a verdict, a name) does not move it.
func TestDealListCacheFollowsChangesOnEveryInstance(t *testing.T) {
	t.Parallel()
	e := newDealEnv(t)
	a, b := postgres.NewDeals(e.db, postgres.NewRegister(e.db)), e.deals
	mine, all := dealgate.DealFilter{Sort: "negotiation"}, dealgate.DealFilter{Sort: "negotiation", AllDeals: true}
	d := e.submitted(t)
	for range 2 { // the second read is served from a's cache
		if _, ok := listed(t, e, a, e.counsel2, mine, d.ID); ok {
			t.Fatal("another counsel lists the deal")
		}
		if got, ok := listed(t, e, a, e.member, all, d.ID); !ok || got.Status != dealgate.DealSubmitted {
			t.Fatalf("the committee's list: %v %v", ok, got.Status)
		}
	}

	warm := func(who *dealgate.User, f dealgate.DealFilter) { // a's next read of this list is a cache hit
		t.Helper()
		listed(t, e, a, who, f, 0)
	}
	warm(e.counsel, mine)
	draft, err := b.CreateDraft(e.ctx, e.counsel, token(51), dealgate.DealInput{Title: "Second thoughts"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := listed(t, e, a, e.counsel, mine, draft.ID); !ok {
		t.Error("a draft saved through the other instance is not listed")
	}

	warm(e.counsel2, mine)
	if _, err := b.Share(e.ctx, e.counsel, d.ID, dealgate.ShareInput{Email: "counsel2@example.test", Access: dealgate.ShareRead}); err != nil {
		t.Fatal(err)
	}
	if _, ok := listed(t, e, a, e.counsel2, mine, d.ID); !ok {
		t.Error("a deal shared through the other instance is not listed for the counsel it was shared with")
	}

	warm(e.member, all)
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE deal_version SET screening_state = 'caution' WHERE deal_id = $1`, d.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := listed(t, e, a, e.member, all, d.ID); got.Screening != dealgate.ScreeningState("caution") {
		t.Errorf("after a new screening verdict: %q", got.Screening)
	}

	warm(e.member, all)
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE users SET name = 'Renamed Counsel' WHERE id = $1`, e.counsel.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := listed(t, e, a, e.member, all, d.ID); got.AuthorName != "Renamed Counsel" {
		t.Errorf("after renaming the author: %q", got.AuthorName)
	}

	// A deal deleted without an audit event of its own (its own DELETE counts).
	warm(e.counsel, mine)
	if _, err := e.db.Pool.Exec(e.ctx, `DELETE FROM deal WHERE id = $1`, draft.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := listed(t, e, a, e.counsel, mine, draft.ID); ok {
		t.Error("a deleted draft is still listed")
	}
}

// TestDealListCacheWaitsForOlderTransactions: transaction IDs are taken
// before commit, so a change can commit after a newer one. While an older
// transaction that changed a deal is still running, the stamp is unsettled
// and nothing is cached under it; once it commits, its change shows. It
// fails if the stamp is trusted before every older transaction has ended.
func TestDealListCacheWaitsForOlderTransactions(t *testing.T) {
	t.Parallel()
	e := newDealEnv(t)
	a, b := postgres.NewDeals(e.db, postgres.NewRegister(e.db)), e.deals
	mine := dealgate.DealFilter{Sort: "negotiation"}
	d := e.submitted(t)

	older, err := e.db.Pool.Begin(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = older.Rollback(e.ctx) }()
	if _, err := older.Exec(e.ctx, `UPDATE deal SET title = 'Renamed by an older transaction' WHERE id = $1`, d.ID); err != nil {
		t.Fatal(err)
	}
	// A newer change commits first: its transaction ID is the larger.
	if _, err := b.CreateDraft(e.ctx, e.counsel, token(52), dealgate.DealInput{Title: "Committed first"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got, _ := listed(t, e, a, e.counsel, mine, d.ID); got.Content.Title == "Renamed by an older transaction" {
			t.Fatal("an uncommitted title is listed")
		}
	}
	if err := older.Commit(e.ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := listed(t, e, a, e.counsel, mine, d.ID); got.Content.Title != "Renamed by an older transaction" {
		t.Errorf("after the older transaction committed: %q", got.Content.Title)
	}
}
