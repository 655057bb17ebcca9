package dealgate

// Committee review: the committee's rules, reviews, recusal, votes and the
// tally, decisions and clearance to negotiate. Pure logic; the store
// (internal/postgres/review*.go) loads and locks, this file decides.

import "fmt"
import "strconv"
import "strings"
import "time"

// Audit entity types of the review.
const (
	EntityReview         = "review"
	EntityCommitteeRules = "committee_rules"
	EntityInterests      = "interest_declaration"
)

// Majority is the share of approving votes a deal needs.
type Majority string

const (
	MajoritySimple    Majority = "simple"     // more approvals than flags
	MajorityTwoThirds Majority = "two_thirds" // at least two thirds of the decisive votes approve
	MajorityUnanimous Majority = "unanimous"  // every decisive vote approves
)

var majorityLabels = labels[Majority]{
	{MajoritySimple, "Simple majority"},
	{MajorityTwoThirds, "Two-thirds majority"},
	{MajorityUnanimous, "Unanimous"},
}

// AllMajorities in the order the settings form offers them.
var AllMajorities = majorityLabels.values()

// Label is the majority in words.
func (m Majority) Label() string { return majorityLabels.of(m) }

// CommitteeRules are the committee's settings. Members are the active users
// with the member or chair role (managed on the users screen).
type CommitteeRules struct {
	Quorum            int      // minimum number of non-recused votes cast (abstentions count)
	Majority          Majority // share of approving votes among approvals and flags
	ConflictUnanimous bool     // a deal with a conflict finding needs every decisive vote to approve
	ReviewDays        int      // default review period
	ClearanceDays     int      // how long an approval clears a deal
	ReminderDays      int      // days before a due or negotiation date that reminders start
	AutoOpen          bool     // a submitted deal's review opens by itself
	HideVotes         bool     // members see others' votes only once they have voted or the review is decided
	UpdatedAt         *time.Time
	Version           int64
}

// CommitteeRulesForm is the settings form as typed.
type CommitteeRulesForm struct {
	Quorum, Majority, ReviewDays, ClearanceDays, ReminderDays string
	ConflictUnanimous, AutoOpen, HideVotes                    bool
}

// Form is the rules as the settings form shows them.
func (r CommitteeRules) Form() CommitteeRulesForm {
	return CommitteeRulesForm{
		Quorum: strconv.Itoa(r.Quorum), Majority: string(r.Majority), ReviewDays: strconv.Itoa(r.ReviewDays),
		ClearanceDays: strconv.Itoa(r.ClearanceDays), ReminderDays: strconv.Itoa(r.ReminderDays),
		ConflictUnanimous: r.ConflictUnanimous, AutoOpen: r.AutoOpen, HideVotes: r.HideVotes,
	}
}

// Rules parses and checks the form; every problem is reported by field.
func (f CommitteeRulesForm) Rules() (CommitteeRules, error) {
	var v Validation
	num := func(field, s, what string, lo, hi int) int {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < lo || n > hi {
			v.Add(field, fmt.Sprintf("Enter %s as a whole number from %d to %d", what, lo, hi))
		}
		return n
	}
	r := CommitteeRules{
		Quorum:        num("quorum", f.Quorum, "the quorum", 1, 100),
		ReviewDays:    num("review_days", f.ReviewDays, "the review period in days", 1, 365),
		ClearanceDays: num("clearance_days", f.ClearanceDays, "how many days a clearance lasts", 1, 3650),
		ReminderDays:  num("reminder_days", f.ReminderDays, "the days before a date that reminders start", 0, 90),
		Majority:      Majority(f.Majority), ConflictUnanimous: f.ConflictUnanimous, AutoOpen: f.AutoOpen, HideVotes: f.HideVotes,
	}
	switch r.Majority {
	case MajoritySimple, MajorityTwoThirds, MajorityUnanimous:
	default:
		v.Add("majority", "Choose the majority needed to approve")
	}
	return r, v.Err()
}

