package postgres_test

import "reflect"
import "strconv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/jobs/jobstest"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/screening"

// screeningEnv is the deal environment with the seed story's two clauses:
// an exclusivity on stateless model APIs (related to agent hosting: info)
// and 30 days' notice for agentic platforms (within: caution).
type screeningEnv struct {
	*dealEnv
	agreement          dealgate.Agreement
	exclusivity, notes dealgate.Clause
}

func newScreeningEnv(t *testing.T) *screeningEnv {
	t.Helper()
	e := &screeningEnv{dealEnv: newDealEnv(t)}
	e.agreement = e.mustAgreement(t, dealgate.AgreementInput{Title: "Azurine strategic partnership", Binding: true,
		EffectiveOn: regDay(2025, 1, 1), ExpiresOn: regDay(2032, 12, 31)})
	e.exclusivity = e.mustClause(t, e.agreement.ID, dealgate.ClauseInput{Section: "4.2", CategoryIDs: []int64{e.apis},
		Text: "Lumen shall not offer stateless model APIs through any other cloud provider."})
	notice := 30
	e.notes = e.mustClause(t, e.agreement.ID, dealgate.ClauseInput{Kind: dealgate.ClauseNoticeRequired, Section: "2",
		CategoryIDs: []int64{e.agentic}, NoticeDays: &notice, Text: "Lumen gives Azurine 30 days' notice of agentic collaborations."})
	return e
}

