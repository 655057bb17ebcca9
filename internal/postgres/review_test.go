package postgres_test

import "sync"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

type reviewEnv struct {
	*dealEnv
	reviews                 *postgres.Reviews
	chair, m1, m2, m3, both *dealgate.User
}

// narrowToEU makes counsel's material new version of the deal, its
// territory narrowed to the EU, and returns the deal as it was before.
func (e *reviewEnv) narrowToEU(t testing.TB, dealID int64) dealgate.Deal {
	t.Helper()
	cur, err := e.deals.Deal(e.ctx, e.counsel, dealID)
	if err != nil {
		t.Fatal(err)
	}
	in := e.input()
	in.Regions, in.Worldwide = []string{"EU"}, false
	if _, err := e.deals.NewVersion(e.ctx, e.counsel, dealID, cur.Version, in, "Narrowed to the EU"); err != nil {
		t.Fatalf("new version: %v %v", err, dealgate.ErrorFields(err))
	}
	return cur
}

func newReviewEnv(t testing.TB) *reviewEnv {
	t.Helper()
	e := &reviewEnv{dealEnv: newDealEnv(t)}
	e.reviews = postgres.NewReviews(e.db, e.deals)
	e.chair = regUser(t, e.db, "chair@example.test", dealgate.RoleChair)
	e.m1 = regUser(t, e.db, "m1@example.test", dealgate.RoleMember)
	e.m2 = regUser(t, e.db, "m2@example.test", dealgate.RoleMember)
	e.m3 = regUser(t, e.db, "m3@example.test", dealgate.RoleMember)
	// Counsel who also sits on the committee: never votes on their own deals.
	e.both = regUser(t, e.db, "both@example.test", dealgate.RoleCounsel, dealgate.RoleMember)
	return e
}

