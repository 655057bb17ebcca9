package postgres_test

import "context"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// registerReads is what the cached register reads return, as one value to compare.
type registerReads struct {
	active, search, parties, expiring, clauses int
	taxonomy                                   int64
}

func readRegister(t *testing.T, ctx context.Context, reg *postgres.Register, u *dealgate.User, agreementID int64) registerReads {
	t.Helper()
	var r registerReads
	list, err := reg.ListAgreements(ctx, u, dealgate.AgreementFilter{Status: dealgate.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	r.active = list.Total
	if len(list.Items) != min(list.Total, list.PerPage) {
		t.Fatalf("list: %d items of %d", len(list.Items), list.Total)
	}
	search, err := reg.ListAgreements(ctx, u, dealgate.AgreementFilter{Query: "hosting"})
	if err != nil {
		t.Fatal(err)
	}
	r.search = search.Total
	parties, err := reg.ListParties(ctx, u, dealgate.PartyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	r.parties = parties.Total
	if r.expiring, err = reg.ExpiringSoonCount(ctx, u, 90); err != nil {
		t.Fatal(err)
	}
	cls, err := reg.Clauses(ctx, u, agreementID, true)
	if err != nil {
		t.Fatal(err)
	}
	r.clauses = len(cls)
	tax, err := reg.CurrentTaxonomy(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	r.taxonomy = tax.Version.ID
	return r
}

// TestRegisterReadCachesFollowChangesOnEveryInstance: the list pages, the
// expiry count, an agreement's clauses and the current taxonomy are cached
// per instance under the register change counter. A change made through
// one instance (its own Register, with its own caches, on the same
// database) is seen by the other on its next read, with and without a
// counter read with the session.
func TestRegisterReadCachesFollowChangesOnEveryInstance(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	other := postgres.NewRegister(e.db) // a second instance: its own caches
	today := dealgate.DateOf(time.Now().UTC())
	in := func(d int) *time.Time { t := today.AddDate(0, 0, d); return &t }
	a := e.mustAgreement(t, dealgate.AgreementInput{Title: "Hosting pact", ExpiresOn: in(10)})
	e.mustClause(t, a.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, Text: "Exclusive hosting."})

	before := readRegister(t, e.ctx, other, e.counsel, a.ID)
	if again := readRegister(t, e.ctx, other, e.counsel, a.ID); again != before {
		t.Fatalf("second read %+v, first %+v", again, before)
	}
	if before.active != 1 || before.search != 1 || before.clauses != 1 || before.expiring != 1 {
		t.Fatalf("before: %+v", before)
	}

	// Changes through the first instance.
	e.mustAgreement(t, dealgate.AgreementInput{Title: "Second hosting agreement", ExpiresOn: in(30)})
	e.mustParty(t, dealgate.PartyInput{Name: "Cirrus Systems", Kind: dealgate.PartyOther})
	e.mustClause(t, a.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, Text: "A second clause."})
	if _, err := e.reg.CreateCategory(e.ctx, e.counsel, dealgate.CategoryInput{Name: "Storage", Definition: "Definition of storage."}); err != nil {
		t.Fatal(err)
	}
	e.publish(t, "Second version")

	after := readRegister(t, e.ctx, other, e.counsel, a.ID)
	want := registerReads{active: 2, search: 2, parties: before.parties + 1, expiring: 2, clauses: 2, taxonomy: e.tax.Version.ID}
	if after != want {
		t.Errorf("after the changes: %+v, want %+v", after, want)
	}
	if after.taxonomy == before.taxonomy {
		t.Error("the current taxonomy did not move on publish")
	}

	// With the counter read with the session (as on every signed-in page):
	// a change the request itself commits is seen by its later reads.
	if _, err := e.db.Pool.Exec(e.ctx, `INSERT INTO sessions (token, data, expiry) VALUES ('cache-test', '\x00', now() + interval '1 hour')`); err != nil {
		t.Fatal(err)
	}
	ctx := postgres.WithRegisterCounterSlot(e.ctx)
	if _, _, found, err := e.db.FindSession(ctx, "cache-test"); err != nil || !found {
		t.Fatalf("session: %v %v", found, err)
	}
	first := readRegister(t, ctx, other, e.counsel, a.ID)
	if first != after {
		t.Fatalf("with the session's counter: %+v, want %+v", first, after)
	}
	if _, err := e.reg.CreateAgreement(ctx, e.counsel, dealgate.AgreementInput{Title: "Third hosting agreement", Kind: dealgate.AgreementPartnership,
		Status: dealgate.StatusActive, PartyID: e.nimbus.ID}); err != nil {
		t.Fatal(err)
	}
	if got := readRegister(t, ctx, other, e.counsel, a.ID); got.active != 3 || got.search != 3 {
		t.Errorf("after a change in the same request: %+v, want 3 active and 3 found", got)
	}
}
