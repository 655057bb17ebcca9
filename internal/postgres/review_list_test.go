package postgres_test

import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// dealIDs are the deal IDs of a panel's or page's reviews.
func dealIDs(items []dealgate.ReviewListItem) map[int64]bool {
	out := map[int64]bool{}
	for _, it := range items {
		out[it.DealID] = true
	}
	return out
}

func sameDeals(t *testing.T, who string, got []dealgate.ReviewListItem, want ...dealgate.Deal) {
	t.Helper()
	ids := dealIDs(got)
	if len(ids) != len(want) {
		t.Errorf("%s: %d reviews, want %d: %+v", who, len(ids), len(want), got)
		return
	}
	for _, d := range want {
		if !ids[d.ID] {
			t.Errorf("%s: deal %d missing from %+v", who, d.ID, got)
		}
	}
}

func TestDashboardPendingVotes(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	// m3's declared interest in Azurine's parent recuses them from d2.
	if _, err := e.reviews.Declare(e.ctx, e.m3, "Azurine Corporation", ""); err != nil {
		t.Fatal(err)
	}
	d1 := e.submittedBy(t, e.counsel, "NWS", 1)
	d2 := e.submittedBy(t, e.counsel, "Azurine", 2)
	d3 := e.submittedBy(t, e.both, "NWS", 3) // e.both submitted it: never votes on it
	r1 := e.open(t, d1)
	e.open(t, d2)
	e.open(t, d3)
	if _, err := e.reviews.Vote(e.ctx, e.m1, r1.ID, vote(dealgate.VoteApprove)); err != nil {
		t.Fatal(err)
	}
	if err := e.reviews.Recuse(e.ctx, e.m2, r1.ID, "Advised the counterparty last year"); err != nil {
		t.Fatal(err)
	}
	pending := func(u *dealgate.User) []dealgate.ReviewListItem {
		t.Helper()
		dash, err := e.reviews.Dashboard(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		page, err := e.reviews.ListReviews(e.ctx, u, dealgate.ReviewFilter{Pending: true})
		if err != nil || page.Total != len(dash.Pending) {
			t.Errorf("list of pending votes: %d, dashboard %d (%v)", page.Total, len(dash.Pending), err)
		}
		return dash.Pending
	}
	sameDeals(t, "m1 (voted on d1)", pending(e.m1), d2, d3)
	sameDeals(t, "m2 (recused from d1)", pending(e.m2), d2, d3)
	sameDeals(t, "m3 (declared interest in d2's family)", pending(e.m3), d1, d3)
	sameDeals(t, "both (submitted d3)", pending(e.both), d1, d2)
	if dash, err := e.reviews.Dashboard(e.ctx, e.auditor); err != nil || len(dash.Pending) != 0 {
		t.Errorf("auditor's pending votes: %+v %v", dash.Pending, err)
	}
	// A material new version supersedes m1's vote: it is pending again.
	e.narrowToEU(t, d1.ID)
	sameDeals(t, "m1 after a material change", pending(e.m1), d1, d2, d3)
}

func TestDashboardConflictsAndDueDates(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	d1 := e.submittedBy(t, e.counsel, "NWS", 1)
	d2 := e.submittedBy(t, e.counsel, "Azurine", 2)
	d3 := e.submittedBy(t, e.counsel, "Azurine", 3)
	// The screening's verdicts, as the screening service records them.
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE deal_version SET screening_state = CASE WHEN deal_id = $1 THEN 'conflict' ELSE 'caution' END
		WHERE deal_id = ANY($2)`, d1.ID, []int64{d1.ID, d2.ID, d3.ID}); err != nil {
		t.Fatal(err)
	}
	r1 := e.open(t, d1)
	r2 := e.open(t, d2)
	// r2 is overdue; r1 is due within the fortnight (the default period).
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE review SET due_on = current_date - 3 WHERE id = $1`, r2.ID); err != nil {
		t.Fatal(err)
	}
	dash, err := e.reviews.Dashboard(e.ctx, e.m1)
	if err != nil {
		t.Fatal(err)
	}
	if len(dash.Conflicts) != 1 || dash.Conflicts[0].DealID != d1.ID || dash.Conflicts[0].ReviewID != r1.ID {
		t.Errorf("deals with conflicts: %+v", dash.Conflicts)
	}
	sameDeals(t, "overdue", dash.Overdue, d2)
	sameDeals(t, "due soon", dash.DueSoon, d1)
	if len(dash.Queue) != 1 || dash.Queue[0].DealID != d3.ID {
		t.Errorf("queue: %+v", dash.Queue)
	}
	// A decision takes the deal out of "deals with conflicts".
	for _, m := range []*dealgate.User{e.m1, e.m2} {
		if _, err := e.reviews.Vote(e.ctx, m, r1.ID, vote(dealgate.VoteFlag)); err != nil {
			t.Fatal(err)
		}
	}
	cur, _ := e.deals.Deal(e.ctx, e.counsel, d1.ID)
	if _, err := e.reviews.Decide(e.ctx, e.chair, r1.ID, cur.CurrentVersion, dealgate.DecisionInput{Outcome: dealgate.OutcomeFlagged, Memo: "Breaches the exclusivity."}); err != nil {
		t.Fatalf("decide: %v %v", err, dealgate.ErrorFields(err))
	}
	dash, _ = e.reviews.Dashboard(e.ctx, e.m1)
	if len(dash.Conflicts) != 0 || len(dash.Decisions) != 1 || dash.Decisions[0].DealID != d1.ID {
		t.Errorf("after the decision: conflicts %+v, decisions %+v", dash.Conflicts, dash.Decisions)
	}
	// The decision shows on a later review of the same family.
	r3 := e.open(t, d3)
	o, err := e.reviews.Review(e.ctx, e.m1, r3.ID)
	if err != nil || len(o.EarlierDecisions) != 0 {
		t.Errorf("earlier decisions on Azurine: %+v %v", o.EarlierDecisions, err)
	}
	o, err = e.reviews.Review(e.ctx, e.m1, r2.ID)
	if err != nil || len(o.EarlierDecisions) != 0 {
		t.Errorf("Azurine review sees NWS decisions: %+v %v", o.EarlierDecisions, err)
	}
	d4 := e.submittedBy(t, e.counsel, "Nimbus", 4)
	o, err = e.reviews.Review(e.ctx, e.m1, e.open(t, d4).ID)
	if err != nil || len(o.EarlierDecisions) != 1 || o.EarlierDecisions[0].DealID != d1.ID || o.EarlierDecisions[0].Outcome != dealgate.OutcomeFlagged {
		t.Errorf("earlier decisions on NWS: %+v %v", o.EarlierDecisions, err)
	}
}