func (e *reviewEnv) setRules(t testing.TB, f dealgate.CommitteeRulesForm) {
	t.Helper()
	r, _, err := e.reviews.Rules(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reviews.UpdateRules(e.ctx, e.admin, r.Version, f); err != nil {
		t.Fatalf("rules: %v %v", err, dealgate.ErrorFields(err))
	}
}

// submittedBy submits a deal with the given counterparty as author.
func (e *reviewEnv) submittedBy(t testing.TB, author *dealgate.User, counterparty string, n int) dealgate.Deal {
	t.Helper()
	d, err := e.deals.CreateDraft(e.ctx, author, token(1000+n), dealgate.DealInput{Title: "Draft"})
	if err != nil {
		t.Fatal(err)
	}
	in := e.input()
	in.Counterparty = counterparty
	d, err = e.deals.Submit(e.ctx, author, d.ID, d.Version, in)
	if err != nil {
		t.Fatalf("submit: %v %v", err, dealgate.ErrorFields(err))
	}
	return d
}

func (e *reviewEnv) open(t testing.TB, d dealgate.Deal) dealgate.Review {
	t.Helper()
	r, err := e.reviews.OpenReview(e.ctx, e.chair, d.ID, d.Version, "")
	if err != nil {
		t.Fatalf("open review: %v %v", err, dealgate.ErrorFields(err))
	}
	return r
}

func vote(c dealgate.VoteChoice) dealgate.VoteInput {
	in := dealgate.VoteInput{Choice: c, Rationale: "Because."}
	if c == dealgate.VoteApproveConditions {
		in.Conditions = "No exclusivity over hosting."
	}
	return in
}

func (e *reviewEnv) auditCount(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_event WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCommitteeRulesSettings(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	r, members, err := e.reviews.Rules(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	if r.Quorum != 2 || r.Majority != dealgate.MajoritySimple || len(members) != 6 {
		t.Fatalf("defaults: %+v, %d members", r, len(members))
	}
	if _, _, err := e.reviews.Rules(e.ctx, e.chair); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("chair reads settings: %v", err)
	}
	f := r.Form()
	f.Quorum, f.Majority = "0", "most"
	if _, err := e.reviews.UpdateRules(e.ctx, e.admin, r.Version, f); dealgate.ErrorFields(err)["quorum"] == "" || dealgate.ErrorFields(err)["majority"] == "" {
		t.Errorf("invalid rules: %v", dealgate.ErrorFields(err))
	}
	f = r.Form()
	f.Quorum, f.Majority = "3", string(dealgate.MajorityTwoThirds)
	after, err := e.reviews.UpdateRules(e.ctx, e.admin, r.Version, f)
	if err != nil || after.Quorum != 3 || after.Majority != dealgate.MajorityTwoThirds {
		t.Fatalf("update: %+v %v", after, err)
	}
	if _, err := e.reviews.UpdateRules(e.ctx, e.admin, r.Version, f); dealgate.ErrorCode(err) != dealgate.ECONFLICT {
		t.Errorf("stale rules: %v", err)
	}
	if n := e.auditCount(t, "committee.rules_updated"); n != 1 {
		t.Errorf("%d audit events, want 1", n)
	}
}

func TestReviewJourney(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	// m3 declares an interest in Azurine's parent: a deal with Azurine Cloud
	// (a subsidiary) recuses them automatically.
	if _, err := e.reviews.Declare(e.ctx, e.m3, "Azurine Corporation", "Spouse works there"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reviews.Declare(e.ctx, e.m3, "azurine corporation", ""); dealgate.ErrorFields(err)["party"] == "" {
		t.Errorf("declared twice: %v", err)
	}
	if _, err := e.reviews.Declare(e.ctx, e.counsel, "Azurine Corporation", ""); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("counsel declares: %v", err)
	}
	d := e.submittedBy(t, e.both, "Azurine", 1)

	dash, err := e.reviews.Dashboard(e.ctx, e.chair)
	if err != nil || len(dash.Queue) != 1 || dash.Queue[0].DealID != d.ID {
		t.Fatalf("queue: %+v %v", dash.Queue, err)
	}
	if _, err := e.reviews.OpenReview(e.ctx, e.m1, d.ID, d.Version, ""); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("member opens a review: %v", err)
	}
	if _, err := e.reviews.OpenReview(e.ctx, e.chair, d.ID, d.Version, "2026-12-01"); dealgate.ErrorFields(err)["due_on"] == "" {
		t.Errorf("due today: %v", err)
	}
	r := e.open(t, d)
	if want := dealgate.Day(2026, 12, 9); !r.DueOn.Equal(want) {
		t.Errorf("due %v, want the day before negotiation %v", r.DueOn, want)
	}
	if _, err := e.reviews.OpenReview(e.ctx, e.chair, d.ID, d.Version, ""); dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Errorf("second open review: %v", err)
	}

	o, err := e.reviews.Review(e.ctx, e.chair, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Members) != 5 {
		t.Fatalf("assigned %d members, want chair, member, m1, m2, m3 (not the submitter)", len(o.Members))
	}
	for _, m := range o.Members {
		if m.Declared != (m.UserID == e.m3.ID) {
			t.Errorf("member %s declared recusal %v", m.Name, m.Declared)
		}
	}
	if _, err := e.reviews.Vote(e.ctx, e.m3, r.ID, vote(dealgate.VoteApprove)); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("recused member votes: %v", err)
	}
	if _, err := e.reviews.Vote(e.ctx, e.both, r.ID, vote(dealgate.VoteApprove)); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("submitter votes: %v", err)
	}
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, dealgate.VoteInput{Choice: dealgate.VoteFlag}); dealgate.ErrorFields(err)["rationale"] == "" {
		t.Errorf("flag without reason: %v", err)
	}
	// Negotiation is refused before a decision, and the refusal is audited.
	cur, _ := e.deals.Deal(e.ctx, e.both, d.ID)
	if _, err := e.deals.StartNegotiation(e.ctx, e.both, d.ID, cur.Version); dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Errorf("negotiation before clearance: %v", err)
	}
	if n := e.auditCount(t, "deal.negotiation_refused"); n != 1 {
		t.Errorf("%d refusal events, want 1", n)
	}
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteFlag)); err != nil {
		t.Fatal(err)
	}
	// Votes are hidden from members who have not voted.
	if o, _ := e.reviews.Review(e.ctx, e.m2, r.ID); o.VotesVisible || len(o.Votes) != 0 {
		t.Errorf("m2 sees votes before voting: %+v", o.Votes)
	}
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteApprove)); err != nil {
		t.Fatal(err) // changeable until the decision
	}
	dec := dealgate.DecisionInput{Outcome: dealgate.OutcomeApprovedConditions, Memo: "Approved.", Conditions: "No exclusivity over hosting."}
	if _, err := e.reviews.Decide(e.ctx, e.chair, r.ID, d.CurrentVersion, dec); dealgate.ErrorFields(err)["outcome"] == "" {
		t.Errorf("decision before quorum: %v", err)
	}
	if err := e.reviews.Recuse(e.ctx, e.m2, r.ID, "Former employer"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reviews.Vote(e.ctx, e.m2, r.ID, vote(dealgate.VoteApprove)); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("self-recused member votes: %v", err)
	}
	if _, err := e.reviews.Vote(e.ctx, e.chair, r.ID, vote(dealgate.VoteApproveConditions)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reviews.Decide(e.ctx, e.m1, r.ID, d.CurrentVersion, dec); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("member decides: %v", err)
	}
	if _, err := e.reviews.Decide(e.ctx, e.chair, r.ID, d.CurrentVersion, dealgate.DecisionInput{Outcome: dealgate.OutcomeFlagged, Memo: "No."}); dealgate.ErrorFields(err)["outcome"] == "" {
		t.Errorf("flagged against the majority: %v", err)
	}
	got, err := e.reviews.Decide(e.ctx, e.chair, r.ID, d.CurrentVersion, dec)
	if err != nil {
		t.Fatalf("decide: %v %v", err, dealgate.ErrorFields(err))
	}
	if got.DealVersion != 1 || got.TaxonomyVersionID == nil || got.Tally.Cast() != 2 || got.Tally.Recused != 2 || got.ExpiresAt == nil {
		t.Errorf("decision: %+v", got)
	}
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteFlag)); dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Errorf("vote after the decision: %v", err)
	}
	ov, err := e.deals.DealOverview(e.ctx, e.both, d.ID)
	if err != nil || !ov.Clearance.Cleared || ov.Clearance.Conditions != dec.Conditions {
		t.Fatalf("clearance after approval: %+v %v", ov.Clearance, err)
	}
	if _, err := e.deals.StartNegotiation(e.ctx, e.counsel, d.ID, ov.Deal.Version); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("other counsel starts negotiation: %v", err)
	}
	c, err := e.deals.StartNegotiation(e.ctx, e.both, d.ID, ov.Deal.Version)
	if err != nil || c.NegotiationStarted == nil {
		t.Fatalf("start negotiation: %+v %v", c, err)
	}
	if n := e.auditCount(t, "deal.negotiation_started"); n != 1 {
		t.Errorf("%d negotiation events, want 1", n)
	}
	// A material new version removes the clearance and returns the deal to
	// the chair's queue.
	cur, _ = e.deals.Deal(e.ctx, e.both, d.ID)
	in := e.input()
	in.Counterparty, in.Regions, in.Worldwide = "Azurine", []string{"EU"}, false
	if _, err := e.deals.NewVersion(e.ctx, e.both, d.ID, cur.Version, in, "Narrowed to the EU"); err != nil {
		t.Fatalf("new version: %v %v", err, dealgate.ErrorFields(err))
	}
	ov, _ = e.deals.DealOverview(e.ctx, e.both, d.ID)
	if ov.Clearance.Cleared {
		t.Errorf("still cleared after a material change: %+v", ov.Clearance)
	}
	if dash, _ := e.reviews.Dashboard(e.ctx, e.chair); len(dash.Queue) != 1 {
		t.Errorf("queue after a material change: %+v", dash.Queue)
	}
}

