package dealgate_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// TestHistoryAccessMatrix: whoever may view a record may read its history,
// and nobody else; a record type the policy does not know is refused.
func TestHistoryAccessMatrix(t *testing.T) {
	t.Parallel()
	user := func(roles ...dealgate.Role) *dealgate.User {
		return &dealgate.User{ID: 1, Roles: roles, Status: dealgate.UserActive}
	}
	people := map[string]*dealgate.User{
		"admin": user(dealgate.RoleAdmin), "chair": user(dealgate.RoleChair, dealgate.RoleMember), "member": user(dealgate.RoleMember),
		"counsel": user(dealgate.RoleCounsel), "auditor": user(dealgate.RoleAuditor),
		"deactivated": {ID: 2, Roles: []dealgate.Role{dealgate.RoleAdmin}, Status: dealgate.UserDeactivated},
	}
	register := map[string]bool{"admin": true, "chair": true, "member": true, "counsel": true, "auditor": true}
	want := map[string]map[string]bool{
		dealgate.EntityParty:           register,
		dealgate.EntityAgreement:       register,
		dealgate.EntityClause:          register,
		dealgate.EntityDocument:        register,
		dealgate.EntityCategory:        register,
		dealgate.EntityTaxonomyVersion: register,
		dealgate.EntityUser:            {"admin": true},
		dealgate.EntityRegister:        {}, // exports and imports: the audit trail only
		"deal":                         {}, // not in the policy yet: nobody
	}
	for typ, allowed := range want {
		for name, u := range people {
			err := dealgate.AuthorizeHistory(u, dealgate.EntityRef{Type: typ, ID: "1"})
			if got := err == nil; got != allowed[name] {
				t.Errorf("%s reading %s history: allowed %v, want %v (%v)", name, typ, got, allowed[name], err)
			}
			if err != nil && dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
				t.Errorf("%s reading %s history: %s, want EFORBIDDEN", name, typ, dealgate.ErrorCode(err))
			}
		}
	}
	if err := dealgate.AuthorizeHistory(nil, dealgate.EntityRef{Type: dealgate.EntityParty, ID: "1"}); dealgate.ErrorCode(err) != dealgate.EUNAUTHORIZED {
		t.Errorf("nobody signed in: %v", err)
	}
	// A timeline that gathers records of several types needs every one.
	mixed := []dealgate.EntityRef{{Type: dealgate.EntityAgreement, ID: "1"}, {Type: dealgate.EntityUser, ID: "1"}}
	if err := dealgate.AuthorizeHistory(people["counsel"], mixed...); err == nil {
		t.Error("counsel read a user's history through an agreement's timeline")
	}
}

func TestRenameFields(t *testing.T) {
	t.Parallel()
	var v dealgate.Validation
	v.Add("party_id", "No party has that name or alias; add the party first")
	v.Add("title", "Enter the agreement's title")
	err := dealgate.RenameFields(v.Err(), dealgate.AgreementFormFields, dealgate.AgreementFormOrder...)
	fields := dealgate.ErrorFields(err)
	if dealgate.ErrorCode(err) != dealgate.EINVALID || len(fields) != 2 || fields["party"] == "" || fields["title"] == "" {
		t.Fatalf("renamed: %v %v", dealgate.ErrorCode(err), fields)
	}
	// Two domain fields that land on one form field keep the first in order.
	err = dealgate.RenameFields(&dealgate.Error{Code: dealgate.EINVALID, Fields: map[string]string{"parent": "typed", "parent_id": "looked up"}},
		dealgate.PartyFormFields, "parent", "parent_id")
	if got := dealgate.ErrorFields(err)["parent"]; got != "typed" {
		t.Errorf("parent: %q", got)
	}
	if dealgate.RenameFields(nil, dealgate.PartyFormFields) != nil {
		t.Error("no error became one")
	}
}

