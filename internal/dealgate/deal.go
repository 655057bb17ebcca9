package dealgate

// Deals: proposed third-party deals counsel bring to the committee. A deal
// starts as a draft its author (and the counsel it is shared with) may save
// incomplete and change freely. Submission freezes the content as version 1
// and records the taxonomy version in force; after that the deal changes
// only by new versions, each with a change note. Screening (internal/screening)
// and review build on versions: a version starts "awaiting screening", and a
// material change supersedes what earlier versions were screened, voted and
// cleared on.
//
// Field names in validation errors are the deal form's field names.

import "fmt"
import "slices"
import "strconv"
import "strings"
import "time"

// Deal audit entity types.
const (
	EntityDeal           = "deal"
	EntityDealAttachment = "deal_attachment"
)

// DealStatus is where a deal stands. The review issue adds the committee's
// states (in review, information requested, decisions) after submitted.
type DealStatus string

const (
	DealDraft     DealStatus = "draft"
	DealSubmitted DealStatus = "submitted"
	DealWithdrawn DealStatus = "withdrawn"
)

var dealStatusLabels = labels[DealStatus]{
	{DealDraft, "Draft"},
	{DealSubmitted, "Submitted"},
	{DealWithdrawn, "Withdrawn"},
}

// AllDealStatuses lists the statuses in the order screens show them.
var AllDealStatuses = dealStatusLabels.values()

func (s DealStatus) String() string { return string(s) }

// Label is the status as people read it.
func (s DealStatus) Label() string { return dealStatusLabels.of(s) }

// Withdrawable reports whether a deal in this status may still be
// withdrawn: any time after submission and before a decision.
func (s DealStatus) Withdrawable() bool { return s == DealSubmitted }

// ScreeningState is how far screening of one deal version has got.
type ScreeningState string

// A version awaits screening until the screening engine (internal/screening)
// records its findings; from then on its state is its latest screening's
// verdict (internal/screening's severities).
const (
	ScreeningAwaiting ScreeningState = "awaiting"
	ScreeningClear    ScreeningState = "clear"
	ScreeningInfo     ScreeningState = "info"
	ScreeningCaution  ScreeningState = "caution"
	ScreeningConflict ScreeningState = "conflict"
)

var screeningStateLabels = labels[ScreeningState]{
	{ScreeningAwaiting, "Screening has not run yet for this version"},
	{ScreeningClear, "Clear: no clause of the register applies"},
	{ScreeningInfo, "Info: related clauses are noted for the committee"},
	{ScreeningCaution, "Caution: something must be done before negotiation"},
	{ScreeningConflict, "Conflict: the deal as described would breach a clause"},
}

// Label is the state as people read it.
func (s ScreeningState) Label() string { return screeningStateLabels.of(s) }

// ShareAccess is what a counsel a deal is shared with may do.
type ShareAccess string

const (
	ShareRead ShareAccess = "read"
	ShareEdit ShareAccess = "edit"
)

var shareAccessLabels = labels[ShareAccess]{
	{ShareRead, "Can read"},
	{ShareEdit, "Can edit"},
}

// Label is the access as people read it.
func (a ShareAccess) Label() string { return shareAccessLabels.of(a) }

// DefaultMaterialValuePercent is how far the estimated value may move, in
// per cent of the previous version's, before the change is material.
const DefaultMaterialValuePercent = 10

// DealContent is what a deal says: the draft as saved, or a frozen version.
// Incomplete drafts leave fields empty.
type DealContent struct {
	Title            string        `json:"title"`
	Counterparty     *PartyRef     `json:"counterparty"`
	Categories       []CategoryRef `json:"categories"`
	Description      string        `json:"description"`
	Rationale        string        `json:"rationale"`
	Value            *Money        `json:"value"`
	TermStart        *time.Time    `json:"term_start"`
	TermEnd          *time.Time    `json:"term_end"`
	Worldwide        bool          `json:"worldwide"`
	Regions          []string      `json:"regions"`
	NegotiationStart *time.Time    `json:"negotiation_start"`
	Sponsor          string        `json:"sponsor"`
}

// CategoryIDs lists the content's category IDs in order.
func (c DealContent) CategoryIDs() []int64 {
	out := make([]int64, len(c.Categories))
	for i, r := range c.Categories {
		out[i] = r.ID
	}
	return out
}

