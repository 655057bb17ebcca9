package dealgate

import "fmt"
import "net/url"
import "slices"
import "strings"
import "time"

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
	return validated(func(v *Validation) { in.ValidateInto(v) })
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
	v.maxChars("notes", in.Notes, 20000, "Notes must be 20,000 characters or fewer")
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
	f.Kind = known(f.Kind, AllPartyKinds)
	p := PageRequest{Page: f.Page, PerPage: f.PerPage}.Normalize()
	f.Page, f.PerPage = p.Page, p.PerPage
	return f
}
