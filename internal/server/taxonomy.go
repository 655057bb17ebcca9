package server

import "fmt"
import "net/http"
import "slices"
import "strconv"
import "strings"
import "time"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/taxonomy"

// The taxonomy screens. Published versions are read by number
// (/taxonomy?version=3); all edits happen in the one draft, whose
// categories are addressed by their stable IDs.
func (s *Server) registerTaxonomyRoutes() {
	view, edit, publish := need(dealgate.ActRegisterView), need(dealgate.ActRegisterEdit), need(dealgate.ActTaxonomyPublish)
	s.get("/taxonomy", view, s.handleTaxonomyIndex)
	s.get("/taxonomy/versions", view, s.handleTaxonomyVersions)
	s.get("/taxonomy/diff", view, s.handleTaxonomyDiff)
	s.get("/taxonomy/categories/:id", view, s.handleCategoryView)
	s.get("/taxonomy/draft", view, s.handleDraftView)
	s.post("/taxonomy/draft", edit, s.handleDraftStart)
	s.get("/taxonomy/draft/categories/new", edit, s.handleCategoryNew)
	s.post("/taxonomy/draft/categories", edit, s.handleCategoryCreate)
	s.form("/taxonomy/draft/categories/:id/edit", edit, s.handleCategoryEdit, s.handleCategoryUpdate)
	for _, a := range categoryActions {
		s.form("/taxonomy/draft/categories/:id/"+a.slug, edit, s.handleCategoryActionConfirm(a), s.handleCategoryAction(a))
	}
	s.form("/taxonomy/draft/publish", publish, s.handleDraftPublishForm, s.handleDraftPublish)
	// The service lets only those who may publish throw a draft away.
	s.form("/taxonomy/draft/discard", publish, s.handleDraftDiscardConfirm, s.handleDraftDiscard)
}

const taxonomyDraftPath = "/taxonomy/draft"

func categoryPath(id int64) string { return "/taxonomy/categories/" + strconv.FormatInt(id, 10) }

func draftCategoryPath(id int64) string {
	return taxonomyDraftPath + "/categories/" + strconv.FormatInt(id, 10)
}

func taxonomyVersionPath(number int) string { return "/taxonomy?version=" + strconv.Itoa(number) }

func taxonomyDiffPath(from, to string) string {
	return "/taxonomy/diff?from=" + urlQueryEscape(from) + "&to=" + urlQueryEscape(to)
}

// taxonomyVersionKey is how a version is named in URLs: its number, or "draft".
func taxonomyVersionKey(v dealgate.TaxonomyVersion) string {
	if v.Status == dealgate.TaxonomyDraft {
		return "draft"
	}
	return strconv.Itoa(v.Number)
}

// taxonomyVersions returns the draft (nil when there is none) and the
// published versions, newest first.
func (s *Server) taxonomyVersions(c echo.Context) (*dealgate.TaxonomyVersion, []dealgate.TaxonomyVersion, error) {
	all, err := s.register.TaxonomyVersions(c.Request().Context(), currentUser(c))
	if err != nil {
		return nil, nil, err
	}
	var draft *dealgate.TaxonomyVersion
	var published []dealgate.TaxonomyVersion
	for i := range all {
		if all[i].Status == dealgate.TaxonomyDraft {
			draft = &all[i]
		} else {
			published = append(published, all[i])
		}
	}
	slices.SortFunc(published, func(a, b dealgate.TaxonomyVersion) int { return b.Number - a.Number })
	return draft, published, nil
}

func publishedNumber(published []dealgate.TaxonomyVersion, n int) (dealgate.TaxonomyVersion, bool) {
	for _, v := range published {
		if v.Number == n {
			return v, true
		}
	}
	return dealgate.TaxonomyVersion{}, false
}

func publishedLine(v dealgate.TaxonomyVersion, loc *time.Location) string {
	if v.PublishedAt == nil {
		return "Not published"
	}
	out := formatMoment(*v.PublishedAt, loc)
	if v.PublishedByName != "" {
		out += " by " + v.PublishedByName
	}
	return out
}

