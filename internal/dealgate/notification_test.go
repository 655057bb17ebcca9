package dealgate_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

func TestNotYetVoted(t *testing.T) {
	t.Parallel()
	members := []dealgate.ReviewMember{
		{UserID: 1}, {UserID: 2}, {UserID: 3, SelfRecused: true, Reason: "Ties"}, {UserID: 4, Declared: true},
		{UserID: 5, Submitter: true}, {UserID: 6},
	}
	votes := []dealgate.Vote{{UserID: 1, DealVersion: 2}, {UserID: 6, DealVersion: 1}}
	counts := func(v int) bool { return v != 1 } // version 1 was superseded
	var got []int64
	for _, m := range dealgate.NotYetVoted(members, votes, counts) {
		got = append(got, m.UserID)
	}
	if len(got) != 2 || got[0] != 2 || got[1] != 6 {
		t.Errorf("not yet voted: %v, want [2 6]", got)
	}
}

func TestParseNotifyPrefs(t *testing.T) {
	t.Parallel()
	p, err := dealgate.ParseNotifyPrefs(func(f string) string {
		if f == dealgate.NotifyPrefsField(dealgate.NotifyVoteReminder) {
			return "email"
		}
		return "app"
	})
	if err != nil || p.Channel(dealgate.NotifyVoteReminder) != dealgate.ChannelEmail || p.Channel(dealgate.NotifyReviewAssigned) != dealgate.ChannelApp {
		t.Fatalf("%v %v", p, err)
	}
	if !dealgate.ChannelBoth.InApp() || !dealgate.ChannelBoth.Email() || dealgate.ChannelApp.Email() || dealgate.ChannelEmail.InApp() {
		t.Error("channels")
	}
	if (dealgate.NotifyPrefs{}).Channel(dealgate.NotifyDecisionRecorded) != dealgate.ChannelBoth {
		t.Error("default is not both")
	}
	_, err = dealgate.ParseNotifyPrefs(func(string) string { return "" })
	if len(dealgate.ErrorFields(err)) != len(dealgate.AllNotifyEvents) {
		t.Errorf("missing choices: %v", dealgate.ErrorFields(err))
	}
}