func (e *screeningEnv) draft(t *testing.T) dealgate.Deal {
	t.Helper()
	d, err := e.deals.CreateDraft(e.ctx, e.counsel, token(int(e.notes.ID)+100), dealgate.DealInput{Title: "Draft"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *screeningEnv) countAudit(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_event WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *screeningEnv) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func severities(fs []screening.Finding) map[string]screening.Severity {
	out := map[string]screening.Severity{}
	for _, f := range fs {
		out[f.Section] = f.Severity
	}
	return out
}

func TestScreeningOnSubmissionAndRegisterChange(t *testing.T) {
	t.Parallel()
	e := newScreeningEnv(t)
	d := e.draft(t)

	// Check now: a caution with its explanation, and nothing recorded.
	res, err := e.deals.Screenings.PreCheck(e.ctx, e.counsel, e.deals, d.ID, e.input())
	if err != nil {
		t.Fatalf("pre-check: %v %v", err, dealgate.ErrorFields(err))
	}
	if res.Report.Verdict != screening.Caution || severities(res.Report.Findings)["4.2"] != screening.Info || severities(res.Report.Findings)["2"] != screening.Caution {
		t.Fatalf("pre-check: %s %v", res.Report.Verdict, severities(res.Report.Findings))
	}
	if n := e.count(t, "screening"); n != 0 {
		t.Fatalf("a pre-check recorded %d screenings", n)
	}
	// Others may not pre-check the draft; an incomplete form says what is missing.
	if _, err := e.deals.Screenings.PreCheck(e.ctx, e.counsel2, e.deals, d.ID, e.input()); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("other counsel pre-checks: %v", err)
	}
	in := e.input()
	in.CategoryIDs = nil
	if _, err := e.deals.Screenings.PreCheck(e.ctx, e.counsel, e.deals, d.ID, in); dealgate.ErrorFields(err)["category_ids"] == "" {
		t.Errorf("pre-check without categories: %v %v", err, dealgate.ErrorFields(err))
	}

	// Submission screens version 1 in the same transaction.
	d, err = e.deals.Submit(e.ctx, e.counsel, d.ID, d.Version, e.input())
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.deals.Screenings.Latest(e.ctx, e.member, d.ID, 1)
	if err != nil || st == nil {
		t.Fatalf("latest: %v %v", st, err)
	}
	if st.Verdict != screening.Caution || st.Reason != postgres.ReasonSubmission || st.Cautions != 1 || st.Infos != 1 || len(st.Findings) != 2 {
		t.Fatalf("screening on submission: %+v", st)
	}
	excl := st.Findings[1]
	if excl.Section != "4.2" || !strings.Contains(excl.Explanation(), "Deal category Agent hosting is not within Stateless model APIs covered by §4.2; both sit under AI services") {
		t.Fatalf("stored finding explains: %s: %s", excl.Headline(), excl.Explanation())
	}
	if excl.ClauseVersion != e.exclusivity.Version || excl.Text != e.exclusivity.Text {
		t.Errorf("stored identity: version %d", excl.ClauseVersion)
	}
	if _, err := e.deals.Screenings.Latest(e.ctx, e.counsel2, d.ID, 1); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("other counsel reads the screening: %v", err)
	}
	if n := e.countAudit(t, "deal.screened"); n != 1 {
		t.Errorf("%d screening audit events", n)
	}
	// The submission's own register change (none here) and the clauses'
	// creation left jobs; they find nothing new for this deal.
	jobstest.RunRescreens(t, e.deals.Screenings)
	if n := e.count(t, "screening"); n != 1 {
		t.Fatalf("re-screening an unchanged deal recorded %d screenings", n)
	}

	// Another open deal, on compute, which no clause touches.
	other, err := e.deals.CreateDraft(e.ctx, e.counsel, token(7777), dealgate.DealInput{Title: "Compute"})
	if err != nil {
		t.Fatal(err)
	}
	inCompute := e.input()
	inCompute.CategoryIDs = []string{strconv.FormatInt(e.compute, 10)}
	if _, err := e.deals.Submit(e.ctx, e.counsel, other.ID, other.Version, inCompute); err != nil {
		t.Fatal(err)
	}

	// An admin widens the exclusivity to agent hosting: the edit returns at
	// once, and the job re-screens the deal into a conflict; the deal on
	// compute, which the clause touches neither before nor after, is not
	// screened again.
	in2 := e.exclusivity.Input()
	in2.CategoryIDs = []int64{e.apis, e.hosting}
	if _, err := e.reg.UpdateClause(e.ctx, e.admin, e.exclusivity.ID, e.exclusivity.Version, in2); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.deals.Screenings.Latest(e.ctx, e.member, d.ID, 1); st.Verdict != screening.Caution || !st.ClauseChanged[1] {
		t.Fatalf("before the job: %s %v", st.Verdict, st.ClauseChanged)
	}
	n, r := jobstest.RunRescreens(t, e.deals.Screenings)
	if n != 1 || r.Deals != 1 || r.Unaffected != 1 || r.Written != 1 || r.Changed != 1 {
		t.Fatalf("%d jobs: %+v", n, r)
	}
	st, err = e.deals.Screenings.Latest(e.ctx, e.member, d.ID, 1)
	if err != nil || st.Verdict != screening.Conflict || st.Reason != postgres.ReasonRegister || st.Findings[0].Section != "4.2" ||
		!strings.Contains(st.Findings[0].Explanation(), "Deal category Agent hosting is covered by §4.2.") {
		t.Fatalf("after the clause change: %+v", st)
	}
	deal, vs, err := e.deals.Versions(e.ctx, e.counsel, d.ID)
	if err != nil || vs[0].Screening != dealgate.ScreeningConflict {
		t.Fatalf("version's state: %+v %v", vs, err)
	}
	touching, job, err := e.deals.Screenings.TouchingAgreement(e.ctx, e.auditor, e.agreement.ID)
	if err != nil || len(touching) != 2 || touching[0].Severity != screening.Conflict || touching[0].DealID != d.ID {
		t.Fatalf("touching: %+v %v", touching, err)
	}
	if job == nil || job.State != "done" || job.Deals != 1 || job.Changed != 1 {
		t.Fatalf("job: %+v", job)
	}
	// A counsel who may not see the deal does not see it listed.
	if touching, _, _ := e.deals.Screenings.TouchingAgreement(e.ctx, e.counsel2, e.agreement.ID); len(touching) != 0 {
		t.Errorf("counsel2 sees %+v", touching)
	}
	// The agreement page's one batch lists the same deals to each viewer.
	for _, u := range []*dealgate.User{e.auditor, e.counsel2} {
		want, wantJob, _ := e.deals.Screenings.TouchingAgreement(e.ctx, u, e.agreement.ID)
		p, err := postgres.NewRegister(e.db).AgreementPage(e.ctx, u, e.agreement.ID, 50)
		if err != nil || !reflect.DeepEqual(p.Touching, want) || !reflect.DeepEqual(p.Job, wantJob) {
			t.Errorf("agreement page for %s: %+v %+v, want %+v %+v (%v)", u.Email, p.Touching, p.Job, want, wantJob, err)
		}
	}
	if n, r := jobstest.RunRescreens(t, e.deals.Screenings); n != 0 {
		t.Errorf("second run: %d jobs %+v", n, r)
	}
	if n := e.countAudit(t, "deal.screened"); n != 3 { // two submissions, one re-screening
		t.Errorf("%d screening audit events", n)
	}

	// A new version is screened on its own.
	in3 := e.input()
	in3.CategoryIDs = []string{strconv.FormatInt(e.compute, 10)}
	d, err = e.deals.NewVersion(e.ctx, e.counsel, d.ID, deal.Version, in3, "Compute only")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := e.deals.Screenings.Latest(e.ctx, e.member, d.ID, 2); err != nil || st.Verdict != screening.Clear || st.Reason != postgres.ReasonVersion || len(st.Findings) != 0 {
		t.Fatalf("version 2: %+v %v", st, err)
	}
}

