package dealgate_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// TestPolicyEveryActionEveryRole states, for every action of the policy and
// every role, whether the role alone allows it; changing any rule of
// Allowed fails one of these cells. A deactivated user and nobody may do
// nothing.
func TestPolicyEveryActionEveryRole(t *testing.T) {
	t.Parallel()
	const (
		admin   = dealgate.RoleAdmin
		chair   = dealgate.RoleChair
		member  = dealgate.RoleMember
		counsel = dealgate.RoleCounsel
		auditor = dealgate.RoleAuditor
	)
	allowed := map[dealgate.Action][]dealgate.Role{
		dealgate.ActSignedIn:        {admin, chair, member, counsel, auditor},
		dealgate.ActUserManage:      {admin},
		dealgate.ActSettingsManage:  {admin},
		dealgate.ActRegisterView:    {admin, chair, member, counsel, auditor},
		dealgate.ActRegisterEdit:    {admin, counsel},
		dealgate.ActTaxonomyPublish: {admin},
		dealgate.ActAuditView:       {admin, auditor},
		dealgate.ActExport:          {admin, auditor},
		dealgate.ActRegisterExport:  {admin, counsel, auditor},
		dealgate.ActDecisionPacket:  {admin, chair, auditor},
		dealgate.ActDealView:        {admin, chair, member, counsel, auditor},
		dealgate.ActDealDraft:       {counsel},
		dealgate.ActReviewView:      {admin, chair, member, auditor},
		dealgate.ActReviewChair:     {chair},
		dealgate.ActReviewVote:      {chair, member},
	}
	for action, roles := range allowed {
		for _, role := range dealgate.AllRoles {
			want := false
			for _, r := range roles {
				want = want || r == role
			}
			u := &dealgate.User{ID: 1, Roles: []dealgate.Role{role}, Status: dealgate.UserActive}
			if got := dealgate.Allowed(u, action); got != want {
				t.Errorf("%s may %s: %v, want %v", role, action, got, want)
			}
			err := dealgate.Authorize(u, action)
			if wantCode := map[bool]string{true: "", false: dealgate.EFORBIDDEN}[want]; dealgate.ErrorCode(err) != wantCode && !(want && err == nil) {
				t.Errorf("Authorize(%s, %s) = %v", role, action, err)
			}
			gone := &dealgate.User{ID: 1, Roles: []dealgate.Role{role}, Status: dealgate.UserDeactivated}
			if dealgate.Allowed(gone, action) || dealgate.ErrorCode(dealgate.Authorize(gone, action)) != dealgate.EFORBIDDEN {
				t.Errorf("a deactivated %s may %s", role, action)
			}
		}
		// No roles at all: only signing in is something.
		none := &dealgate.User{ID: 1, Status: dealgate.UserActive}
		if got := dealgate.Allowed(none, action); got != (action == dealgate.ActSignedIn) {
			t.Errorf("a user without roles may %s: %v", action, got)
		}
		if dealgate.Allowed(nil, action) || dealgate.ErrorCode(dealgate.Authorize(nil, action)) != dealgate.EUNAUTHORIZED {
			t.Errorf("nobody may %s", action)
		}
	}
	if dealgate.Allowed(&dealgate.User{Roles: dealgate.AllRoles, Status: dealgate.UserActive}, "no.such.action") {
		t.Error("an unknown action is allowed")
	}
}

// TestClauseNoticePeriodBounds pins both ends of the notice period: 0 to
// 3,650 days, and at least 1 day when the clause requires notice.
func TestClauseNoticePeriodBounds(t *testing.T) {
	t.Parallel()
	a := dealgate.Agreement{}
	for _, tc := range []struct {
		kind  dealgate.ClauseKind
		days  int
		valid bool
	}{
		{dealgate.ClauseExclusivity, -1, false},
		{dealgate.ClauseExclusivity, 0, true},
		{dealgate.ClauseExclusivity, 3650, true},
		{dealgate.ClauseExclusivity, 3651, false},
		{dealgate.ClauseNoticeRequired, 0, false},
		{dealgate.ClauseNoticeRequired, 1, true},
		{dealgate.ClauseNoticeRequired, 3650, true},
		{dealgate.ClauseNoticeRequired, 3651, false},
	} {
		in := dealgate.ClauseInput{Kind: tc.kind, BeneficiaryID: 1, CategoryIDs: []int64{10}, Scope: dealgate.RestrictAny,
			Worldwide: true, Text: "Terms.", NoticeDays: ptr(tc.days)}
		got := fieldsOf(t, in.Validate(a))
		if (got["notice_days"] == "") != tc.valid || len(got) > 1 {
			t.Errorf("%s with %d days' notice: fields %v, want valid=%v", tc.kind, tc.days, got, tc.valid)
		}
	}
}
