package dealgate

import "math"
import "strings"
import "time"

// The decision register: every decision the committee recorded in a
// period, with what it rested on and whether negotiation waited for it.

// DecisionReportFilter is the period of the decision register: decisions
// recorded at or after From and before To (zero: open).
type DecisionReportFilter struct {
	From, To time.Time
	PageRequest
}

// NegotiationRecord is counsel's record that negotiation started on a deal,
// with the decision it rested on.
type NegotiationRecord struct {
	RecordedAt  time.Time
	StartedOn   time.Time // the calendar day recorded
	DealVersion int       // the version negotiated
	Decision    struct {
		DecidedAt   time.Time
		Outcome     DecisionOutcome
		DealVersion int
		ExpiresAt   *time.Time
	}
}

// BeforeClearance reports whether the record shows negotiation starting
// while the deal was not cleared, and why: before the decision it rests on
// was recorded, on a decision that did not approve, after its clearance
// expired, or on another version than the one approved. The gate refuses
// all of these (Deals.StartNegotiation), so a yes here means the records
// were changed around it; it is computed from the records, never assumed.
func (n NegotiationRecord) BeforeClearance() (bool, string) {
	d := n.Decision
	switch {
	case n.RecordedAt.Before(d.DecidedAt):
		return true, "recorded before the decision"
	case !d.Outcome.Approving():
		return true, "the decision it rests on did not approve the deal"
	case d.ExpiresAt != nil && n.RecordedAt.After(*d.ExpiresAt):
		return true, "recorded after the clearance expired"
	case n.DealVersion != d.DealVersion:
		return true, "a different version from the one approved"
	}
	return false, ""
}

// DecisionRecord is one row of the decision register.
type DecisionRecord struct {
	DecisionID, DealID int64
	DealVersion        int
	Round              int
	Title              string
	Counterparty       string
	Categories         []string
	Value              *Money
	// Verdict is the screening verdict of the version when it was decided.
	Verdict                          ScreeningState
	For, Against, Abstained, Recused int
	Outcome                          DecisionOutcome
	Conditions                       string
	DecidedBy                        string
	SubmittedAt, DecidedAt           time.Time // the decided version's submission, and the decision
	Negotiation                      *NegotiationRecord
}

// DaysToDecision is the time from the version's submission to the decision,
// in days to one decimal.
func (r DecisionRecord) DaysToDecision() float64 {
	return math.Round(r.DecidedAt.Sub(r.SubmittedAt).Hours()/24*10) / 10
}

// NegotiationBeforeClearance answers the register's question in words:
// "no" (started after clearance), "not started", or "YES" with the reason.
func (r DecisionRecord) NegotiationBeforeClearance() string {
	if r.Negotiation == nil {
		return "not started"
	}
	if before, why := r.NegotiationRecordBefore(); before {
		return "YES: " + why
	}
	return "no"
}

// NegotiationRecordBefore reports whether the records show negotiation
// starting before clearance, and why.
func (r DecisionRecord) NegotiationRecordBefore() (bool, string) {
	if r.Negotiation == nil {
		return false, ""
	}
	return r.Negotiation.BeforeClearance()
}

// NegotiationStarted is the day negotiation was recorded as started, nil
// when it was not.
func (r DecisionRecord) NegotiationStarted() *time.Time {
	if r.Negotiation == nil {
		return nil
	}
	return &r.Negotiation.StartedOn
}

// VerdictLabel is the verdict as a tag says it.
func (r DecisionRecord) VerdictLabel() string {
	if r.Verdict == "" {
		return "Not recorded"
	}
	s := string(r.Verdict)
	return strings.ToUpper(s[:1]) + s[1:]
}

// CategoryDefinition is a category as a taxonomy version defined it: its
// path from the root and its definition.
type CategoryDefinition struct {
	Path, Definition string
}

// ChainedEvent is an audit event with its place in the chain.
type ChainedEvent struct {
	AuditEvent
	Seq  int64 // 0: not yet sealed into the chain
	Hash []byte
}
