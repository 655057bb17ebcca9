package dealgate

// The agreement register: parties, agreements, their clauses and documents.
// The product-category taxonomy is in register_taxonomy.go and the clause
// sentence in register_sentence.go.
//
// Calendar days (signed, effective, expiry, validity) are time.Time values at
// midnight UTC, stored as Postgres `date`. Money is integer minor units with
// an ISO 4217 code. Field names in validation errors are the form's field
// names.

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

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

// AllPartyKinds lists the kinds in the order screens show them.
var AllPartyKinds = []PartyKind{PartyCloudProvider, PartyModelDeveloper, PartyReseller, PartyInvestor, PartyOther}

func (k PartyKind) String() string { return string(k) }

// Label is the kind as people read it.
func (k PartyKind) Label() string {
	switch k {
	case PartyCloudProvider:
		return "Cloud provider"
	case PartyModelDeveloper:
		return "Model developer"
	case PartyReseller:
		return "Reseller"
	case PartyInvestor:
		return "Investor"
	case PartyOther:
		return "Other"
	}
	return string(k)
}

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

// AllAgreementKinds lists the kinds in the order screens show them.
var AllAgreementKinds = []AgreementKind{AgreementPartnership, AgreementInvestment, AgreementCloudServices, AgreementLicence, AgreementMoU, AgreementOther}

func (k AgreementKind) String() string { return string(k) }

// Label is the kind as people read it.
func (k AgreementKind) Label() string {
	switch k {
	case AgreementPartnership:
		return "Partnership"
	case AgreementInvestment:
		return "Investment"
	case AgreementCloudServices:
		return "Cloud services"
	case AgreementLicence:
		return "Licence"
	case AgreementMoU:
		return "Memorandum of understanding"
	case AgreementOther:
		return "Other"
	}
	return string(k)
}

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

// AllAgreementStatuses lists the statuses in the order screens show them.
var AllAgreementStatuses = []AgreementStatus{StatusDraft, StatusActive, StatusExpired, StatusTerminated}

func (s AgreementStatus) String() string { return string(s) }

// Label is the status as people read it (the text of its tag).
func (s AgreementStatus) Label() string {
	switch s {
	case StatusDraft:
		return "Draft"
	case StatusActive:
		return "Active"
	case StatusExpired:
		return "Expired"
	case StatusTerminated:
		return "Terminated"
	}
	return string(s)
}

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

// AllClauseKinds lists the kinds in the order screens show them.
var AllClauseKinds = []ClauseKind{ClauseExclusivity, ClauseRightOfFirstRefusal, ClauseRightOfFirstNegotiation,
	ClausePreferredProvider, ClauseNonCompete, ClauseMostFavouredNation, ClauseNoticeRequired, ClauseConsentRequired}

func (k ClauseKind) String() string { return string(k) }

// Label is the kind as people read it.
func (k ClauseKind) Label() string {
	switch k {
	case ClauseExclusivity:
		return "Exclusivity"
	case ClauseRightOfFirstRefusal:
		return "Right of first refusal"
	case ClauseRightOfFirstNegotiation:
		return "Right of first negotiation"
	case ClausePreferredProvider:
		return "Preferred provider"
	case ClauseNonCompete:
		return "Non-compete"
	case ClauseMostFavouredNation:
		return "Most-favoured nation"
	case ClauseNoticeRequired:
		return "Notice required"
	case ClauseConsentRequired:
		return "Consent required"
	}
	return string(k)
}

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

// AllRestrictionScopes lists the scopes in the order screens show them.
var AllRestrictionScopes = []RestrictionScope{RestrictNamed, RestrictKind, RestrictAny}

func (s RestrictionScope) String() string { return string(s) }

// Label is the scope as people read it.
func (s RestrictionScope) Label() string {
	switch s {
	case RestrictNamed:
		return "Named parties"
	case RestrictKind:
		return "Any party of a kind"
	case RestrictAny:
		return "Any party"
	}
	return string(s)
}

// ParseRestrictionScope returns the scope named s, or EINVALID.
func ParseRestrictionScope(s string) (RestrictionScope, error) {
	return parseEnum(s, AllRestrictionScopes, "restriction")
}

type enum interface {
	~string
	Label() string
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
// Dates and money

// DateOf returns the calendar day of t (in t's location) as midnight UTC.
func DateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Day builds a calendar day.
func Day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// DateLayout is how calendar days are written in forms, CSV and sentences.
const DateLayout = "2006-01-02"

// ParseDate reads an optional YYYY-MM-DD day; "" is nil.
func ParseDate(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return nil, Errorf(EINVALID, "Enter a date as YYYY-MM-DD, for example 2030-12-31")
	}
	if t.Year() < 1900 || t.Year() > 2200 {
		return nil, Errorf(EINVALID, "Enter a year between 1900 and 2200")
	}
	return &t, nil
}

