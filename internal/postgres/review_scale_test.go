package postgres_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// TestReviewVerdictFollowsScreeningAndVersions checks that the verdict kept
// on the review (migration 000046), which the review list filters and
// counts by, follows a re-screening of the current version and a new
// version, and that a verdict of an older version does not count.
func TestReviewVerdictFollowsScreeningAndVersions(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	d := e.submittedBy(t, e.counsel, "NWS", 1)
	e.open(t, d)
	conflicts := func(who string) []dealgate.ReviewListItem {
		t.Helper()
		p, err := e.reviews.ListReviews(e.ctx, e.chair, dealgate.ReviewFilter{Verdict: dealgate.ScreeningConflict})
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		if p.Total != len(p.Items) {
			t.Errorf("%s: total %d, %d rows", who, p.Total, len(p.Items))
		}
		return p.Items
	}
	sameDeals(t, "before", conflicts("before"))
	setVerdict := func(number int, verdict string) {
		t.Helper()
		if _, err := e.db.Pool.Exec(e.ctx, `UPDATE deal_version SET screening_state = $3 WHERE deal_id = $1 AND number = $2`,
			d.ID, number, verdict); err != nil {
			t.Fatal(err)
		}
	}
	setVerdict(d.CurrentVersion, "conflict")
	got := conflicts("re-screened")
	sameDeals(t, "re-screened to a conflict", got, d)
	if len(got) == 1 && got[0].Verdict != dealgate.ScreeningConflict {
		t.Errorf("row's verdict %q, want conflict", got[0].Verdict)
	}
	cur := e.narrowToEU(t, d.ID)
	sameDeals(t, "after a new version", conflicts("new version"))
	setVerdict(cur.CurrentVersion, "conflict") // the old version: no longer the deal's verdict
	sameDeals(t, "old version re-screened", conflicts("old version"))
	setVerdict(cur.CurrentVersion+1, "conflict")
	sameDeals(t, "new version screened to a conflict", conflicts("new version screened"), d)
}

// TestReviewPageFollowsChangesOnEveryInstance checks the review page, whose
// deal part comes from the deal page cache, across two instances on one
// database: a vote, a new version and a decision made through one are on
// the other's next page.
func TestReviewPageFollowsChangesOnEveryInstance(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	a := postgres.NewReviews(e.db, postgres.NewDeals(e.db, postgres.NewRegister(e.db)))
	d := e.submittedBy(t, e.counsel, "NWS", 1)
	r := e.open(t, d)
	page := func() postgres.ReviewPage {
		t.Helper()
		p, err := a.ReviewPage(e.ctx, e.chair, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := page(); len(p.Versions) != 1 || p.Tally.Approve != 0 || p.Decision != nil {
		t.Fatalf("fresh page: versions %d, tally %+v, decision %v", len(p.Versions), p.Tally, p.Decision)
	}
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteApprove)); err != nil {
		t.Fatal(err)
	}
	if p := page(); p.Tally.Approve != 1 {
		t.Errorf("after a vote through the other instance: tally %+v", p.Tally)
	}
	e.narrowToEU(t, d.ID)
	p := page()
	if len(p.Versions) != 2 || p.Deal.CurrentVersion != 2 || !p.Superseded[1] || p.Tally.Approve != 0 {
		t.Errorf("after a new version through the other instance: versions %d, current %d, superseded %v, tally %+v",
			len(p.Versions), p.Deal.CurrentVersion, p.Superseded, p.Tally)
	}
	e.setRules(t, dealgate.CommitteeRulesForm{Quorum: "1", Majority: "simple", ReviewDays: "10", ClearanceDays: "90", ReminderDays: "3"})
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteApprove)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reviews.Decide(e.ctx, e.chair, r.ID, 2, dealgate.DecisionInput{Outcome: dealgate.OutcomeApproved, Memo: "Yes."}); err != nil {
		t.Fatalf("decide: %v %v", err, dealgate.ErrorFields(err))
	}
	if p := page(); p.Decision == nil || !p.Clearance.Cleared {
		t.Errorf("after a decision through the other instance: decision %v, clearance %+v", p.Decision, p.Clearance)
	}
}

// TestReviewFamiliesFollowRegisterChangesOnEveryInstance checks the cache of
// corporate families (under the register change counter) across two
// instances: when a party joins the counterparty's family through the other
// instance, a member who declared it is recused on this instance's next
// page and vote.
func TestReviewFamiliesFollowRegisterChangesOnEveryInstance(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	a := postgres.NewReviews(e.db, postgres.NewDeals(e.db, postgres.NewRegister(e.db)))
	if _, err := e.reviews.Declare(e.ctx, e.m1, "Lumen Labs", ""); err != nil {
		t.Fatal(err)
	}
	r := e.open(t, e.submittedBy(t, e.counsel, "NWS", 1))
	recused := func() bool {
		t.Helper()
		p, err := a.ReviewPage(e.ctx, e.chair, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Members {
			if m.UserID == e.m1.ID {
				return m.Declared
			}
		}
		t.Fatal("m1 is not on the review")
		return false
	}
	if recused() {
		t.Fatal("m1 recused before Lumen Labs joined the family")
	}
	in := dealgate.PartyInput{Name: e.lumen.Name, Kind: e.lumen.Kind, ParentID: &e.nimbus.ID}
	if _, err := e.reg.UpdateParty(e.ctx, e.counsel, e.lumen.ID, e.lumen.Version, in); err != nil {
		t.Fatalf("update party: %v %v", err, dealgate.ErrorFields(err))
	}
	if !recused() {
		t.Error("after Lumen Labs joined the family through the other instance: m1 is not recused on the page")
	}
	if _, err := a.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteApprove)); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("vote of a member recused by a declared interest: %v", err)
	}
}
