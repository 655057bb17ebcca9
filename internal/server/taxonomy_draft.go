package server

import "fmt"
import "net/http"
import "strconv"
import "strings"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/pages"
import "github.com/dealgate/dealgate/web/taxonomy"

// ---------------------------------------------------------------------------
// The draft

func (s *Server) handleDraftView(c echo.Context) error {
	actor := currentUser(c)
	loc := actor.Location()
	v := taxonomy.DraftView{
		CanEdit: dealgate.Allowed(actor, dealgate.ActRegisterEdit), CanPublish: dealgate.Allowed(actor, dealgate.ActTaxonomyPublish),
		CSRFToken: csrfToken(c), NewHref: taxonomyDraftPath + "/categories/new",
	}
	r, err := s.register.TaxonomyDraftReview(c.Request().Context(), actor)
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		return s.render(c, http.StatusOK, taxonomy.Draft(s.page(c, "Draft taxonomy"), v))
	}
	if err != nil {
		return err
	}
	draft, base, changes := r.Draft, r.Base, r.Changes
	v.Exists = true
	v.Started = formatMoment(draft.Version.CreatedAt, loc)
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

func (s *Server) handleDraftStart(c echo.Context) error {
	if _, err := s.register.StartTaxonomyDraft(c.Request().Context(), currentUser(c)); err != nil {
		return err
	}
	s.flash(c, "success", "The draft is open. Changes made here take effect when an admin publishes it.")
	return redirectSeeOther(c, taxonomyDraftPath)
}

// readCategoryForm reads the new and edit forms, exactly as typed.
func readCategoryForm(c echo.Context) dealgate.CategoryForm {
	return dealgate.CategoryForm{
		Key: c.FormValue("key"), Parent: c.FormValue("parent_id"), Name: c.FormValue("name"), Definition: c.FormValue("definition"),
		Includes: c.FormValue("inclusion_examples"), Excludes: c.FormValue("exclusion_examples"), Position: c.FormValue("position"),
	}
}

func (s *Server) categoryFormView(c echo.Context, title, action string, tree *dealgate.Taxonomy, self *dealgate.Category, f dealgate.CategoryForm, version int64, err error) pages.FormView {
	order := []string{"name", "key", "parent_id", "definition", "inclusion_examples", "exclusion_examples", "position"}
	errs, summary := formErrors(err, order...)
	fields := taxonomy.CategoryFields(taxonomy.CategoryForm(f), errs, tree, self)
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

func (s *Server) handleCategoryNew(c echo.Context) error {
	tree, err := s.register.CategoryFormTree(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	f := dealgate.CategoryForm{}
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
	res, err := s.register.CreateCategoryForm(c.Request().Context(), currentUser(c), f)
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		return s.render(c, status, pages.Form(s.page(c, "Add a category"),
			s.categoryFormView(c, "Add a category", taxonomyDraftPath+"/categories", res.Tree, nil, f, 0, err)))
	}
	s.flash(c, "success", res.Category.Name+" is added to the draft.")
	return redirectSeeOther(c, taxonomyDraftPath+"#category-"+res.Category.Key)
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
		s.categoryFormView(c, title, draftCategoryPath(cat.ID)+"/edit", draft, &cat, dealgate.CategoryFormOf(cat), cat.Version, nil)))
}

func (s *Server) handleCategoryUpdate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := readCategoryForm(c)
	version, _ := formVersion(c)
	res, err := s.register.UpdateCategoryForm(c.Request().Context(), currentUser(c), id, version, f)
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok || res.Tree == nil {
			return err
		}
		cat := res.Category
		title := "Edit " + cat.Name
		var before templ.Component
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT && cat.Version != version {
			// Someone saved meanwhile: show the category as it is now, keep
			// what this person typed, and let them save again knowingly.
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"name": categoryConflictMessage(cat, f)}}
			version = cat.Version
			before = taxonomy.Conflict(categoryRows(cat, res.Tree))
		}
		v := s.categoryFormView(c, title, draftCategoryPath(id)+"/edit", res.Tree, &cat, f, version, err)
		v.Before = before
		return s.render(c, status, pages.Form(s.page(c, title), v))
	}
	s.flash(c, "success", "Changes to "+res.Category.Name+" are saved in the draft.")
	return redirectSeeOther(c, taxonomyDraftPath+"#category-"+res.Category.Key)
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