// FormatDate writes an optional day as YYYY-MM-DD, "" for nil.
func FormatDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(DateLayout)
}

// Currency is an ISO 4217 currency the register accepts.
type Currency struct {
	Code     string
	Name     string
	Exponent int // digits after the decimal point (minor units)
}

// Currencies are the codes accepted for agreement values: the common ones.
var Currencies = []Currency{
	{"USD", "US dollar", 2}, {"EUR", "Euro", 2}, {"GBP", "Pound sterling", 2}, {"JPY", "Japanese yen", 0},
	{"CHF", "Swiss franc", 2}, {"CAD", "Canadian dollar", 2}, {"AUD", "Australian dollar", 2},
	{"NZD", "New Zealand dollar", 2}, {"CNY", "Chinese yuan", 2}, {"HKD", "Hong Kong dollar", 2},
	{"SGD", "Singapore dollar", 2}, {"INR", "Indian rupee", 2}, {"KRW", "South Korean won", 0},
	{"TWD", "New Taiwan dollar", 2}, {"SEK", "Swedish krona", 2}, {"NOK", "Norwegian krone", 2},
	{"DKK", "Danish krone", 2}, {"PLN", "Polish złoty", 2}, {"BRL", "Brazilian real", 2},
	{"MXN", "Mexican peso", 2}, {"ZAR", "South African rand", 2}, {"AED", "UAE dirham", 2},
	{"SAR", "Saudi riyal", 2}, {"ILS", "Israeli new shekel", 2},
}

// LookupCurrency returns the currency with code, which must be exactly three
// upper-case letters.
func LookupCurrency(code string) (Currency, bool) {
	for _, c := range Currencies {
		if c.Code == code {
			return c, true
		}
	}
	return Currency{}, false
}

// Money is an amount in minor units of a currency (cents for USD).
type Money struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

// String writes the amount in major units with thousands separators and
// the currency code: "USD 11,000,000,000.00".
func (m Money) String() string {
	c, ok := LookupCurrency(m.Currency)
	exp := 2
	if ok {
		exp = c.Exponent
	}
	return m.Currency + " " + formatMinor(m.Minor, exp, true)
}

// Amount writes the amount in major units without separators, as ParseMoney
// reads it back ("11000000000.00").
func (m Money) Amount() string {
	exp := 2
	if c, ok := LookupCurrency(m.Currency); ok {
		exp = c.Exponent
	}
	return formatMinor(m.Minor, exp, false)
}

func formatMinor(minor int64, exp int, group bool) string {
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := strconv.FormatInt(minor, 10)
	for len(s) <= exp {
		s = "0" + s
	}
	whole, frac := s[:len(s)-exp], s[len(s)-exp:]
	if group {
		var b strings.Builder
		for i, r := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(r)
		}
		whole = b.String()
	}
	out := whole
	if exp > 0 {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// ParseMoney reads an amount in major units ("11,000,000,000" or
// "1250.50") in currency. An empty amount is nil. Errors are EINVALID with a
// message for the "value" or "currency" field.
func ParseMoney(amount, currency string) (*Money, error) {
	amount = strings.TrimSpace(amount)
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if amount == "" {
		if currency != "" {
			if _, msg := validCurrency(currency); msg != "" {
				return nil, &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"currency": msg}}
			}
		}
		return nil, nil
	}
	bad := func(field, msg string) (*Money, error) {
		return nil, &Error{Code: EINVALID, Message: msg, Fields: map[string]string{field: msg}}
	}
	if currency == "" {
		return bad("currency", "Choose the currency of the value")
	}
	cur, msg := validCurrency(currency)
	if msg != "" {
		return bad("currency", msg)
	}
	amount = strings.NewReplacer(",", "", " ", "", "_", "").Replace(amount)
	whole, frac, hasFrac := strings.Cut(amount, ".")
	if whole == "" || !allDigits(whole) || (hasFrac && !allDigits(frac)) {
		return bad("value", "Enter the value as a number, for example 11000000000 or 1250.50")
	}
	if len(frac) > cur.Exponent {
		if cur.Exponent == 0 {
			return bad("value", cur.Code+" has no minor units; enter a whole number")
		}
		return bad("value", fmt.Sprintf("%s has %d digits after the decimal point at most", cur.Code, cur.Exponent))
	}
	frac += strings.Repeat("0", cur.Exponent-len(frac))
	minor, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return bad("value", "That value is too large")
	}
	return &Money{Minor: minor, Currency: cur.Code}, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// validCurrency returns the currency with code, or a message saying why
