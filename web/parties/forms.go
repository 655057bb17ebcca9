package parties

// The party form's fields, typed here so that handlers only pass the
// values as typed and the messages.

import "github.com/a-h/templ"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"

// PartyFields are the party form's fields, filled in with f as typed and
// each field's message from errs.
func PartyFields(f dealgate.PartyForm, errs map[string]string) []templ.Component {
	var kinds []components.Option
	for _, k := range dealgate.AllPartyKinds {
		kinds = append(kinds, components.Option{Value: string(k), Label: k.Label(), Selected: f.Kind == string(k)})
	}
	return []templ.Component{
		components.TextField(components.Field{ID: "name", Name: "name", Label: "Name", Hint: "The company's full legal or trading name, for example Nimbus Web Services", Value: f.Name, Error: errs["name"], MaxLength: 200, Autocomplete: "off"}),
		components.RadioGroup("Kind", "kind", "What the company is to us.", errs[components.GroupID("kind")], kinds),
		components.TextArea(components.Field{ID: "aliases", Name: "aliases", Label: "Other names (optional)", Hint: "One per line: abbreviations and former or trading names, for example NWS. A name or alias belongs to one party only.", Value: f.Aliases, Error: errs["aliases"], Rows: 4}),
		components.TextField(components.Field{ID: "parent", Name: "parent", Label: "Parent company (optional)", Hint: "The name or alias of a party already in the register. A clause naming the parent covers its affiliates.", Value: f.Parent, Error: errs["parent"], MaxLength: 200, Autocomplete: "off"}),
		components.TextField(components.Field{ID: "website", Name: "website", Label: "Website (optional)", Type: "url", Value: f.Website, Error: errs["website"], MaxLength: 500, Autocomplete: "off"}),
		components.TextArea(components.Field{ID: "notes", Name: "notes", Label: "Notes (optional)", Value: f.Notes, Error: errs["notes"], Rows: 5}),
	}
}
