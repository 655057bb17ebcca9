package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/web/components"
	"github.com/dealgate/dealgate/web/pages"
	"github.com/dealgate/dealgate/web/taxonomy"
)

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
	s.get("/taxonomy/draft/categories/:id/edit", edit, s.handleCategoryEdit)
	s.post("/taxonomy/draft/categories/:id/edit", edit, s.handleCategoryUpdate)
	for _, a := range categoryActions {
		s.get("/taxonomy/draft/categories/:id/"+a.slug, edit, s.handleCategoryActionConfirm(a))
		s.post("/taxonomy/draft/categories/:id/"+a.slug, edit, s.handleCategoryAction(a))
	}
	s.get("/taxonomy/draft/publish", publish, s.handleDraftPublishForm)
	s.post("/taxonomy/draft/publish", publish, s.handleDraftPublish)
	// The service lets only those who may publish throw a draft away.
	s.get("/taxonomy/draft/discard", publish, s.handleDraftDiscardConfirm)
	s.post("/taxonomy/draft/discard", publish, s.handleDraftDiscard)
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
	v.Picker = components.Field{ID: "version", Name: "version", Label: "Version", Value: strconv.Itoa(chosen.Number)}
	for _, pv := range published {
		label := pv.Label()
		if pv.PublishedAt != nil {
			label += ", published " + pv.PublishedAt.In(loc).Format("2 January 2006")
		}
		if pv.ID == published[0].ID {
			label += " (current)"
		}
		v.Picker.Options = append(v.Picker.Options, components.Option{Value: strconv.Itoa(pv.Number), Label: label})
	}

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
		for _, ch := range inThis {
			switch ch.Kind {
			case dealgate.ChangeAdded:
				n.Tags = append(n.Tags, taxonomy.Tag{Kind: "active", Text: "New in " + chosen.Label()})
			case dealgate.ChangeMoved:
				n.Tags = append(n.Tags, taxonomy.Tag{Kind: "in-review", Text: "Moved in " + chosen.Label()})
				n.Notes = append(n.Notes, fmt.Sprintf("Moved in %s from under %s to under %s. Clauses and deals that name it keep pointing at it.",
					chosen.Label(), taxonomyPlaceWords(ch.From), taxonomyPlaceWords(ch.To)))
			case dealgate.ChangeRenamed:
				n.Tags = append(n.Tags, taxonomy.Tag{Kind: "submitted", Text: "Renamed in " + chosen.Label()})
				n.Notes = append(n.Notes, fmt.Sprintf("Called %q until %s.", ch.From, chosen.Label()))
			case dealgate.ChangeRedefined:
				n.Tags = append(n.Tags, taxonomy.Tag{Kind: "caution", Text: "Definition changed in " + chosen.Label()})
			}
		}
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
	v := taxonomy.DiffView{}
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
	var cat dealgate.Category
	var in *dealgate.Taxonomy
	var draftCat dealgate.Category
	inDraft := false
	if draft != nil {
		draftCat, inDraft = draft.Category(id)
	}
	if current != nil {
		if cc, ok := current.Category(id); ok {
			cat, in = cc, current
		}
	}
	v := taxonomy.CategoryView{AgreementsHref: "/agreements?category=" + strconv.FormatInt(id, 10)}
	switch {
	case in != nil:
		if inDraft && categoryDiffers(cat, draftCat, current, draft) {
			v.DraftNote = "The draft changes this category; the changes take effect when an admin publishes it."
		}
	case inDraft:
		cat, in = draftCat, draft
		v.DraftNote = "This category is new in the draft and is not published yet."
	default:
		return dealgate.Errorf(dealgate.ENOTFOUND, "No such category.")
	}
	v.Name, v.Retired = cat.Name, cat.Retired
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
	parentName := func(p *int64) string {
		if p == nil {
			return "Top level"
		}
		for _, t := range []*dealgate.Taxonomy{current, draft} {
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
				v.Fate = append(v.Fate, fmt.Sprintf("Moved in version %d from under %s to under %s.", n, parentName(hist[i-1].ParentID), parentName(e.ParentID)))
			}
		}
	}
	for _, e := range hist {
		row := taxonomy.CategoryVersion{Label: fmt.Sprintf("Version %d", e.VersionNumber), Href: taxonomyVersionPath(e.VersionNumber) + "#category-" + cat.Key,
			Name: e.Name, Parent: parentName(e.ParentID), Status: "In use", StatusKind: "active"}
		if e.Retired {
			row.Status, row.StatusKind = "Retired", "expired"
		}
		v.Versions = append(v.Versions, row)
	}
	slices.Reverse(v.Versions)
	if dealgate.Allowed(actor, dealgate.ActRegisterEdit) {
		switch {
		case inDraft:
			v.EditHref = draftCategoryPath(id) + "/edit"
		case draft == nil:
			v.DraftNote = "To change this category, start a draft of the taxonomy."
		}
	}
	v.History, err = s.recordTimeline(c, dealgate.EntityCategory, id, loc)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, taxonomy.Category(s.page(c, cat.Name), v))
}

