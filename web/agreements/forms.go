package agreements

// The agreement and clause forms' fields, typed here so that handlers only
// pass the values as typed and the messages.

import "slices"
import "strconv"
import "strings"

import "github.com/a-h/templ"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"

// AgreementFields are the agreement form's fields, filled in with f as
// typed and each field's message from errs.
// addParty, when set, is the URL of "add this party", shown under the
// party field.
func AgreementFields(f dealgate.AgreementForm, errs map[string]string, addParty string) []templ.Component {
	kinds := []components.Option{{Value: "", Label: "Choose a kind"}}
	for _, k := range dealgate.AllAgreementKinds {
		kinds = append(kinds, components.Option{Value: string(k), Label: k.Label()})
	}
	statuses := []components.Option{}
	for _, st := range dealgate.AllAgreementStatuses {
		statuses = append(statuses, components.Option{Value: string(st), Label: st.Label()})
	}
	var currencies []components.Option
	for _, cur := range dealgate.Currencies {
		currencies = append(currencies, components.Option{Value: cur.Code, Label: cur.Code + " – " + cur.Name})
	}
	if f.Status == "" {
		f.Status = string(dealgate.StatusDraft)
	}
	if f.Currency == "" {
		f.Currency = "USD"
	}
	fields := []templ.Component{
		components.TextField(components.Field{ID: "title", Name: "title", Label: "Title", Value: f.Title, Error: errs["title"], MaxLength: 300}),
		PartyField(components.Field{ID: "party", Name: "party", Label: "Party", Hint: "The company's name or one of its aliases, as in the party register", Value: f.Party, Error: errs["party"], MaxLength: 200}, addParty),
		components.SelectField(components.Field{ID: "kind", Name: "kind", Label: "Kind", Value: f.Kind, Error: errs["kind"], Options: kinds}),
		components.CheckboxField(components.Field{ID: "binding", Name: "binding", Label: "Binding agreement", Hint: "Leave unticked for a non-binding memorandum or letter of intent", Value: components.BoolValue(f.Binding), Error: errs["binding"]}),
		components.SelectField(components.Field{ID: "status", Name: "status", Label: "Status", Hint: "An active agreement becomes expired automatically after its expiry date", Value: f.Status, Error: errs["status"], Options: statuses}),
		components.TextField(components.Field{ID: "signed_on", Name: "signed_on", Label: "Signed on", Type: "date", Value: f.SignedOn, Error: errs["signed_on"]}),
		components.TextField(components.Field{ID: "effective_on", Name: "effective_on", Label: "Effective from", Type: "date", Value: f.EffectiveOn, Error: errs["effective_on"]}),
		components.TextField(components.Field{ID: "expires_on", Name: "expires_on", Label: "Expires on", Hint: "Leave empty if it has no fixed end", Type: "date", Value: f.ExpiresOn, Error: errs["expires_on"]}),
		components.TextField(components.Field{ID: "value", Name: "value", Label: "Total value", Hint: "In major units, for example 11,000,000,000 or 1,250.50", Inputmode: "decimal", Value: f.Value, Error: errs["value"], MaxLength: 40}),
		components.SelectField(components.Field{ID: "currency", Name: "currency", Label: "Currency", Value: f.Currency, Error: errs["currency"], Options: currencies}),
		components.TextArea(components.Field{ID: "summary", Name: "summary", Label: "Summary", Hint: "What the agreement does, in plain words; searchable", Value: f.Summary, Error: errs["summary"], Rows: 5}),
		components.TextArea(components.Field{ID: "notes", Name: "notes", Label: "Notes", Value: f.Notes, Error: errs["notes"], Rows: 3}),
	}
	if strings.Contains(errs["title"], "already in the register") || f.SaveDuplicate {
		// The likely-duplicate warning: saying so saves the agreement anyway.
		fields = slices.Insert(fields, 1, components.CheckboxField(components.Field{ID: "save_duplicate", Name: "save_duplicate",
			Label: "This is a different agreement: add it anyway", Value: components.BoolValue(f.SaveDuplicate)}))
	}
	return fields
}