// Snapshot is the rules as the audit trail records them, in words.
func (r CommitteeRules) Snapshot() map[string]any {
	return map[string]any{
		"quorum": r.Quorum, "majority": r.Majority.Label(), "conflict_needs_unanimity": r.ConflictUnanimous,
		"review_days": r.ReviewDays, "clearance_days": r.ClearanceDays, "reminder_days": r.ReminderDays,
		"open_reviews_automatically": r.AutoOpen, "hide_votes_until_voted": r.HideVotes,
	}
}

// ReviewState is where a review stands.
type ReviewState string

const (
	ReviewOpen    ReviewState = "open"
	ReviewDecided ReviewState = "decided"
	ReviewClosed  ReviewState = "closed" // the deal was withdrawn or superseded before a decision
)

var reviewStateLabels = labels[ReviewState]{
	{ReviewOpen, "In review"},
	{ReviewDecided, "Decided"},
	{ReviewClosed, "Closed"},
}

// Label is the state as a tag says it.
func (s ReviewState) Label() string { return reviewStateLabels.of(s) }

// VoteChoice is a member's vote.
type VoteChoice string

const (
	VoteApprove           VoteChoice = "approve"
	VoteApproveConditions VoteChoice = "approve_conditions"
	VoteFlag              VoteChoice = "flag"
	VoteAbstain           VoteChoice = "abstain"
)

var voteChoiceLabels = labels[VoteChoice]{
	{VoteApprove, "Approve"},
	{VoteApproveConditions, "Approve with conditions"},
	{VoteFlag, "Flag"},
	{VoteAbstain, "Abstain"},
}

// AllVoteChoices in the order the vote form offers them.
var AllVoteChoices = voteChoiceLabels.values()

// Label is the vote in words.
func (c VoteChoice) Label() string { return voteChoiceLabels.of(c) }

// VoteInput is a vote as the form sends it.
type VoteInput struct {
	Choice     VoteChoice
	Conditions string
	Rationale  string
}

// Validate cleans the vote: conditions are required to approve with
// conditions (and kept only then), a rationale always, and a flag's
// rationale is its reason.
func (in VoteInput) Validate() (VoteInput, error) {
	var v Validation
	in.Conditions, in.Rationale = cleanText(in.Conditions), cleanText(in.Rationale)
	switch in.Choice {
	case VoteApprove, VoteApproveConditions, VoteFlag, VoteAbstain:
	default:
		v.Add("choice", "Choose your vote")
	}
	if in.Choice == VoteApproveConditions && in.Conditions == "" {
		v.Add("conditions", "Enter the conditions of your approval")
	}
	if in.Choice != VoteApproveConditions {
		in.Conditions = ""
	}
	switch {
	case in.Rationale == "" && in.Choice == VoteFlag:
		v.Add("rationale", "Enter the reason you flag the deal")
	case in.Rationale == "":
		v.Add("rationale", "Enter the rationale for your vote")
	case tooLong(in.Rationale, 5000):
		v.Add("rationale", "Keep the rationale to 5,000 characters or fewer")
	}
	v.maxChars("conditions", in.Conditions, 5000, "Keep the conditions to 5,000 characters or fewer")
	return in, v.Err()
}

// Vote is one member's vote in a review.
type Vote struct {
	UserID      int64
	Name        string
	DealVersion int
	VoteInput
	CastAt, UpdatedAt time.Time
}

// ReviewMember is a member assigned to a review and how they stand to it.
type ReviewMember struct {
	UserID int64
	Name   string
	// SelfRecused and Reason: the member recused themselves.
	SelfRecused bool
	Reason      string
	// Declared: the member's declared interests touch the deal's counterparty
	// or its corporate family (DeclaredParties names them).
	Declared        bool
	DeclaredParties []string
	// Submitter: the member submitted the deal; the submitter never votes.
	Submitter bool
}

// Recused reports whether the member may not vote.
func (m ReviewMember) Recused() bool { return m.SelfRecused || m.Declared || m.Submitter }

// RecusalText says why the member does not vote, "" when they do.
func (m ReviewMember) RecusalText() string {
	switch {
	case m.Submitter:
		return "Submitted the deal"
	case m.Declared:
		return "Declared interest: " + strings.Join(m.DeclaredParties, ", ")
	case m.SelfRecused:
		return "Recused: " + m.Reason
	}
	return ""
}