func TestClauseFormInputResolvesNames(t *testing.T) {
	t.Parallel()
	known := map[string]int64{"Azurine Cloud": 7, "Nimbus Web Services": 9}
	lookup := func(name string) (int64, error) {
		if id, ok := known[name]; ok {
			return id, nil
		}
		return 0, dealgate.Errorf(dealgate.ENOTFOUND, "No such party.")
	}
	f := dealgate.ClauseForm{
		Kind: "exclusivity", Beneficiary: " Azurine Cloud ", Scope: "named", RestrictedParties: "Nimbus Web Services\nNobody Inc\n",
		Categories: []string{"3", "x"}, Worldwide: true, ValidFrom: "2027-02-30", NoticeDays: "ten", Text: "Exclusive.",
	}
	var v dealgate.Validation
	in, err := f.Input(&v, lookup)
	if err != nil {
		t.Fatal(err)
	}
	if in.BeneficiaryID != 7 || len(in.RestrictedPartyIDs) != 1 || in.RestrictedPartyIDs[0] != 9 || len(in.CategoryIDs) != 1 {
		t.Errorf("input: %+v", in)
	}
	for _, field := range []string{"restricted_party_ids", "valid_from", "notice_days"} {
		if !v.Has(field) {
			t.Errorf("no problem reported for %s", field)
		}
	}
	// Validating into the same v keeps the name's message, not "choose one".
	in.ValidateInto(&v, dealgate.Agreement{})
	err = dealgate.RenameFields(v.Err(), dealgate.ClauseFormFields, dealgate.ClauseFormOrder...)
	if got := dealgate.ErrorFields(err)["restricted_parties"]; got == "" || got[:20] != "No party is called \"" {
		t.Errorf("restricted_parties: %q", got)
	}
}

func TestAdminRemovalRule(t *testing.T) {
	t.Parallel()
	admin := &dealgate.User{ID: 1, Roles: []dealgate.Role{dealgate.RoleAdmin}, Status: dealgate.UserActive}
	admins := func(ids ...int64) func() ([]int64, error) { return func() ([]int64, error) { return ids, nil } }
	cases := []struct {
		name                string
		target              int64
		isAdmin, deactivate bool
		active              []int64
		want                string
	}{
		{"own admin role", 1, true, false, []int64{1, 2}, "You cannot remove your own admin role; ask another admin to do it."},
		{"own account", 1, true, true, []int64{1, 2}, "You cannot deactivate your own account; ask another admin to do it."},
		{"last admin", 2, true, true, []int64{2}, "At least one active admin must remain."},
		{"another admin remains", 2, true, false, []int64{1, 2}, ""},
		{"not an admin", 3, false, true, nil, ""},
	}
	for _, c := range cases {
		err := dealgate.CheckAdminRemoval(admin, c.target, c.isAdmin, c.deactivate, admins(c.active...))
		if got := dealgate.ErrorMessage(err); (err == nil) != (c.want == "") || (err != nil && got != c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	member := &dealgate.User{ID: 5, Roles: []dealgate.Role{dealgate.RoleMember}, Status: dealgate.UserActive}
	if dealgate.AuthorizeUserRead(member, 5) != nil || dealgate.AuthorizeUserRead(member, 6) == nil || dealgate.AuthorizeUserRead(admin, 6) != nil {
		t.Error("user read rule")
	}
}

func TestOffersAccountAction(t *testing.T) {
	admin := &dealgate.User{ID: 1, Roles: []dealgate.Role{dealgate.RoleAdmin}, Status: dealgate.UserActive}
	other := &dealgate.User{ID: 2, Roles: []dealgate.Role{dealgate.RoleAdmin}, Status: dealgate.UserActive}
	if dealgate.OffersAccountAction(admin, admin, dealgate.AccountDeactivate) {
		t.Error("own account offered Deactivate")
	}
	if !dealgate.OffersAccountAction(admin, other, dealgate.AccountDeactivate) {
		t.Error("another active account not offered Deactivate")
	}
	if !dealgate.OffersAccountAction(admin, admin, dealgate.AccountResetPassword) {
		t.Error("own account not offered a password link")
	}
	if dealgate.OffersAccountAction(admin, &dealgate.User{ID: 3, Status: dealgate.UserDeactivated}, dealgate.AccountDeactivate) {
		t.Error("a deactivated account offered Deactivate")
	}
}
