// Package reviews holds the committee review's views: the committee's page
// (queue, open reviews, recent decisions), the review page with the tally,
// votes, recusal and the decision, opening a review, the committee's rules
// and members' declarations of interest.
package reviews

import "github.com/dealgate/dealgate/web/components"

// DashboardView is the committee's page.
type DashboardView struct {
	CanOpen   bool
	Queue     []QueueRow
	Pending   []OpenRow // open reviews where the viewer's vote is pending
	Open      []OpenRow
	Decisions []DecisionRow
}

// QueueRow is a submitted deal waiting for a review.
type QueueRow struct {
	Title, Href, OpenHref, Negotiation, NegotiationKind, Counsel, Version string
}

// OpenRow is an open review.
type OpenRow struct {
	Title, Href, Due, DueKind, Round, Standing string
}

// DecisionRow is a recent decision.
type DecisionRow struct {
	Title, Href, Outcome, OutcomeKind, When string
}

// ShowView is one review.
type ShowView struct {
	Title, DealHref, Round, State, StateKind, Due, DueKind, Version string
	ClearanceKind, Clearance, ClearanceBody                         string
	Details                                                         []components.SummaryRow
	Versions                                                        []string
	Members                                                         []MemberRow
	Tally, Quorum, Majority                                         string
	QuorumMet, MajorityMet                                          bool
	VotesHidden                                                     bool
	Votes                                                           []VoteRow
	Decision                                                        *DecisionView
	CSRFToken                                                       string
	CanVote, CanRecuse, CanDecide                                   bool
	MyStanding                                                      string
	VoteAction, RecuseAction, DecideAction                          string
	VoteErrors, RecuseErrors, DecideErrors                          []components.FieldError
	Choice                                                          []components.Option
	ChoiceError                                                     string
	Conditions, Rationale                                           components.Field
	RecuseReason                                                    components.Field
	Outcome                                                         []components.Option
	OutcomeError                                                    string
	Memo, DecisionConditions                                        components.Field
	DealVersion                                                     int
	Comments                                                        []CommentRow
	RFIs                                                            []RFIRow
	CanComment, CanAsk                                              bool
	CommentAction, AskAction                                        string
	CommentBody, Question                                           components.Field
	CommentErrors, AskErrors                                        []components.FieldError
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