func TestReviewListFilters(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	d1 := e.submittedBy(t, e.counsel, "NWS", 1)
	d2 := e.submittedBy(t, e.counsel, "Azurine", 2)
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE deal_version SET screening_state = 'conflict' WHERE deal_id = $1`, d2.ID); err != nil {
		t.Fatal(err)
	}
	r1, r2 := e.open(t, d1), e.open(t, d2)
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE review SET due_on = '2030-01-10' WHERE id = $1`, r1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE review SET due_on = '2030-02-10' WHERE id = $1`, r2.ID); err != nil {
		t.Fatal(err)
	}
	list := func(f dealgate.ReviewFilter) []dealgate.ReviewListItem {
		t.Helper()
		p, err := e.reviews.ListReviews(e.ctx, e.auditor, f)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != len(p.Items) {
			t.Errorf("%+v: total %d, %d items", f, p.Total, len(p.Items))
		}
		return p.Items
	}
	all := list(dealgate.ReviewFilter{})
	if len(all) != 2 || all[0].ID != r1.ID || all[0].Counterparty != "Nimbus Web Services" {
		t.Errorf("default order (due date): %+v", all)
	}
	if got := list(dealgate.ReviewFilter{Sort: "due", Desc: true}); got[0].ID != r2.ID {
		t.Errorf("due, descending: %+v", got)
	}
	sameDeals(t, "verdict conflict", list(dealgate.ReviewFilter{Verdict: dealgate.ScreeningConflict}), d2)
	var from, to dealgate.ReviewFilter
	if err := from.SetDueRange("2030-02-01", ""); err != nil {
		t.Fatal(err)
	}
	sameDeals(t, "due from", list(from), d2)
	if err := to.SetDueRange("", "2030-01-31"); err != nil {
		t.Fatal(err)
	}
	sameDeals(t, "due to", list(to), d1)
	if err := to.SetDueRange("2030-02-01", "2030-01-01"); dealgate.ErrorFields(err)["due_to"] == "" {
		t.Errorf("reversed range: %v", err)
	}
	if err := to.SetDueRange("tomorrow", ""); dealgate.ErrorFields(err)["due_from"] == "" {
		t.Errorf("bad date: %v", err)
	}
	azurineCloud := e.reviewsParty(t, "Azurine")
	sameDeals(t, "counterparty", list(dealgate.ReviewFilter{PartyID: azurineCloud}), d2)
	parent := e.reviewsParty(t, "Azurine Corporation")
	sameDeals(t, "counterparty's parent alone", list(dealgate.ReviewFilter{PartyID: parent}))
	sameDeals(t, "counterparty's family", list(dealgate.ReviewFilter{PartyID: parent, Family: true}), d2)
	sameDeals(t, "category", list(dealgate.ReviewFilter{CategoryID: e.hosting}), d1, d2)
	sameDeals(t, "another category", list(dealgate.ReviewFilter{CategoryID: e.hosting + 100000}))
	sameDeals(t, "state decided", list(dealgate.ReviewFilter{State: dealgate.ReviewDecided}))
	if _, err := e.reviews.ListReviews(e.ctx, e.counsel, dealgate.ReviewFilter{}); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("counsel lists reviews: %v", err)
	}
}

func (e *reviewEnv) reviewsParty(t *testing.T, name string) int64 {
	t.Helper()
	p, err := e.reg.FindPartyByName(e.ctx, e.counsel, name)
	if err != nil {
		t.Fatalf("party %s: %v", name, err)
	}
	return p.ID
}

func TestAnswerCarriesAttachments(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	d := e.submittedBy(t, e.counsel, "NWS", 1)
	r := e.open(t, d)
	q, err := e.reviews.AskInformation(e.ctx, e.chair, r.ID, "Send the term sheet.")
	if err != nil {
		t.Fatal(err)
	}
	// A file that is not a document refuses the whole answer.
	bad := postgres.Upload{Filename: "run.exe", Content: strings.NewReader("MZ\x90\x00binary")}
	if err := e.reviews.AnswerInformation(e.ctx, e.counsel, d.ID, q.ID, "Attached.", bad); dealgate.ErrorFields(err)["file"] == "" {
		t.Fatalf("executable accepted: %v", err)
	}
	if o, _ := e.reviews.Review(e.ctx, e.m1, r.ID); o.RFIs[0].AnsweredAt != nil {
		t.Fatalf("refused answer recorded: %+v", o.RFIs[0])
	}
	sheet := postgres.Upload{Filename: "term-sheet.txt", Content: strings.NewReader("Term sheet: non-exclusive hosting.\n")}
	if err := e.reviews.AnswerInformation(e.ctx, e.counsel, d.ID, q.ID, "Attached.", sheet); err != nil {
		t.Fatalf("answer with a document: %v %v", err, dealgate.ErrorFields(err))
	}
	o, err := e.reviews.Review(e.ctx, e.m1, r.ID)
	if err != nil || len(o.RFIs) != 1 || len(o.RFIs[0].Attachments) != 1 {
		t.Fatalf("answer's attachments: %+v %v", o.RFIs, err)
	}
	a := o.RFIs[0].Attachments[0]
	if a.Filename != "term-sheet.txt" || a.ContentType != dealgate.ContentTypeText || len(a.SHA256) != 32 {
		t.Errorf("attachment: %+v", a)
	}
	// It is a deal attachment: the committee downloads it like any other.
	if _, content, err := e.deals.DownloadAttachment(e.ctx, e.m1, a.ID, true); err != nil || !strings.Contains(string(content), "non-exclusive") {
		t.Errorf("download: %q %v", content, err)
	}
	if n := e.auditCount(t, "deal_attachment.added"); n != 1 {
		t.Errorf("%d attachment events, want 1", n)
	}
}