// TouchesFamily returns the declared parties that are in the counterparty's
// corporate family (by ID), by name.
func TouchesFamily(declared map[int64]string, family []int64) []string {
	var out []string
	for _, id := range family {
		if name, ok := declared[id]; ok {
			out = append(out, name)
		}
	}
	return out
}

// DecisionOutcome is what the chair records.
type DecisionOutcome string

const (
	OutcomeApproved           DecisionOutcome = "approved"
	OutcomeApprovedConditions DecisionOutcome = "approved_conditions"
	OutcomeFlagged            DecisionOutcome = "flagged"
)

var decisionOutcomeLabels = labels[DecisionOutcome]{
	{OutcomeApproved, "Approved"},
	{OutcomeApprovedConditions, "Approved with conditions"},
	{OutcomeFlagged, "Flagged"},
}

// AllOutcomes in the order the decision form offers them.
var AllOutcomes = decisionOutcomeLabels.values()

// Label is the outcome as a tag says it.
func (o DecisionOutcome) Label() string { return decisionOutcomeLabels.of(o) }

// Approving reports whether the outcome clears the deal.
func (o DecisionOutcome) Approving() bool {
	return o == OutcomeApproved || o == OutcomeApprovedConditions
}

// Tally counts a review's votes under the rules. Only votes of members who
// may vote, cast on a version that is not superseded, count.
type Tally struct {
	Eligible, Recused                int
	Approve, ApproveConditions, Flag int
	Abstain                          int
	Quorum                           int
	Majority                         Majority // the majority in force: unanimous when a conflict finding requires it
	QuorumMet, ApprovalMet, FlagMet  bool
	Conflict                         bool // the screening found a conflict
}

// Cast is the number of counted votes.
func (t Tally) Cast() int { return t.Approve + t.ApproveConditions + t.Flag + t.Abstain }

// Approvals are the approving votes, with or without conditions.
func (t Tally) Approvals() int { return t.Approve + t.ApproveConditions }

// CountVotes tallies votes cast by eligible members on a current version
// (current reports whether a version still counts).
func CountVotes(r CommitteeRules, members []ReviewMember, votes []Vote, current func(version int) bool, conflict bool) Tally {
	t := Tally{Quorum: r.Quorum, Majority: r.Majority, Conflict: conflict}
	if conflict && r.ConflictUnanimous {
		t.Majority = MajorityUnanimous
	}
	eligible := map[int64]bool{}
	for _, m := range members {
		if m.Recused() {
			t.Recused++
			continue
		}
		t.Eligible++
		eligible[m.UserID] = true
	}
	for _, v := range votes {
		if !eligible[v.UserID] || !current(v.DealVersion) {
			continue
		}
		switch v.Choice {
		case VoteApprove:
			t.Approve++
		case VoteApproveConditions:
			t.ApproveConditions++
		case VoteFlag:
			t.Flag++
		case VoteAbstain:
			t.Abstain++
		}
	}
	t.QuorumMet = t.Cast() >= t.Quorum
	a, decisive := t.Approvals(), t.Approvals()+t.Flag
	switch t.Majority {
	case MajoritySimple:
		t.ApprovalMet = a*2 > decisive
	case MajorityTwoThirds:
		t.ApprovalMet = decisive > 0 && a*3 >= decisive*2
	case MajorityUnanimous:
		t.ApprovalMet = decisive > 0 && a == decisive
	}
	// A deal is flagged when the votes cast cannot approve it.
	t.FlagMet = !t.ApprovalMet
	return t
}

// Allows returns nil when the tally lets the chair record outcome, and
// otherwise why not (EINVALID on the outcome field).
func (t Tally) Allows(o DecisionOutcome) error {
	if !t.QuorumMet {
		return fieldError("outcome", fmt.Sprintf("Quorum is not reached: %d of the %d votes needed have been cast by members who may vote.", t.Cast(), t.Quorum))
	}
	switch {
	case o.Approving() && !t.ApprovalMet:
		return fieldError("outcome", fmt.Sprintf("The deal cannot be approved: %d of %d decisive votes approve; it needs a %s.", t.Approvals(), t.Approvals()+t.Flag, strings.ToLower(t.Majority.Label())))
	case o == OutcomeFlagged && !t.FlagMet:
		return fieldError("outcome", "The votes approve the deal under the committee's rules; it cannot be recorded as flagged.")
	}
	return nil
}

