package postgres_test

import "bytes"
import "context"
import "reflect"
import "strconv"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/jobs/jobstest"
import "github.com/dealgate/dealgate/internal/postgres"

// TestAgreementListPagesFollowChangesOnEveryInstance: a list or search page
// is cached whole, rows included, by each instance. An edit through one
// instance, and a rename of an agreement's owner, are on the other
// instance's next page, whether the counters were read with the session (as
// on every signed-in page) or not.
func TestAgreementListPagesFollowChangesOnEveryInstance(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	other := postgres.NewRegister(e.db) // a second instance: its own caches
	a := e.mustAgreement(t, dealgate.AgreementInput{Title: "Hosting pact", OwnerID: &e.counsel.ID})
	if _, err := e.db.Pool.Exec(e.ctx, `INSERT INTO sessions (token, data, expiry) VALUES ('pages-test', '\x00', now() + interval '1 hour')`); err != nil {
		t.Fatal(err)
	}
	// request is a fresh request's context: with the counters read with the
	// session, or without.
	request := func(withSession bool) context.Context {
		if !withSession {
			return e.ctx
		}
		ctx := postgres.WithRegisterCounterSlot(e.ctx)
		if _, _, found, err := e.db.FindSession(ctx, "pages-test"); err != nil || !found {
			t.Fatalf("session: %v %v", found, err)
		}
		return ctx
	}
	rows := func(ctx context.Context) []string {
		t.Helper()
		var out []string
		for _, f := range []dealgate.AgreementFilter{{Status: dealgate.StatusActive}, {Query: "hosting"}} {
			page, err := other.ListAgreements(ctx, e.counsel, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range page.Items {
				out = append(out, it.Title+" / "+it.OwnerName)
			}
		}
		return out
	}
	for _, withSession := range []bool{true, false} {
		t.Run("session="+strconv.FormatBool(withSession), func(t *testing.T) {
			cur, err := e.reg.Agreement(e.ctx, e.counsel, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			before := rows(request(withSession))
			if again := rows(request(withSession)); !reflect.DeepEqual(again, before) || len(before) != 2 {
				t.Fatalf("pages %q, then %q", before, again)
			}
			in := cur.Input()
			in.Title = "Hosting pact " + strconv.FormatBool(withSession)
			if _, err := e.reg.UpdateAgreement(e.ctx, e.counsel, a.ID, cur.Version, in); err != nil {
				t.Fatal(err)
			}
			want := in.Title + " / counsel"
			if got := rows(request(withSession)); got[0] != want || got[1] != want {
				t.Errorf("after an edit on the other instance: %q, want %q twice", got, want)
			}
			// A rename changes no register row: the users' names stamp moves.
			name := "Renamed counsel " + strconv.FormatBool(withSession)
			if _, err := e.db.Pool.Exec(e.ctx, `UPDATE users SET name = $1 WHERE id = $2`, name, e.counsel.ID); err != nil {
				t.Fatal(err)
			}
			want = in.Title + " / " + name
			if got := rows(request(withSession)); got[0] != want || got[1] != want {
				t.Errorf("after the owner's rename: %q, want %q twice", got, want)
			}
			if _, err := e.db.Pool.Exec(e.ctx, `UPDATE users SET name = 'counsel' WHERE id = $1`, e.counsel.ID); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestAgreementPageIsTheRecordsReads: the agreement page's one read returns
// what the record's separate reads return, and follows a change made
// through another instance on its next read.
func TestAgreementPageIsTheRecordsReads(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	other := postgres.NewRegister(e.db)
	a := e.mustAgreement(t, dealgate.AgreementInput{Title: "Hosting pact", OwnerID: &e.counsel.ID})
	cl := e.mustClause(t, a.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, Text: "Exclusive hosting."})
	if _, err := e.reg.RetireClause(e.ctx, e.counsel, cl.ID, cl.Version); err != nil {
		t.Fatal(err)
	}
	e.mustClause(t, a.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.hosting}, Text: "A second clause."})
	if _, err := e.reg.AddDocument(e.ctx, e.counsel, a.ID, "signed.txt", bytes.NewReader([]byte("%PDF-1.7\n% signed\n"))); err != nil {
		t.Fatal(err)
	}
	e.mustAgreement(t, dealgate.AgreementInput{Title: "Another agreement"}) // not on the page

	check := func(p postgres.AgreementPage) {
		t.Helper()
		want, err := e.reg.Agreement(e.ctx, e.counsel, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.Agreement, want) {
			t.Errorf("agreement: %+v, want %+v", p.Agreement, want)
		}
		clauses, err := e.reg.Clauses(e.ctx, e.counsel, a.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.Clauses, clauses) {
			t.Errorf("clauses: %+v, want %+v", p.Clauses, clauses)
		}
		docs, err := e.reg.Documents(e.ctx, e.counsel, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.Documents, docs) {
			t.Errorf("documents: %+v, want %+v", p.Documents, docs)
		}
		refs := []dealgate.EntityRef{{Type: dealgate.EntityAgreement, ID: strconv.FormatInt(a.ID, 10)}}
		for _, c := range clauses {
			refs = append(refs, dealgate.EntityRef{Type: dealgate.EntityClause, ID: strconv.FormatInt(c.ID, 10)})
		}
		for _, d := range docs {
			refs = append(refs, dealgate.EntityRef{Type: dealgate.EntityDocument, ID: strconv.FormatInt(d.ID, 10)})
		}
		history, err := postgres.NewAudit(e.db).History(e.ctx, e.counsel, 50, refs...)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.History, history) {
			t.Errorf("history: %d events, want %d", len(p.History), len(history))
		}
		touching, job, err := postgres.NewScreenings(e.db, e.reg).TouchingAgreement(e.ctx, e.counsel, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.Touching, touching) || !reflect.DeepEqual(p.Job, job) {
			t.Errorf("touching: %+v %+v, want %+v %+v", p.Touching, p.Job, touching, job)
		}
	}
	p, err := other.AgreementPage(e.ctx, e.counsel, a.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Clauses) != 2 || len(p.Documents) != 1 || len(p.History) < 5 {
		t.Fatalf("page: %d clauses, %d documents, %d events", len(p.Clauses), len(p.Documents), len(p.History))
	}
	check(p)

	// A change through the first instance is on the other's next read.
	e.mustClause(t, a.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, Text: "A third clause."})
	if p, err = other.AgreementPage(e.ctx, e.counsel, a.ID, 50); err != nil {
		t.Fatal(err)
	}
	if len(p.Clauses) != 3 {
		t.Errorf("after a new clause: %d clauses, want 3", len(p.Clauses))
	}
	check(p)

	// The whole page is kept under the deal list stamp: a document, which
	// the register counter does not follow, and the re-screening job the
	// clause queued, running and completing, move it (migration 000049).
	if _, err := e.reg.AddDocument(e.ctx, e.counsel, a.ID, "annex.txt", bytes.NewReader([]byte("%PDF-1.7\n% annex\n"))); err != nil {
		t.Fatal(err)
	}
	if p, err = other.AgreementPage(e.ctx, e.counsel, a.ID, 50); err != nil {
		t.Fatal(err)
	}
	if len(p.Documents) != 2 {
		t.Errorf("after a new document: %d documents, want 2", len(p.Documents))
	}
	check(p)
	jobstest.RunRescreens(t, postgres.NewScreenings(e.db, e.reg))
	if p, err = other.AgreementPage(e.ctx, e.counsel, a.ID, 50); err != nil {
		t.Fatal(err)
	}
	if p.Job == nil || p.Job.State != "done" {
		t.Errorf("after the re-screening: job %+v, want done", p.Job)
	}
	check(p)

	// The history names people as they are called now: a rename is on the
	// other instance's next read.
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE users SET name = 'Renamed Counsel' WHERE id = $1`, e.counsel.ID); err != nil {
		t.Fatal(err)
	}
	if p, err = other.AgreementPage(e.ctx, e.counsel, a.ID, 50); err != nil {
		t.Fatal(err)
	}
	if p.History[0].ActorName != "Renamed Counsel" {
		t.Errorf("after a rename the history names %q", p.History[0].ActorName)
	}
	check(p)

	if _, err := other.AgreementPage(e.ctx, e.counsel, a.ID+1000, 50); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("no such agreement: %v", err)
	}
	if _, err := other.AgreementPage(e.ctx, nil, a.ID, 50); dealgate.ErrorCode(err) != dealgate.EUNAUTHORIZED {
		t.Errorf("signed out: %v", err)
	}
}
