package dealgate

import "cmp"
import "fmt"
import "regexp"
import "slices"
import "strings"
import "time"

// The product-category taxonomy. A category is a stable identity (ID and
// key) that clauses and deals point at; what it is called, where it sits,
// what it means and whether it is retired belongs to a taxonomy version.
// Edits happen in the one draft and become visible when the draft is
// published as the next version; published versions never change.

// TaxonomyStatus is whether a version is still being edited.
type TaxonomyStatus string

const (
	TaxonomyDraft     TaxonomyStatus = "draft"
	TaxonomyPublished TaxonomyStatus = "published"
)

var taxonomyStatusLabels = labels[TaxonomyStatus]{
	{TaxonomyDraft, "Draft"},
	{TaxonomyPublished, "Published"},
}

func (s TaxonomyStatus) String() string { return string(s) }

// Label is the status as people read it.
func (s TaxonomyStatus) Label() string { return taxonomyStatusLabels.of(s) }

// TaxonomyVersion is one version of the taxonomy: the draft or a published one.
type TaxonomyVersion struct {
	ID     int64          `json:"id"`
	Number int            `json:"number,omitempty"` // 1, 2, 3 …; 0 for the draft
	Status TaxonomyStatus `json:"status"`
	// ChangeNote says what changed and why; required to publish.
	ChangeNote      string     `json:"change_note"`
	BasedOnID       *int64     `json:"based_on_id"`
	CreatedAt       time.Time  `json:"created_at"`
	CreatedBy       *int64     `json:"created_by"`
	PublishedAt     *time.Time `json:"published_at"`
	PublishedBy     *int64     `json:"published_by"`
	PublishedByName string     `json:"published_by_name,omitempty"`
	Version         int64      `json:"version"`
}

// Label names the version for people: "Version 3" or "Draft".
func (v TaxonomyVersion) Label() string {
	if v.Status == TaxonomyDraft {
		return "Draft"
	}
	return fmt.Sprintf("Version %d", v.Number)
}

// Category is a node of the taxonomy as it is in one version.
type Category struct {
	ID                int64    `json:"id"`
	Key               string   `json:"key"`
	ParentID          *int64   `json:"parent_id"`
	Name              string   `json:"name"`
	Definition        string   `json:"definition"`
	InclusionExamples []string `json:"inclusion_examples"`
	ExclusionExamples []string `json:"exclusion_examples"`
	Position          int      `json:"position"`
	Retired           bool     `json:"retired"`
	// Version is the revision's version in its taxonomy version, for
	// optimistic concurrency while editing the draft.
	Version           int64 `json:"version"`
	TaxonomyVersionID int64 `json:"taxonomy_version_id"`
	// Depth is 0 for a root; set by NewTaxonomy.
	Depth int `json:"-"`
}

// Ref returns c as a reference.
func (c Category) Ref() CategoryRef {
	return CategoryRef{ID: c.ID, Key: c.Key, Name: c.Name, Retired: c.Retired}
}

// Input returns the category as an edit form's starting values.
func (c Category) Input() CategoryInput {
	return CategoryInput{
		Key: c.Key, ParentID: c.ParentID, Name: c.Name, Definition: c.Definition,
		InclusionExamples: slices.Clone(c.InclusionExamples), ExclusionExamples: slices.Clone(c.ExclusionExamples),
		Position: c.Position,
	}
}

// CategoryInput is what a person enters to create or edit a category. Key
// is set when creating and never changes.
type CategoryInput struct {
	Key               string
	ParentID          *int64
	Name              string
	Definition        string
	InclusionExamples []string
	ExclusionExamples []string
	Position          int
}

var categoryKey = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// CategoryKeyFromName suggests a key for a new category: its name in lower
// case with hyphens ("Stateless model APIs" → "stateless-model-apis").
func CategoryKeyFromName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
			dash = false
		case r == '&':
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
			}
			b.WriteString("and-")
			dash = true
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) > 100 {
		s = strings.Trim(s[:100], "-")
	}
	return s
}

// Validate cleans in and reports every problem by form field. creating
// says whether the key is being chosen now.
func (in *CategoryInput) Validate(creating bool) error {
	return validated(func(v *Validation) { in.ValidateInto(v, creating) })
}

