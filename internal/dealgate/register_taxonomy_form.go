package dealgate

import "strconv"
import "strings"

// CategoryForm is the category form as typed: the parent is a category ID
// as text, the examples one per line, the position a number as text. Its
// field names are the form's and the input's alike.
type CategoryForm struct {
	Key, Parent, Name, Definition, Includes, Excludes, Position string
}

// CategoryFormOf fills the form with a category's saved values.
func CategoryFormOf(cat Category) CategoryForm {
	f := CategoryForm{Key: cat.Key, Name: cat.Name, Definition: cat.Definition,
		Includes: strings.Join(cat.InclusionExamples, "\n"), Excludes: strings.Join(cat.ExclusionExamples, "\n")}
	if cat.ParentID != nil {
		f.Parent = strconv.FormatInt(*cat.ParentID, 10)
	}
	if cat.Position != 0 {
		f.Position = strconv.Itoa(cat.Position)
	}
	return f
}

// Input parses the form into a category's input. A parent or position that
// is not a number is added to v, and then the input's own problems too
// (ValidateInto, on a copy), so that the form reports everything at once;
// the service, finding v not empty, stops before the tree's rules. Without
// such problems v is left alone and the service validates the input once.
func (f CategoryForm) Input(v *Validation, creating bool) CategoryInput {
	in := CategoryInput{
		Key: f.Key, Name: f.Name, Definition: f.Definition,
		InclusionExamples: strings.Split(f.Includes, "\n"), ExclusionExamples: strings.Split(f.Excludes, "\n"),
	}
	if p := strings.TrimSpace(f.Parent); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id < 1 {
			v.Add("parent_id", "Choose a parent from the list")
		} else {
			in.ParentID = &id
		}
	}
	if p := strings.TrimSpace(f.Position); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < -100000 || n > 100000 {
			v.Add("position", "Enter a whole number from -100000 to 100000, for example 10")
		} else {
			in.Position = n
		}
	}
	if v.Err() != nil {
		check := in
		check.ValidateInto(v, creating)
	}
	return in
}
