package dealgate_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

func TestCategoryFormInput(t *testing.T) {
	var v dealgate.Validation
	in := dealgate.CategoryForm{Name: " Compute ", Definition: "Capacity.", Parent: "12", Position: "-5",
		Includes: "GPUs\nTPUs", Excludes: ""}.Input(&v, true)
	if v.Err() != nil {
		t.Fatalf("a well-formed form adds no problems (the service validates once): %v", v.Err())
	}
	if in.ParentID == nil || *in.ParentID != 12 || in.Position != -5 || len(in.InclusionExamples) != 2 || in.Name != " Compute " {
		t.Errorf("parsed: %+v", in)
	}
	for _, tc := range []struct {
		name string
		f    dealgate.CategoryForm
		want []string
	}{
		{"parent not a number", dealgate.CategoryForm{Name: "A", Definition: "B.", Parent: "x"}, []string{"parent_id"}},
		{"parent below one", dealgate.CategoryForm{Name: "A", Definition: "B.", Parent: "0"}, []string{"parent_id"}},
		{"position out of range", dealgate.CategoryForm{Name: "A", Definition: "B.", Position: "100001"}, []string{"position"}},
		{"with the input's own problems", dealgate.CategoryForm{Position: "ten"}, []string{"position", "name", "key", "definition"}},
	} {
		var v dealgate.Validation
		tc.f.Input(&v, true)
		fields := dealgate.ErrorFields(v.Err())
		if len(fields) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, fields, tc.want)
		}
		for _, f := range tc.want {
			if fields[f] == "" {
				t.Errorf("%s: no message on %s: %v", tc.name, f, fields)
			}
		}
	}
}

func TestCategoryFormOfRoundTrips(t *testing.T) {
	parent := int64(7)
	cat := dealgate.Category{Key: "k", Name: "N", Definition: "D.", ParentID: &parent, Position: 3,
		InclusionExamples: []string{"a", "b"}, ExclusionExamples: []string{"c"}}
	var v dealgate.Validation
	in := dealgate.CategoryFormOf(cat).Input(&v, false)
	if v.Err() != nil || *in.ParentID != 7 || in.Position != 3 || len(in.InclusionExamples) != 2 || in.ExclusionExamples[0] != "c" {
		t.Errorf("round trip: %+v %v", in, v.Err())
	}
}

func TestAccountActionApplies(t *testing.T) {
	active := &dealgate.User{Status: dealgate.UserActive}
	off := &dealgate.User{Status: dealgate.UserDeactivated}
	twoFactor := &dealgate.User{Status: dealgate.UserActive, TOTPEnabled: true}
	for _, tc := range []struct {
		a    dealgate.AccountAction
		u    *dealgate.User
		want bool
	}{
		{dealgate.AccountDeactivate, active, true}, {dealgate.AccountDeactivate, off, false},
		{dealgate.AccountReactivate, off, true}, {dealgate.AccountReactivate, active, false},
		{dealgate.AccountResetPassword, active, true}, {dealgate.AccountResetPassword, off, false},
		{dealgate.AccountResetTwoFactor, twoFactor, true}, {dealgate.AccountResetTwoFactor, active, false},
		{dealgate.AccountDeactivate, nil, false}, {dealgate.AccountAction("delete"), active, false},
	} {
		if got := tc.a.Applies(tc.u); got != tc.want {
			t.Errorf("%s on %+v: %v, want %v", tc.a, tc.u, got, tc.want)
		}
	}
}