// ValidateInto cleans in and adds its problems to v.
func (in *CategoryInput) ValidateInto(v *Validation, creating bool) {
	in.Key = strings.ToLower(strings.TrimSpace(in.Key))
	in.Name = cleanLine(in.Name)
	in.Definition = cleanText(in.Definition)
	in.InclusionExamples = cleanExamples(in.InclusionExamples)
	in.ExclusionExamples = cleanExamples(in.ExclusionExamples)
	if in.ParentID != nil && *in.ParentID <= 0 {
		in.ParentID = nil
	}
	if creating {
		if in.Key == "" {
			in.Key = CategoryKeyFromName(in.Name)
		}
		if !categoryKey.MatchString(in.Key) || len(in.Key) > 100 {
			v.Add("key", "Use lower-case letters, digits and single hyphens, for example stateless-model-apis")
		}
	}
	switch {
	case in.Name == "":
		v.Add("name", "Enter the category's name")
	case tooLong(in.Name, 200):
		v.Add("name", "Name must be 200 characters or fewer")
	}
	switch {
	case in.Definition == "":
		v.Add("definition", "Enter a precise definition: what falls within this category and what does not")
	case tooLong(in.Definition, 5000):
		v.Add("definition", "Definition must be 5,000 characters or fewer")
	}
	for field, ex := range map[string][]string{"inclusion_examples": in.InclusionExamples, "exclusion_examples": in.ExclusionExamples} {
		if len(ex) > 50 {
			v.Add(field, "List at most 50 examples")
		}
		for _, e := range ex {
			v.maxChars(field, e, 500, "Each example must be 500 characters or fewer")
		}
	}
	for _, e := range in.InclusionExamples {
		if slices.Contains(in.ExclusionExamples, e) {
			v.Add("exclusion_examples", fmt.Sprintf("%q is listed as both included and excluded", e))
		}
	}
}

