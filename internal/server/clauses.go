package server

import "fmt"
import "net/http"
import "strconv"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/agreements"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/pages"

func readClauseForm(c echo.Context) dealgate.ClauseForm {
	params, _ := c.FormParams()
	return dealgate.ClauseForm{
		Kind: c.FormValue("kind"), Beneficiary: c.FormValue("beneficiary"), Scope: c.FormValue("restriction_scope"),
		RestrictedKind: c.FormValue("restricted_kind"), RestrictedParties: c.FormValue("restricted_parties"),
		ExceptionParties: c.FormValue("exception_parties"), Categories: params["category_ids"], Excluded: params["excluded_category_ids"],
		Regions: params["regions"], Worldwide: checked(c, "worldwide"), ValidFrom: c.FormValue("valid_from"),
		ValidUntil: c.FormValue("valid_until"), NoticeDays: c.FormValue("notice_days"), Section: c.FormValue("section"), Text: c.FormValue("text"),
	}
}

func (s *Server) registerClauseRoutes() {
	edit := need(dealgate.ActRegisterEdit)
	s.get("/agreements/:id/clauses/new", edit, s.handleClauseNew)
	s.post("/agreements/:id/clauses", edit, s.handleClauseCreate)
	s.form("/clauses/:id/edit", edit, s.handleClauseEdit, s.handleClauseUpdate)
	s.form("/clauses/:id/retire", edit, s.handleClauseRetireConfirm, s.handleClauseRetire)
	s.form("/clauses/:id/restore", edit, s.handleClauseRestoreConfirm, s.handleClauseRestore)
}

var clauseFieldOrder = []string{"kind", "section", "beneficiary", components.GroupID("category_ids"), components.GroupID("excluded_category_ids"),
	components.GroupID("restriction_scope"), "restricted_kind", "restricted_parties", "exception_parties", "worldwide",
	components.GroupID("regions"), "valid_from", "valid_until", "notice_days", "text"}

func (s *Server) clauseFormView(c echo.Context, a dealgate.Agreement, title, action string, f dealgate.ClauseForm, version int64, err error) (pages.FormView, error) {
	errs, summary := formErrors(err, clauseFieldOrder...)
	tax, terr := s.register.CurrentTaxonomy(c.Request().Context(), currentUser(c))
	if terr != nil && dealgate.ErrorCode(terr) != dealgate.ENOTFOUND {
		return pages.FormView{}, terr
	}
	fields := agreements.ClauseFields(f, errs, tax, a.Party.Name)
	fields = append(fields, formKey(version))
	return pages.FormView{Caption: a.Title, Title: title, Action: action, Submit: "Save clause", Cancel: agreementPath(a.ID) + "#clauses",
		CSRFToken: csrfToken(c), Errors: summary, Fields: fields, Wide: true}, nil
}

func (s *Server) renderClauseForm(c echo.Context, status int, a dealgate.Agreement, title, action string, f dealgate.ClauseForm, version int64, err error) error {
	v, verr := s.clauseFormView(c, a, title, action, f, version, err)
	if verr != nil {
		return verr
	}
	return s.render(c, status, pages.Form(s.page(c, title), v))
}

func (s *Server) handleClauseNew(c echo.Context) error {
	a, err := s.loadAgreement(c)
	if err != nil {
		return err
	}
	f := dealgate.ClauseForm{Beneficiary: a.Party.Name}
	return s.renderClauseForm(c, http.StatusOK, a, "Add a clause", agreementPath(a.ID)+"/clauses", f, 0, nil)
}

func (s *Server) handleClauseCreate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := readClauseForm(c)
	res, err := s.register.CreateClauseForm(c.Request().Context(), currentUser(c), id, c.FormValue(onceField), f)
	a := res.Agreement
	if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
		return s.alreadySubmitted(c, err, agreementPath(id)+"#clauses")
	}
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok || a.ID == 0 {
			return err
		}
		return s.renderClauseForm(c, status, a, "Add a clause", agreementPath(a.ID)+"/clauses", f, 0, err)
	}
	s.flash(c, "success", "Clause added: "+res.Clause.SentenceInWords())
	return redirectSeeOther(c, fmt.Sprintf("%s#clause-%d", agreementPath(a.ID), res.Clause.ID))
}