// TestScreeningAcrossInstances: two instances on one database, each with
// its own loaded index. A clause change made through one is used by the
// other's next screening at once.
func TestScreeningAcrossInstances(t *testing.T) {
	t.Parallel()
	e := newScreeningEnv(t)
	d := e.draft(t)
	regA, regB := postgres.NewRegister(e.db), postgres.NewRegister(e.db)
	dealsB := postgres.NewDeals(e.db, regB)
	b := dealsB.Screenings
	if err := b.Warm(e.ctx); err != nil || b.Loaded() == 0 {
		t.Fatalf("warm: %d %v", b.Loaded(), err)
	}

	res, err := b.PreCheck(e.ctx, e.counsel, dealsB, d.ID, e.input())
	if err != nil || res.Report.Verdict != screening.Caution {
		t.Fatalf("B before: %s %v", res.Report.Verdict, err)
	}
	loaded := b.Loaded()
	if loaded == 0 {
		t.Fatal("B loaded no index")
	}
	// Instance A changes the clause.
	in := e.exclusivity.Input()
	in.CategoryIDs = []int64{e.agentic}
	if _, err := regA.UpdateClause(e.ctx, e.admin, e.exclusivity.ID, e.exclusivity.Version, in); err != nil {
		t.Fatal(err)
	}
	res, err = b.PreCheck(e.ctx, e.counsel, dealsB, d.ID, e.input())
	if err != nil || res.Report.Verdict != screening.Conflict {
		t.Fatalf("B after A's change: %s %v", res.Report.Verdict, err)
	}
	if b.Loaded() <= loaded {
		t.Errorf("B's index: counter %d, was %d", b.Loaded(), loaded)
	}
	// Without a change, B keeps its index.
	now := b.Loaded()
	if _, err := b.PreCheck(e.ctx, e.counsel, dealsB, d.ID, e.input()); err != nil || b.Loaded() != now {
		t.Errorf("reloaded without a change: %d, %v", b.Loaded(), err)
	}
	// The change queued a job: one instance serves it, the other then
	// finds none.
	a := postgres.NewScreenings(e.db, regA)
	na, ra := jobstest.RunRescreens(t, a)
	if nb, rb := jobstest.RunRescreens(t, b); na == 0 || nb != 0 {
		t.Errorf("jobs: A %d %+v, B %d %+v", na, ra, nb, rb)
	}
}