// ClauseFields are the clause form's fields, filled in with f as typed and
// each field's message from errs. Categories come from tax (nil: none
// published yet); the beneficiary's hint names the agreement's party.
func ClauseFields(f dealgate.ClauseForm, errs map[string]string, tax *dealgate.Taxonomy, party string) []templ.Component {
	kinds := []components.Option{{Value: "", Label: "Choose a kind"}}
	for _, k := range dealgate.AllClauseKinds {
		kinds = append(kinds, components.Option{Value: string(k), Label: k.Label(), Selected: string(k) == f.Kind})
	}
	partyKinds := []components.Option{{Value: "", Label: "Choose a kind of party"}}
	for _, k := range dealgate.AllPartyKinds {
		partyKinds = append(partyKinds, components.Option{Value: string(k), Label: k.Label(), Selected: string(k) == f.RestrictedKind})
	}
	var regions []components.Option
	for _, r := range dealgate.Regions {
		regions = append(regions, components.Option{Value: r.Code, Label: r.Name, Selected: slices.Contains(f.Regions, r.Code)})
	}
	restrictedParties := components.TextArea(components.Field{ID: "restricted_parties", Name: "restricted_parties", Label: "Named parties restricted", Hint: "One party name per line. A parent company covers its affiliates.", Value: f.RestrictedParties, Error: errs["restricted_parties"], Rows: 3})
	restrictedKind := components.SelectField(components.Field{ID: "restricted_kind", Name: "restricted_kind", Label: "Kind of party restricted", Hint: "For example any cloud provider", Value: f.RestrictedKind, Error: errs["restricted_kind"], Options: partyKinds})
	var scopes []Reveal
	for _, sc := range dealgate.AllRestrictionScopes {
		r := Reveal{Value: string(sc), Label: sc.Label(), Selected: string(sc) == f.Scope}
		switch sc {
		case dealgate.RestrictNamed:
			r.Fields = []templ.Component{restrictedParties}
		case dealgate.RestrictKind:
			r.Fields = []templ.Component{restrictedKind}
		}
		scopes = append(scopes, r)
	}
	// Exceptions apply to a kind of party or to anyone: one field, shown
	// (with JavaScript) for either.
	exceptions := components.TextArea(components.Field{ID: "exception_parties", Name: "exception_parties", Label: "Exceptions (optional)", Hint: "One party name per line: parties the restriction does not apply to", Value: f.ExceptionParties, Error: errs["exception_parties"], Rows: 2})
	territory := []Reveal{
		{Value: "true", Label: "Worldwide", Selected: f.Worldwide},
		{Value: "false", Label: "Only in some regions", Selected: !f.Worldwide && (len(f.Regions) > 0 || errs[components.GroupID("regions")] != ""),
			Fields: []templ.Component{components.CheckboxGroup("Regions", "regions", "Where the clause applies", errs[components.GroupID("regions")], regions)}},
	}
	excludedOpen := len(f.Excluded) > 0 || errs[components.GroupID("excluded_category_ids")] != ""
	datesOpen := f.ValidFrom != "" || f.ValidUntil != "" || f.NoticeDays != "" || errs["valid_from"] != "" || errs["valid_until"] != "" || errs["notice_days"] != ""
	// On a wide screen: what the clause is in one row; what it covers, whom
	// it restricts and where, side by side; then its text.
	return []templ.Component{
		FieldRow(
			components.SelectField(components.Field{ID: "kind", Name: "kind", Label: "Kind of clause", Value: f.Kind, Error: errs["kind"], Options: kinds}),
			components.TextField(components.Field{ID: "section", Name: "section", Label: "Section reference", Hint: "e.g. 4.2", Value: f.Section, Error: errs["section"], MaxLength: 50}),
			PartyField(components.Field{ID: "beneficiary", Name: "beneficiary", Label: "Beneficiary", Hint: "The party the clause protects, e.g. " + party, Value: f.Beneficiary, Error: errs["beneficiary"], MaxLength: 200}, ""),
		),
		FieldColumns([]templ.Component{CategoryTree("Product categories covered", "category_ids", "The clause restricts deals in these categories and everything below them in the taxonomy.", errs[components.GroupID("category_ids")], categoryTree(tax, f.Categories)),
			Collapsible("Exclude parts of a covered category (optional)", excludedOpen, []templ.Component{
				CategoryTree("Categories explicitly excluded", "excluded_category_ids", "Parts of a covered category the clause does not reach.", errs[components.GroupID("excluded_category_ids")], categoryTree(tax, f.Excluded)),
			})}, []templ.Component{
			RevealGroup("Whom the clause restricts", "restriction_scope", "", errs[components.GroupID("restriction_scope")], scopes),
			RevealOf("restriction_scope", []string{string(dealgate.RestrictKind), string(dealgate.RestrictAny)}, exceptions),
		}, []templ.Component{
			RevealGroup("Where the clause applies", "worldwide", "", errs["worldwide"], territory),
			Collapsible("Dates and notice (optional: by default the agreement's dates)", datesOpen, []templ.Component{FieldRow(
				components.TextField(components.Field{ID: "valid_from", Name: "valid_from", Label: "Applies from", Type: "date", Value: f.ValidFrom, Error: errs["valid_from"]}),
				components.TextField(components.Field{ID: "valid_until", Name: "valid_until", Label: "Applies until", Type: "date", Value: f.ValidUntil, Error: errs["valid_until"]}),
				components.TextField(components.Field{ID: "notice_days", Name: "notice_days", Label: "Notice period (days)", Type: "number", Inputmode: "numeric", Value: f.NoticeDays, Error: errs["notice_days"]}),
			)}),
		}),
		components.TextArea(components.Field{ID: "text", Name: "text", Label: "Clause text", Hint: "As written in the agreement; it is searchable", Value: f.Text, Error: errs["text"], Rows: 4}),
	}
}