func cleanExamples(in []string) []string {
	out := []string{}
	for _, e := range in {
		for _, s := range strings.Split(e, "\n") {
			if s = cleanLine(s); s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Taxonomy is one version's whole tree, in depth-first order (siblings by
// position, then name), with lookups for screening and display.
type Taxonomy struct {
	Version    TaxonomyVersion
	Categories []Category
	byID       map[int64]int
	children   map[int64][]int64 // 0: roots
	live       []Category        // the live categories, built once (see Live)
}

// NewTaxonomy orders cats into a tree and indexes them. Categories whose
// parent is missing are treated as roots; cycles are broken.
func NewTaxonomy(v TaxonomyVersion, cats []Category) *Taxonomy {
	t := &Taxonomy{Version: v, byID: map[int64]int{}, children: map[int64][]int64{}}
	known := map[int64]Category{}
	for _, c := range cats {
		known[c.ID] = c
	}
	for _, c := range cats {
		p := int64(0)
		if c.ParentID != nil {
			if _, ok := known[*c.ParentID]; ok {
				p = *c.ParentID
			}
		}
		t.children[p] = append(t.children[p], c.ID)
	}
	for p, ids := range t.children {
		slices.SortFunc(ids, func(a, b int64) int {
			ca, cb := known[a], known[b]
			return cmp.Or(cmp.Compare(ca.Position, cb.Position), cmp.Compare(strings.ToLower(ca.Name), strings.ToLower(cb.Name)), cmp.Compare(a, b))
		})
		t.children[p] = ids
	}
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, id := range t.children[parent] {
			if _, seen := t.byID[id]; seen {
				continue
			}
			c := known[id]
			c.Depth = depth
			t.byID[id] = len(t.Categories)
			t.Categories = append(t.Categories, c)
			walk(id, depth+1)
		}
	}
	walk(0, 0)
	// Anything unreachable sits in a cycle; show it as a root rather than lose it.
	for _, c := range cats {
		if _, ok := t.byID[c.ID]; !ok {
			c.Depth = 0
			t.byID[c.ID] = len(t.Categories)
			t.Categories = append(t.Categories, c)
			walk(c.ID, 1)
		}
	}
	t.live = liveOf(t.Categories)
	return t
}

// Category returns the category with id.
func (t *Taxonomy) Category(id int64) (Category, bool) {
	if i, ok := t.byID[id]; ok {
		return t.Categories[i], true
	}
	return Category{}, false
}

// ByKey returns the category with key.
func (t *Taxonomy) ByKey(key string) (Category, bool) {
	for _, c := range t.Categories {
		if c.Key == key {
			return c, true
		}
	}
	return Category{}, false
}

// Children returns the children of id in order; id 0 returns the roots.
func (t *Taxonomy) Children(id int64) []Category {
	var out []Category
	for _, cid := range t.children[id] {
		c, _ := t.Category(cid)
		out = append(out, c)
	}
	return out
}

// Path returns the categories from the root down to id, inclusive.
func (t *Taxonomy) Path(id int64) []Category {
	var path []Category
	for range len(t.Categories) + 1 { // bounded: a cycle cannot loop forever
		c, ok := t.Category(id)
		if !ok {
			break
		}
		path = append(path, c)
		if c.ParentID == nil {
			break
		}
		id = *c.ParentID
		if slices.ContainsFunc(path, func(p Category) bool { return p.ID == id }) {
			break
		}
	}
	slices.Reverse(path)
	return path
}

// PathString writes the path of id as "AI services › Foundation models".
func (t *Taxonomy) PathString(id int64) string {
	var names []string
	for _, c := range t.Path(id) {
		names = append(names, c.Name)
	}
	return strings.Join(names, " › ")
}

// IsWithin reports whether id is ancestor or one of its descendants.
func (t *Taxonomy) IsWithin(id, ancestor int64) bool {
	return slices.ContainsFunc(t.Path(id), func(c Category) bool { return c.ID == ancestor })
}

// Descendants returns the IDs of every category below id.
func (t *Taxonomy) Descendants(id int64) []int64 {
	var out []int64
	var walk func(int64)
	walk = func(p int64) {
		for _, c := range t.children[p] {
			if c == id || slices.Contains(out, c) {
				continue
			}
			out = append(out, c)
			walk(c)
		}
	}
	walk(id)
	return out
}

// Live returns the categories that are not retired, in tree order. It is
// built once per taxonomy (published versions are cached and shared by
// every request), so callers must not modify it.
func (t *Taxonomy) Live() []Category {
	if t.live == nil && len(t.Categories) > 0 {
		// A taxonomy built without NewTaxonomy.
		return liveOf(t.Categories)
	}
	return t.live
}

func liveOf(cats []Category) []Category {
	out := make([]Category, 0, len(cats))
	for _, c := range cats {
		if !c.Retired {
			out = append(out, c)
		}
	}
	return slices.Clip(out)
}

// TaxonomyChangeKind is one kind of difference between two versions.
type TaxonomyChangeKind string

const (
	ChangeAdded     TaxonomyChangeKind = "added"
	ChangeRetired   TaxonomyChangeKind = "retired"
	ChangeRestored  TaxonomyChangeKind = "restored"
	ChangeMoved     TaxonomyChangeKind = "moved"
	ChangeRenamed   TaxonomyChangeKind = "renamed"
	ChangeRedefined TaxonomyChangeKind = "redefined"
	ChangeExamples  TaxonomyChangeKind = "examples_changed"
)

var taxonomyChangeKindLabels = labels[TaxonomyChangeKind]{
	{ChangeAdded, "Added"},
	{ChangeRetired, "Retired"},
	{ChangeRestored, "Restored"},
	{ChangeMoved, "Moved"},
	{ChangeRenamed, "Renamed"},
	{ChangeRedefined, "Definition changed"},
	{ChangeExamples, "Examples changed"},
}

// Label is the change as people read it.
func (k TaxonomyChangeKind) Label() string { return taxonomyChangeKindLabels.of(k) }

// TaxonomyChange is one difference for one category. From and To are plain
// text: names, paths, definitions or example lists (one per line).
type TaxonomyChange struct {
	Kind       TaxonomyChangeKind
	CategoryID int64
	Key        string
	Name       string // as in the newer version
	From, To   string
}

// DiffTaxonomies lists what changed from one version to another, in the
// newer version's tree order (categories gone from it last).
func DiffTaxonomies(from, to *Taxonomy) []TaxonomyChange {
	var out []TaxonomyChange
	add := func(k TaxonomyChangeKind, c Category, a, b string) {
		out = append(out, TaxonomyChange{Kind: k, CategoryID: c.ID, Key: c.Key, Name: c.Name, From: a, To: b})
	}
	parentPath := func(t *Taxonomy, c Category) string {
		if c.ParentID == nil {
			return "(top level)"
		}
		return t.PathString(*c.ParentID)
	}
	for _, nc := range to.Categories {
		oc, ok := from.Category(nc.ID)
		if !ok {
			if !nc.Retired {
				add(ChangeAdded, nc, "", to.PathString(nc.ID))
			}
			continue
		}
		switch {
		case !oc.Retired && nc.Retired:
			add(ChangeRetired, nc, from.PathString(nc.ID), "")
		case oc.Retired && !nc.Retired:
			add(ChangeRestored, nc, "", to.PathString(nc.ID))
		}
		if !equalPtr(oc.ParentID, nc.ParentID) {
			add(ChangeMoved, nc, parentPath(from, oc), parentPath(to, nc))
		}
		if oc.Name != nc.Name {
			add(ChangeRenamed, nc, oc.Name, nc.Name)
		}
		if oc.Definition != nc.Definition {
			add(ChangeRedefined, nc, oc.Definition, nc.Definition)
		}
		if !slices.Equal(oc.InclusionExamples, nc.InclusionExamples) || !slices.Equal(oc.ExclusionExamples, nc.ExclusionExamples) {
			add(ChangeExamples, nc, formatExamples(oc), formatExamples(nc))
		}
	}
	for _, oc := range from.Categories {
		if _, ok := to.Category(oc.ID); !ok && !oc.Retired {
			add(ChangeRetired, oc, from.PathString(oc.ID), "")
		}
	}
	return out
}

func formatExamples(c Category) string {
	var b strings.Builder
	for _, e := range c.InclusionExamples {
		b.WriteString("Includes: " + e + "\n")
	}
	for _, e := range c.ExclusionExamples {
		b.WriteString("Excludes: " + e + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// ValidateCategoryPlacement checks a category's place in the draft tree t:
// the parent exists and is live, the category does not become its own
// ancestor, and no live sibling has the same name. id is 0 for a new
// category.
func ValidateCategoryPlacement(t *Taxonomy, id int64, in CategoryInput, v *Validation) {
	if in.ParentID != nil {
		p, ok := t.Category(*in.ParentID)
		switch {
		case !ok:
			v.Add("parent_id", "Choose a parent from this taxonomy")
		case p.Retired:
			v.Add("parent_id", fmt.Sprintf("%s is retired; choose a live parent", p.Name))
		case id != 0 && t.IsWithin(p.ID, id):
			v.Add("parent_id", "A category cannot be placed under itself or one of its own subcategories")
		}
	}
	parent := int64(0)
	if in.ParentID != nil {
		parent = *in.ParentID
	}
	for _, s := range t.Children(parent) {
		if s.ID != id && !s.Retired && strings.EqualFold(s.Name, in.Name) {
			v.Add("name", fmt.Sprintf("%s already has a category called %q", placeName(t, parent), s.Name))
		}
	}
}

func placeName(t *Taxonomy, parent int64) string {
	if parent == 0 {
		return "The top level"
	}
	return t.PathString(parent)
}

// CategoryHistoryEntry is a category as it was in one published version.
type CategoryHistoryEntry struct {
	VersionNumber int
	PublishedAt   time.Time
	ParentID      *int64
	Name          string
	Retired       bool
}

// CategoryFate summarises a category's history for people: the version that
// retired it (0 if live in the last one) and the versions that moved it.
func CategoryFate(h []CategoryHistoryEntry) (retiredIn int, movedIn []int) {
	for i, e := range h {
		if i > 0 && !equalPtr(h[i-1].ParentID, e.ParentID) {
			movedIn = append(movedIn, e.VersionNumber)
		}
		switch {
		case e.Retired && retiredIn == 0:
			retiredIn = e.VersionNumber
		case !e.Retired:
			retiredIn = 0
		}
	}
	return retiredIn, movedIn
}