// TestScreeningIncrementalLoad: an instance that holds an index updates it
// for the clauses that changed (edited, added, retired) and screens exactly
// as an instance that loads the register in full; a change to the parties
// loads it in full.
func TestScreeningIncrementalLoad(t *testing.T) {
	t.Parallel()
	e := newScreeningEnv(t)
	d := e.draft(t)
	deals := postgres.NewDeals(e.db, postgres.NewRegister(e.db))
	b := deals.Screenings
	if err := b.Warm(e.ctx); err != nil {
		t.Fatal(err)
	}
	in := e.exclusivity.Input()
	in.CategoryIDs = []int64{e.agentic}
	if _, err := e.reg.UpdateClause(e.ctx, e.admin, e.exclusivity.ID, e.exclusivity.Version, in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.RetireClause(e.ctx, e.admin, e.notes.ID, e.notes.Version); err != nil {
		t.Fatal(err)
	}
	e.mustClause(t, e.agreement.ID, dealgate.ClauseInput{Kind: dealgate.ClauseConsentRequired, Section: "9",
		CategoryIDs: []int64{e.hosting}, Text: "Lumen obtains Azurine's consent before hosting agents with others."})

	got, err := b.PreCheck(e.ctx, e.counsel, deals, d.ID, e.input())
	if err != nil {
		t.Fatal(err)
	}
	if !b.LoadedIncrementally() {
		t.Fatal("the index was loaded in full after three clause changes")
	}
	fresh := postgres.NewDeals(e.db, postgres.NewRegister(e.db))
	want, err := fresh.Screenings.PreCheck(e.ctx, e.counsel, fresh, d.ID, e.input())
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Screenings.LoadedIncrementally() {
		t.Fatal("a fresh instance had an index to update")
	}
	sev := severities(got.Report.Findings)
	if !reflect.DeepEqual(got.Report, want.Report) || sev["4.2"] != screening.Conflict || sev["9"] != screening.Caution || len(sev) != 2 {
		t.Fatalf("incremental %v (%s) vs full %v (%s)", sev, got.Report.Verdict, severities(want.Report.Findings), want.Report.Verdict)
	}

	// An edit of the agreement touches every clause of it (migration
	// 000050 lists them): a non-binding agreement's exclusivity is a caution.
	a, err := e.reg.Agreement(e.ctx, e.admin, e.agreement.ID)
	if err != nil {
		t.Fatal(err)
	}
	ain := a.Input()
	ain.Binding = false
	if _, err := e.reg.UpdateAgreement(e.ctx, e.admin, a.ID, a.Version, ain); err != nil {
		t.Fatal(err, dealgate.ErrorFields(err))
	}
	got, err = b.PreCheck(e.ctx, e.counsel, deals, d.ID, e.input())
	if err != nil || !b.LoadedIncrementally() {
		t.Fatalf("after an agreement edit: incremental %v, %v", b.LoadedIncrementally(), err)
	}
	fresh = postgres.NewDeals(e.db, postgres.NewRegister(e.db))
	if want, err = fresh.Screenings.PreCheck(e.ctx, e.counsel, fresh, d.ID, e.input()); err != nil {
		t.Fatal(err)
	}
	if sev := severities(got.Report.Findings); !reflect.DeepEqual(got.Report, want.Report) || sev["4.2"] != screening.Caution {
		t.Fatalf("after an agreement edit: incremental %v vs full %v", sev, severities(want.Report.Findings))
	}

	// A renamed party changes every explanation naming it: a full load.
	p, err := e.reg.Party(e.ctx, e.admin, e.exclusivity.Beneficiary.ID)
	if err != nil {
		t.Fatal(err)
	}
	pin := dealgate.PartyInput{Name: p.Name + " Holdings", Kind: p.Kind, Aliases: p.Aliases, ParentID: p.ParentID, Website: p.Website, Notes: p.Notes}
	if _, err := e.reg.UpdateParty(e.ctx, e.admin, p.ID, p.Version, pin); err != nil {
		t.Fatal(err, dealgate.ErrorFields(err))
	}
	if _, err := b.PreCheck(e.ctx, e.counsel, deals, d.ID, e.input()); err != nil || b.LoadedIncrementally() {
		t.Fatalf("after a party change: incremental %v, %v", b.LoadedIncrementally(), err)
	}
}