// nestCategories turns a tree in depth-first order into nested nodes.
func nestCategories(cats []dealgate.Category, node func(dealgate.Category) taxonomy.Node) []taxonomy.Node {
	var build func(i int) (taxonomy.Node, int)
	build = func(i int) (taxonomy.Node, int) {
		n := node(cats[i])
		n.Depth = cats[i].Depth
		j := i + 1
		for j < len(cats) && cats[j].Depth > cats[i].Depth {
			var child taxonomy.Node
			child, j = build(j)
			n.Children = append(n.Children, child)
		}
		return n, j
	}
	var roots []taxonomy.Node
	for i := 0; i < len(cats); {
		var n taxonomy.Node
		n, i = build(i)
		roots = append(roots, n)
	}
	return roots
}

func categoryNode(c dealgate.Category) taxonomy.Node {
	return taxonomy.Node{
		ID: c.ID, Key: c.Key, Name: c.Name, Href: categoryPath(c.ID), Definition: c.Definition,
		Includes: c.InclusionExamples, Excludes: c.ExclusionExamples, Retired: c.Retired,
	}
}

// taxonomyChangesByCategory indexes a diff by category.
func taxonomyChangesByCategory(changes []dealgate.TaxonomyChange) map[int64][]dealgate.TaxonomyChange {
	out := map[int64][]dealgate.TaxonomyChange{}
	for _, ch := range changes {
		out[ch.CategoryID] = append(out[ch.CategoryID], ch)
	}
	return out
}

// maxFateLookups bounds the per-category history lookups a tree page makes
// to say when each retired category was retired.
const maxFateLookups = 100

func (s *Server) handleTaxonomyIndex(c echo.Context) error {
	ctx := c.Request().Context()
	actor := currentUser(c)
	loc := actor.Location()
	draft, published, err := s.taxonomyVersions(c)
	if err != nil {
		return err
	}
	v := taxonomy.TreeView{CanEdit: dealgate.Allowed(actor, dealgate.ActRegisterEdit), HasDraft: draft != nil}
	if len(published) == 0 {
		v.Empty = true
		return s.render(c, http.StatusOK, taxonomy.Tree(s.page(c, "Product categories"), v))
	}
	chosen := published[0]
	if raw := c.QueryParam("version"); raw != "" {
		n, err := strconv.Atoi(raw)
		var ok bool
		if err == nil {
			chosen, ok = publishedNumber(published, n)
		}
		if !ok {
			return dealgate.Errorf(dealgate.ENOTFOUND, "There is no published taxonomy version %q. Choose one from the list of versions.", raw)
		}
	}
	tax, err := s.register.Taxonomy(ctx, actor, chosen.ID)
	if err != nil {
		return err
	}
	v.VersionLabel = chosen.Label()
	v.Current = chosen.ID == published[0].ID
	v.CurrentHref = "/taxonomy"
	v.Published = publishedLine(chosen, loc)
	v.ChangeNote = chosen.ChangeNote
	v.Picker = versionPicker(published, chosen, loc)

	// What this version changed, to label its categories.
	var changed map[int64][]dealgate.TaxonomyChange
	if prev, ok := publishedNumber(published, chosen.Number-1); ok {
		v.DiffHref = taxonomyDiffPath(strconv.Itoa(prev.Number), strconv.Itoa(chosen.Number))
		changes, err := s.register.DiffTaxonomy(ctx, actor, prev.ID, chosen.ID)
		if err != nil {
			return err
		}
		changed = taxonomyChangesByCategory(changes)
	}
	lookups := 0
	var nodeErr error
	v.Roots = nestCategories(tax.Categories, func(cat dealgate.Category) taxonomy.Node {
		n := categoryNode(cat)
		if cat.Retired {
			v.Retired++
		} else {
			v.Live++
		}
		inThis := changed[cat.ID]
		tagChanges(&n, inThis, chosen)
		if cat.Retired {
			retiredIn := 0
			if slices.ContainsFunc(inThis, func(ch dealgate.TaxonomyChange) bool { return ch.Kind == dealgate.ChangeRetired }) {
				retiredIn = chosen.Number
			} else if lookups < maxFateLookups && nodeErr == nil {
				lookups++
				hist, err := s.register.CategoryHistory(ctx, actor, cat.ID)
				if err != nil {
					nodeErr = err
				}
				retiredIn, _ = dealgate.CategoryFate(historyUpTo(hist, chosen.Number))
			}
			n.Tags = append([]taxonomy.Tag{{Kind: "expired", Text: "Retired"}}, n.Tags...)
			n.Notes = append(n.Notes, retiredNote(retiredIn, published, loc))
		}
		return n
	})
	if nodeErr != nil {
		return nodeErr
	}
	return s.render(c, http.StatusOK, taxonomy.Tree(s.page(c, "Product categories"), v))
}