func TestReviewAutoOpenAndWithdrawal(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	r, _, _ := e.reviews.Rules(e.ctx, e.admin)
	f := r.Form()
	f.AutoOpen = true
	e.setRules(t, f)
	d := e.submittedBy(t, e.counsel, "NWS", 1)
	dash, err := e.reviews.Dashboard(e.ctx, e.chair)
	open, lerr := e.reviews.ListReviews(e.ctx, e.chair, dealgate.ReviewFilter{State: dealgate.ReviewOpen})
	if err != nil || lerr != nil || len(dash.Queue) != 0 || len(open.Items) != 1 || open.Items[0].DealID != d.ID {
		t.Fatalf("auto-open: %+v %+v %v %v", dash, open, err, lerr)
	}
	if _, err := e.deals.Withdraw(e.ctx, e.counsel, d.ID, d.Version, "Dropped"); err != nil {
		t.Fatal(err)
	}
	if open, _ := e.reviews.ListReviews(e.ctx, e.chair, dealgate.ReviewFilter{State: dealgate.ReviewOpen}); len(open.Items) != 0 {
		t.Errorf("review of a withdrawn deal still open: %+v", open.Items)
	}
}

// The races of item 8, with real concurrent transactions: each change locks
// the deal row, so they serialise.
func TestReviewRaces(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	var members []*dealgate.User
	for i := range 12 {
		members = append(members, regUser(t, e.db, "racer"+string(rune('a'+i))+"@example.test", dealgate.RoleMember))
	}
	race := func(fns ...func() error) []error {
		errs := make([]error, len(fns))
		var start, done sync.WaitGroup
		start.Add(1)
		for i, fn := range fns {
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				errs[i] = fn()
			}()
		}
		start.Done()
		done.Wait()
		return errs
	}

	t.Run("members vote at once", func(t *testing.T) {
		d := e.submittedBy(t, e.counsel, "NWS", 1)
		r := e.open(t, d)
		var fns []func() error
		for _, m := range members {
			fns = append(fns, func() error { _, err := e.reviews.Vote(e.ctx, m, r.ID, vote(dealgate.VoteApprove)); return err })
		}
		for i, err := range race(fns...) {
			if err != nil {
				t.Errorf("vote %d: %v", i, err)
			}
		}
		o, err := e.reviews.Review(e.ctx, e.chair, r.ID)
		if err != nil || o.Tally.Approve != len(members) {
			t.Errorf("tally %+v %v, want %d approvals", o.Tally, err, len(members))
		}
	})

	t.Run("vote races a decision", func(t *testing.T) {
		// Quorum 1: the decision may come first, and then the vote must be
		// refused, never recorded beside a decision that did not count it.
		r, _, _ := e.reviews.Rules(e.ctx, e.admin)
		f := r.Form()
		f.Quorum = "1"
		e.setRules(t, f)
		for i := range 8 {
			d := e.submittedBy(t, e.counsel, "NWS", 10+i)
			r := e.open(t, d)
			if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteApprove)); err != nil {
				t.Fatal(err)
			}
			var dec dealgate.Decision
			errs := race(
				func() error { _, err := e.reviews.Vote(e.ctx, e.m2, r.ID, vote(dealgate.VoteApprove)); return err },
				func() error {
					var err error
					dec, err = e.reviews.Decide(e.ctx, e.chair, r.ID, d.CurrentVersion, dealgate.DecisionInput{Outcome: dealgate.OutcomeApproved, Memo: "Yes."})
					return err
				},
			)
			if errs[1] != nil {
				t.Fatalf("round %d: decision: %v", i, errs[1])
			}
			switch {
			case errs[0] == nil && dec.Tally.Cast() != 2:
				t.Errorf("round %d: the vote was recorded but the decision did not count it: %+v", i, dec.Tally)
			case errs[0] != nil && (dealgate.ErrorCode(errs[0]) != dealgate.EINVALID || dec.Tally.Cast() != 1):
				t.Errorf("round %d: vote %v, tally %+v", i, errs[0], dec.Tally)
			}
		}
	})

	t.Run("decision races a new version", func(t *testing.T) {
		for i := range 6 {
			d := e.submittedBy(t, e.counsel, "NWS", 20+i)
			r := e.open(t, d)
			for _, m := range []*dealgate.User{e.m1, e.m2} {
				if _, err := e.reviews.Vote(e.ctx, m, r.ID, vote(dealgate.VoteApprove)); err != nil {
					t.Fatal(err)
				}
			}
			in := e.input()
			in.Worldwide, in.Regions = false, []string{"EU"}
			var dec dealgate.Decision
			errs := race(
				func() error {
					_, err := e.deals.NewVersion(e.ctx, e.counsel, d.ID, d.Version, in, "Narrowed")
					return err
				},
				func() error {
					var err error
					dec, err = e.reviews.Decide(e.ctx, e.chair, r.ID, d.CurrentVersion, dealgate.DecisionInput{Outcome: dealgate.OutcomeApproved, Memo: "Yes."})
					return err
				},
			)
			if errs[0] != nil {
				t.Fatalf("round %d: new version: %v", i, errs[0])
			}
			if errs[1] != nil && dealgate.ErrorCode(errs[1]) != dealgate.ECONFLICT {
				t.Errorf("round %d: decision refused with %v, want ECONFLICT", i, errs[1])
			}
			if errs[1] == nil && dec.DealVersion != 1 {
				t.Errorf("round %d: decision on version %d", i, dec.DealVersion)
			}
			ov, err := e.deals.DealOverview(e.ctx, e.counsel, d.ID)
			if err != nil || ov.Clearance.Cleared {
				t.Errorf("round %d: cleared on a superseded version: %+v %v", i, ov.Clearance, err)
			}
		}
	})
}

