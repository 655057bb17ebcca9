package dealgate

import "fmt"
import "slices"
import "strings"
import "time"

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
	return validated(func(v *Validation) { in.ValidateInto(v, a) })
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
	in.validateScope(v)
	if in.Worldwide {
		in.Regions = nil
	} else {
		var regions []string
		for _, typed := range in.Regions {
			typed = strings.TrimSpace(typed)
			r := strings.ToUpper(typed)
			if r == "" || slices.Contains(regions, r) {
				continue
			}
			if _, ok := LookupRegion(r); !ok {
				v.Add("regions", fmt.Sprintf("%q is not a region the register knows", typed))
				continue
			}
			regions = append(regions, r)
		}
		in.Regions = regions
		if len(regions) == 0 && !v.Has("regions") {
			v.Add("regions", "Choose worldwide or at least one region")
		}
	}
	in.validateWindow(v, a)
	v.maxChars("section", in.Section, 50, "Section reference must be 50 characters or fewer")
	switch {
	case in.Text == "":
		v.Add("text", "Enter the clause text as written in the agreement")
	case tooLong(in.Text, 20000):
		v.Add("text", "Clause text must be 20,000 characters or fewer")
	}
}

// validateScope checks whom the clause restricts, and drops the fields its
// scope does not use.
func (in *ClauseInput) validateScope(v *Validation) {
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
}

// validateWindow checks the clause's validity window against its
// agreement's, and the notice period.
func (in *ClauseInput) validateWindow(v *Validation, a Agreement) {
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
