package dealgate

// Register forms as typed. A form carries what a person entered, as text:
// parties by name or alias, dates and amounts unparsed. A service turns it
// into its Input inside the transaction that saves it: it resolves names to
// IDs with a lookup of its own, parses, validates once and reports every
// problem under the form's field names (see RenameFields), so a handler only
// reads the form, calls the service and renders.

import "fmt"
import "slices"
import "strconv"
import "strings"
import "time"

// PartyLookup finds a party's ID by its name or one of its aliases; an
// unknown name is ENOTFOUND.
type PartyLookup func(name string) (int64, error)

// RenameFields returns err with its field names replaced by names[field],
// where there is one: a domain input's field names become the form's. When
// two fields land on one name, the first message found in order wins.
func RenameFields(err error, names map[string]string, order ...string) error {
	fields := ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	var v Validation
	seen := map[string]bool{}
	add := func(k string) {
		if msg, ok := fields[k]; ok && !seen[k] {
			seen[k] = true
			if to, ok := names[k]; ok {
				k = to
			}
			v.Add(k, msg)
		}
	}
	for _, k := range order {
		add(k)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		add(k)
	}
	return &Error{Code: ErrorCode(err), Message: ErrorMessage(err), Fields: v.fields}
}

// ---------------------------------------------------------------------------
// Parties

// PartyForm is the party form as typed: the parent company by name.
type PartyForm struct {
	Name, Kind, Aliases, Parent, Website, Notes string
}

// PartyFormOf returns p as its edit form shows it.
func PartyFormOf(p Party) PartyForm {
	return PartyForm{Name: p.Name, Kind: string(p.Kind), Aliases: strings.Join(p.Aliases, "\n"), Parent: p.ParentName, Website: p.Website, Notes: p.Notes}
}

// PartyFormFields maps PartyInput's field names to the form's.
var PartyFormFields = map[string]string{"parent_id": "parent"}

// Input turns f into the domain input, resolving the parent company's name
// with party; problems are added to v under PartyInput's field names.
func (f PartyForm) Input(v *Validation, party PartyLookup) (PartyInput, error) {
	in := PartyInput{
		Name: f.Name, Kind: PartyKind(f.Kind), Aliases: SplitList(f.Aliases), Website: f.Website, Notes: f.Notes,
	}
	if name := strings.TrimSpace(f.Parent); name != "" {
		id, err := party(name)
		switch ErrorCode(err) {
		case "":
			in.ParentID = &id
		case ENOTFOUND:
			v.Add("parent_id", fmt.Sprintf("No party called %q is in the register. Check the spelling, or add the parent company first", name))
		default:
			return in, err
		}
	}
	return in, nil
}

// ---------------------------------------------------------------------------
// Agreements

// AgreementForm is the agreement form as typed: the party by name, dates
// and the value as text.
type AgreementForm struct {
	Title, Party, Kind, Status, SignedOn, EffectiveOn, ExpiresOn string
	Value, Currency, Summary, Notes                              string
	Binding                                                      bool
	// SaveDuplicate saves a new agreement although one with the same
	// party, a similar title and overlapping dates exists.
	SaveDuplicate bool
}

// AgreementFormOf returns a as its edit form shows it.
func AgreementFormOf(a Agreement) AgreementForm {
	f := AgreementForm{
		Title: a.Title, Party: a.Party.Name, Kind: string(a.Kind), Status: string(a.RecordedStatus),
		SignedOn: FormatDate(a.SignedOn), EffectiveOn: FormatDate(a.EffectiveOn), ExpiresOn: FormatDate(a.ExpiresOn),
		Summary: a.Summary, Notes: a.Notes, Binding: a.Binding, Currency: "USD",
	}
	if a.Value != nil {
		f.Value, f.Currency = a.Value.Typed(), a.Value.Currency
	}
	return f
}

// AgreementFormFields maps AgreementInput's field names to the form's.
var AgreementFormFields = map[string]string{"party_id": "party"}

// AgreementFormOrder lists the form's fields as they appear.
var AgreementFormOrder = []string{"title", "party_id", "kind", "binding", "status", "signed_on", "effective_on", "expires_on", "value", "currency", "summary", "notes"}

// Input turns f into the domain input, resolving the party's name with
// party; parsing problems are added to v under AgreementInput's field names.
// The caller then validates the input into the same v.
func (f AgreementForm) Input(v *Validation, party PartyLookup) (AgreementInput, error) {
	in := AgreementInput{
		Title: f.Title, Kind: AgreementKind(f.Kind), Status: AgreementStatus(f.Status),
		Binding: f.Binding, Summary: f.Summary, Notes: f.Notes,
	}
	if name := strings.TrimSpace(f.Party); name == "" {
		v.Add("party_id", "Enter the name of the party the agreement is with")
	} else if id, err := party(name); err == nil {
		in.PartyID = id
	} else if ErrorCode(err) == ENOTFOUND {
		v.Add("party_id", "No party has that name or alias; add the party first")
	} else {
		return in, err
	}
	for _, d := range []struct {
		field, raw string
		dst        **time.Time
	}{{"signed_on", f.SignedOn, &in.SignedOn}, {"effective_on", f.EffectiveOn, &in.EffectiveOn}, {"expires_on", f.ExpiresOn, &in.ExpiresOn}} {
		t, err := ParseDate(d.raw)
		if err != nil {
			v.Add(d.field, "Enter a real date, like 2027-03-12")
			continue
		}
		*d.dst = t
	}
	if m, err := ParseMoney(f.Value, f.Currency); err != nil {
		for k, msg := range ErrorFields(err) {
			v.Add(k, msg)
		}
		if len(ErrorFields(err)) == 0 {
			v.Add("value", ErrorMessage(err))
		}
	} else {
		in.Value = m
	}
	return in, nil
}