// Summary is the tally in words.
func (t Tally) Summary() string {
	reached := func(ok bool) string {
		if ok {
			return "reached"
		}
		return "not reached"
	}
	return fmt.Sprintf("Votes cast: %d of the %d needed for quorum (%s). Approve %d, approve with conditions %d, flag %d, abstain %d. Approval majority %s (%s).",
		t.Cast(), t.Quorum, reached(t.QuorumMet), t.Approve, t.ApproveConditions, t.Flag, t.Abstain,
		reached(t.ApprovalMet), strings.ToLower(t.Majority.Label()))
}

// DecisionInput is the chair's decision as the form sends it.
type DecisionInput struct {
	Outcome    DecisionOutcome
	Memo       string
	Conditions string
}

// Validate cleans the decision: a memo always, conditions to approve with
// conditions (and only then).
func (in DecisionInput) Validate() (DecisionInput, error) {
	var v Validation
	in.Memo, in.Conditions = cleanText(in.Memo), cleanText(in.Conditions)
	switch in.Outcome {
	case OutcomeApproved, OutcomeApprovedConditions, OutcomeFlagged:
	default:
		v.Add("outcome", "Choose the decision")
	}
	if in.Outcome == OutcomeApprovedConditions && in.Conditions == "" {
		v.Add("conditions", "Enter the conditions of the approval")
	}
	if in.Outcome != OutcomeApprovedConditions {
		in.Conditions = ""
	}
	switch {
	case in.Memo == "":
		v.Add("memo", "Enter the decision memo")
	case tooLong(in.Memo, 10000):
		v.Add("memo", "Keep the memo to 10,000 characters or fewer")
	}
	v.maxChars("conditions", in.Conditions, 5000, "Keep the conditions to 5,000 characters or fewer")
	return in, v.Err()
}

// Decision is a recorded decision and what it rests on.
type Decision struct {
	ID, ReviewID, DealID int64
	DealVersion          int
	Outcome              DecisionOutcome
	Memo, Conditions     string
	// ScreeningState is nil until screening results are recorded per version.
	ScreeningState    *string
	TaxonomyVersionID *int64
	Tally             Tally
	DecidedBy         string
	DecidedAt         time.Time
	ExpiresAt         *time.Time
}

// Clearance is whether counsel may negotiate a deal, and why.
type Clearance struct {
	Cleared    bool
	Decision   *Decision // the latest decision on a version that still counts
	Conditions string
	ExpiresAt  *time.Time
	// Reason says why the deal is not cleared.
	Reason string
	// Negotiation: when counsel recorded that negotiation started.
	NegotiationStarted *time.Time
}

// ClearanceOf decides clearance from the deal's status, its latest decision
// on a version that is not superseded (nil when none) and the time.
func ClearanceOf(st DealStatus, latest *Decision, superseded bool, now time.Time) Clearance {
	c := Clearance{Decision: latest}
	switch {
	case st == DealDraft:
		c.Reason = "Not submitted"
	case st == DealWithdrawn:
		c.Reason = "Withdrawn: not cleared to negotiate"
	case latest == nil:
		c.Reason = "Not cleared to negotiate: the committee has not decided"
	case superseded:
		c.Reason = "Not cleared to negotiate: a material new version needs a new decision"
	case !latest.Outcome.Approving():
		c.Reason = "Not cleared to negotiate: the committee flagged the deal"
	case latest.ExpiresAt != nil && !now.Before(*latest.ExpiresAt):
		c.Reason = "Not cleared to negotiate: the clearance expired"
	default:
		c.Cleared, c.Conditions, c.ExpiresAt = true, latest.Conditions, latest.ExpiresAt
	}
	return c
}

