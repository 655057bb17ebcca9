// Package agreements renders the agreement register: the searchable list,
// an agreement with its clauses, documents and history, and their forms.
package agreements

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"
import screeningview "github.com/dealgate/dealgate/web/screening"

// Row is one agreement in the list. Title and Snippet are highlight
// segments, rendered escaped with <mark> around hits.
type Row struct {
	Href        string
	Title       dealgate.Highlight
	Party       string
	PartyHref   string
	Kind        string
	Status      string
	StatusKind  string
	Binding     string
	Expires     string // "20 Dec 2026"
	ExpiresIn   string // "in 6 years"
	Value       string
	ClauseCount int
	Snippet     dealgate.Highlight
	SnippetFrom string // "Summary" or "Clause §4.2"
	// Cover is the path that matched the "covers category" filter:
	// "via Agentic platforms → Agent hosting (§3)".
	Cover string
}

// ListView is the agreement list with its filters.
type ListView struct {
	Filters   []components.Field
	Category  components.Field
	Errors    []components.FieldError
	Headers   []components.SortHeader
	Rows      []Row
	Pager     components.Pager
	Filtered  bool
	Searching bool
	CanEdit   bool
	CanExport bool
	// PartyFilter names the party a link filtered by.
	PartyFilter string
	// Active are the filters in force, each removable.
	Active []FilterTag
	// FamilyHref widens a party filter to its corporate family ("" when
	// there is no party filter or it already does).
	FamilyHref string
}

// FilterTag is one filter in force, with the URL of the list without it.
type FilterTag struct {
	Label, RemoveHref string
}

// ClauseCard is one clause on an agreement page.
type ClauseCard struct {
	ID       int64
	Anchor   string
	Kind     string
	Sentence string
	Section  string
	Text     string
	Window   string
	// Beneficiary and the categories link to their pages.
	Beneficiary Link
	Categories  []Link
	Excluded    []Link
	Retired     bool
	InForce     bool
	EditHref    string
	RetireHref  string
	RestoreHref string
}

// DocumentRow is one document of an agreement.
type DocumentRow struct {
	Name, Type, Size, Uploaded, SHA256 string
	DownloadHref, RemoveHref           string
}

// ShowView is one agreement.
type ShowView struct {
	Title      string
	StatusText string
	StatusKind string
	Binding    string
	Details    []components.SummaryRow
	Summary    string
	Notes      string
	Clauses    []ClauseCard
	Documents  []DocumentRow
	History    []components.TimelineEvent
	CanEdit    bool
	EditHref   string
	NewClause  string
	UploadHref string
	CSRFToken  string
	UploadErr  string
	OnceToken  string // the upload form's one-time token
	MaxUpload  string
	// Touching lists the open deals screened against the agreement.
	Touching screeningview.TouchingView
}

// Link is a named record and its page.
type Link struct {
	Label, Href string
}