// ---------------------------------------------------------------------------
// Clauses

// ClauseForm is the clause form as typed: parties by name, one per line of
// RestrictedParties and ExceptionParties; categories by ID.
type ClauseForm struct {
	Kind, Beneficiary, Scope, RestrictedKind   string
	RestrictedParties, ExceptionParties        string
	Categories, Excluded, Regions              []string
	Worldwide                                  bool
	ValidFrom, ValidUntil, NoticeDays, Section string
	Text                                       string
}

// ClauseFormOf returns cl as its edit form shows it.
func ClauseFormOf(cl Clause) ClauseForm {
	names := func(refs []PartyRef) string {
		var out []string
		for _, r := range refs {
			out = append(out, r.Name)
		}
		return strings.Join(out, "\n")
	}
	ids := func(refs []CategoryRef) []string {
		var out []string
		for _, r := range refs {
			out = append(out, strconv.FormatInt(r.ID, 10))
		}
		return out
	}
	f := ClauseForm{
		Kind: string(cl.Kind), Beneficiary: cl.Beneficiary.Name, Scope: string(cl.Scope), RestrictedKind: string(cl.RestrictedKind),
		RestrictedParties: names(cl.RestrictedParties), ExceptionParties: names(cl.Exceptions),
		Categories: ids(cl.Categories), Excluded: ids(cl.ExcludedCategories), Regions: slices.Clone(cl.Regions), Worldwide: cl.Worldwide,
		ValidFrom: FormatDate(cl.ValidFrom), ValidUntil: FormatDate(cl.ValidUntil), Section: cl.Section, Text: cl.Text,
	}
	if cl.NoticeDays != nil {
		f.NoticeDays = strconv.Itoa(*cl.NoticeDays)
	}
	return f
}

// ClauseFormFields maps ClauseInput's field names to the form's.
var ClauseFormFields = map[string]string{
	"beneficiary_id":       "beneficiary",
	"restricted_party_ids": "restricted_parties",
	"exception_party_ids":  "exception_parties",
}

// ClauseFormOrder lists the clause form's fields as they appear.
var ClauseFormOrder = []string{"kind", "beneficiary_id", "category_ids", "excluded_category_ids", "restriction_scope", "restricted_kind",
	"restricted_party_ids", "exception_party_ids", "worldwide", "regions", "valid_from", "valid_until", "notice_days", "section", "text"}

// Input turns f into the domain input, resolving each party name with
// party; parsing problems (an unknown name among them) are added to v under
// ClauseInput's field names. The caller then validates the input into the
// same v, which keeps the first message of each field.
func (f ClauseForm) Input(v *Validation, party PartyLookup) (ClauseInput, error) {
	in := ClauseInput{
		Kind: ClauseKind(f.Kind), Scope: RestrictionScope(f.Scope), RestrictedKind: PartyKind(f.RestrictedKind),
		Worldwide: f.Worldwide, Regions: f.Regions, Section: f.Section, Text: f.Text,
	}
	resolve := func(field, name string) (int64, error) {
		name = strings.TrimSpace(name)
		id, err := party(name)
		if ErrorCode(err) == ENOTFOUND {
			v.Add(field, fmt.Sprintf("No party is called %q; check the name or add the party first", name))
			return 0, nil
		}
		return id, err
	}
	if strings.TrimSpace(f.Beneficiary) != "" {
		id, err := resolve("beneficiary_id", f.Beneficiary)
		if err != nil {
			return in, err
		}
		in.BeneficiaryID = id
	}
	for _, list := range []struct {
		field, raw string
		dst        *[]int64
	}{{"restricted_party_ids", f.RestrictedParties, &in.RestrictedPartyIDs}, {"exception_party_ids", f.ExceptionParties, &in.ExceptionPartyIDs}} {
		for _, name := range strings.Split(list.raw, "\n") {
			if strings.TrimSpace(name) == "" {
				continue
			}
			id, err := resolve(list.field, name)
			if err != nil {
				return in, err
			}
			if id != 0 {
				*list.dst = append(*list.dst, id)
			}
		}
	}
	for _, ids := range []struct {
		raw []string
		dst *[]int64
	}{{f.Categories, &in.CategoryIDs}, {f.Excluded, &in.ExcludedCategoryIDs}} {
		for _, raw := range ids.raw {
			if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
				*ids.dst = append(*ids.dst, id)
			}
		}
	}
	var err error
	if in.ValidFrom, err = ParseDate(f.ValidFrom); err != nil {
		v.Add("valid_from", "Enter a real date, like 2027-03-12")
	}
	if in.ValidUntil, err = ParseDate(f.ValidUntil); err != nil {
		v.Add("valid_until", "Enter a real date, like 2027-03-12")
	}
	if raw := strings.TrimSpace(f.NoticeDays); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			v.Add("notice_days", "Enter the notice period as a whole number of days")
		} else {
			in.NoticeDays = &n
		}
	}
	return in, nil
}

// CheckVersion refuses an edit form that lost the version it was opened at.
func CheckVersion(version int64) error {
	if version < 1 {
		return Errorf(EINVALID, "This form is missing its version. Reload the page and try again.")
	}
	return nil
}
