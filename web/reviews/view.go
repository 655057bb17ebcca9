// Package reviews holds the committee review's views: the committee's page
// (queue, pending votes, due and overdue reviews, deals with conflicts,
// recent decisions), the review list, the review page with the tally,
// votes, recusal and the decision, opening a review, the committee's rules
// and members' declarations of interest.
package reviews

import "strconv"

import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/screening"

// DashboardView is the committee's page. Each panel holds a few rows and
// links to the review list filtered to all of them.
type DashboardView struct {
	CanOpen, CanVote bool
	Queue            []QueueRow
	QueueAll         string // the submitted deals, when the queue is longer than shown
	Pending          Panel  // reviews where the viewer's vote is pending
	DueSoon, Overdue Panel
	Conflicts        []ConflictRow
	ConflictsAll     string
	Decisions        []DecisionRow
	DecisionsAll     string
}

// Panel is a dashboard panel of reviews and its "see all" link.
type Panel struct {
	Rows    []ReviewRow
	AllHref string
}

// QueueRow is a submitted deal waiting for a review.
type QueueRow struct {
	Title, Href, OpenHref, Negotiation, NegotiationKind, Counsel, Version string
}

// ReviewRow is a review in a panel or the review list.
type ReviewRow struct {
	Title, Href, Counterparty, Round string
	State, StateKind                 string
	Due, DueKind                     string // Due as tables show it, "9 Dec 2026"
	DueIn                            string // its distance in words, "in 8 days"
	Verdict, VerdictKind             string
	Outcome, OutcomeKind             string
	Opened, Decided                  string
}

// ConflictRow is a deal whose screening found a conflict.
type ConflictRow struct {
	Title, Href, Counterparty, Version, Negotiation, NegotiationKind, ReviewHref string
}

// DecisionRow is a recent decision.
type DecisionRow struct {
	Title, Href, Outcome, OutcomeKind, When string
}

// ListView is the committee's review list.
type ListView struct {
	Filters  []components.Field
	Errors   []components.FieldError
	Active   []FilterTag
	Filtered bool
	Headers  []components.SortHeader
	Rows     []ReviewRow
	Pager    components.Pager
}

// FilterTag is a filter in force and the link that removes it.
type FilterTag struct {
	Label, RemoveHref string
}

// EarlierRow is an earlier decision on the counterparty's corporate family.
type EarlierRow struct {
	Title, Href, Counterparty, Version, Outcome, OutcomeKind, When, Conditions string
}

// VersionRow is a version of the deal, with a link comparing it with the
// one before.
type VersionRow struct {
	Text, CompareHref string
}

// AttachmentLink is a document counsel sent with an answer.
type AttachmentLink struct {
	Name, Href, Size string
}

// AnswerView is counsel's form to answer a request for information.
type AnswerView struct {
	DealTitle, Question, AskedBy, Action, Cancel, CSRFToken string
	MaxUpload                                               string
	Answer                                                  components.Field
	FileError                                               string
	Errors                                                  []components.FieldError
}

// ShowView is one review.
type ShowView struct {
	Title, DealHref, Round, State, StateKind, Due, DueKind, Version string
	// Paused says since when an open request for information stopped the
	// review's clock; "" when none is open.
	Paused string
	// OpenRFIs is how many requests for information still wait for an
	// answer: the decision form warns the chair of them.
	OpenRFIs                                int
	ClearanceKind, Clearance, ClearanceBody string
	Details                                 []components.SummaryRow
	Versions                                []VersionRow
	Screening                               *screening.ReportView
	Earlier                                 []EarlierRow
	Members                                 []MemberRow
	Tally, Quorum, Majority                 string
	QuorumMet, MajorityMet                  bool
	VotesHidden                             bool
	Votes                                   []VoteRow
	Decision                                *DecisionView
	CSRFToken                               string
	CanVote, CanRecuse, CanDecide           bool
	MyStanding                              string
	VoteAction, RecuseAction, DecideAction  string
	VoteErrors, RecuseErrors, DecideErrors  []components.FieldError
	Choice                                  []components.Option
	ChoiceError                             string
	Conditions, Rationale                   components.Field
	RecuseReason                            components.Field
	Outcome                                 []components.Option
	OutcomeError                            string
	Memo, DecisionConditions                components.Field
	DealVersion                             int
	Comments                                []CommentRow
	RFIs                                    []RFIRow
	CanComment, CanAsk                      bool
	CommentAction, AskAction                string
	CommentBody, Question                   components.Field
	CommentErrors, AskErrors                []components.FieldError
}

// CommentRow is a comment with its replies.
type CommentRow struct {
	ID, Author, Body, When string
	Replies                []CommentRow
}

// RFIRow is a request for information and its answer.
type RFIRow struct {
	Question, AskedBy, Asked, Answer, AnsweredBy, Answered string
	Open                                                   bool
	// DueMoved says by how much the answer moved the due date, if at all.
	DueMoved    string
	Attachments []AttachmentLink
}

// MemberRow is an assigned member and whether they vote.
type MemberRow struct {
	Name, Standing string
	Recused        bool
}

// VoteRow is one vote.
type VoteRow struct {
	Name, Choice, ChoiceKind, Conditions, Rationale, When, Note string
}

// DecisionView is a recorded decision and what it rests on.
type DecisionView struct {
	Outcome, OutcomeKind, Memo, Conditions, By, When, RestsOn, Expires string
}

// OpenView is the chair's form to open a review.
type OpenView struct {
	DealTitle, DealHref, Action, CSRFToken string
	Version                                int64
	Due                                    components.Field
	Members                                []string
	Errors                                 []components.FieldError
}

// SettingsView is the committee's rules form.
type SettingsView struct {
	CSRFToken, Action, Updated                      string
	Version                                         int64
	Errors                                          []components.FieldError
	Quorum, ReviewDays, ClearanceDays, ReminderDays components.Field
	Majority                                        []components.Option
	MajorityError                                   string
	ConflictUnanimous, AutoOpen, HideVotes          components.Field
	Members                                         []string
}

// InterestsView is a member's declarations of interest.
type InterestsView struct {
	CSRFToken, Action, RemoveAction string
	Declarations                    []DeclarationRow
	Party, Note                     components.Field
	Errors                          []components.FieldError
}

// DeclarationRow is one declared interest.
type DeclarationRow struct {
	Party, Note, When, PartyID string
}

// openRFIWarning tells the chair, above the decision form, that counsel
// have not yet answered n requests.
func openRFIWarning(n int) string {
	if n == 1 {
		return "A request for information to counsel is still unanswered (see below). You can decide now; counsel can still answer it, and the answer stays on this review."
	}
	return strconv.Itoa(n) + " requests for information to counsel are still unanswered (see below). You can decide now; counsel can still answer them, and the answers stay on this review."
}