// Territory reads the territory in words: "Worldwide" or the region names.
func (c DealContent) Territory() string {
	if c.Worldwide {
		return "Worldwide"
	}
	var names []string
	for _, code := range c.Regions {
		if r, ok := LookupRegion(code); ok {
			names = append(names, r.Name)
		} else {
			names = append(names, code)
		}
	}
	return strings.Join(names, ", ")
}

// Input returns the content as an edit form's starting values.
func (c DealContent) Input() DealInput {
	in := DealInput{
		Title: c.Title, Description: c.Description, Rationale: c.Rationale, Sponsor: c.Sponsor,
		TermStart: FormatDate(c.TermStart), TermEnd: FormatDate(c.TermEnd), Worldwide: c.Worldwide,
		Regions: slices.Clone(c.Regions), NegotiationStart: FormatDate(c.NegotiationStart),
	}
	if c.Counterparty != nil {
		in.Counterparty = c.Counterparty.Name
	}
	for _, cat := range c.Categories {
		in.CategoryIDs = append(in.CategoryIDs, strconv.FormatInt(cat.ID, 10))
	}
	if c.Value != nil {
		in.Value, in.Currency = c.Value.Typed(), c.Value.Currency
	}
	return in
}

// Deal is a proposed third-party deal. Content is the draft's, or the
// current version's once submitted.
type Deal struct {
	ID              int64       `json:"id"`
	AuthorID        int64       `json:"author_id"`
	AuthorName      string      `json:"author_name,omitempty"`
	Status          DealStatus  `json:"status"`
	Content         DealContent `json:"content"`
	CurrentVersion  int         `json:"current_version"`
	SubmittedAt     *time.Time  `json:"submitted_at"`
	WithdrawnAt     *time.Time  `json:"withdrawn_at"`
	WithdrawnReason string      `json:"withdrawn_reason,omitempty"`
	CreatedAt       time.Time   `json:"created_at"`
	UpdatedAt       time.Time   `json:"updated_at"`
	Version         int64       `json:"version"`
	// Shares are the counsel the deal is shared with (loaded for the deal page).
	Shares []DealShare `json:"shares,omitempty"`
}

// Relation is how u stands to d, for the policy.
func (d Deal) Relation(u *User) DealRelation {
	r := DealRelation{Status: d.Status}
	if u == nil {
		return r
	}
	r.Author = d.AuthorID == u.ID
	for _, s := range d.Shares {
		if s.UserID == u.ID {
			r.Share = s.Access
		}
	}
	return r
}

// DaysUntilNegotiation is the number of days from today to the proposed
// negotiation start (negative once it has passed); ok is false without one.
func (d Deal) DaysUntilNegotiation(today time.Time) (days int, ok bool) {
	if d.Content.NegotiationStart == nil {
		return 0, false
	}
	return int(d.Content.NegotiationStart.Sub(DateOf(today)).Hours() / 24), true
}

// DealShare is one counsel a deal is shared with.
type DealShare struct {
	UserID int64       `json:"user_id"`
	Name   string      `json:"name"`
	Email  string      `json:"email"`
	Access ShareAccess `json:"access"`
}

