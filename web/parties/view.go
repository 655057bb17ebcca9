// Package parties renders the register's parties: the filtered list, one
// party with its corporate family and history, and the conflict notice of
// its edit form.
package parties

import "github.com/dealgate/dealgate/web/components"

// Row is one party in the list.
type Row struct {
	Href, Name string
	Aliases    string // comma-separated, "" for none
	Kind       string
	Parent     string
	ParentHref string
	Updated    string
	Retired    bool
}

// ListView is the party list with its GET filters.
type ListView struct {
	Query          components.Field
	Kind           components.Field
	IncludeRetired components.Field
	NameHeader     components.SortHeader
	KindHeader     components.SortHeader
	UpdatedHeader  components.SortHeader
	Rows           []Row
	Pager          components.Pager
	Filtered       bool
	CanCreate      bool
}

// Detail is one row of a party's summary list; Href, when set, makes the
// value a link.
type Detail struct {
	Key, Value, Href string
}

// FamilyNode is a party in a corporate family tree; Current marks the party
// the page is about.
type FamilyNode struct {
	Name, Href, Kind string
	Current, Retired bool
	Children         []FamilyNode
}

// Action is a button-like link on a party's page.
type Action struct {
	Label, Href, Variant string
}

// ShowView is one party.
type ShowView struct {
	Name    string
	Retired bool
	// RetiredNote says when it was retired and what that means.
	RetiredNote string
	Details     []Detail
	// Family is the whole corporate family from its topmost parent; empty
	// when the party has neither parent nor affiliates.
	Family         []FamilyNode
	AgreementsHref string
	Actions        []Action
	History        []components.TimelineEvent
}