// categoryDiffers reports whether the draft changes a published category.
func categoryDiffers(a, b dealgate.Category, at, bt *dealgate.Taxonomy) bool {
	return a.Name != b.Name || a.Definition != b.Definition || a.Retired != b.Retired ||
		at.PathString(a.ID) != bt.PathString(b.ID) ||
		!slices.Equal(a.InclusionExamples, b.InclusionExamples) || !slices.Equal(a.ExclusionExamples, b.ExclusionExamples)
}

// ---------------------------------------------------------------------------
// The draft

func (s *Server) handleDraftView(c echo.Context) error {
	ctx := c.Request().Context()
	actor := currentUser(c)
	loc := actor.Location()
	v := taxonomy.DraftView{
		CanEdit: dealgate.Allowed(actor, dealgate.ActRegisterEdit), CanPublish: dealgate.Allowed(actor, dealgate.ActTaxonomyPublish),
		CSRFToken: csrfToken(c), NewHref: taxonomyDraftPath + "/categories/new",
	}
	draft, err := optionalTaxonomy(s.register.DraftTaxonomy(ctx, actor))
	if err != nil {
		return err
	}
	if draft == nil {
		return s.render(c, http.StatusOK, taxonomy.Draft(s.page(c, "Draft taxonomy"), v))
	}
	v.Exists = true
	v.Started = formatMoment(draft.Version.CreatedAt, loc)
	base, changes, err := s.draftChanges(ctx, actor, draft)
	if err != nil {
		return err
	}
	v.Changes = len(changes)
	v.BasedOn = "It starts from an empty taxonomy"
	if base != nil {
		v.BasedOn = "It starts from " + base.Version.Label()
		v.DiffHref = taxonomyDiffPath(taxonomyVersionKey(base.Version), "draft")
	}
	changed := taxonomyChangesByCategory(changes)
	v.Roots = nestCategories(draft.Categories, func(cat dealgate.Category) taxonomy.Node {
		n := categoryNode(cat)
		if cat.Retired {
			n.Tags = append(n.Tags, taxonomy.Tag{Kind: "expired", Text: "Retired"})
		}
		for _, ch := range changed[cat.ID] {
			n.Tags = append(n.Tags, taxonomy.Tag{Kind: "draft", Text: draftTagText(ch.Kind)})
		}
		if v.CanEdit {
			p := draftCategoryPath(cat.ID)
			n.Actions = append(n.Actions, taxonomy.Link{Label: "Edit", Href: p + "/edit"})
			if cat.Retired {
				n.Actions = append(n.Actions, taxonomy.Link{Label: "Restore", Href: p + "/restore"})
			} else {
				n.Actions = append(n.Actions,
					taxonomy.Link{Label: "Add a subcategory", Href: taxonomyDraftPath + "/categories/new?parent=" + strconv.FormatInt(cat.ID, 10)},
					taxonomy.Link{Label: "Retire", Href: p + "/retire"})
			}
		}
		return n
	})
	return s.render(c, http.StatusOK, taxonomy.Draft(s.page(c, "Draft taxonomy"), v))
}