// revealItemID numbers a group's inputs as components do: the first has
// the group's id, so an error summary link lands on it.
func revealItemID(groupID string, i int) string {
	if i == 0 {
		return groupID
	}
	return groupID + "-" + strconv.Itoa(i+1)
}

func groupDescribedBy(id, hint, err string) string {
	var ids []string
	if hint != "" {
		ids = append(ids, components.HintID(id))
	}
	if err != "" {
		ids = append(ids, components.ErrorID(id))
	}
	return strings.Join(ids, " ")
}

// categoryTree nests the taxonomy's categories for the clause form. Retired
// categories stay only where chosen.
func categoryTree(tax *dealgate.Taxonomy, selected []string) []CatNode {
	if tax == nil {
		return nil
	}
	children := map[int64][]dealgate.Category{}
	var roots []dealgate.Category
	for _, cat := range tax.Categories {
		if cat.ParentID == nil {
			roots = append(roots, cat)
		} else {
			children[*cat.ParentID] = append(children[*cat.ParentID], cat)
		}
	}
	var build func(cats []dealgate.Category) ([]CatNode, bool)
	build = func(cats []dealgate.Category) ([]CatNode, bool) {
		var out []CatNode
		any := false
		for _, cat := range cats {
			id := strconv.FormatInt(cat.ID, 10)
			sel := slices.Contains(selected, id)
			kids, kidSel := build(children[cat.ID])
			if cat.Retired && !sel && !kidSel {
				continue
			}
			out = append(out, CatNode{ID: id, Name: cat.Name, Retired: cat.Retired, Checked: sel, Open: kidSel, Children: kids})
			any = any || sel || kidSel
		}
		return out, any
	}
	nodes, _ := build(roots)
	return nodes
}
