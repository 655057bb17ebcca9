package postgres_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// Every counsel who can act on a deal (its author and those it is shared
// with for editing) is told of the committee's requests and its decision,
// sees the open request on the deal page and can answer it; counsel with a
// read share are not asked.
func TestInformationRequestsReachEveryCounselWhoCanAct(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	reader := regUser(t, e.db, "reader@example.test", dealgate.RoleCounsel)
	d := e.submittedBy(t, e.counsel, "NWS", 1)
	for _, s := range []dealgate.ShareInput{{Email: "counsel2@example.test", Access: dealgate.ShareEdit}, {Email: "reader@example.test", Access: dealgate.ShareRead}} {
		var err error
		if d, err = e.deals.Share(e.ctx, e.counsel, d.ID, s); err != nil {
			t.Fatalf("share with %s: %v", s.Email, err)
		}
	}
	r := e.open(t, d)
	q, err := e.reviews.AskInformation(e.ctx, e.chair, r.ID, "Who hosts the backups?")
	if err != nil {
		t.Fatal(err)
	}
	for u, want := range map[*dealgate.User]int{e.counsel: 1, e.counsel2: 1, reader: 0} {
		if rows, _, mails := e.notified(t, u, dealgate.NotifyInformationRequested); rows != want || mails != want {
			t.Errorf("%s: %d requests, %d mails, want %d", u.Email, rows, mails, want)
		}
	}
	ov, err := e.deals.DealOverview(e.ctx, e.counsel2, d.ID)
	if err != nil || len(ov.OpenRFIs) != 1 || !ov.CanEdit {
		t.Fatalf("shared counsel's deal page: %d open requests, can answer %v, %v", len(ov.OpenRFIs), ov.CanEdit, err)
	}
	if err := e.reviews.AnswerInformation(e.ctx, reader, d.ID, q.ID, "From the reader."); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("read-only counsel answers: %v", err)
	}
	if err := e.reviews.AnswerInformation(e.ctx, e.counsel2, d.ID, q.ID, "Our own data centre."); err != nil {
		t.Fatalf("shared counsel answers: %v", err)
	}
	for _, m := range []*dealgate.User{e.m1, e.m2} {
		if _, err := e.reviews.Vote(e.ctx, m, r.ID, vote(dealgate.VoteApprove)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.reviews.Decide(e.ctx, e.chair, r.ID, d.CurrentVersion, dealgate.DecisionInput{Outcome: dealgate.OutcomeApproved, Memo: "Approved."}); err != nil {
		t.Fatalf("decide: %v %v", err, dealgate.ErrorFields(err))
	}
	for u, want := range map[*dealgate.User]int{e.counsel: 1, e.counsel2: 1, reader: 0} {
		if rows, _, _ := e.notified(t, u, dealgate.NotifyDecisionRecorded); rows != want {
			t.Errorf("%s: %d decisions, want %d", u.Email, rows, want)
		}
	}
}
