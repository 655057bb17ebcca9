package postgres_test

import "bytes"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// TestDealPageFollowsChangesOnEveryInstance runs two deal services (two
// instances) on one database. Instance a caches the deal page; every change
// made through instance b, or straight in the database as another part of
// the application would make it, must show on a's next read. It fails if a
// deal_change trigger or the stamp check is removed.
func TestDealPageFollowsChangesOnEveryInstance(t *testing.T) {
	t.Parallel()
	e := newDealEnv(t)
	a, b := postgres.NewDeals(e.db, postgres.NewRegister(e.db)), e.deals
	d := e.submitted(t)
	page := func(who *dealgate.User) postgres.DealPage {
		t.Helper()
		p, err := a.DealPage(e.ctx, who, d.ID)
		if err != nil {
			t.Fatalf("deal page for %s: %v", who.Email, err)
		}
		return p
	}
	if p := page(e.member); len(p.Deal.Shares) != 0 || len(p.Attachments) != 0 || p.CanEdit {
		t.Fatalf("fresh page: shares %v, attachments %v, member may edit %v", p.Deal.Shares, p.Attachments, p.CanEdit)
	}
	if p := page(e.counsel); !p.CanEdit || !p.CanManage {
		t.Fatal("the author may not edit their own deal")
	}
	// Policy is asked on every request, cached page or not.
	if _, err := a.DealPage(e.ctx, e.counsel2, d.ID); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Fatalf("other counsel read a cached page: %v", err)
	}

	d, err := b.Share(e.ctx, e.counsel, d.ID, dealgate.ShareInput{Email: "counsel2@example.test", Access: dealgate.ShareRead})
	if err != nil {
		t.Fatal(err)
	}
	if p := page(e.counsel2); len(p.Deal.Shares) != 1 || p.CanEdit {
		t.Errorf("after sharing through the other instance: shares %v, read-only counsel may edit %v", p.Deal.Shares, p.CanEdit)
	}

	att, err := b.AddAttachment(e.ctx, e.counsel, d.ID, token(41), "terms.pdf", bytes.NewReader([]byte("%PDF-1.4 terms")))
	if err != nil {
		t.Fatal(err)
	}
	if p := page(e.member); len(p.Attachments) != 1 {
		t.Errorf("after an upload through the other instance: attachments %v", p.Attachments)
	}

	// A download changes no deal table, only the history (its audit event).
	if _, _, err := b.DownloadAttachment(e.ctx, e.counsel, att.ID, true); err != nil {
		t.Fatal(err)
	}
	if p := page(e.member); len(p.History) == 0 || p.History[0].Action != "deal_attachment.downloaded" {
		t.Errorf("after a download: %d history events, the newest is not the download", len(p.History))
	}

	// The author's new name (users, not a deal table) shows on every deal.
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE users SET name = 'Renamed Counsel' WHERE id = $1`, e.counsel.ID); err != nil {
		t.Fatal(err)
	}
	if p := page(e.member); p.Deal.AuthorName != "Renamed Counsel" {
		t.Errorf("after renaming the author: %q", p.Deal.AuthorName)
	}

	// Screening records a new verdict on the version (screening's code).
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE deal_version SET screening_state = 'caution' WHERE deal_id = $1`, d.ID); err != nil {
		t.Fatal(err)
	}
	if p := page(e.member); p.Current() == nil || p.Current().Screening != dealgate.ScreeningState("caution") {
		t.Errorf("after a new screening verdict: the current version is not marked caution")
	}

	// The committee opens a review, then closes it (review, not a deal table).
	if p := page(e.member); p.Review != nil {
		t.Fatalf("a review before any was opened: %+v", p.Review)
	}
	if _, err := e.db.Pool.Exec(e.ctx, `INSERT INTO review (deal_id, round, deal_version, due_on, opened_at)
		VALUES ($1, 1, 1, current_date + 10, now())`, d.ID); err != nil {
		t.Fatal(err)
	}
	if p := page(e.member); p.Review == nil || p.Review.State != dealgate.ReviewOpen || p.Review.Version != 1 {
		t.Errorf("after a review opened: %+v", p.Review)
	}
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE review SET state = 'closed', closed_at = now() WHERE deal_id = $1`, d.ID); err != nil {
		t.Fatal(err)
	}
	if p := page(e.member); p.Review == nil || p.Review.State != dealgate.ReviewClosed {
		t.Errorf("after the review closed: %+v", p.Review)
	}

	if _, err := b.Withdraw(e.ctx, e.counsel, d.ID, d.Version, "No longer needed."); err != nil {
		t.Fatal(err)
	}
	if p := page(e.counsel); p.Deal.Status != dealgate.DealWithdrawn || p.CanEdit {
		t.Errorf("after withdrawing: status %s, may edit %v", p.Deal.Status, p.CanEdit)
	}
}
