// Package audit renders the audit trail screens.
package audit

import "github.com/dealgate/dealgate/web/components"

// Row is one audit event as the list shows it; times are already in the
// viewer's zone.
type Row struct {
	ID                 int64
	Href               string // the event's own page
	When, Who, Action  string
	ActionCode         string // the action's internal name, for reference
	Entity, Where, Ref string
	EntityHref         string // the record's page, when it has one
	Change             string // a short before → after summary
}

// ListView is the audit trail page.
type ListView struct {
	Filters []components.Field // GET filter inputs, keeping what was typed
	Errors  []components.FieldError
	Rows    []Row
	Pager   components.Pager
	// Filtered says whether any filter is set, to word the empty state.
	Filtered bool
	// Exports link to the filtered view's downloads, one per format.
	Exports []ExportLink
	// Prepare are the formats a long view is better prepared in the
	// background for (POST PrepareAction with format), with the CSRF token.
	Prepare       []ExportLink
	PrepareAction string
	CSRFToken     string
}

// ExportLink is one download of the filtered view.
type ExportLink struct{ Label, Href, Note string }

// ChainView is the chain verification page: the form that runs it, and the
// result of a run when there is one.
type ChainView struct {
	CSRFToken string
	Ran       bool
	OK        bool
	RanAt     string // in the viewer's zone
	Result    []components.SummaryRow
	Problem   string
	// Pending, when not empty, says that committed events are not sealed
	// into the chain yet, so the check did not cover them.
	Pending string
}

// EventView is one audit event's page.
type EventView struct {
	ID      int64
	Title   string // the action's plain name
	Facts   []components.SummaryRow
	Changes []Change
}

// Change is one field of an event's before and after. Before or After is
// "—" when that side does not mention the field, "none" when it was empty.
type Change struct {
	Field, Before, After string
	Changed              bool
}