func draftTagText(k dealgate.TaxonomyChangeKind) string {
	switch k {
	case dealgate.ChangeAdded:
		return "New in the draft"
	case dealgate.ChangeRetired:
		return "Retired in the draft"
	case dealgate.ChangeRestored:
		return "Restored in the draft"
	case dealgate.ChangeMoved:
		return "Moved in the draft"
	case dealgate.ChangeRenamed:
		return "Renamed in the draft"
	case dealgate.ChangeRedefined:
		return "Definition changed in the draft"
	}
	return "Examples changed in the draft"
}

// draftChanges returns the version the draft started from (nil for none)
// and what the draft changes in it.
func (s *Server) draftChanges(ctx context.Context, actor *dealgate.User, draft *dealgate.Taxonomy) (*dealgate.Taxonomy, []dealgate.TaxonomyChange, error) {
	if draft.Version.BasedOnID == nil {
		return nil, dealgate.DiffTaxonomies(dealgate.NewTaxonomy(dealgate.TaxonomyVersion{}, nil), draft), nil
	}
	base, err := s.register.Taxonomy(ctx, actor, *draft.Version.BasedOnID)
	if err != nil {
		return nil, nil, err
	}
	return base, dealgate.DiffTaxonomies(base, draft), nil
}

func (s *Server) handleDraftStart(c echo.Context) error {
	if _, err := s.register.StartTaxonomyDraft(c.Request().Context(), currentUser(c)); err != nil {
		return err
	}
	s.flash(c, "success", "The draft is open. Changes made here take effect when an admin publishes it.")
	return redirectSeeOther(c, taxonomyDraftPath)
}

// categoryForm is what the new and edit forms carry, exactly as typed.
type categoryForm struct {
	Key, Parent, Name, Definition, Includes, Excludes, Position string
}

func readCategoryForm(c echo.Context) categoryForm {
	return categoryForm{
		Key: c.FormValue("key"), Parent: c.FormValue("parent_id"), Name: c.FormValue("name"), Definition: c.FormValue("definition"),
		Includes: c.FormValue("inclusion_examples"), Excludes: c.FormValue("exclusion_examples"), Position: c.FormValue("position"),
	}
}

func categoryFormOf(cat dealgate.Category) categoryForm {
	f := categoryForm{Key: cat.Key, Name: cat.Name, Definition: cat.Definition,
		Includes: strings.Join(cat.InclusionExamples, "\n"), Excludes: strings.Join(cat.ExclusionExamples, "\n")}
	if cat.ParentID != nil {
		f.Parent = strconv.FormatInt(*cat.ParentID, 10)
	}
	if cat.Position != 0 {
		f.Position = strconv.Itoa(cat.Position)
	}
	return f
}

// categoryInput parses the form; the service validates the rest. A bad
// position is reported with the other fields' problems.
func categoryInput(f categoryForm, creating bool) (dealgate.CategoryInput, error) {
	in := dealgate.CategoryInput{
		Key: f.Key, Name: f.Name, Definition: f.Definition,
		InclusionExamples: strings.Split(f.Includes, "\n"), ExclusionExamples: strings.Split(f.Excludes, "\n"),
	}
	var v dealgate.Validation
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
		check.ValidateInto(&v, creating)
		return in, v.Err()
	}
	return in, nil
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

func (s *Server) categoryFormView(c echo.Context, title, action string, tree *dealgate.Taxonomy, self *dealgate.Category, f categoryForm, version int64, err error) pages.FormView {
	creating := self == nil
	order := []string{"name", "key", "parent_id", "definition", "inclusion_examples", "exclusion_examples", "position"}
	errs, summary := formErrors(err, order...)
	var selfID int64
	if self != nil {
		selfID = self.ID
	}
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
	if version > 0 {
		fields = append(fields, pages.Hidden("version", strconv.FormatInt(version, 10)))
	}
	v := pages.FormView{
		Caption: "Draft taxonomy", Title: title, Action: action, Submit: "Save in the draft", Cancel: taxonomyDraftPath,
		CSRFToken: csrfToken(c), Errors: summary, Fields: fields,
		Intro: "Changes are saved in the draft and take effect when an admin publishes it.",
	}
	if self != nil {
		v.Intro = "Key " + self.Key + " (it never changes). " + v.Intro
	}
	return v
}