func (s *Server) loadClause(c echo.Context) (dealgate.Clause, dealgate.Agreement, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return dealgate.Clause{}, dealgate.Agreement{}, err
	}
	ctx, actor := c.Request().Context(), currentUser(c)
	cl, err := s.register.Clause(ctx, actor, id)
	if err != nil {
		return cl, dealgate.Agreement{}, err
	}
	a, err := s.register.Agreement(ctx, actor, cl.AgreementID)
	return cl, a, err
}

func (s *Server) handleClauseEdit(c echo.Context) error {
	cl, a, err := s.loadClause(c)
	if err != nil {
		return err
	}
	return s.renderClauseForm(c, http.StatusOK, a, "Edit clause", fmt.Sprintf("/clauses/%d/edit", cl.ID), dealgate.ClauseFormOf(cl), cl.Version, nil)
}

func (s *Server) handleClauseUpdate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := readClauseForm(c)
	version, _ := formVersion(c)
	res, err := s.register.UpdateClauseForm(c.Request().Context(), currentUser(c), id, version, f)
	cl, a := res.Clause, res.Agreement
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok || a.ID == 0 {
			return err
		}
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			version = cl.Version
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"kind": "Someone else changed this clause while you were editing. It now reads: " +
				cl.SentenceInWords() + " Check your changes and save again."}}
		}
		return s.renderClauseForm(c, status, a, "Edit clause", fmt.Sprintf("/clauses/%d/edit", id), f, version, err)
	}
	s.flash(c, "success", "Clause saved.")
	return redirectSeeOther(c, fmt.Sprintf("%s#clause-%d", agreementPath(a.ID), cl.ID))
}

func (s *Server) clauseConfirm(c echo.Context, verb string) error {
	cl, a, err := s.loadClause(c)
	if err != nil {
		return err
	}
	body := []string{"“" + cl.SentenceInWords() + "”"}
	title, button := "Retire this clause?", "Retire clause"
	if verb == "retire" {
		body = append(body, "It stops restricting deals at once and is no longer used in screening. It stays on record, with its history, and can be restored.")
	} else {
		title, button = "Restore this clause?", "Restore clause"
		body = append(body, "It will restrict deals again from now on, within its dates, and screening will use it.")
	}
	return s.render(c, http.StatusOK, pages.Confirm(s.page(c, title), pages.ConfirmView{
		Caption: a.Title, Title: title, Body: body, Action: fmt.Sprintf("/clauses/%d/%s", cl.ID, verb), Button: button,
		Cancel: fmt.Sprintf("%s#clause-%d", agreementPath(a.ID), cl.ID), CSRFToken: csrfToken(c), Version: strconv.FormatInt(cl.Version, 10),
	}))
}

func (s *Server) handleClauseRetireConfirm(c echo.Context) error { return s.clauseConfirm(c, "retire") }
func (s *Server) handleClauseRestoreConfirm(c echo.Context) error {
	return s.clauseConfirm(c, "restore")
}

func (s *Server) clauseAction(c echo.Context, verb string) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	version, _ := formVersion(c)
	act := s.register.RetireClause
	if verb == "restore" {
		act = s.register.RestoreClause
	}
	cl, err := act(c.Request().Context(), currentUser(c), id, version)
	if cl.ID == 0 {
		return err
	}
	back := fmt.Sprintf("%s#clause-%d", agreementPath(cl.AgreementID), cl.ID)
	switch dealgate.ErrorCode(err) {
	case "":
		s.flash(c, "success", "Clause "+verb+"d.")
		return redirectSeeOther(c, back)
	case dealgate.ECONFLICT, dealgate.EINVALID:
		// A double submit or a stale page: nothing was done twice.
		s.flash(c, "important", dealgate.ErrorMessage(err))
		return redirectSeeOther(c, back)
	}
	return err
}

func (s *Server) handleClauseRetire(c echo.Context) error  { return s.clauseAction(c, "retire") }
func (s *Server) handleClauseRestore(c echo.Context) error { return s.clauseAction(c, "restore") }
