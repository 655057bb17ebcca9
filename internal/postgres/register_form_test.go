package postgres_test

import "strconv"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// TestClauseFormOneCall: the clause form's service resolves the names typed
// in the form, validates once and reports problems under the form's field
// names; a failed create gives its one-time token back with its rollback,
// and a second use of the token creates nothing.
func TestClauseFormOneCall(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	a := e.mustAgreement(t, dealgate.AgreementInput{Title: "Strategic partnership"})
	const once = "0123456789abcdef0123"
	f := dealgate.ClauseForm{
		Kind: string(dealgate.ClauseExclusivity), Beneficiary: "azurine", Scope: string(dealgate.RestrictNamed),
		RestrictedParties: "NWS\nNobody Incorporated", Categories: []string{strconv.FormatInt(e.apis, 10)}, Worldwide: true, Text: "Exclusive hosting.",
	}
	res, err := e.reg.CreateClauseForm(e.ctx, e.counsel, a.ID, once, f)
	regWantCode(t, err, dealgate.EINVALID)
	fields := dealgate.ErrorFields(err)
	if len(fields) != 1 || fields["restricted_parties"] != `No party is called "Nobody Incorporated"; check the name or add the party first` {
		t.Fatalf("fields: %v", fields)
	}
	if res.Agreement.ID != a.ID {
		t.Errorf("the form's agreement is not returned with its errors: %+v", res.Agreement)
	}
	f.RestrictedParties = "NWS"
	res, err = e.reg.CreateClauseForm(e.ctx, e.counsel, a.ID, once, f)
	if err != nil {
		t.Fatalf("corrected form with the same token: %v %v", err, dealgate.ErrorFields(err))
	}
	if res.Clause.Beneficiary.ID != e.azurine.ID || len(res.Clause.RestrictedParties) != 1 || res.Clause.RestrictedParties[0].ID != e.nimbus.ID {
		t.Errorf("names not resolved: %+v", res.Clause)
	}
	_, err = e.reg.CreateClauseForm(e.ctx, e.counsel, a.ID, once, f)
	regWantCode(t, err, dealgate.ECONFLICT)
	clauses, err := e.reg.Clauses(e.ctx, e.counsel, a.ID, true)
	if err != nil || len(clauses) != 1 {
		t.Fatalf("%d clauses after a double submit (%v)", len(clauses), err)
	}
	_, err = e.reg.CreateClauseForm(e.ctx, e.counsel, a.ID, "", f)
	regWantCode(t, err, dealgate.EINVALID)

	// An edit at a stale version answers with the clause as it is now.
	f.Text = "Edited."
	res, err = e.reg.UpdateClauseForm(e.ctx, e.counsel, clauses[0].ID, clauses[0].Version+1, f)
	regWantCode(t, err, dealgate.ECONFLICT)
	if res.Clause.Version != clauses[0].Version || res.Agreement.ID != a.ID {
		t.Errorf("stale edit: %+v", res)
	}
	_, err = e.reg.CreateClauseForm(e.ctx, e.auditor, a.ID, "fedcba9876543210fedc", f)
	regWantCode(t, err, dealgate.EFORBIDDEN)
}

// TestHistoryAuthorised: a record's history is read through the audit
// service, by whoever may view the record.
func TestHistoryAuthorised(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	audit := postgres.NewAudit(e.db)
	member := regUser(t, e.db, "member@example.test", dealgate.RoleMember)
	ref := dealgate.EntityRef{Type: dealgate.EntityParty, ID: strconv.FormatInt(e.nimbus.ID, 10)}
	events, err := audit.History(e.ctx, member, 50, ref)
	if err != nil || len(events) != 1 || events[0].Action != "party.created" {
		t.Fatalf("member reading a party's history: %v %+v", err, events)
	}
	userRef := dealgate.EntityRef{Type: dealgate.EntityUser, ID: strconv.FormatInt(e.counsel.ID, 10)}
	_, err = audit.History(e.ctx, member, 50, userRef)
	regWantCode(t, err, dealgate.EFORBIDDEN)
	_, err = audit.History(e.ctx, nil, 50, ref)
	regWantCode(t, err, dealgate.EUNAUTHORIZED)
	if _, err := audit.History(e.ctx, e.admin, 50, userRef); err != nil {
		t.Errorf("admin reading a user's history: %v", err)
	}
}