// formTree is the tree a category form places categories in: the draft, or
// the current version when there is no draft yet (a new draft copies it).
func (s *Server) formTree(c echo.Context) (*dealgate.Taxonomy, error) {
	ctx, actor := c.Request().Context(), currentUser(c)
	t, err := optionalTaxonomy(s.register.DraftTaxonomy(ctx, actor))
	if err != nil || t != nil {
		return t, err
	}
	return optionalTaxonomy(s.register.CurrentTaxonomy(ctx, actor))
}

func (s *Server) handleCategoryNew(c echo.Context) error {
	tree, err := s.formTree(c)
	if err != nil {
		return err
	}
	f := categoryForm{}
	if p, err := strconv.ParseInt(c.QueryParam("parent"), 10, 64); err == nil && tree != nil {
		if pc, ok := tree.Category(p); ok && !pc.Retired {
			f.Parent = strconv.FormatInt(pc.ID, 10)
		}
	}
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Add a category"),
		s.categoryFormView(c, "Add a category", taxonomyDraftPath+"/categories", tree, nil, f, 0, nil)))
}

func (s *Server) handleCategoryCreate(c echo.Context) error {
	f := readCategoryForm(c)
	in, err := categoryInput(f, true)
	var cat dealgate.Category
	if err == nil {
		cat, err = s.register.CreateCategory(c.Request().Context(), currentUser(c), in)
	}
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		tree, terr := s.formTree(c)
		if terr != nil {
			return terr
		}
		return s.render(c, status, pages.Form(s.page(c, "Add a category"),
			s.categoryFormView(c, "Add a category", taxonomyDraftPath+"/categories", tree, nil, f, 0, err)))
	}
	s.flash(c, "success", cat.Name+" is added to the draft.")
	return redirectSeeOther(c, taxonomyDraftPath+"#category-"+cat.Key)
}

// loadDraftCategory returns the draft and the category of the :id
// parameter in it.
func (s *Server) loadDraftCategory(c echo.Context) (*dealgate.Taxonomy, dealgate.Category, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, dealgate.Category{}, err
	}
	draft, err := s.register.DraftTaxonomy(c.Request().Context(), currentUser(c))
	if err != nil {
		if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
			return nil, dealgate.Category{}, dealgate.Errorf(dealgate.ENOTFOUND, "There is no draft taxonomy. Start one to change categories.")
		}
		return nil, dealgate.Category{}, err
	}
	cat, ok := draft.Category(id)
	if !ok {
		return nil, dealgate.Category{}, dealgate.Errorf(dealgate.ENOTFOUND, "No such category in the draft.")
	}
	return draft, cat, nil
}

func (s *Server) handleCategoryEdit(c echo.Context) error {
	draft, cat, err := s.loadDraftCategory(c)
	if err != nil {
		return err
	}
	title := "Edit " + cat.Name
	return s.render(c, http.StatusOK, pages.Form(s.page(c, title),
		s.categoryFormView(c, title, draftCategoryPath(cat.ID)+"/edit", draft, &cat, categoryFormOf(cat), cat.Version, nil)))
}

func (s *Server) handleCategoryUpdate(c echo.Context) error {
	draft, cat, err := s.loadDraftCategory(c)
	if err != nil {
		return err
	}
	f := readCategoryForm(c)
	in, err := categoryInput(f, false)
	version := cat.Version
	if err == nil {
		version, err = formVersion(c)
	}
	var current dealgate.Category
	if err == nil {
		current, err = s.register.UpdateCategory(c.Request().Context(), currentUser(c), cat.ID, version, in)
	}
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		title := "Edit " + cat.Name
		var before templ.Component
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT && current.ID != 0 {
			// Someone saved meanwhile: show the category as it is now, keep
			// what this person typed, and let them save again knowingly.
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"name": categoryConflictMessage(current, f)}}
			version = current.Version
			before = taxonomy.Conflict(categoryRows(current, draft))
		}
		v := s.categoryFormView(c, title, draftCategoryPath(cat.ID)+"/edit", draft, &cat, f, version, err)
		v.Before = before
		return s.render(c, status, pages.Form(s.page(c, title), v))
	}
	s.flash(c, "success", "Changes to "+current.Name+" are saved in the draft.")
	return redirectSeeOther(c, taxonomyDraftPath+"#category-"+current.Key)
}