// versionPicker offers every published version, newest first.
func versionPicker(published []dealgate.TaxonomyVersion, chosen dealgate.TaxonomyVersion, loc *time.Location) components.Field {
	f := components.Field{ID: "version", Name: "version", Label: "Version", Value: strconv.Itoa(chosen.Number)}
	for _, pv := range published {
		label := pv.Label()
		if pv.PublishedAt != nil {
			label += ", published " + formatShortDate(pv.PublishedAt.In(loc))
		}
		if pv.ID == published[0].ID {
			label += " (current)"
		}
		f.Options = append(f.Options, components.Option{Value: strconv.Itoa(pv.Number), Label: label})
	}
	return f
}

// tagChanges labels a category's node with what version changed about it.
func tagChanges(n *taxonomy.Node, changes []dealgate.TaxonomyChange, version dealgate.TaxonomyVersion) {
	for _, ch := range changes {
		switch ch.Kind {
		case dealgate.ChangeAdded:
			n.Tags = append(n.Tags, taxonomy.Tag{Kind: "active", Text: "New in " + version.Label()})
		case dealgate.ChangeMoved:
			n.Tags = append(n.Tags, taxonomy.Tag{Kind: "in-review", Text: "Moved in " + version.Label()})
			n.Notes = append(n.Notes, fmt.Sprintf("Moved in %s from under %s to under %s. Clauses and deals that name it keep pointing at it.",
				version.Label(), taxonomyPlaceWords(ch.From), taxonomyPlaceWords(ch.To)))
		case dealgate.ChangeRenamed:
			n.Tags = append(n.Tags, taxonomy.Tag{Kind: "submitted", Text: "Renamed in " + version.Label()})
			n.Notes = append(n.Notes, fmt.Sprintf("Called %q until %s.", ch.From, version.Label()))
		case dealgate.ChangeRedefined:
			n.Tags = append(n.Tags, taxonomy.Tag{Kind: "caution", Text: "Definition changed in " + version.Label()})
		}
	}
}

// historyUpTo keeps the entries of published versions up to number.
func historyUpTo(h []dealgate.CategoryHistoryEntry, number int) []dealgate.CategoryHistoryEntry {
	var out []dealgate.CategoryHistoryEntry
	for _, e := range h {
		if e.VersionNumber <= number {
			out = append(out, e)
		}
	}
	return out
}

// retiredNote says when a category was retired and what that means.
func retiredNote(retiredIn int, published []dealgate.TaxonomyVersion, loc *time.Location) string {
	const meaning = " New clauses and deals cannot choose it; those that already name it keep pointing at it."
	if v, ok := publishedNumber(published, retiredIn); ok && retiredIn > 0 {
		when := ""
		if v.PublishedAt != nil {
			when = ", published " + v.PublishedAt.In(loc).Format("2 January 2006")
		}
		return "Retired in " + v.Label() + when + "." + meaning
	}
	return "Retired." + meaning
}

// taxonomyPlaceWords turns a diff's parent path into words.
func taxonomyPlaceWords(path string) string {
	if path == "" || path == "(top level)" {
		return "the top level"
	}
	return path
}

