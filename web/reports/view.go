// Package reports renders the committee's reports: the decision register,
// and the status page of an export prepared in the background.
package reports

import "github.com/dealgate/dealgate/web/components"

// DecisionsView is the decision register page.
type DecisionsView struct {
	Filters []components.Field // the period, a GET form
	Errors  []components.FieldError
	Period  string // the period in words
	Rows    []DecisionRow
	Pager   components.Pager
	// Downloads are the period's files, one per format.
	Downloads []Download
}

// Download is one file of a report.
type Download struct{ Label, Href string }

// DecisionRow is one decision as the register's page shows it; times are
// in the viewer's zone.
type DecisionRow struct {
	Decided, Deal, DealHref, Counterparty  string
	Verdict, Votes, Decision, DecisionKind string
	Days, Negotiation                      string
	// NegotiatedEarly marks a negotiation the records show starting before
	// clearance.
	NegotiatedEarly bool
	PacketHref      string
}

// PreparedView is the status page of a prepared export.
type PreparedView struct {
	Title       string // e.g. "Excel file of the audit trail"
	Description string // the filters in words
	Building    bool
	Ready       bool
	Failed      bool
	Error       string
	Started     string
	Facts       []components.SummaryRow
	// SelfHref is this page (the refresh link; htmx polls it).
	SelfHref     string
	DownloadHref string
	DownloadText string
	Expires      string
	BackHref     string // the filtered view it came from
}