func TestReviewDiscussionAndInformationRequests(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	d := e.submittedBy(t, e.counsel, "NWS", 1)
	r := e.open(t, d)
	c, err := e.reviews.Comment(e.ctx, e.m1, r.ID, nil, "Does Azurine's clause cover this?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reviews.Comment(e.ctx, e.m2, r.ID, &c.ID, "Section 4.2 does."); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reviews.Comment(e.ctx, e.m2, r.ID, nil, "  "); dealgate.ErrorFields(err)["body"] == "" {
		t.Errorf("empty comment: %v", err)
	}
	if _, err := e.reviews.Comment(e.ctx, e.counsel, r.ID, nil, "Counsel's view"); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("counsel comments: %v", err)
	}
	if _, err := e.reviews.AskInformation(e.ctx, e.m1, r.ID, "Why Nimbus?"); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("member asks: %v", err)
	}
	q, err := e.reviews.AskInformation(e.ctx, e.chair, r.ID, "Is the hosting exclusive?")
	if err != nil {
		t.Fatal(err)
	}
	ov, err := e.deals.DealOverview(e.ctx, e.counsel, d.ID)
	if err != nil || len(ov.OpenRFIs) != 1 {
		t.Fatalf("counsel's open requests: %+v %v", ov.OpenRFIs, err)
	}
	if err := e.reviews.AnswerInformation(e.ctx, e.counsel2, d.ID, q.ID, "No."); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("other counsel answers: %v", err)
	}
	// Answered two and a half days later: the due date moves by three days.
	asked := e.db.Now()
	e.db.Now = func() time.Time { return asked.Add(60 * time.Hour) }
	if err := e.reviews.AnswerInformation(e.ctx, e.counsel, d.ID, q.ID, "Not exclusive."); err != nil {
		t.Fatal(err)
	}
	if err := e.reviews.AnswerInformation(e.ctx, e.counsel, d.ID, q.ID, "Again."); dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Errorf("answered twice: %v", err)
	}
	o, err := e.reviews.Review(e.ctx, e.m1, r.ID)
	if err != nil || len(o.Comments) != 2 || len(o.RFIs) != 1 || o.RFIs[0].Answer != "Not exclusive." {
		t.Fatalf("review discussion: %+v %+v %v", o.Comments, o.RFIs, err)
	}
	if want := r.DueOn.AddDate(0, 0, 3); !o.Review.DueOn.Equal(want) {
		t.Errorf("due %v, want %v (paused three days)", o.Review.DueOn, want)
	}
	if ov, _ := e.deals.DealOverview(e.ctx, e.counsel, d.ID); len(ov.OpenRFIs) != 0 {
		t.Errorf("answered request still open on counsel's page")
	}
}