func (s *Server) handleTaxonomyVersions(c echo.Context) error {
	actor := currentUser(c)
	loc := actor.Location()
	draft, published, err := s.taxonomyVersions(c)
	if err != nil {
		return err
	}
	v := taxonomy.VersionsView{CanEdit: dealgate.Allowed(actor, dealgate.ActRegisterEdit)}
	if draft != nil {
		r := taxonomy.VersionRow{Label: "Draft", Href: taxonomyDraftPath, Status: "Draft", StatusKind: "draft",
			Published: "Not published; started " + formatMoment(draft.CreatedAt, loc)}
		if len(published) > 0 {
			r.DiffHref, r.DiffLabel = taxonomyDiffPath(strconv.Itoa(published[0].Number), "draft"), "Changes from "+published[0].Label()
		}
		v.Rows = append(v.Rows, r)
	}
	for i, pv := range published {
		r := taxonomy.VersionRow{Label: pv.Label(), Href: taxonomyVersionPath(pv.Number), Status: "Replaced", StatusKind: "expired",
			Note: pv.ChangeNote, By: pv.PublishedByName}
		if i == 0 {
			r.Status, r.StatusKind = "Current", "active"
		}
		if pv.PublishedAt != nil {
			r.Published = formatMoment(*pv.PublishedAt, loc)
		}
		if prev, ok := publishedNumber(published, pv.Number-1); ok {
			r.DiffHref, r.DiffLabel = taxonomyDiffPath(strconv.Itoa(prev.Number), strconv.Itoa(pv.Number)), "Changes from "+prev.Label()
		}
		v.Rows = append(v.Rows, r)
	}
	return s.render(c, http.StatusOK, taxonomy.Versions(s.page(c, "Taxonomy versions"), v))
}

// taxonomyChangeKindOrder is the order a diff's summary counts kinds in.
var taxonomyChangeKindOrder = []dealgate.TaxonomyChangeKind{dealgate.ChangeAdded, dealgate.ChangeRetired, dealgate.ChangeRestored,
	dealgate.ChangeMoved, dealgate.ChangeRenamed, dealgate.ChangeRedefined, dealgate.ChangeExamples}

// taxonomyChangeView words one difference for people.
func taxonomyChangeView(ch dealgate.TaxonomyChange) taxonomy.Change {
	out := taxonomy.Change{Kind: string(ch.Kind), KindLabel: ch.Kind.Label(), Name: ch.Name, Href: categoryPath(ch.CategoryID)}
	switch ch.Kind {
	case dealgate.ChangeAdded:
		out.Sentence = "New category at " + ch.To + "."
	case dealgate.ChangeRetired:
		out.Sentence = "Retired; it was at " + ch.From + ". Clauses and deals that name it keep pointing at it, but new ones cannot choose it."
	case dealgate.ChangeRestored:
		out.Sentence = "Back in use at " + ch.To + "."
	case dealgate.ChangeMoved:
		out.Sentence = "Moved from under " + taxonomyPlaceWords(ch.From) + " to under " + taxonomyPlaceWords(ch.To) + ". Clauses and deals that name it keep pointing at it."
	case dealgate.ChangeRenamed:
		out.Sentence = fmt.Sprintf("Renamed from %q to %q.", ch.From, ch.To)
	case dealgate.ChangeRedefined:
		out.Sentence = "The definition changed; this can change which deals the category covers."
		out.Before, out.After = ch.From, ch.To
	case dealgate.ChangeExamples:
		out.Sentence = "The inclusion or exclusion examples changed."
		out.Before, out.After = ch.From, ch.To
	}
	return out
}

func taxonomyChangeSummary(changes []dealgate.TaxonomyChange) string {
	counts := map[dealgate.TaxonomyChangeKind]int{}
	for _, ch := range changes {
		counts[ch.Kind]++
	}
	var parts []string
	for _, k := range taxonomyChangeKindOrder {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(k.Label())))
		}
	}
	total := "1 change"
	if len(changes) != 1 {
		total = fmt.Sprintf("%d changes", len(changes))
	}
	return total + ": " + strings.Join(parts, ", ")
}

