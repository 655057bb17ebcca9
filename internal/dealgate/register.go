package dealgate

// The agreement register: parties, agreements, their clauses and documents.
// This file holds the entity types, the enumerations and the stale-version
// error; the rest is one file a part: register_values.go (dates, money,
// text), register_party.go, register_agreement.go (with the expiry watch),
// register_clause.go, register_document.go, register_taxonomy.go (the
// product-category taxonomy), register_sentence.go (a clause as a sentence)
// and register_form.go (the forms as typed).
//
// Calendar days (signed, effective, expiry, validity) are time.Time values at
// midnight UTC, stored as Postgres `date`. Money is integer minor units with
// an ISO 4217 code. Field names in validation errors are the form's field
// names.

import "fmt"
import "strings"
import "time"

// Register audit entity types.
const (
	EntityParty           = "party"
	EntityAgreement       = "agreement"
	EntityClause          = "clause"
	EntityDocument        = "agreement_document"
	EntityCategory        = "category"
	EntityTaxonomyVersion = "taxonomy_version"
	EntityRegister        = "register"
)

// ---------------------------------------------------------------------------
// Enumerations

// PartyKind is what a party is to us.
type PartyKind string

const (
	PartyCloudProvider  PartyKind = "cloud_provider"
	PartyModelDeveloper PartyKind = "model_developer"
	PartyReseller       PartyKind = "reseller"
	PartyInvestor       PartyKind = "investor"
	PartyOther          PartyKind = "other"
)

var partyKindLabels = labels[PartyKind]{
	{PartyCloudProvider, "Cloud provider"},
	{PartyModelDeveloper, "Model developer"},
	{PartyReseller, "Reseller"},
	{PartyInvestor, "Investor"},
	{PartyOther, "Other"},
}

// AllPartyKinds lists the kinds in the order screens show them.
var AllPartyKinds = partyKindLabels.values()

func (k PartyKind) String() string { return string(k) }

// Label is the kind as people read it.
func (k PartyKind) Label() string { return partyKindLabels.of(k) }

// Noun is the kind inside a sentence: "any cloud provider".
func (k PartyKind) Noun() string {
	if k == PartyOther {
		return "party of another kind"
	}
	return strings.ToLower(k.Label())
}

// ParsePartyKind returns the kind named s (its value or its label), or EINVALID.
func ParsePartyKind(s string) (PartyKind, error) {
	return parseEnum(s, AllPartyKinds, "party kind")
}

// AgreementKind is the nature of an agreement.
type AgreementKind string

const (
	AgreementPartnership   AgreementKind = "partnership"
	AgreementInvestment    AgreementKind = "investment"
	AgreementCloudServices AgreementKind = "cloud_services"
	AgreementLicence       AgreementKind = "licence"
	AgreementMoU           AgreementKind = "mou"
	AgreementOther         AgreementKind = "other"
)

var agreementKindLabels = labels[AgreementKind]{
	{AgreementPartnership, "Partnership"},
	{AgreementInvestment, "Investment"},
	{AgreementCloudServices, "Cloud services"},
	{AgreementLicence, "Licence"},
	{AgreementMoU, "Memorandum of understanding"},
	{AgreementOther, "Other"},
}

// AllAgreementKinds lists the kinds in the order screens show them.
var AllAgreementKinds = agreementKindLabels.values()

func (k AgreementKind) String() string { return string(k) }

// Label is the kind as people read it.
func (k AgreementKind) Label() string { return agreementKindLabels.of(k) }

// ParseAgreementKind returns the kind named s (its value or its label), or EINVALID.
func ParseAgreementKind(s string) (AgreementKind, error) {
	return parseEnum(s, AllAgreementKinds, "agreement kind")
}

// AgreementStatus is where an agreement stands.
type AgreementStatus string

const (
	StatusDraft      AgreementStatus = "draft"
	StatusActive     AgreementStatus = "active"
	StatusExpired    AgreementStatus = "expired"
	StatusTerminated AgreementStatus = "terminated"
)

var agreementStatusLabels = labels[AgreementStatus]{
	{StatusDraft, "Draft"},
	{StatusActive, "Active"},
	{StatusExpired, "Expired"},
	{StatusTerminated, "Terminated"},
}

// AllAgreementStatuses lists the statuses in the order screens show them.
var AllAgreementStatuses = agreementStatusLabels.values()

func (s AgreementStatus) String() string { return string(s) }

// Label is the status as people read it (the text of its tag).
func (s AgreementStatus) Label() string { return agreementStatusLabels.of(s) }

// ParseAgreementStatus returns the status named s, or EINVALID.
func ParseAgreementStatus(s string) (AgreementStatus, error) {
	return parseEnum(s, AllAgreementStatuses, "agreement status")
}

// EffectiveStatus is the status an agreement has on day today: an active
// agreement whose expiry date has passed is expired, whether or not the
// expiry job has recorded it yet.
func EffectiveStatus(recorded AgreementStatus, expiresOn *time.Time, today time.Time) AgreementStatus {
	if recorded == StatusActive && expiresOn != nil && expiresOn.Before(DateOf(today)) {
		return StatusExpired
	}
	return recorded
}