// categoryRows are a category's values as a conflict notice shows them. The
// path comes from the tree as loaded; a move made meanwhile shows by its
// new parent's name.
func categoryRows(cat dealgate.Category, t *dealgate.Taxonomy) []components.SummaryRow {
	under := "None: a top-level category"
	if cat.ParentID != nil {
		under = "Another category"
		if p, ok := t.Category(*cat.ParentID); ok {
			under = t.PathString(p.ID)
		}
	}
	return []components.SummaryRow{
		{Key: "Name", Value: cat.Name},
		{Key: "Sits under", Value: under},
		{Key: "Definition", Value: cat.Definition},
		{Key: "Inclusion examples", Value: strings.Join(cat.InclusionExamples, "\n")},
		{Key: "Exclusion examples", Value: strings.Join(cat.ExclusionExamples, "\n")},
	}
}

func categoryConflictMessage(now dealgate.Category, typed categoryForm) string {
	saved := categoryFormOf(now)
	lines := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", "")), " ") }
	var differ []string
	for _, d := range []struct{ label, a, b string }{
		{"name", saved.Name, typed.Name}, {"place in the tree", saved.Parent, typed.Parent}, {"definition", saved.Definition, typed.Definition},
		{"inclusion examples", saved.Includes, typed.Includes}, {"exclusion examples", saved.Excludes, typed.Excludes},
		{"order", saved.Position, typed.Position},
	} {
		if lines(d.a) != lines(d.b) {
			differ = append(differ, d.label)
		}
	}
	msg := "Someone else changed this category in the draft while you were editing, so your changes were not saved. The category as saved now is shown above; your changes are kept in the form."
	if len(differ) > 0 {
		msg += " The saved " + strings.Join(differ, ", ") + " differ from what you entered."
	}
	return msg + " Check them and save again."
}

// categoryAction is one confirmable change of a category in the draft.
type categoryAction struct {
	slug, button, variant, title string
	body                         func(cat dealgate.Category) []string
	applies                      func(cat dealgate.Category) bool
	do                           func(s *Server, c echo.Context, id, version int64) error
	done                         string
}

var categoryActions = []categoryAction{
	{
		slug: "retire", button: "Retire in the draft", variant: "warning", title: "Retire this category?",
		body: func(cat dealgate.Category) []string {
			return []string{
				cat.Name + " will be marked as retired in the draft. Once an admin publishes the draft, new clauses and deals cannot choose it.",
				"Clauses and deals that already name it keep pointing at it, and the taxonomy shows it as retired, with the version that retired it. You can restore it in a later draft.",
			}
		},
		applies: func(cat dealgate.Category) bool { return !cat.Retired },
		do: func(s *Server, c echo.Context, id, version int64) error {
			_, err := s.register.RetireCategory(c.Request().Context(), currentUser(c), id, version)
			return err
		},
		done: " is retired in the draft.",
	},
	{
		slug: "restore", button: "Restore in the draft", variant: "secondary", title: "Restore this category?",
		body: func(cat dealgate.Category) []string {
			return []string{cat.Name + " will be in use again, where it was, once an admin publishes the draft."}
		},
		applies: func(cat dealgate.Category) bool { return cat.Retired },
		do: func(s *Server, c echo.Context, id, version int64) error {
			_, err := s.register.RestoreCategory(c.Request().Context(), currentUser(c), id, version)
			return err
		},
		done: " is restored in the draft.",
	},
}

// liveChildren names the category's subcategories still in use.
func liveChildren(t *dealgate.Taxonomy, id int64) []string {
	var names []string
	for _, ch := range t.Children(id) {
		if !ch.Retired {
			names = append(names, ch.Name)
		}
	}
	return names
}

