// Package deals renders the deal intake: counsel's "My deals", the deal page
// with its versions, attachments, sharing and history, the deal form (draft,
// submission and new version), the side-by-side comparison of two versions,
// and the withdraw and delete confirmations.
package deals

import "github.com/dealgate/dealgate/web/agreements"
import "github.com/dealgate/dealgate/web/components"
import screeningview "github.com/dealgate/dealgate/web/screening"

// ListRow is one deal in "My deals".
type ListRow struct {
	Href, Title, Counterparty string
	Status, StatusKind        string
	Screening, Clearance      string
	// Negotiation is the date in words; NegotiationKind is "overdue" when it
	// has passed, "due-soon" within two weeks, "" otherwise.
	Negotiation, NegotiationKind string
	Version                      string
	Updated                      string
}

// ListView is "My deals" with its filters.
type ListView struct {
	Heading  string
	Filters  []components.Field
	Errors   []components.FieldError
	Headers  []components.SortHeader
	Rows     []ListRow
	Pager    components.Pager
	Filtered bool
	CanDraft bool
	// ScopeLinks switch between the user's deals and every submitted deal,
	// for those who see them all.
	ScopeLinks []components.PageLink
}

// CategoryChoice is one category with what it means, for the form's "What
// the categories mean".
type CategoryChoice struct {
	Name, Path, Definition string
	Included, Excluded     []string
}

// FormView is the deal form: a new draft, a draft being edited (save or
// submit) or a new version of a submitted deal (with a change note).
type FormView struct {
	Caption, Title, Intro string
	Action                string
	CancelHref            string
	Errors                []components.FieldError
	CSRFToken, OnceToken  string
	Version               int64
	// Mode is "new", "draft" or "revise".
	Mode                string
	DealTitle           components.Field
	Counterparty        components.Field
	NewCounterparty     bool
	NewCounterpartyKind components.Field
	CategoryTree        []agreements.CatNode // the picker: the clause form's tree
	Categories          []CategoryChoice     // what each category means
	CategoriesError     string
	Description         components.Field
	Rationale           components.Field
	Value, Currency     components.Field
	TermStart, TermEnd  components.Field
	Worldwide           bool
	Regions             []components.Option
	RegionsError        string
	NegotiationStart    components.Field
	Sponsor             components.Field
	ChangeNote          components.Field
	// SuggestHref answers the counterparty type-ahead; CheckHref the inline
	// check of what submission still needs (htmx only).
	SuggestHref, CheckHref string
	// PreCheck is the draft's "Check now" screening, not recorded.
	PreCheck *screeningview.ReportView
}

// Suggestion is one party the counterparty type-ahead offers.
type Suggestion struct {
	Value, Label string
}

// CheckView is the inline check of a deal form: what still stops submission.
type CheckView struct {
	Problems []components.FieldError
	Ready    bool
}

// VersionRow is one version in the deal's version list.
type VersionRow struct {
	Number     int
	Label      string
	When, Who  string
	ChangeNote string
	Material   string
	Superseded string
	Taxonomy   string
	Screening  string
	Current    bool
}

// AttachmentRow is one attachment of a deal.
type AttachmentRow struct {
	Name, Type, Size, Uploaded, SHA256 string
	DownloadHref, RemoveHref           string
}

// ShareRow is one counsel the deal is shared with.
type ShareRow struct {
	Name, Email, Access string
	UserID              string
}

// ShowView is one deal.
type ShowView struct {
	ID                 int64
	Title              string
	Status, StatusKind string
	VersionText        string
	Withdrawn          string
	Details            []components.SummaryRow
	Description        string
	Rationale          string
	Screening          string
	// Report is the current version's latest screening (nil until screened).
	Report *screeningview.ReportView
	Review string
	// ReviewHref links the committee's review, for those who may see it;
	// OpenReviewHref, for a chair when no review runs, the form to open one.
	ReviewHref, OpenReviewHref string
	Clearance                  string
	ClearanceKind              string
	// CanStartNegotiation: counsel may record that negotiation started
	// (POST NegotiationAction with Version).
	CanStartNegotiation bool
	NegotiationAction   string
	// PacketHref downloads the decision packet (PDF) of the latest
	// decision, for those the policy gives it to; "" otherwise.
	PacketHref string
	Version    int64
	// RFIs are the committee's open requests for information.
	RFIs                 []RFIRow
	Versions             []VersionRow
	CompareHref          string
	Attachments          []AttachmentRow
	Shares               []ShareRow
	History              []components.TimelineEvent
	IsDraft              bool
	CanEdit, CanManage   bool
	EditHref, ReviseHref string
	WithdrawHref         string
	DeleteHref           string
	ShareAction          string
	UnshareAction        string
	UploadAction         string
	CSRFToken, OnceToken string
	MaxUpload, UploadErr string
	ShareEmail           components.Field
	ShareAccess          []components.Option
	ShareErrors          []components.FieldError
	CanWithdraw          bool
	CanDelete            bool
	// Negotiation says how close the negotiation date is, with its kind
	// ("overdue", "due-soon" or "").
	Negotiation, NegotiationKind string
}

// CompareRow is one field of two versions side by side.
type CompareRow struct {
	Label, Before, After string
	Changed, Material    bool
}

// CompareView shows two versions of a deal side by side.
type CompareView struct {
	Title, DealHref string
	From, To        int
	Options         []components.Option
	FromField       components.Field
	ToField         components.Field
	Rows            []CompareRow
	ChangeNote      string
	Material        string
}

// ReasonView is a confirmation that needs a reason (withdraw) or none
// (delete a draft).
type ReasonView struct {
	Caption, Title string
	Body           []string
	Action         string
	Button         string
	Cancel         string
	CSRFToken      string
	Version        int64
	Errors         []components.FieldError
	// Reason is shown when the action needs one.
	Reason *components.Field
}

// RFIRow is an open request for information on the deal page.
type RFIRow struct {
	Question, AskedBy, Asked, AnswerHref string
}
