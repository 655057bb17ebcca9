// Package screening checks a proposed deal against the clauses of the
// agreements in force and explains each finding. It is pure: it reads no
// clock, database or file; callers load the inputs once (NewIndex) and
// screen any number of deals against them (Index.Screen). The rules are in
// docs/screening.md.
package screening

import "cmp"
import "slices"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

// Severity is how serious a finding is; a report's verdict is its worst
// finding, Clear when there is none.
type Severity string

const (
	Clear    Severity = "clear"
	Info     Severity = "info"     // related but not restricted
	Caution  Severity = "caution"  // needs notice, consent, a first offer, narrowing, or depends on a definition
	Conflict Severity = "conflict" // the deal as described would breach the clause
)

// AllSeverities lists the severities from worst to best.
var AllSeverities = []Severity{Conflict, Caution, Info, Clear}

// Rank orders severities from clear (0) to conflict (3).
func (s Severity) Rank() int {
	switch s {
	case Info:
		return 1
	case Caution:
		return 2
	case Conflict:
		return 3
	}
	return 0
}

// Label is the severity as people read it.
func (s Severity) Label() string {
	switch s {
	case Info:
		return "Info"
	case Caution:
		return "Caution"
	case Conflict:
		return "Conflict"
	}
	return "Clear"
}

// Deal is the version of a proposed deal being screened, as far as
// screening needs it. The deals store maps its deal versions to this.
type Deal struct {
	// CounterpartyID is the party the deal is with (aliases are resolved to
	// the party before screening).
	CounterpartyID int64
	// CategoryIDs are the product categories the deal covers.
	CategoryIDs []int64
	// Worldwide, or the register's region codes (see dealgate.Regions).
	Worldwide bool
	Regions   []string
	// NegotiationDate is the proposed start of negotiation.
	NegotiationDate time.Time
	// TermStart and TermEnd bound the deal's term; nil TermStart means the
	// term starts on the negotiation date, nil TermEnd that it has no end.
	// With neither, only the negotiation date counts.
	TermStart, TermEnd *time.Time
}

// Inputs are what the engine screens against: the taxonomy version, every
// party (for corporate families and kinds) and the clauses of the register.
// Clauses that are retired, or whose agreement is not active, never apply
// and are left out of the index.
type Inputs struct {
	Taxonomy *dealgate.Taxonomy
	Parties  []dealgate.Party
	Clauses  []dealgate.Clause
	// AgreementVersions, when set, are recorded in findings so a stored
	// screening names exactly which agreement revision it used.
	AgreementVersions map[int64]int64
}

// PartyMatchKind says why the counterparty is restricted by a clause.
type PartyMatchKind string

const (
	MatchNamed     PartyMatchKind = "named"     // the clause names the counterparty
	MatchAffiliate PartyMatchKind = "affiliate" // the clause names a party of the counterparty's corporate family
	MatchKind      PartyMatchKind = "kind"      // the clause restricts any party of the counterparty's kind
	MatchAny       PartyMatchKind = "any"       // the clause restricts any party
)

// PartyMatch explains why the counterparty is restricted.
type PartyMatch struct {
	Kind PartyMatchKind
	// Counterparty is the deal's counterparty.
	Counterparty dealgate.PartyRef
	// Named is the restricted party the clause names (named and affiliate).
	Named dealgate.PartyRef
	// Family is how Counterparty and Named are related (affiliate):
	// "subsidiary" (Named is above Counterparty), "parent" (Counterparty is
	// above Named) or "sibling" (both sit under FamilyRoot).
	Family     string
	FamilyRoot dealgate.PartyRef
	// RestrictedKind is the class restricted (kind).
	RestrictedKind dealgate.PartyKind
}

// Finding is one clause the deal may breach or should be checked against.
// It carries the identities of its inputs, so a stored finding says exactly
// what was known.
type Finding struct {
	// The clause, as the index holds it (shared by every report that
	// finds it; never change it).
	*ClauseFacts

	Severity Severity
	Relation Relation

	Party    PartyMatch
	Category CategoryMatch

	// InForceOnNeg says the clause is in force on the negotiation date
	// (else it comes into force during the term).
	InForceOnNeg bool

	// NegotiationDate is the deal's; ActBy is when the beneficiary must be
	// offered the deal or given notice (negotiation date less the notice
	// period), nil when the clause sets no date; Passed says ActBy is
	// before today.
	NegotiationDate time.Time
	ActBy           *time.Time
	Passed          bool
	Today           time.Time
}