func categoryConflictMessage(now dealgate.Category, typed dealgate.CategoryForm) string {
	saved := dealgate.CategoryFormOf(now)
	lines := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", "")), " ") }
	return conflictNotice("this category in the draft", "category", lines, []comparedField{
		{"name", saved.Name, typed.Name}, {"place in the tree", saved.Parent, typed.Parent}, {"definition", saved.Definition, typed.Definition},
		{"inclusion examples", saved.Includes, typed.Includes}, {"exclusion examples", saved.Excludes, typed.Excludes},
		{"order", saved.Position, typed.Position},
	})
}

// categoryAction is one confirmable change of a category in the draft:
// retiring it (retire) or restoring it.
type categoryAction struct {
	slug, button, variant, title string
	body                         func(cat dealgate.Category) []string
	retire                       bool
	done                         string
}

// applies reports whether a can be done to cat as it is.
func (a categoryAction) applies(cat dealgate.Category) bool { return cat.Retired != a.retire }

var categoryActions = []categoryAction{
	{
		slug: "retire", button: "Retire in the draft", variant: "warning", title: "Retire this category?",
		body: func(cat dealgate.Category) []string {
			return []string{
				cat.Name + " will be marked as retired in the draft. Once an admin publishes the draft, new clauses and deals cannot choose it.",
				"Clauses and deals that already name it keep pointing at it, and the taxonomy shows it as retired, with the version that retired it. You can restore it in a later draft.",
			}
		},
		retire: true,
		done:   " is retired in the draft.",
	},
	{
		slug: "restore", button: "Restore in the draft", variant: "secondary", title: "Restore this category?",
		body: func(cat dealgate.Category) []string {
			return []string{cat.Name + " will be in use again, where it was, once an admin publishes the draft."}
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
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		version, _ := formVersion(c)
		cat, err := s.register.SetCategoryRetiredForm(c.Request().Context(), currentUser(c), id, version, a.retire)
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
		Intro:  "Publishing makes the draft the current taxonomy. New deals and clauses choose their categories from it from now on, and every earlier version stays readable.",
		Before: taxonomy.ChangeList(views, diffHref),
		Action: taxonomyDraftPath + "/publish", Submit: fmt.Sprintf("Publish version %d", next), Cancel: taxonomyDraftPath,
		CSRFToken: csrfToken(c), Errors: summary,
		Fields: taxonomy.PublishFields(note, draft.Version.Version, errs),
	}
}

func (s *Server) handleDraftPublishForm(c echo.Context) error {
	r, err := s.register.TaxonomyDraftReview(c.Request().Context(), currentUser(c))
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		s.flash(c, "important", "There is no draft to publish.")
		return redirectSeeOther(c, taxonomyDraftPath)
	}
	if err != nil {
		return err
	}
	v := s.publishFormView(c, r.Draft, r.Base, r.Changes, "", nil)
	return s.render(c, http.StatusOK, pages.Form(s.page(c, v.Title), v))
}

func (s *Server) handleDraftPublish(c echo.Context) error {
	note := c.FormValue("change_note")
	version, _ := formVersion(c)
	res, err := s.register.PublishTaxonomyForm(c.Request().Context(), currentUser(c), version, note)
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		s.flash(c, "important", "There is no draft to publish: it was published or discarded meanwhile.")
		return redirectSeeOther(c, taxonomyDraftPath)
	}
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			// The draft changed since this page was opened: show its changes
			// as they are now and keep the note.
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"change_note": "Someone changed the draft while you were reviewing it, so it was not published. The changes listed above are the draft as it is now; check them and publish again."}}
		}
		v := s.publishFormView(c, res.Draft, res.Base, res.Changes, note, err)
		return s.render(c, status, pages.Form(s.page(c, v.Title), v))
	}
	s.flash(c, "success", res.Published.Label()+" of the taxonomy is published and is now the current version.")
	return redirectSeeOther(c, taxonomyVersionPath(res.Published.Number))
}

func (s *Server) handleDraftDiscardConfirm(c echo.Context) error {
	r, err := s.register.TaxonomyDraftReview(c.Request().Context(), currentUser(c))
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		s.flash(c, "important", "There is no draft to discard.")
		return redirectSeeOther(c, taxonomyDraftPath)
	}
	if err != nil {
		return err
	}
	draft, changes := r.Draft, r.Changes
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