func (s *Server) handleCategoryActionConfirm(a categoryAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		draft, cat, err := s.loadDraftCategory(c)
		if err != nil {
			return err
		}
		if !a.applies(cat) {
			s.flash(c, "important", "That action does not apply to "+cat.Name+" now.")
			return redirectSeeOther(c, taxonomyDraftPath+"#category-"+cat.Key)
		}
		if a.slug == "retire" {
			if live := liveChildren(draft, cat.ID); len(live) > 0 {
				s.flash(c, "important", fmt.Sprintf("%s still has subcategories in use (%s). Move or retire them first.", cat.Name, strings.Join(live, ", ")))
				return redirectSeeOther(c, taxonomyDraftPath+"#category-"+cat.Key)
			}
		}
		return s.render(c, http.StatusOK, pages.Confirm(s.page(c, a.title), pages.ConfirmView{
			Caption: cat.Name, Title: a.title, Body: a.body(cat), Action: draftCategoryPath(cat.ID) + "/" + a.slug,
			Button: a.button, Cancel: taxonomyDraftPath, CSRFToken: csrfToken(c), Version: strconv.FormatInt(cat.Version, 10),
		}))
	}
}

func (s *Server) handleCategoryAction(a categoryAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		_, cat, err := s.loadDraftCategory(c)
		if err != nil {
			return err
		}
		version, err := formVersion(c)
		if err == nil && !a.applies(cat) {
			err = dealgate.Errorf(dealgate.ECONFLICT, "That action no longer applies: the category changed.")
		}
		if err == nil {
			err = a.do(s, c, cat.ID, version)
		}
		to := taxonomyDraftPath + "#category-" + cat.Key
		if code := dealgate.ErrorCode(err); code == dealgate.ECONFLICT || code == dealgate.EINVALID {
			// A double submit, a stale page or a rule of the tree: nothing changed.
			s.flash(c, "important", dealgate.ErrorMessage(err))
			return redirectSeeOther(c, to)
		}
		if err != nil {
			return err
		}
		s.flash(c, "success", cat.Name+a.done)
		return redirectSeeOther(c, to)
	}
}

// ---------------------------------------------------------------------------
// Publishing and discarding

func (s *Server) publishFormView(c echo.Context, draft *dealgate.Taxonomy, base *dealgate.Taxonomy, changes []dealgate.TaxonomyChange, note string, err error) pages.FormView {
	errs, summary := formErrors(err, "change_note")
	next := 1
	if base != nil {
		next = base.Version.Number + 1
	}
	var views []taxonomy.Change
	for _, ch := range changes {
		views = append(views, taxonomyChangeView(ch))
	}
	diffHref := ""
	if base != nil {
		diffHref = taxonomyDiffPath(taxonomyVersionKey(base.Version), "draft")
	}
	return pages.FormView{
		Caption: "Draft taxonomy", Title: fmt.Sprintf("Publish version %d", next),
		Intro:  "Publishing makes the draft the current taxonomy. Deals are screened against it from now on; reviews already opened keep the version they were screened against, and every earlier version stays readable.",
		Before: taxonomy.ChangeList(views, diffHref),
		Action: taxonomyDraftPath + "/publish", Submit: fmt.Sprintf("Publish version %d", next), Cancel: taxonomyDraftPath,
		CSRFToken: csrfToken(c), Errors: summary,
		Fields: []templ.Component{
			components.TextArea(components.Field{ID: "change_note", Name: "change_note", Label: "Change note",
				Hint: "What changed and why. It is kept with the version and shown to everyone who reads it.", Value: note, Error: errs["change_note"], Rows: 5}),
			pages.Hidden("version", strconv.FormatInt(draft.Version.Version, 10)),
		},
	}
}

