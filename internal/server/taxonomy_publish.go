package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/web/components"
	"github.com/dealgate/dealgate/web/pages"
	"github.com/dealgate/dealgate/web/taxonomy"
)

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
		Fields: []templ.Component{
			components.TextArea(components.Field{ID: "change_note", Name: "change_note", Label: "Change note",
				Hint: "What changed and why. It is kept with the version and shown to everyone who reads it.", Value: note, Error: errs["change_note"], Rows: 5}),
			pages.Hidden("version", strconv.FormatInt(draft.Version.Version, 10)),
		},
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
