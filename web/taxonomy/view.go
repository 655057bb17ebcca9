// Package taxonomy renders the product-category taxonomy: a version's tree
// with definitions and examples, the list of versions, the differences
// between two versions, one category's history, and the draft being edited.
package taxonomy

import "strconv"

import "github.com/dealgate/dealgate/web/components"

// Tag is a status label on a category ("Retired", "Moved in version 2").
type Tag struct {
	Kind, Text string
}

// Link is an action on a category in the draft.
type Link struct {
	Label, Href string
}

// Node is one category in a tree, with its subcategories.
type Node struct {
	ID         int64
	Key        string
	Name       string
	Href       string // the category's page
	Definition string
	Includes   []string
	Excludes   []string
	Retired    bool
	Tags       []Tag
	// Notes say in words what the tags say: "Retired in version 3 (12 March
	// 2027). Clauses and deals that name it still point at it."
	Notes    []string
	Actions  []Link
	Depth    int
	Children []Node
}

// TreeView is one published version of the taxonomy.
type TreeView struct {
	VersionLabel string // "Version 3"
	Current      bool   // the newest published version
	CurrentHref  string // link to the newest version, when this is older
	Published    string // "12 March 2027, 14:05 GMT by Ada Admin"
	ChangeNote   string
	Picker       components.Field
	DiffHref     string // changes from the previous version; "" for version 1
	Live         int
	Retired      int
	Roots        []Node
	// Empty is set when nothing has been published yet.
	Empty    bool
	CanEdit  bool
	HasDraft bool
}

// VersionRow is one version in the list of versions.
type VersionRow struct {
	Label, Href         string
	Status, StatusKind  string
	Published, By, Note string
	DiffHref, DiffLabel string
}

// VersionsView lists the draft (if any) and every published version.
type VersionsView struct {
	Rows    []VersionRow
	CanEdit bool
}

// Change is one difference between two versions, worded for people.
type Change struct {
	Kind, KindLabel string
	Name, Href      string
	Sentence        string
	// Before and After are shown side by side for changed definitions and
	// examples; empty otherwise.
	Before, After string
}

// DiffView compares two versions chosen with a GET form.
type DiffView struct {
	From, To  components.Field
	Errors    []components.FieldError
	FromLabel string
	ToLabel   string
	Compared  bool // both versions were valid and different
	// Choosable: there are two versions (or a version and the draft) to
	// choose from, so the form is offered.
	Choosable bool
	Message   string
	Summary   string // "3 changes: 1 added, 2 moved"
	Changes   []Change
}

// DraftView is the draft with its editing actions, or a way to start one.
type DraftView struct {
	Exists     bool
	CanEdit    bool
	CanPublish bool
	CSRFToken  string
	BasedOn    string // "Based on version 3"
	Started    string
	Changes    int
	DiffHref   string
	NewHref    string
	Roots      []Node
}

// CategoryVersion is a category as it was in one published version.
type CategoryVersion struct {
	Label, Href, Name, Parent, Status, StatusKind string
}

// CategoryView is one category: how it reads now, where it has been, and
// its audit history.
type CategoryView struct {
	Name           string
	Retired        bool
	StatusNote     string
	Details        []components.SummaryRow
	Fate           []string
	Versions       []CategoryVersion
	AgreementsHref string
	// Covering are the first agreements with a live clause covering the
	// category (published categories only), of CoveringTotal.
	Covering      []CoveringRow
	CoveringTotal int
	EditHref      string
	DraftNote     string
	History       []components.TimelineEvent
}

// CoveringRow is an agreement with a clause covering the category, and the
// path that matched: "via Agentic platforms → Agent hosting (§3)".
type CoveringRow struct {
	Title, Href        string
	Status, StatusKind string
	Cover              string
}

// coveringLinkText is the link to the filtered agreement list.
func coveringLinkText(v CategoryView) string {
	if v.CoveringTotal > len(v.Covering) {
		return "All " + strconv.Itoa(v.CoveringTotal) + " agreements with clauses covering this category"
	}
	return "Open these in the agreement list"
}