// DealVersion is one frozen version of a submitted deal.
type DealVersion struct {
	DealID  int64       `json:"deal_id"`
	Number  int         `json:"number"`
	Content DealContent `json:"content"`
	// ChangeNote says what changed and why; empty for version 1.
	ChangeNote string `json:"change_note"`
	// Material lists the material changes from the previous version (see
	// MaterialChanges); a material version supersedes every earlier one.
	Material []string `json:"material"`
	// TaxonomyVersionID is the published taxonomy in force at submission.
	TaxonomyVersionID     *int64         `json:"taxonomy_version_id"`
	TaxonomyVersionNumber int            `json:"taxonomy_version_number,omitempty"`
	Screening             ScreeningState `json:"screening"`
	// SupersededAt is set when a later material version replaced this one:
	// its screening, votes and clearance no longer count.
	SupersededAt  *time.Time `json:"superseded_at"`
	SupersededBy  int        `json:"superseded_by,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	CreatedBy     *int64     `json:"created_by"`
	CreatedByName string     `json:"created_by_name,omitempty"`
}

// DealAttachment is a file attached to a deal, without its content. The
// rules are those of agreement documents (see ValidateDocument).
type DealAttachment struct {
	StoredFile
	DealID int64 `json:"deal_id"`
}

// DownloadName is the server-chosen, header-safe file name of a download.
func (a DealAttachment) DownloadName() string { return a.downloadName("deal", a.DealID) }

// DealOverview is everything the deal page shows, read in one snapshot.
type DealOverview struct {
	Deal        Deal
	Versions    []DealVersion
	Attachments []DealAttachment
	History     []AuditEvent
	// CanEdit: the viewer may change the draft, attach files, submit, make a
	// new version or withdraw; CanManage: share it or delete the draft.
	CanEdit, CanManage bool
	Today              time.Time
	// Clearance: whether counsel may negotiate (see review.go).
	Clearance Clearance
	// OpenRFIs are the committee's unanswered requests for information.
	OpenRFIs []RFI
	// Review is the deal's latest review round; nil before the first.
	Review *DealReview
}

// DealReview is where the committee's review of a deal stands, as the deal
// page tells it.
type DealReview struct {
	ID      int64
	Round   int
	Version int // the deal version under review
	State   ReviewState
	DueOn   time.Time
}

// Current is the current version, or nil for a draft.
func (o DealOverview) Current() *DealVersion {
	for i := range o.Versions {
		if o.Versions[i].Number == o.Deal.CurrentVersion {
			return &o.Versions[i]
		}
	}
	return nil
}

// DealListItem is one row of "My deals". Of the deal's content it holds
// what the list shows: the title, the counterparty (ID and name) and the
// negotiation start.
type DealListItem struct {
	Deal
	// Screening is the current version's screening state ("" for drafts).
	Screening ScreeningState
	// Clearance: whether counsel may negotiate (see review.go).
	Clearance Clearance
}

// DealFilter narrows, sorts and pages the deal list.
type DealFilter struct {
	Query  string     // part of the title
	Status DealStatus // "" for any
	// Negotiation: "" any, "soon" within 14 days, "past" already passed.
	Negotiation string
	// AllDeals lists every submitted or withdrawn deal, for those who see
	// them all (see SeesSubmittedDeals); otherwise the user's own deals and
	// those shared with them.
	AllDeals      bool
	Sort          string // one of DealSortKeys
	Desc          bool
	Page, PerPage int
}

// PageRequest is the filter's page.
func (f DealFilter) PageRequest() PageRequest { return PageRequest{Page: f.Page, PerPage: f.PerPage} }

// DealSortKeys are the columns the deal list sorts by.
var DealSortKeys = []string{"negotiation", "title", "status", "updated_at"}

// NegotiationSoonDays is how close a negotiation date is highlighted.
const NegotiationSoonDays = 14

// Normalize fixes paging and replaces unknown values with defaults.
func (f DealFilter) Normalize() DealFilter {
	f.Query = searchQuery(f.Query)
	f.Status = known(f.Status, AllDealStatuses)
	if f.Negotiation != "soon" && f.Negotiation != "past" {
		f.Negotiation = ""
	}
	if !slices.Contains(DealSortKeys, f.Sort) {
		f.Sort, f.Desc = "updated_at", true
	}
	p := PageRequest{Page: f.Page, PerPage: f.PerPage}.Normalize()
	f.Page, f.PerPage = p.Page, p.PerPage
	return f
}

// ShareInput names the counsel to share a deal with.
type ShareInput struct {
	Email  string
	Access ShareAccess
}

// Validate cleans in and reports problems on "email" and "access".
func (in *ShareInput) Validate() error {
	var v Validation
	in.Email = strings.ToLower(cleanLine(in.Email))
	if in.Email == "" || tooLong(in.Email, 254) || !strings.Contains(in.Email, "@") {
		v.Add("email", "Enter the email address of the counsel to share with")
	}
	if in.Access != ShareRead && in.Access != ShareEdit {
		v.Add("access", "Choose whether they may read or edit the deal")
	}
	return v.Err()
}

// ValidateReason checks a required free-text reason (withdrawal, change
// note) for field.
func ValidateReason(field, what, s string) (string, error) {
	s = cleanText(s)
	var v Validation
	switch {
	case s == "":
		v.Add(field, "Enter "+what)
	case tooLong(s, 5000):
		v.Add(field, fmt.Sprintf("Keep the %s to 5,000 characters or fewer", strings.TrimPrefix(strings.TrimPrefix(what, "the "), "a ")))
	}
	return s, v.Err()
}