// code is not accepted.
func validCurrency(code string) (Currency, string) {
	if len(code) != 3 || !isLetters(code) {
		return Currency{}, "Enter a three-letter ISO 4217 currency code in capitals, for example USD"
	}
	c, ok := LookupCurrency(code)
	if !ok {
		return Currency{}, code + " is not a currency the register accepts"
	}
	return c, ""
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// Region is a territory a clause may be limited to.
type Region struct {
	Code, Name string
}

// Regions are the territories clauses name, besides "worldwide".
var Regions = []Region{
	{"US", "United States"}, {"CA", "Canada"}, {"NA", "North America"}, {"LATAM", "Latin America"},
	{"BR", "Brazil"}, {"UK", "United Kingdom"}, {"EU", "European Union"}, {"EEA", "European Economic Area"},
	{"DE", "Germany"}, {"FR", "France"}, {"EMEA", "Europe, Middle East and Africa"},
	{"MEA", "Middle East and Africa"}, {"APAC", "Asia-Pacific"}, {"CN", "China"}, {"JP", "Japan"},
	{"KR", "South Korea"}, {"IN", "India"}, {"SG", "Singapore"}, {"AU", "Australia"},
}

// LookupRegion returns the region with code.
func LookupRegion(code string) (Region, bool) {
	for _, r := range Regions {
		if r.Code == code {
			return r, true
		}
	}
	return Region{}, false
}

// ---------------------------------------------------------------------------
// Text

// Highlight markers: ts_headline wraps matches in these private-use
// characters, which cleanText removes from everything stored, so they can
// only come from the search and the snippet splits back safely.
const (
	HighlightStart = "\uE000"
	HighlightStop  = "\uE001"
)

// HighlightSegment is a run of snippet text; Match marks a search hit.
type HighlightSegment struct {
	Text  string
	Match bool
}

// Highlight is a search snippet as plain-text segments. Templates render
// each segment escaped, wrapping matches in <mark>; no HTML comes from the
// database.
type Highlight []HighlightSegment

// ParseHighlight splits text marked with HighlightStart/HighlightStop.
func ParseHighlight(s string) Highlight {
	var h Highlight
	match := false
	for s != "" {
		sep := HighlightStart
		if match {
			sep = HighlightStop
		}
		before, after, found := strings.Cut(s, sep)
		if before != "" {
			h = append(h, HighlightSegment{Text: before, Match: match})
		}
		if !found {
			break
		}
		s = after
		match = !match
	}
	return h
}

// String is the snippet as plain text.
func (h Highlight) String() string {
	var b strings.Builder
	for _, s := range h {
		b.WriteString(s.Text)
	}
	return b.String()
}

// HasMatch reports whether any segment is a hit.
func (h Highlight) HasMatch() bool {
	return slices.ContainsFunc(h, func(s HighlightSegment) bool { return s.Match })
}

// cleanText trims s, unifies line endings and drops characters that must
// never be stored: NUL, the highlight markers and other control characters
// except tab and newline.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case r == 0xE000 || r == 0xE001, unicode.IsControl(r), r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// CleanText is cleanText for callers outside the domain (notes, memos).
func CleanText(s string) string { return cleanText(s) }

// cleanLine is cleanText for one-line fields: runs of white space become one space.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(cleanText(s)), " ")
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// SplitList splits a textarea or CSV cell into trimmed, non-empty items, one
// per line or separated by semicolons (commas are left alone: "Foo, Inc.").
func SplitList(s string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ';' }) {
		if line = cleanLine(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Parties

// PartyRef names a party inside another record.
type PartyRef struct {
	ID   int64     `json:"id"`
	Name string    `json:"name"`
	Kind PartyKind `json:"kind,omitempty"`
}

// Party is a company we deal with.
type Party struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Kind       PartyKind  `json:"kind"`
	Aliases    []string   `json:"aliases"`
	ParentID   *int64     `json:"parent_id"`
	ParentName string     `json:"parent_name,omitempty"`
	Website    string     `json:"website"`
	Notes      string     `json:"notes"`
	RetiredAt  *time.Time `json:"retired_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// Ref returns p as a reference.
func (p Party) Ref() PartyRef { return PartyRef{ID: p.ID, Name: p.Name, Kind: p.Kind} }

// Retired reports whether p has been retired from pickers.
func (p Party) Retired() bool { return p.RetiredAt != nil }

// PartyInput is what a person enters to create or edit a party.
type PartyInput struct {
	Name     string
	Kind     PartyKind
	Aliases  []string
	ParentID *int64
	Website  string
	Notes    string
}

// NormalizePartyName is the form in which names and aliases are compared:
// case-folded, white space collapsed, and a trailing full stop dropped, so
// "Nimbus  Inc." and "nimbus inc" are the same name.
func NormalizePartyName(s string) string {
	s = strings.ToLower(cleanLine(s))
	s = strings.TrimSuffix(s, ".")
	return strings.TrimSpace(s)
}

// Validate cleans in and reports every problem by form field.
func (in *PartyInput) Validate() error {
	var v Validation
	in.ValidateInto(&v)
	return v.Err()
}

// ValidateInto cleans in and adds its problems to v (so a handler can merge
// them with its own parsing errors).
func (in *PartyInput) ValidateInto(v *Validation) {
	in.Name = cleanLine(in.Name)
	in.Website = cleanLine(in.Website)
	in.Notes = cleanText(in.Notes)
	switch {
	case in.Name == "":
		v.Add("name", "Enter the party's name")
	case tooLong(in.Name, 200):
		v.Add("name", "Name must be 200 characters or fewer")
	case NormalizePartyName(in.Name) == "":
		v.Add("name", "Enter a name with letters or digits")
	case strings.Contains(in.Name, ";"):
		// Lists of parties (aliases, CSV cells) are separated by semicolons.
		v.Add("name", "A name cannot contain a semicolon")
	}
	if !slices.Contains(AllPartyKinds, in.Kind) {
		v.Add("kind", "Choose what kind of party this is")
	}
	seen := map[string]bool{NormalizePartyName(in.Name): true}
	var aliases []string
	for _, a := range in.Aliases {
		a = cleanLine(a)
		n := NormalizePartyName(a)
		switch {
		case n == "":
			continue
		case tooLong(a, 200):
			v.Add("aliases", fmt.Sprintf("Alias %q must be 200 characters or fewer", a))
		case seen[n]:
			if n == NormalizePartyName(in.Name) {
				v.Add("aliases", fmt.Sprintf("Alias %q is the party's name; remove it", a))
			} else {
				v.Add("aliases", fmt.Sprintf("Alias %q is listed twice", a))
			}
		}
		seen[n] = true
		aliases = append(aliases, a)
	}
	if len(aliases) > 50 {
		v.Add("aliases", "A party may have at most 50 aliases")
	}
	in.Aliases = aliases
	if in.ParentID != nil && *in.ParentID <= 0 {
		in.ParentID = nil
	}
	if in.Website != "" {
		u, err := url.Parse(in.Website)
		if err == nil && u.Scheme == "" && !strings.Contains(in.Website, "://") {
			u, err = url.Parse("https://" + in.Website)
		}
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.Contains(u.Host, "."):
			v.Add("website", "Enter a web address such as https://example.com")
		case tooLong(u.String(), 500):
			v.Add("website", "Web address must be 500 characters or fewer")
		default:
			in.Website = u.String()
		}
	}
	if tooLong(in.Notes, 20000) {
		v.Add("notes", "Notes must be 20,000 characters or fewer")
	}
}

// PartyFilter narrows the party list. Query matches any part of a name or
// alias.
type PartyFilter struct {
	Query          string
	Kind           PartyKind
	IncludeRetired bool
	Sort           string // one of PartySortKeys; default "name"
	Desc           bool
	Page, PerPage  int
}

// PartySortKeys are the columns the party list sorts by.
var PartySortKeys = []string{"name", "kind", "updated_at"}

// Normalize fixes paging and replaces an unknown sort key with the default.
func (f PartyFilter) Normalize() PartyFilter {
	f.Query = cleanLine(f.Query)
	if !slices.Contains(PartySortKeys, f.Sort) {
		f.Sort = "name"
	}
	if !slices.Contains(AllPartyKinds, f.Kind) {
		f.Kind = ""
	}
	p := PageRequest{Page: f.Page, PerPage: f.PerPage}.Normalize()
	f.Page, f.PerPage = p.Page, p.PerPage
	return f
}

// ---------------------------------------------------------------------------
// Agreements

// Agreement is a contract with a party.
type Agreement struct {
	ID      int64         `json:"id"`
	Title   string        `json:"title"`
	Party   PartyRef      `json:"party"`
	Kind    AgreementKind `json:"kind"`
	Binding bool          `json:"binding"`
	// Status is the effective status (see EffectiveStatus); RecordedStatus
	// is what is stored.
	Status         AgreementStatus `json:"status"`
	RecordedStatus AgreementStatus `json:"recorded_status"`
	SignedOn       *time.Time      `json:"signed_on"`
	EffectiveOn    *time.Time      `json:"effective_on"`
	ExpiresOn      *time.Time      `json:"expires_on"`
	Value          *Money          `json:"value"`
	OwnerID        *int64          `json:"owner_id"`
	OwnerName      string          `json:"owner_name,omitempty"`
	Summary        string          `json:"summary"`
	Notes          string          `json:"notes"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
	Version        int64           `json:"version"`
}

// Input returns the agreement as an edit form's starting values.
func (a Agreement) Input() AgreementInput {
	return AgreementInput{
		Title: a.Title, PartyID: a.Party.ID, Kind: a.Kind, Binding: a.Binding, Status: a.Status,
		SignedOn: a.SignedOn, EffectiveOn: a.EffectiveOn, ExpiresOn: a.ExpiresOn, Value: a.Value,
		OwnerID: a.OwnerID, Summary: a.Summary, Notes: a.Notes,
	}
}

// AgreementInput is what a person enters to create or edit an agreement.
type AgreementInput struct {
	Title       string
	PartyID     int64
	Kind        AgreementKind
	Binding     bool
	Status      AgreementStatus
	SignedOn    *time.Time
	EffectiveOn *time.Time
	ExpiresOn   *time.Time
	Value       *Money
	OwnerID     *int64
	Summary     string
	Notes       string
}

// Validate cleans in and reports every problem by form field; today decides
// whether an expiry date has passed.
func (in *AgreementInput) Validate(today time.Time) error {
	var v Validation
	in.ValidateInto(&v, today)
	return v.Err()
}

// ValidateInto cleans in and adds its problems to v.
func (in *AgreementInput) ValidateInto(v *Validation, today time.Time) {
	today = DateOf(today)
	in.Title = cleanLine(in.Title)
	in.Summary = cleanText(in.Summary)
	in.Notes = cleanText(in.Notes)
	for _, d := range []**time.Time{&in.SignedOn, &in.EffectiveOn, &in.ExpiresOn} {
		if *d != nil {
			t := DateOf(**d)
			*d = &t
		}
	}
	switch {
	case in.Title == "":
		v.Add("title", "Enter the agreement's title")
	case tooLong(in.Title, 300):
		v.Add("title", "Title must be 300 characters or fewer")
	}
	if in.PartyID <= 0 {
		v.Add("party_id", "Choose the party the agreement is with")
	}
	if !slices.Contains(AllAgreementKinds, in.Kind) {
		v.Add("kind", "Choose what kind of agreement this is")
	}
	if !slices.Contains(AllAgreementStatuses, in.Status) {
		v.Add("status", "Choose the agreement's status")
	}
	if in.SignedOn != nil && in.SignedOn.After(today) {
		v.Add("signed_on", "The signing date cannot be in the future")
	}
	if in.ExpiresOn != nil && in.EffectiveOn != nil && in.ExpiresOn.Before(*in.EffectiveOn) {
		v.Add("expires_on", "The expiry date must be on or after the effective date")
	}
	switch in.Status {
	case StatusActive:
		if in.ExpiresOn != nil && in.ExpiresOn.Before(today) {
			v.Add("status", fmt.Sprintf("The agreement expired on %s, so it cannot be active; choose Expired or change the expiry date", FormatDate(in.ExpiresOn)))
		}
	case StatusExpired:
		if in.ExpiresOn == nil {
			v.Add("expires_on", "Enter the date the agreement expired")
		} else if !in.ExpiresOn.Before(today) {
			v.Add("status", "The expiry date has not passed yet; choose Active or change the expiry date")
		}
	}
	if in.Value != nil {
		if _, msg := validCurrency(in.Value.Currency); msg != "" {
			v.Add("currency", msg)
		}
		if in.Value.Minor < 0 {
			v.Add("value", "The value cannot be negative")
		}
	}
	if in.OwnerID != nil && *in.OwnerID <= 0 {
		in.OwnerID = nil
	}
	if tooLong(in.Summary, 20000) {
		v.Add("summary", "Summary must be 20,000 characters or fewer")
	}
	if tooLong(in.Notes, 20000) {
		v.Add("notes", "Notes must be 20,000 characters or fewer")
	}
}

// AgreementFilter narrows, sorts and pages the agreement list. Zero values
// mean "any". Query is a web-search style full-text query over titles,
// summaries and clause text.
type AgreementFilter struct {
	Query              string
	Status             AgreementStatus
	Kind               AgreementKind
	PartyID            int64
	CategoryID         int64 // agreements with a live clause covering this category, one below it, or one above it that does not exclude it
	Binding            *bool
	ExpiringWithinDays int // active agreements expiring from today to today+N
	Sort               string
	Desc               bool
	Page, PerPage      int
}

// AgreementSortKeys are the columns the agreement list sorts by; "relevance"
// applies only with a Query (and is then the default).
var AgreementSortKeys = []string{"title", "party", "kind", "status", "effective_on", "expires_on", "value", "updated_at", "relevance"}

// Normalize fixes paging and replaces unknown values with defaults, so
// nothing outside the whitelist ever reaches SQL.
func (f AgreementFilter) Normalize() AgreementFilter {
	f.Query = cleanLine(f.Query)
	if tooLong(f.Query, 200) {
		f.Query = string([]rune(f.Query)[:200])
	}
	if !slices.Contains(AllAgreementStatuses, f.Status) {
		f.Status = ""
	}
	if !slices.Contains(AllAgreementKinds, f.Kind) {
		f.Kind = ""
	}
	if f.PartyID < 0 {
		f.PartyID = 0
	}
	if f.CategoryID < 0 {
		f.CategoryID = 0
	}
	if f.ExpiringWithinDays < 0 {
		f.ExpiringWithinDays = 0
	}
	if f.ExpiringWithinDays > 3660 {
		f.ExpiringWithinDays = 3660
	}
	if !slices.Contains(AgreementSortKeys, f.Sort) || (f.Sort == "relevance" && f.Query == "") {
		f.Sort = ""
	}
	if f.Sort == "" {
		if f.Query != "" {
			f.Sort, f.Desc = "relevance", false
		} else {
			f.Sort = "title"
		}
	}
	p := PageRequest{Page: f.Page, PerPage: f.PerPage}.Normalize()
	f.Page, f.PerPage = p.Page, p.PerPage
	return f
}

// AgreementListItem is one row of the agreement list. With a Query, Rank
// orders the results and the highlights show why each matched.
type AgreementListItem struct {
	Agreement
	ClauseCount int
	Rank        float32
	// TitleHighlight is the title with hits marked (the whole title).
	TitleHighlight Highlight
	// Snippet is the best-matching passage of the summary or of a clause;
	// SnippetClauseID says which clause, 0 for the summary.
	Snippet         Highlight
	SnippetClauseID int64
}

// ---------------------------------------------------------------------------
// Clauses

// CategoryRef names a category inside a clause, as it reads in the current
// published taxonomy.
type CategoryRef struct {
	ID      int64  `json:"id"`
	Key     string `json:"key"`
	Name    string `json:"name"`
	Retired bool   `json:"retired,omitempty"`
}

// Clause is a term of an agreement that restricts future deals.
type Clause struct {
	ID                 int64            `json:"id"`
	AgreementID        int64            `json:"agreement_id"`
	Kind               ClauseKind       `json:"kind"`
	Beneficiary        PartyRef         `json:"beneficiary"`
	Categories         []CategoryRef    `json:"categories"`
	ExcludedCategories []CategoryRef    `json:"excluded_categories"`
	Scope              RestrictionScope `json:"restriction_scope"`
	RestrictedKind     PartyKind        `json:"restricted_kind,omitempty"`
	RestrictedParties  []PartyRef       `json:"restricted_parties"`
	Exceptions         []PartyRef       `json:"exceptions"`
	Worldwide          bool             `json:"worldwide"`
	Regions            []string         `json:"regions"`
	// ValidFrom and ValidUntil are the clause's own window; nil inherits the
	// agreement's (see From and Until).
	ValidFrom  *time.Time `json:"valid_from"`
	ValidUntil *time.Time `json:"valid_until"`
	NoticeDays *int       `json:"notice_days"`
	Section    string     `json:"section"`
	Text       string     `json:"text"`
	RetiredAt  *time.Time `json:"retired_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`

	// The agreement, as far as the clause needs it.
	AgreementTitle       string          `json:"-"`
	AgreementStatus      AgreementStatus `json:"-"`
	AgreementBinding     bool            `json:"-"`
	AgreementEffectiveOn *time.Time      `json:"-"`
	AgreementExpiresOn   *time.Time      `json:"-"`
}

// From is the first day the clause applies: its own, else the agreement's.
func (c Clause) From() *time.Time {
	if c.ValidFrom != nil {
		return c.ValidFrom
	}
	return c.AgreementEffectiveOn
}

// Until is the last day the clause applies: its own, else the agreement's.
func (c Clause) Until() *time.Time {
	if c.ValidUntil != nil {
		return c.ValidUntil
	}
	return c.AgreementExpiresOn
}

// InForce reports whether the clause binds on day: it is not retired, its
// agreement is active and day falls in its window.
func (c Clause) InForce(day time.Time) bool {
	day = DateOf(day)
	if c.RetiredAt != nil || c.AgreementStatus != StatusActive {
		return false
	}
	if f := c.From(); f != nil && day.Before(*f) {
		return false
	}
	if u := c.Until(); u != nil && day.After(*u) {
		return false
	}
	return true
}

// Input returns the clause as an edit form's starting values.
func (c Clause) Input() ClauseInput {
	ids := func(refs []PartyRef) []int64 {
		out := make([]int64, len(refs))
		for i, r := range refs {
			out[i] = r.ID
		}
		return out
	}
	cids := func(refs []CategoryRef) []int64 {
		out := make([]int64, len(refs))
		for i, r := range refs {
			out[i] = r.ID
		}
		return out
	}
	return ClauseInput{
		Kind: c.Kind, BeneficiaryID: c.Beneficiary.ID, CategoryIDs: cids(c.Categories),
		ExcludedCategoryIDs: cids(c.ExcludedCategories), Scope: c.Scope, RestrictedKind: c.RestrictedKind,
		RestrictedPartyIDs: ids(c.RestrictedParties), ExceptionPartyIDs: ids(c.Exceptions),
		Worldwide: c.Worldwide, Regions: slices.Clone(c.Regions), ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil,
		NoticeDays: c.NoticeDays, Section: c.Section, Text: c.Text,
	}
}

// ClauseInput is what a person enters to create or edit a clause.
type ClauseInput struct {
	Kind                ClauseKind
	BeneficiaryID       int64
	CategoryIDs         []int64
	ExcludedCategoryIDs []int64
	Scope               RestrictionScope
	RestrictedKind      PartyKind // Scope == RestrictKind
	RestrictedPartyIDs  []int64   // Scope == RestrictNamed
	ExceptionPartyIDs   []int64   // Scope == RestrictKind or RestrictAny
	Worldwide           bool
	Regions             []string // when not Worldwide
	ValidFrom           *time.Time
	ValidUntil          *time.Time
	NoticeDays          *int
	Section             string
	Text                string
}

// Validate cleans in and reports every problem by form field. The window
// must lie within the agreement's, when the agreement has one.
func (in *ClauseInput) Validate(a Agreement) error {
	var v Validation
	in.ValidateInto(&v, a)
	return v.Err()
}

// ValidateInto cleans in and adds its problems to v.
func (in *ClauseInput) ValidateInto(v *Validation, a Agreement) {
	in.Section = cleanLine(in.Section)
	in.Text = cleanText(in.Text)
	in.CategoryIDs = uniqueIDs(in.CategoryIDs)
	in.ExcludedCategoryIDs = uniqueIDs(in.ExcludedCategoryIDs)
	in.RestrictedPartyIDs = uniqueIDs(in.RestrictedPartyIDs)
	in.ExceptionPartyIDs = uniqueIDs(in.ExceptionPartyIDs)
	for _, d := range []**time.Time{&in.ValidFrom, &in.ValidUntil} {
		if *d != nil {
			t := DateOf(**d)
			*d = &t
		}
	}
	if !slices.Contains(AllClauseKinds, in.Kind) {
		v.Add("kind", "Choose what kind of clause this is")
	}
	if in.BeneficiaryID <= 0 {
		v.Add("beneficiary_id", "Choose the party the clause benefits")
	}
	if len(in.CategoryIDs) == 0 {
		v.Add("category_ids", "Choose at least one product category the clause covers")
	}
	for _, id := range in.ExcludedCategoryIDs {
		if slices.Contains(in.CategoryIDs, id) {
			v.Add("excluded_category_ids", "A category cannot be both covered and excluded")
		}
	}
	switch in.Scope {
	case RestrictNamed:
		in.RestrictedKind = ""
		in.ExceptionPartyIDs = nil
		if len(in.RestrictedPartyIDs) == 0 {
			v.Add("restricted_party_ids", "Choose the parties the clause restricts")
		}
	case RestrictKind:
		in.RestrictedPartyIDs = nil
		if !slices.Contains(AllPartyKinds, in.RestrictedKind) {
			v.Add("restricted_kind", "Choose the kind of party the clause restricts")
		}
	case RestrictAny:
		in.RestrictedPartyIDs = nil
		in.RestrictedKind = ""
	default:
		v.Add("restriction_scope", "Choose whom the clause restricts")
	}
	if len(in.ExceptionPartyIDs) > 0 && slices.ContainsFunc(in.ExceptionPartyIDs, func(id int64) bool { return slices.Contains(in.RestrictedPartyIDs, id) }) {
		v.Add("exception_party_ids", "A party cannot be both restricted and an exception")
	}
	if in.Worldwide {
		in.Regions = nil
	} else {
		var regions []string
		for _, r := range in.Regions {
			r = strings.ToUpper(strings.TrimSpace(r))
			if r == "" || slices.Contains(regions, r) {
				continue
			}
			if _, ok := LookupRegion(r); !ok {
				v.Add("regions", fmt.Sprintf("%q is not a region the register knows", r))
				continue
			}
			regions = append(regions, r)
		}
		in.Regions = regions
		if len(regions) == 0 && !v.Has("regions") {
			v.Add("regions", "Choose worldwide or at least one region")
		}
	}
	if in.ValidFrom != nil && in.ValidUntil != nil && in.ValidUntil.Before(*in.ValidFrom) {
		v.Add("valid_until", "The end of the validity window must be on or after its start")
	}
	if in.ValidFrom != nil && a.EffectiveOn != nil && in.ValidFrom.Before(*a.EffectiveOn) {
		v.Add("valid_from", fmt.Sprintf("The clause cannot start before its agreement takes effect (%s)", FormatDate(a.EffectiveOn)))
	}
	if in.ValidUntil != nil && a.ExpiresOn != nil && in.ValidUntil.After(*a.ExpiresOn) {
		v.Add("valid_until", fmt.Sprintf("The clause cannot outlast its agreement (expires %s)", FormatDate(a.ExpiresOn)))
	}
	if in.NoticeDays != nil && (*in.NoticeDays < 0 || *in.NoticeDays > 3650) {
		v.Add("notice_days", "Enter a notice period from 0 to 3,650 days")
	}
	if in.Kind == ClauseNoticeRequired && (in.NoticeDays == nil || *in.NoticeDays < 1) && !v.Has("notice_days") {
		v.Add("notice_days", "Enter how many days' notice the clause requires")
	}
	if tooLong(in.Section, 50) {
		v.Add("section", "Section reference must be 50 characters or fewer")
	}
	switch {
	case in.Text == "":
		v.Add("text", "Enter the clause text as written in the agreement")
	case tooLong(in.Text, 20000):
		v.Add("text", "Clause text must be 20,000 characters or fewer")
	}
}

func uniqueIDs(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if id > 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Documents

// Document content types, decided by sniffing the bytes, never by the name.
const (
	ContentTypePDF  = "application/pdf"
	ContentTypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	ContentTypeText = "text/plain"
)

// DefaultMaxDocumentBytes is the upload limit unless configured otherwise.
const DefaultMaxDocumentBytes = 20 << 20

// Document is an agreement's document, without its content.
type Document struct {
	ID          int64     `json:"id"`
	AgreementID int64     `json:"agreement_id"`
	Filename    string    `json:"filename"` // as uploaded; shown, never used to serve
	ContentType string    `json:"content_type"`
	SizeBytes   int64     `json:"size_bytes"`
	SHA256      []byte    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
	UploadedBy  *int64    `json:"uploaded_by"`
}

// Extension is the file extension for the document's content type.
func (d Document) Extension() string {
	switch d.ContentType {
	case ContentTypePDF:
		return ".pdf"
	case ContentTypeDOCX:
		return ".docx"
	default:
		return ".txt"
	}
}

// DownloadName is the server-chosen file name for a download: ASCII letters,
// digits and hyphens from the uploaded name's stem, the document ID, and the
// extension of the sniffed type. It never contains quotes, slashes or
// control characters, so it is safe in a Content-Disposition header.
func (d Document) DownloadName() string {
	stem := d.Filename
	if i := strings.LastIndexByte(stem, '.'); i > 0 {
		stem = stem[:i]
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(stem) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		s = "document"
	}
	return fmt.Sprintf("agreement-%d-%s-%d%s", d.AgreementID, s, d.ID, d.Extension())
}

// ---------------------------------------------------------------------------
// Expiry watch

// ExpiryItem is an agreement or a clause whose end falls within the watch
// window. ClauseID is 0 for an agreement.
type ExpiryItem struct {
	AgreementID    int64
	AgreementTitle string
	Party          PartyRef
	ClauseID       int64
	ClauseKind     ClauseKind
	Section        string
	EndsOn         time.Time
}

// DaysLeft is the number of days from today until the item ends.
func (e ExpiryItem) DaysLeft(today time.Time) int {
	return int(e.EndsOn.Sub(DateOf(today)).Hours() / 24)
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