func (s *Server) handleTaxonomyDiff(c echo.Context) error {
	actor := currentUser(c)
	draft, published, err := s.taxonomyVersions(c)
	if err != nil {
		return err
	}
	var all []dealgate.TaxonomyVersion
	if draft != nil {
		all = append(all, *draft)
	}
	all = append(all, published...)
	fromKey, toKey := strings.TrimSpace(c.QueryParam("from")), strings.TrimSpace(c.QueryParam("to"))
	v := taxonomy.DiffView{Choosable: len(all) >= 2}
	if fromKey == "" && toKey == "" {
		switch {
		case len(published) >= 2:
			fromKey, toKey = strconv.Itoa(published[1].Number), strconv.Itoa(published[0].Number)
		case len(published) == 1 && draft != nil:
			fromKey, toKey = strconv.Itoa(published[0].Number), "draft"
		case len(published) == 1:
			v.Message = "Only one version has been published, so there is nothing to compare it with yet."
		default:
			v.Message = "No version has been published yet."
		}
	}
	find := func(key string) (dealgate.TaxonomyVersion, bool) {
		for _, tv := range all {
			if taxonomyVersionKey(tv) == key {
				return tv, true
			}
		}
		return dealgate.TaxonomyVersion{}, false
	}
	var val dealgate.Validation
	from, okFrom := find(fromKey)
	to, okTo := find(toKey)
	if v.Message == "" {
		if !okFrom {
			val.Add("from", "Choose the version to compare from")
		}
		if !okTo {
			val.Add("to", "Choose the version to compare with")
		}
		if okFrom && okTo && from.ID == to.ID {
			val.Add("to", "Choose two different versions")
		}
	}
	errs, summary := formErrors(val.Err(), "from", "to")
	v.Errors = summary
	v.From = components.Field{ID: "from", Name: "from", Label: "From", Value: fromKey, Error: errs["from"]}
	v.To = components.Field{ID: "to", Name: "to", Label: "To", Value: toKey, Error: errs["to"]}
	for _, tv := range all {
		opt := components.Option{Value: taxonomyVersionKey(tv), Label: tv.Label()}
		if tv.Status == dealgate.TaxonomyDraft {
			opt.Label = "Draft (not published)"
		} else if tv.ID == published[0].ID {
			opt.Label += " (current)"
		}
		v.From.Options = append(v.From.Options, opt)
		v.To.Options = append(v.To.Options, opt)
	}
	status := http.StatusOK
	if val.Err() != nil {
		status = http.StatusUnprocessableEntity
	} else if v.Message == "" {
		changes, err := s.register.DiffTaxonomy(c.Request().Context(), actor, from.ID, to.ID)
		if err != nil {
			return err
		}
		v.Compared = true
		v.FromLabel, v.ToLabel = from.Label(), to.Label()
		for _, ch := range changes {
			v.Changes = append(v.Changes, taxonomyChangeView(ch))
		}
		if len(changes) > 0 {
			v.Summary = taxonomyChangeSummary(changes)
		}
	}
	return s.render(c, status, taxonomy.Diff(s.page(c, "Compare taxonomy versions"), v))
}

// optionalTaxonomy turns "there is none" into nil, so pages can say so.
func optionalTaxonomy(t *dealgate.Taxonomy, err error) (*dealgate.Taxonomy, error) {
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		return nil, nil
	}
	return t, err
}