// ClauseFacts is what a finding says about its clause and agreement: their
// identities, for storing, and what an explanation quotes.
type ClauseFacts struct {
	ClauseID         int64
	ClauseVersion    int64
	AgreementID      int64
	AgreementVersion int64 // 0 when the caller did not provide versions
	AgreementTitle   string
	Binding          bool
	Kind             dealgate.ClauseKind
	Section          string
	// Text is the clause as written in the agreement, to quote.
	Text        string
	Beneficiary dealgate.PartyRef
	// Exceptions are the parties the clause excepts.
	Exceptions []dealgate.PartyRef
	// The clause's territory.
	ClauseWorldwide bool
	ClauseRegions   []string
	// The clause's validity window (nil: open).
	From, Until *time.Time
	// NoticeDays is the clause's notice period, if any.
	NoticeDays *int
}

// Ref is the clause's section reference as people cite it: "§4.2", or the
// clause number when the agreement gives no section.
func (f Finding) Ref() string { return sectionRef(f.Section, f.ClauseID) }

// Report is the result of screening one deal version.
type Report struct {
	Verdict  Severity
	Findings []Finding
	// Taxonomy is the taxonomy version the categories were related on.
	Taxonomy dealgate.TaxonomyVersion
	// Today is the day the first-offer and notice dates were judged on.
	Today time.Time
	// counts are the findings by severity rank, those left out of
	// Findings (Index.ScreenUpTo) included.
	counts [4]int
}

// Count returns how many findings have severity s, including the info
// findings ScreenUpTo counted but left out of Findings.
func (r Report) Count(s Severity) int { return r.counts[s.Rank()] }

// ClauseIdentity is one clause's identity as a screening used it.
type ClauseIdentity struct {
	ClauseID, ClauseVersion, AgreementID, AgreementVersion int64
}

// Inputs lists the identities of the clauses behind the findings (those in
// Findings), in
// clause order, for storing with the report.
func (r Report) Inputs() []ClauseIdentity {
	out := make([]ClauseIdentity, 0, len(r.Findings))
	for _, f := range r.Findings {
		out = append(out, ClauseIdentity{f.ClauseID, f.ClauseVersion, f.AgreementID, f.AgreementVersion})
	}
	slices.SortFunc(out, func(a, b ClauseIdentity) int { return cmp.Compare(a.ClauseID, b.ClauseID) })
	return out
}

// severity applies the rules to a clause that applies to the deal.
func severity(kind dealgate.ClauseKind, binding bool, r Relation, passed bool) Severity {
	switch r {
	case Related:
		return Info
	case Within, Broader:
	default:
		return Clear
	}
	switch kind {
	case dealgate.ClauseExclusivity, dealgate.ClauseNonCompete:
		if r == Within && binding {
			return Conflict
		}
		return Caution
	case dealgate.ClauseRightOfFirstRefusal, dealgate.ClauseRightOfFirstNegotiation:
		if passed && binding {
			return Conflict
		}
		return Caution
	}
	// Notice, consent, most-favoured nation, preferred provider and any
	// kind added later: something must be done, nothing is breached yet.
	return Caution
}

// firstOfferKinds are the clauses whose beneficiary must be offered the
// deal first; the others with a notice period must be given notice.
func isFirstOffer(k dealgate.ClauseKind) bool {
	return k == dealgate.ClauseRightOfFirstRefusal || k == dealgate.ClauseRightOfFirstNegotiation
}

// actBy is the day by which the beneficiary must be offered the deal or
// given notice: the negotiation date less the notice period. First-offer
// clauses without a notice period must be offered by the negotiation date;
// other kinds without one have no date of their own.
func actBy(kind dealgate.ClauseKind, neg time.Time, notice *int) *time.Time {
	switch {
	case notice != nil:
		d := neg.AddDate(0, 0, -*notice)
		return &d
	case isFirstOffer(kind):
		d := neg
		return &d
	}
	return nil
}
