package taxonomy

// The category and publish forms' fields, typed here so that handlers only
// pass the values as typed and the messages.

import "slices"
import "strconv"

import "github.com/a-h/templ"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/pages"

// CategoryForm is the category form as typed.
type CategoryForm struct {
	Key, Parent, Name, Definition, Includes, Excludes, Position string
}

// CategoryFields are the category form's fields, filled in with f as typed
// and each field's message from errs. tree offers the parents; self is the
// category edited (nil: a new one, which may choose its key).
func CategoryFields(f CategoryForm, errs map[string]string, tree *dealgate.Taxonomy, self *dealgate.Category) []templ.Component {
	var selfID int64
	if self != nil {
		selfID = self.ID
	}
	creating := self == nil
	fields := []templ.Component{
		components.TextField(components.Field{ID: "name", Name: "name", Label: "Name", Hint: "For example Stateless model APIs", Value: f.Name, Error: errs["name"], MaxLength: 200, Autocomplete: "off"}),
	}
	if creating {
		fields = append(fields, components.TextField(components.Field{ID: "key", Name: "key", Label: "Key (optional)",
			Hint:  "A permanent identifier in lower-case letters, digits and hyphens, for example stateless-model-apis. Leave it blank to make one from the name. It never changes, even when the category is renamed or moved.",
			Value: f.Key, Error: errs["key"], MaxLength: 100, Autocomplete: "off"}))
	}
	fields = append(fields,
		components.SelectField(components.Field{ID: "parent_id", Name: "parent_id", Label: "Sits under", Hint: "Choosing another parent moves the category. Clauses and deals that name it keep pointing at it.",
			Value: f.Parent, Error: errs["parent_id"], Options: parentOptions(tree, selfID, f.Parent)}),
		components.TextArea(components.Field{ID: "definition", Name: "definition", Label: "Definition", Hint: "Say precisely what falls within this category and what does not. Screening and the committee rely on it.",
			Value: f.Definition, Error: errs["definition"], Rows: 6}),
		components.TextArea(components.Field{ID: "inclusion_examples", Name: "inclusion_examples", Label: "Inclusion examples (optional)", Hint: "One per line: things that are in this category.",
			Value: f.Includes, Error: errs["inclusion_examples"], Rows: 4}),
		components.TextArea(components.Field{ID: "exclusion_examples", Name: "exclusion_examples", Label: "Exclusion examples (optional)", Hint: "One per line: things that might seem to be, but are not, with where they belong.",
			Value: f.Excludes, Error: errs["exclusion_examples"], Rows: 4}),
		components.TextField(components.Field{ID: "position", Name: "position", Label: "Order among its siblings (optional)", Hint: "Lower numbers come first; categories with the same number are in alphabetical order.",
			Type: "text", Inputmode: "numeric", Value: f.Position, Error: errs["position"], MaxLength: 7}),
	)
	return fields
}

// parentOptions lists the live categories a category may sit under: not
// itself nor anything below it. The current parent stays listed even if it
// has been retired, so the form shows where the category is.
func parentOptions(t *dealgate.Taxonomy, self int64, selected string) []components.Option {
	opts := []components.Option{{Value: "", Label: "None: a top-level category"}}
	if t == nil {
		return opts
	}
	var below []int64
	if self != 0 {
		below = append(t.Descendants(self), self)
	}
	for _, c := range t.Categories {
		id := strconv.FormatInt(c.ID, 10)
		if slices.Contains(below, c.ID) || (c.Retired && id != selected) {
			continue
		}
		label := t.PathString(c.ID)
		if c.Retired {
			label += " (retired)"
		}
		opts = append(opts, components.Option{Value: id, Label: label})
	}
	return opts
}

// PublishFields are the fields of "Publish version N": the change note as
// typed, and the draft's version the form was rendered from.
func PublishFields(note string, version int64, errs map[string]string) []templ.Component {
	return []templ.Component{
		components.TextArea(components.Field{ID: "change_note", Name: "change_note", Label: "Change note",
			Hint: "What changed and why. It is kept with the version and shown to everyone who reads it.", Value: note, Error: errs["change_note"], Rows: 5}),
		pages.Hidden("version", strconv.FormatInt(version, 10)),
	}
}