// ClauseKind is the kind of restriction a clause imposes.
type ClauseKind string

const (
	ClauseExclusivity             ClauseKind = "exclusivity"
	ClauseRightOfFirstRefusal     ClauseKind = "right_of_first_refusal"
	ClauseRightOfFirstNegotiation ClauseKind = "right_of_first_negotiation"
	ClausePreferredProvider       ClauseKind = "preferred_provider"
	ClauseNonCompete              ClauseKind = "non_compete"
	ClauseMostFavouredNation      ClauseKind = "most_favoured_nation"
	ClauseNoticeRequired          ClauseKind = "notice_required"
	ClauseConsentRequired         ClauseKind = "consent_required"
)

var clauseKindLabels = labels[ClauseKind]{
	{ClauseExclusivity, "Exclusivity"},
	{ClauseRightOfFirstRefusal, "Right of first refusal"},
	{ClauseRightOfFirstNegotiation, "Right of first negotiation"},
	{ClausePreferredProvider, "Preferred provider"},
	{ClauseNonCompete, "Non-compete"},
	{ClauseMostFavouredNation, "Most-favoured nation"},
	{ClauseNoticeRequired, "Notice required"},
	{ClauseConsentRequired, "Consent required"},
}

// AllClauseKinds lists the kinds in the order screens show them.
var AllClauseKinds = clauseKindLabels.values()

func (k ClauseKind) String() string { return string(k) }

// Label is the kind as people read it.
func (k ClauseKind) Label() string { return clauseKindLabels.of(k) }

// ParseClauseKind returns the kind named s (its value or its label), or EINVALID.
func ParseClauseKind(s string) (ClauseKind, error) {
	return parseEnum(s, AllClauseKinds, "clause kind")
}

// RestrictionScope says whom a clause restricts.
type RestrictionScope string

const (
	RestrictNamed RestrictionScope = "named" // the parties listed
	RestrictKind  RestrictionScope = "kind"  // any party of one kind, less exceptions
	RestrictAny   RestrictionScope = "any"   // anyone, less exceptions
)

var restrictionScopeLabels = labels[RestrictionScope]{
	{RestrictNamed, "Named parties"},
	{RestrictKind, "Any party of a kind"},
	{RestrictAny, "Any party"},
}

// AllRestrictionScopes lists the scopes in the order screens show them.
var AllRestrictionScopes = restrictionScopeLabels.values()

func (s RestrictionScope) String() string { return string(s) }

// Label is the scope as people read it.
func (s RestrictionScope) Label() string { return restrictionScopeLabels.of(s) }

// ParseRestrictionScope returns the scope named s, or EINVALID.
func ParseRestrictionScope(s string) (RestrictionScope, error) {
	return parseEnum(s, AllRestrictionScopes, "restriction")
}

type enum interface {
	~string
	Label() string
}

// labels lists an enumeration's values with their labels, in the order
// screens show them: one list, so that no value lacks a label or a place.
type labels[T ~string] []labelled[T]

type labelled[T ~string] struct {
	value T
	label string
}

// of is v as people read it; a value missing from the list reads as itself.
func (l labels[T]) of(v T) string {
	for _, e := range l {
		if e.value == v {
			return e.label
		}
	}
	return string(v)
}

// values are the listed values, in order.
func (l labels[T]) values() []T {
	out := make([]T, len(l))
	for i, e := range l {
		out[i] = e.value
	}
	return out
}

// parseEnum accepts a value or its label, in any case, with spaces or
// hyphens for underscores.
func parseEnum[T enum](s string, all []T, what string) (T, error) {
	norm := strings.ToLower(strings.TrimSpace(s))
	alt := strings.NewReplacer(" ", "_", "-", "_").Replace(norm)
	for _, v := range all {
		if string(v) == norm || string(v) == alt || strings.ToLower(v.Label()) == norm {
			return v, nil
		}
	}
	names := make([]string, len(all))
	for i, v := range all {
		names[i] = string(v)
	}
	var zero T
	return zero, Errorf(EINVALID, "%q is not a valid %s; choose one of %s", s, what, strings.Join(names, ", "))
}

// ---------------------------------------------------------------------------
// Concurrency

// StaleError is the ECONFLICT returned when a record changed since the user
// opened it; the service returns the current record with it.
func StaleError(what string, current int64) *Error {
	return &Error{Code: ECONFLICT, Message: fmt.Sprintf(
		"Someone else changed this %s since you opened it (it is now at version %d). "+
			"Your changes were not saved: check the current values and make your change again.", what, current)}
}

// NoLongerApplies is the ECONFLICT of a confirmed action that the record's
// state no longer allows (retiring what is retired, a double submit): what
// names the record ("party", "account").
func NoLongerApplies(what string) *Error {
	return Errorf(ECONFLICT, "That action no longer applies: the %s changed.", what)
}
