// Package screening holds the views of screening results: a report as
// finding cards (the deal page, the draft's pre-check) and the list of open
// deals an agreement touches (the agreement page).
package screening

// ReportView is one screening: its verdict and its findings.
type ReportView struct {
	// Heading is the section's heading ("Screening", "Check now").
	Heading string
	// Verdict is the overall verdict as a tag ("Caution"), VerdictKind its
	// tag kind ("caution", "cleared" for clear).
	Verdict, VerdictKind string
	// Summary says what the verdict means and counts the findings.
	Summary string
	// Meta says what was screened against and when: taxonomy version, day,
	// why it ran.
	Meta string
	// Note is shown above the findings (a pre-check is not recorded; a
	// clause changed since).
	Note     string
	Findings []FindingCard
	// More says how many info findings are counted but not listed.
	More string
	// AllInfoHref, when set, shows the listed info notes this view leaves
	// out (AllInfoText says how many).
	AllInfoHref, AllInfoText string
}

// FindingCard is one finding as a card: severity tag, one-sentence verdict,
// the clause quote, the category path, links to agreement and clause.
type FindingCard struct {
	Severity, SeverityKind string
	Headline               string
	Verdict                string
	Explanation            string
	Quote                  string
	CategoryPath           string
	AgreementHref          string
	ClauseHref             string
	Changed                string
}

// TouchingView lists the open deals an agreement's clauses have findings on.
type TouchingView struct {
	Rows []TouchingRow
	// Job says what the latest register change re-screened.
	Job string
}

// TouchingRow is one finding of one open deal.
type TouchingRow struct {
	Deal, DealHref         string
	Clause, ClauseHref     string
	Severity, SeverityKind string
	Relation               string
}