// DefaultDueDate is the review's default due date: the review period from
// today, but no later than the day before negotiation, and never before
// tomorrow.
func DefaultDueDate(today time.Time, negotiation *time.Time, reviewDays int) time.Time {
	due := today.AddDate(0, 0, reviewDays)
	if negotiation != nil {
		if before := negotiation.AddDate(0, 0, -1); before.Before(due) {
			due = before
		}
	}
	if tomorrow := today.AddDate(0, 0, 1); due.Before(tomorrow) {
		due = tomorrow
	}
	return due
}

// ParseDueDate reads the due date of a new review: a day after today.
func ParseDueDate(s string, today time.Time) (time.Time, error) {
	d, err := ParseDate(s)
	switch {
	case err != nil:
		return time.Time{}, fieldError("due_on", ErrorMessage(err))
	case d == nil:
		return time.Time{}, fieldError("due_on", "Enter the due date")
	case !d.After(today):
		return time.Time{}, fieldError("due_on", "The due date must be after today")
	}
	return *d, nil
}

// Review is one round of the committee's review of a deal.
type Review struct {
	ID, DealID  int64
	Round       int
	DealVersion int // the deal's version when the review opened
	State       ReviewState
	DueOn       time.Time
	OpenedAt    time.Time
	OpenedBy    string
	ClosedAt    *time.Time
}

// ReviewOverview is everything the review page shows, in one snapshot.
type ReviewOverview struct {
	Review   Review
	Deal     Deal
	Versions []DealVersion
	Rules    CommitteeRules
	Members  []ReviewMember
	// Votes are every counted and uncounted vote when VotesVisible, else
	// only the viewer's own.
	Votes        []Vote
	VotesVisible bool
	Mine         *Vote
	Me           *ReviewMember // nil when the viewer is not assigned
	Tally        Tally
	Decision     *Decision
	Clearance    Clearance
	Superseded   map[int]bool // superseded version numbers: their votes no longer count
	CanVote      bool
	CanRecuse    bool
	CanDecide    bool
	Today        time.Time
	Comments     []Comment
	RFIs         []RFI
	CanComment   bool // committee members comment and reply
	CanAsk       bool // the chair requests information from counsel
	// EarlierDecisions are the committee's latest decisions on other deals
	// with the counterparty or its corporate family (at most
	// EarlierDecisionsShown).
	EarlierDecisions []FamilyDecision
}

// Declaration is one declared interest of a member.
type Declaration struct {
	PartyID   int64
	PartyName string
	Note      string
	CreatedAt time.Time
}

// CommitteeMember is a user who sits on the committee.
type CommitteeMember struct {
	ID          int64
	Name, Email string
}

// Snapshot is the review as the audit trail records it.
func (r Review) Snapshot() map[string]any {
	return map[string]any{"deal": r.DealID, "round": r.Round, "deal_version": r.DealVersion, "state": r.State.Label(), "due_on": r.DueOn.Format(DateLayout)}
}

// Comment is a committee member's comment on a review, or a reply to one.
type Comment struct {
	ID        int64
	ParentID  *int64
	Author    string
	Body      string
	CreatedAt time.Time
}

// RFI is a request for information to counsel: it pauses the review's
// clock until counsel answer.
type RFI struct {
	ID, ReviewID int64
	AskedBy      string
	Question     string
	AskedAt      time.Time
	Answer       string
	AnsweredBy   string
	AnsweredAt   *time.Time
	// DueMovedDays is how many days the answer moved the review's due date
	// (DueDateMoves).
	DueMovedDays int
	// Attachments are the documents counsel sent with the answer.
	Attachments []DealAttachment
}

// PauseDays is how many days a request for information paused the review's
// clock: every started day it stayed open.
func PauseDays(asked, answered time.Time) int {
	d := answered.Sub(asked)
	if d <= 0 {
		return 0
	}
	return int((d + 24*time.Hour - 1) / (24 * time.Hour))
}

// ValidateText cleans a required text of at most max characters into field.
func ValidateText(field, what string, max int, s string) (string, error) {
	s = cleanText(s)
	var v Validation
	switch {
	case s == "":
		v.Add(field, "Enter "+what)
	case tooLong(s, max):
		v.Add(field, fmt.Sprintf("Keep it to %d characters or fewer", max))
	}
	return s, v.Err()
}