func (s *Server) handleCategoryView(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	actor := currentUser(c)
	loc := actor.Location()
	hist, err := s.register.CategoryHistory(ctx, actor, id)
	if err != nil {
		return err
	}
	current, err := optionalTaxonomy(s.register.CurrentTaxonomy(ctx, actor))
	if err != nil {
		return err
	}
	draft, err := optionalTaxonomy(s.register.DraftTaxonomy(ctx, actor))
	if err != nil {
		return err
	}
	_, published, err := s.taxonomyVersions(c)
	if err != nil {
		return err
	}
	cat, in, inDraft, note, err := locateCategory(id, current, draft)
	if err != nil {
		return err
	}
	v := taxonomy.CategoryView{AgreementsHref: "/agreements?category=" + strconv.FormatInt(id, 10), DraftNote: note}
	v.Name, v.Retired = cat.Name, cat.Retired
	if in == current {
		if v.Covering, v.CoveringTotal, err = s.coveringAgreements(c, id); err != nil {
			return err
		}
	}
	status := "In use"
	retiredIn, movedIn := dealgate.CategoryFate(hist)
	if cat.Retired {
		status = retiredNote(retiredIn, published, loc)
		v.StatusNote = status
	}
	v.Details = []components.SummaryRow{
		{Key: "Key", Value: cat.Key},
		{Key: "Place in the tree", Value: in.PathString(cat.ID)},
		{Key: "Definition", Value: cat.Definition},
		{Key: "Includes, for example", Value: strings.Join(cat.InclusionExamples, "\n")},
		{Key: "Excludes, for example", Value: strings.Join(cat.ExclusionExamples, "\n")},
		{Key: "Status", Value: status},
	}
	v.Fate, v.Versions = categoryVersions(cat, hist, movedIn, current, draft)
	slices.Reverse(v.Versions)
	if dealgate.Allowed(actor, dealgate.ActRegisterEdit) {
		switch {
		case inDraft:
			v.EditHref = draftCategoryPath(id) + "/edit"
		case draft == nil:
			v.DraftNote = "To change this category, start a draft of the taxonomy."
		}
	}
	v.History, err = s.recordTimeline(c, nil, dealgate.EntityCategory, id, loc)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, taxonomy.Category(s.page(c, cat.Name), v))
}

// locateCategory finds the category in the published taxonomy, else in the
// draft, and says what the draft does to it. in is the taxonomy it was found
// in; ENOTFOUND when neither has it.
func locateCategory(id int64, current, draft *dealgate.Taxonomy) (cat dealgate.Category, in *dealgate.Taxonomy, inDraft bool, note string, err error) {
	var draftCat dealgate.Category
	if draft != nil {
		draftCat, inDraft = draft.Category(id)
	}
	if current != nil {
		if cc, ok := current.Category(id); ok {
			cat, in = cc, current
		}
	}
	switch {
	case in != nil:
		if inDraft && categoryDiffers(cat, draftCat, current, draft) {
			note = "The draft changes this category; the changes take effect when an admin publishes it."
		}
	case inDraft:
		cat, in = draftCat, draft
		note = "This category is new in the draft and is not published yet."
	default:
		err = dealgate.Errorf(dealgate.ENOTFOUND, "No such category.")
	}
	return cat, in, inDraft, note, err
}

// categoryVersions says how a category moved, from its history, and lists
// it as it stood in each published version; parents are named from the
// current or draft tree.
func categoryVersions(cat dealgate.Category, hist []dealgate.CategoryHistoryEntry, movedIn []int, trees ...*dealgate.Taxonomy) (fate []string, versions []taxonomy.CategoryVersion) {
	parentName := func(p *int64) string {
		if p == nil {
			return "Top level"
		}
		for _, t := range trees {
			if t != nil {
				if pc, ok := t.Category(*p); ok {
					return pc.Name
				}
			}
		}
		return "Another category"
	}
	for _, n := range movedIn {
		for i, e := range hist {
			if e.VersionNumber == n && i > 0 {
				fate = append(fate, fmt.Sprintf("Moved in version %d from under %s to under %s.", n, parentName(hist[i-1].ParentID), parentName(e.ParentID)))
			}
		}
	}
	for _, e := range hist {
		row := taxonomy.CategoryVersion{Label: fmt.Sprintf("Version %d", e.VersionNumber), Href: taxonomyVersionPath(e.VersionNumber) + "#category-" + cat.Key,
			Name: e.Name, Parent: parentName(e.ParentID), Status: "In use", StatusKind: "active"}
		if e.Retired {
			row.Status, row.StatusKind = "Retired", "expired"
		}
		versions = append(versions, row)
	}
	return fate, versions
}

// categoryDiffers reports whether the draft changes a published category.
func categoryDiffers(a, b dealgate.Category, at, bt *dealgate.Taxonomy) bool {
	return a.Name != b.Name || a.Definition != b.Definition || a.Retired != b.Retired ||
		at.PathString(a.ID) != bt.PathString(b.ID) ||
		!slices.Equal(a.InclusionExamples, b.InclusionExamples) || !slices.Equal(a.ExclusionExamples, b.ExclusionExamples)
}
