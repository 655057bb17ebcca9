package dealgate_test

import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

func TestNegotiationBeforeClearance(t *testing.T) {
	decided := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	expires := decided.AddDate(0, 0, 90)
	rec := func(at time.Time, outcome dealgate.DecisionOutcome, version int) *dealgate.NegotiationRecord {
		n := &dealgate.NegotiationRecord{RecordedAt: at, DealVersion: version}
		n.Decision.DecidedAt, n.Decision.Outcome, n.Decision.DealVersion = decided, outcome, 2
		if outcome.Approving() {
			n.Decision.ExpiresAt = &expires
		}
		return n
	}
	for _, tc := range []struct {
		name string
		n    *dealgate.NegotiationRecord
		want string
	}{
		{"none recorded", nil, "not started"},
		{"after an approval", rec(decided.Add(time.Hour), dealgate.OutcomeApproved, 2), "no"},
		{"with conditions", rec(decided.Add(time.Hour), dealgate.OutcomeApprovedConditions, 2), "no"},
		{"before the decision", rec(decided.Add(-time.Minute), dealgate.OutcomeApproved, 2), "YES: recorded before the decision"},
		{"on a flag", rec(decided.Add(time.Hour), dealgate.OutcomeFlagged, 2), "YES: the decision it rests on did not approve the deal"},
		{"after expiry", rec(expires.Add(time.Second), dealgate.OutcomeApproved, 2), "YES: recorded after the clearance expired"},
		{"another version", rec(decided.Add(time.Hour), dealgate.OutcomeApproved, 3), "YES: a different version from the one approved"},
	} {
		r := dealgate.DecisionRecord{Negotiation: tc.n, SubmittedAt: decided.Add(-36 * time.Hour), DecidedAt: decided}
		if got := r.NegotiationBeforeClearance(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if early, _ := r.NegotiationRecordBefore(); early != (len(tc.want) > 3 && tc.want[:3] == "YES") {
			t.Errorf("%s: early %v", tc.name, early)
		}
		if r.DaysToDecision() != 1.5 {
			t.Errorf("days %v", r.DaysToDecision())
		}
	}
}