// loadDraftForPublishing returns the draft with what it changes, or sends
// the user back to the draft page when there is none.
func (s *Server) loadDraftForPublishing(c echo.Context) (*dealgate.Taxonomy, *dealgate.Taxonomy, []dealgate.TaxonomyChange, error) {
	ctx, actor := c.Request().Context(), currentUser(c)
	draft, err := optionalTaxonomy(s.register.DraftTaxonomy(ctx, actor))
	if err != nil || draft == nil {
		return nil, nil, nil, err
	}
	base, changes, err := s.draftChanges(ctx, actor, draft)
	return draft, base, changes, err
}

func (s *Server) handleDraftPublishForm(c echo.Context) error {
	draft, base, changes, err := s.loadDraftForPublishing(c)
	if err != nil {
		return err
	}
	if draft == nil {
		s.flash(c, "important", "There is no draft to publish.")
		return redirectSeeOther(c, taxonomyDraftPath)
	}
	v := s.publishFormView(c, draft, base, changes, "", nil)
	return s.render(c, http.StatusOK, pages.Form(s.page(c, v.Title), v))
}

func (s *Server) handleDraftPublish(c echo.Context) error {
	draft, base, changes, err := s.loadDraftForPublishing(c)
	if err != nil {
		return err
	}
	if draft == nil {
		s.flash(c, "important", "There is no draft to publish: it was published or discarded meanwhile.")
		return redirectSeeOther(c, taxonomyDraftPath)
	}
	note := c.FormValue("change_note")
	version, err := formVersion(c)
	var published dealgate.TaxonomyVersion
	if err == nil {
		published, err = s.register.PublishTaxonomy(c.Request().Context(), currentUser(c), version, note)
	}
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			// The draft changed since this page was opened: show its changes
			// as they are now and keep the note.
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"change_note": "Someone changed the draft while you were reviewing it, so it was not published. The changes listed above are the draft as it is now; check them and publish again."}}
		}
		v := s.publishFormView(c, draft, base, changes, note, err)
		return s.render(c, status, pages.Form(s.page(c, v.Title), v))
	}
	s.flash(c, "success", published.Label()+" of the taxonomy is published and is now the current version.")
	return redirectSeeOther(c, taxonomyVersionPath(published.Number))
}

func (s *Server) handleDraftDiscardConfirm(c echo.Context) error {
	draft, _, changes, err := s.loadDraftForPublishing(c)
	if err != nil {
		return err
	}
	if draft == nil {
		s.flash(c, "important", "There is no draft to discard.")
		return redirectSeeOther(c, taxonomyDraftPath)
	}
	return s.render(c, http.StatusOK, pages.Confirm(s.page(c, "Discard the draft?"), pages.ConfirmView{
		Caption: "Draft taxonomy", Title: "Discard the draft?",
		Body: []string{
			fmt.Sprintf("The draft and its %s will be thrown away, including any categories added in it. Published versions do not change.", taxonomyChangeCount(len(changes))),
			"The audit trail keeps a record of the edits and of the discard.",
		},
		Action: taxonomyDraftPath + "/discard", Button: "Discard the draft", Cancel: taxonomyDraftPath, CSRFToken: csrfToken(c),
		Version: strconv.FormatInt(draft.Version.Version, 10),
	}))
}

func taxonomyChangeCount(n int) string {
	if n == 1 {
		return "1 change"
	}
	return strconv.Itoa(n) + " changes"
}

func (s *Server) handleDraftDiscard(c echo.Context) error {
	version, err := formVersion(c)
	if err == nil {
		err = s.register.DiscardTaxonomyDraft(c.Request().Context(), currentUser(c), version)
	}
	switch dealgate.ErrorCode(err) {
	case "":
		s.flash(c, "success", "The draft is discarded. The current version is unchanged.")
		return redirectSeeOther(c, taxonomyDraftPath)
	case dealgate.ECONFLICT, dealgate.EINVALID:
		s.flash(c, "important", dealgate.ErrorMessage(err)+" The draft was not discarded.")
		return redirectSeeOther(c, taxonomyDraftPath)
	case dealgate.ENOTFOUND:
		s.flash(c, "important", "There is no draft to discard: it was published or discarded meanwhile.")
		return redirectSeeOther(c, taxonomyDraftPath)
	}
	return err
}
