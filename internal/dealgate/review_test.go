package dealgate_test

import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

func TestCountVotesRules(t *testing.T) {
	t.Parallel()
	members := []dealgate.ReviewMember{
		{UserID: 1}, {UserID: 2}, {UserID: 3}, {UserID: 4},
		{UserID: 5, Declared: true, DeclaredParties: []string{"Nimbus"}},
		{UserID: 6, SelfRecused: true, Reason: "Former employer"},
		{UserID: 7, Submitter: true},
	}
	vote := func(id int64, c dealgate.VoteChoice, version int) dealgate.Vote {
		return dealgate.Vote{UserID: id, DealVersion: version, VoteInput: dealgate.VoteInput{Choice: c}}
	}
	current := func(v int) bool { return v == 2 }
	rules := dealgate.CommitteeRules{Quorum: 3, Majority: dealgate.MajoritySimple, ConflictUnanimous: true}
	for _, tc := range []struct {
		name                    string
		rules                   dealgate.CommitteeRules
		votes                   []dealgate.Vote
		conflict                bool
		quorum, approve, flag   bool
		cast, eligible, recused int
	}{
		{"no votes", rules, nil, false, false, false, true, 0, 4, 3},
		{"recused votes do not count", rules, []dealgate.Vote{vote(5, "approve", 2), vote(6, "approve", 2), vote(7, "approve", 2), vote(1, "approve", 2)}, false, false, true, false, 1, 4, 3},
		{"superseded votes do not count", rules, []dealgate.Vote{vote(1, "approve", 1), vote(2, "approve", 1), vote(3, "approve", 2)}, false, false, true, false, 1, 4, 3},
		{"simple majority", rules, []dealgate.Vote{vote(1, "approve", 2), vote(2, "approve_conditions", 2), vote(3, "flag", 2)}, false, true, true, false, 3, 4, 3},
		{"abstentions reach quorum, tie flags", rules, []dealgate.Vote{vote(1, "approve", 2), vote(2, "abstain", 2), vote(3, "flag", 2)}, false, true, false, true, 3, 4, 3},
		{"conflict needs unanimity", rules, []dealgate.Vote{vote(1, "approve", 2), vote(2, "approve", 2), vote(3, "flag", 2)}, true, true, false, true, 3, 4, 3},
		{"two thirds met", dealgate.CommitteeRules{Quorum: 3, Majority: dealgate.MajorityTwoThirds}, []dealgate.Vote{vote(1, "approve", 2), vote(2, "approve", 2), vote(3, "flag", 2)}, false, true, true, false, 3, 4, 3},
		{"two thirds missed", dealgate.CommitteeRules{Quorum: 3, Majority: dealgate.MajorityTwoThirds}, []dealgate.Vote{vote(1, "approve", 2), vote(2, "flag", 2), vote(3, "flag", 2), vote(4, "approve", 2)}, false, true, false, true, 4, 4, 3},
		{"unanimous, all abstain", dealgate.CommitteeRules{Quorum: 2, Majority: dealgate.MajorityUnanimous}, []dealgate.Vote{vote(1, "abstain", 2), vote(2, "abstain", 2)}, false, true, false, true, 2, 4, 3},
	} {
		got := dealgate.CountVotes(tc.rules, members, tc.votes, current, tc.conflict)
		if got.QuorumMet != tc.quorum || got.ApprovalMet != tc.approve || got.FlagMet != tc.flag || got.Cast() != tc.cast || got.Eligible != tc.eligible || got.Recused != tc.recused {
			t.Errorf("%s: %+v (cast %d)", tc.name, got, got.Cast())
		}
		for _, o := range dealgate.AllOutcomes {
			err := got.Allows(o)
			want := tc.quorum && ((o.Approving() && tc.approve) || (o == dealgate.OutcomeFlagged && tc.flag))
			if (err == nil) != want {
				t.Errorf("%s: Allows(%s) = %v, want allowed %v", tc.name, o, err, want)
			}
		}
	}
}

func TestClearanceOf(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)
	later, earlier := now.Add(time.Hour), now.Add(-time.Hour)
	approved := &dealgate.Decision{Outcome: dealgate.OutcomeApprovedConditions, Conditions: "No exclusivity", ExpiresAt: &later}
	for _, tc := range []struct {
		name       string
		st         dealgate.DealStatus
		d          *dealgate.Decision
		superseded bool
		cleared    bool
	}{
		{"approved", dealgate.DealSubmitted, approved, false, true},
		{"no decision", dealgate.DealSubmitted, nil, false, false},
		{"superseded", dealgate.DealSubmitted, approved, true, false},
		{"flagged", dealgate.DealSubmitted, &dealgate.Decision{Outcome: dealgate.OutcomeFlagged}, false, false},
		{"expired", dealgate.DealSubmitted, &dealgate.Decision{Outcome: dealgate.OutcomeApproved, ExpiresAt: &earlier}, false, false},
		{"expires now", dealgate.DealSubmitted, &dealgate.Decision{Outcome: dealgate.OutcomeApproved, ExpiresAt: &now}, false, false},
		{"withdrawn", dealgate.DealWithdrawn, approved, false, false},
	} {
		c := dealgate.ClearanceOf(tc.st, tc.d, tc.superseded, now)
		if c.Cleared != tc.cleared || (c.Reason == "") != tc.cleared {
			t.Errorf("%s: %+v", tc.name, c)
		}
	}
}

