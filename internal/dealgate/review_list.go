package dealgate

import "slices"
import "strings"
import "time"

// The committee's dashboard and review list.

// DashboardPanelSize is how many rows each dashboard panel shows; "see all"
// opens the review list with the panel's filter.
const DashboardPanelSize = 10

// EarlierDecisionsShown is how many earlier decisions on a counterparty's
// corporate family the review page shows.
const EarlierDecisionsShown = 10

// QueuedDeal is a submitted deal waiting for the chair to open its review.
type QueuedDeal struct {
	DealID         int64
	Title          string
	NegotiationOn  *time.Time
	CurrentVersion int
	SubmittedAt    *time.Time
	Counsel        string
}

// ReviewListItem is a review in the committee's lists.
type ReviewListItem struct {
	ID, DealID    int64
	Title         string
	Counterparty  string
	Round         int
	State         ReviewState
	DueOn         time.Time
	OpenedAt      time.Time
	ClosedAt      *time.Time
	NegotiationOn *time.Time
	// Verdict is the screening verdict of the deal's current version.
	Verdict ScreeningState
	// Outcome is the decision of a decided review, "" otherwise.
	Outcome DecisionOutcome
	// Paused: an open review waiting for counsel's answer to a request for
	// information; its due date will move (DueDateMoves).
	Paused bool
}

// DecisionListItem is a recent decision.
type DecisionListItem struct {
	ID, ReviewID, DealID int64
	Title                string
	Outcome              DecisionOutcome
	DecidedAt            time.Time
}

// ConflictDeal is a submitted deal whose current version's screening found
// a conflict and that the committee has not decided on.
type ConflictDeal struct {
	DealID        int64
	Title         string
	Counterparty  string
	Version       int
	NegotiationOn *time.Time
	ReviewID      int64 // the open review, 0 when none
}

// FamilyDecision is a decision on another deal with the same counterparty
// or one of its corporate family.
type FamilyDecision struct {
	DealID, ReviewID int64
	Title            string
	Counterparty     string
	DealVersion      int
	Outcome          DecisionOutcome
	Conditions       string
	DecidedAt        time.Time
}

// ReviewDashboard is the committee's page: the chair's queue, the viewer's
// pending votes, reviews due soon and overdue, deals with conflicts and
// recent decisions. Every panel holds at most DashboardPanelSize rows.
type ReviewDashboard struct {
	Queue     []QueuedDeal
	Pending   []ReviewListItem
	DueSoon   []ReviewListItem
	Overdue   []ReviewListItem
	Conflicts []ConflictDeal
	Decisions []DecisionListItem
	Today     time.Time
	// Derived is shared by the requests served this dashboard from a cache.
	Derived *Derived
}

// ReviewFilter narrows, sorts and pages the committee's review list.
type ReviewFilter struct {
	State   ReviewState    // "" for any
	Verdict ScreeningState // the current version's screening verdict; "" for any
	// DueFrom and DueTo bound the due date, both days included.
	DueFrom, DueTo *time.Time
	// PartyID is the deal's counterparty; with Family, anyone in its
	// corporate family.
	PartyID int64
	Family  bool
	// CategoryID is a category the deal names, or one below it
	// (CategoryBelow, at most MaxCategoryScope of them).
	CategoryID    int64
	CategoryBelow []int64
	// Pending keeps the reviews where the viewer may vote and has not voted
	// on the current version.
	Pending bool
	Sort    string // one of ReviewSortKeys
	Desc    bool
	Page    int
	PerPage int
}

// MaxCategoryScope bounds the subcategories a category filter matches.
const MaxCategoryScope = 100

// ReviewSortKeys are the orders of the review list: due date (the default),
// opened, decided (closed).
var ReviewSortKeys = []string{"due", "opened", "decided"}

// AllReviewStates are the states the list filters by.
var AllReviewStates = []ReviewState{ReviewOpen, ReviewDecided, ReviewClosed}

// AllVerdicts are the screening states the list filters by.
var AllVerdicts = []ScreeningState{ScreeningConflict, ScreeningCaution, ScreeningInfo, ScreeningClear, ScreeningAwaiting}

// PageRequest is the filter's page.
func (f ReviewFilter) PageRequest() PageRequest { return PageRequest{Page: f.Page, PerPage: f.PerPage} }

// Normalize fixes paging and replaces unknown values with defaults.
func (f ReviewFilter) Normalize() ReviewFilter {
	f.State = known(f.State, AllReviewStates)
	f.Verdict = known(f.Verdict, AllVerdicts)
	if !slices.Contains(ReviewSortKeys, f.Sort) {
		f.Sort, f.Desc = "due", false
	}
	if f.CategoryID <= 0 {
		f.CategoryID, f.CategoryBelow = 0, nil
	}
	if len(f.CategoryBelow) > MaxCategoryScope {
		f.CategoryBelow = f.CategoryBelow[:MaxCategoryScope]
	}
	if f.PartyID <= 0 {
		f.PartyID, f.Family = 0, false
	}
	p := f.PageRequest().Normalize()
	f.Page, f.PerPage = p.Page, p.PerPage
	return f
}

// SetDueRange parses the due-date bounds typed in the list's filters; the
// problems are keyed "due_from" and "due_to".
func (f *ReviewFilter) SetDueRange(from, to string) error {
	var v Validation
	var err error
	if f.DueFrom, err = ParseDate(from); err != nil {
		v.Add("due_from", ErrorMessage(err))
	}
	if f.DueTo, err = ParseDate(to); err != nil {
		v.Add("due_to", ErrorMessage(err))
	}
	if f.DueFrom != nil && f.DueTo != nil && f.DueTo.Before(*f.DueFrom) {
		v.Add("due_to", "The last due date must be on or after the first")
	}
	return v.Err()
}

// VerdictLabel is a verdict as a short tag ("Conflict").
func (s ScreeningState) VerdictLabel() string {
	if s == ScreeningAwaiting {
		return "Not screened"
	}
	if s == "" {
		return ""
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}