func TestDefaultDueDate(t *testing.T) {
	t.Parallel()
	today := dealgate.Day(2030, 5, 1)
	neg := dealgate.Day(2030, 5, 6)
	far := dealgate.Day(2031, 1, 1)
	if got := dealgate.DefaultDueDate(today, &neg, 10); !got.Equal(dealgate.Day(2030, 5, 5)) {
		t.Errorf("before negotiation: %v", got)
	}
	if got := dealgate.DefaultDueDate(today, &far, 10); !got.Equal(dealgate.Day(2030, 5, 11)) {
		t.Errorf("review period: %v", got)
	}
	if got := dealgate.DefaultDueDate(today, &today, 10); !got.Equal(dealgate.Day(2030, 5, 2)) {
		t.Errorf("never before tomorrow: %v", got)
	}
	if _, err := dealgate.ParseDueDate("2030-05-01", today); dealgate.ErrorFields(err)["due_on"] == "" {
		t.Errorf("today accepted as due date: %v", err)
	}
}

func TestVoteAndDecisionInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in     dealgate.VoteInput
		fields []string
	}{
		{dealgate.VoteInput{Choice: "approve", Rationale: "Fine"}, nil},
		{dealgate.VoteInput{Choice: "approve_conditions", Rationale: "Fine"}, []string{"conditions"}},
		{dealgate.VoteInput{Choice: "flag"}, []string{"rationale"}},
		{dealgate.VoteInput{Choice: "yes", Rationale: "x"}, []string{"choice"}},
	} {
		_, err := tc.in.Validate()
		fields := dealgate.ErrorFields(err)
		if len(fields) != len(tc.fields) {
			t.Errorf("%+v: %v", tc.in, fields)
		}
		for _, f := range tc.fields {
			if fields[f] == "" {
				t.Errorf("%+v: no error on %s: %v", tc.in, f, fields)
			}
		}
	}
	in, err := dealgate.VoteInput{Choice: "approve", Conditions: "dropped", Rationale: " ok "}.Validate()
	if err != nil || in.Conditions != "" || in.Rationale != "ok" {
		t.Errorf("approve keeps conditions: %+v %v", in, err)
	}
	if _, err := (dealgate.DecisionInput{Outcome: "approved_conditions", Memo: "m"}).Validate(); dealgate.ErrorFields(err)["conditions"] == "" {
		t.Errorf("conditional approval without conditions: %v", err)
	}
	if _, err := (dealgate.DecisionInput{Outcome: "flagged"}).Validate(); dealgate.ErrorFields(err)["memo"] == "" {
		t.Errorf("decision without memo: %v", err)
	}
}

func TestAuthorizeVote(t *testing.T) {
	t.Parallel()
	member := &dealgate.User{ID: 1, Roles: []dealgate.Role{dealgate.RoleMember}, Status: dealgate.UserActive}
	counsel := &dealgate.User{ID: 2, Roles: []dealgate.Role{dealgate.RoleCounsel}, Status: dealgate.UserActive}
	for _, tc := range []struct {
		u     *dealgate.User
		m     *dealgate.ReviewMember
		state dealgate.ReviewState
		code  string
	}{
		{member, &dealgate.ReviewMember{UserID: 1}, dealgate.ReviewOpen, ""},
		{member, nil, dealgate.ReviewOpen, dealgate.EFORBIDDEN},
		{member, &dealgate.ReviewMember{UserID: 1, Submitter: true}, dealgate.ReviewOpen, dealgate.EFORBIDDEN},
		{member, &dealgate.ReviewMember{UserID: 1, Declared: true}, dealgate.ReviewOpen, dealgate.EFORBIDDEN},
		{member, &dealgate.ReviewMember{UserID: 1, SelfRecused: true, Reason: "x"}, dealgate.ReviewOpen, dealgate.EFORBIDDEN},
		{member, &dealgate.ReviewMember{UserID: 1}, dealgate.ReviewDecided, dealgate.EINVALID},
		{counsel, &dealgate.ReviewMember{UserID: 2}, dealgate.ReviewOpen, dealgate.EFORBIDDEN},
	} {
		err := dealgate.AuthorizeVote(tc.u, tc.m, tc.state)
		if (tc.code == "" && err != nil) || (tc.code != "" && dealgate.ErrorCode(err) != tc.code) {
			t.Errorf("%+v %+v %s: %v", tc.u.Roles, tc.m, tc.state, err)
		}
	}
	rules := dealgate.CommitteeRules{HideVotes: true}
	if dealgate.CanSeeVotes(member, rules, dealgate.ReviewOpen, false) || !dealgate.CanSeeVotes(member, rules, dealgate.ReviewOpen, true) ||
		!dealgate.CanSeeVotes(member, rules, dealgate.ReviewDecided, false) || dealgate.CanSeeVotes(counsel, rules, dealgate.ReviewDecided, true) {
		t.Error("vote visibility")
	}
}

func TestPauseDays(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 5, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{{0, 0}, {time.Minute, 1}, {24 * time.Hour, 1}, {24*time.Hour + time.Second, 2}, {60 * time.Hour, 3}, {-time.Hour, 0}} {
		if got := dealgate.PauseDays(at, at.Add(tc.d)); got != tc.want {
			t.Errorf("PauseDays(%v) = %d, want %d", tc.d, got, tc.want)
		}
	}
}
