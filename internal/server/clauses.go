package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/web/components"
	"github.com/dealgate/dealgate/web/pages"
)

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
	s.get("/clauses/:id/edit", edit, s.handleClauseEdit)
	s.post("/clauses/:id/edit", edit, s.handleClauseUpdate)
	s.get("/clauses/:id/retire", edit, s.handleClauseRetireConfirm)
	s.post("/clauses/:id/retire", edit, s.handleClauseRetire)
	s.get("/clauses/:id/restore", edit, s.handleClauseRestoreConfirm)
	s.post("/clauses/:id/restore", edit, s.handleClauseRestore)
}

var clauseFieldOrder = []string{"kind", "beneficiary", components.GroupID("category_ids"), components.GroupID("excluded_category_ids"),
	components.GroupID("restriction_scope"), "restricted_kind", "restricted_parties", "exception_parties", "worldwide",
	components.GroupID("regions"), "valid_from", "valid_until", "notice_days", "section", "text"}

func (s *Server) clauseFormView(c echo.Context, a dealgate.Agreement, title, action string, f dealgate.ClauseForm, version int64, err error) (pages.FormView, error) {
	errs, summary := formErrors(err, clauseFieldOrder...)
	tax, terr := s.register.CurrentTaxonomy(c.Request().Context(), currentUser(c))
	if terr != nil && dealgate.ErrorCode(terr) != dealgate.ENOTFOUND {
		return pages.FormView{}, terr
	}
	catOpts := func(selected []string) []components.Option {
		var out []components.Option
		if tax == nil {
			return out
		}
		for _, cat := range tax.Categories {
			id := strconv.FormatInt(cat.ID, 10)
			sel := slices.Contains(selected, id)
			if cat.Retired && !sel {
				continue // retired categories stay only where already chosen
			}
			label := strings.Repeat("— ", cat.Depth) + cat.Name
			if cat.Retired {
				label += " (retired)"
			}
			out = append(out, components.Option{Value: id, Label: label, Selected: sel})
		}
		return out
	}
	kinds := []components.Option{{Value: "", Label: "Choose a kind"}}
	for _, k := range dealgate.AllClauseKinds {
		kinds = append(kinds, components.Option{Value: string(k), Label: k.Label(), Selected: string(k) == f.Kind})
	}
	var scopes []components.Option
	for _, sc := range dealgate.AllRestrictionScopes {
		scopes = append(scopes, components.Option{Value: string(sc), Label: sc.Label(), Selected: string(sc) == f.Scope})
	}
	partyKinds := []components.Option{{Value: "", Label: "Choose a kind of party"}}
	for _, k := range dealgate.AllPartyKinds {
		partyKinds = append(partyKinds, components.Option{Value: string(k), Label: k.Label(), Selected: string(k) == f.RestrictedKind})
	}
	var regions []components.Option
	for _, r := range dealgate.Regions {
		regions = append(regions, components.Option{Value: r.Code, Label: r.Name, Selected: slices.Contains(f.Regions, r.Code)})
	}
	fields := []templ.Component{
		components.SelectField(components.Field{ID: "kind", Name: "kind", Label: "Kind of clause", Value: f.Kind, Error: errs["kind"], Options: kinds}),
		components.TextField(components.Field{ID: "beneficiary", Name: "beneficiary", Label: "Beneficiary", Hint: "The party the clause protects, by name or alias, e.g. " + a.Party.Name, Value: f.Beneficiary, Error: errs["beneficiary"], MaxLength: 200}),
		components.CheckboxGroup("Product categories covered", "category_ids", "The clause restricts deals in these categories and everything below them in the taxonomy.", errs[components.GroupID("category_ids")], catOpts(f.Categories)),
		components.CheckboxGroup("Categories explicitly excluded", "excluded_category_ids", "Optional: parts of a covered category the clause does not reach.", errs[components.GroupID("excluded_category_ids")], catOpts(f.Excluded)),
		components.RadioGroup("Whom the clause restricts", "restriction_scope", "", errs[components.GroupID("restriction_scope")], scopes),
		components.SelectField(components.Field{ID: "restricted_kind", Name: "restricted_kind", Label: "Kind of party restricted", Hint: "When the clause restricts a class, e.g. any cloud provider", Value: f.RestrictedKind, Error: errs["restricted_kind"], Options: partyKinds}),
		components.TextArea(components.Field{ID: "restricted_parties", Name: "restricted_parties", Label: "Named parties restricted", Hint: "One party name per line, when the clause names them. A parent company covers its affiliates.", Value: f.RestrictedParties, Error: errs["restricted_parties"], Rows: 3}),
		components.TextArea(components.Field{ID: "exception_parties", Name: "exception_parties", Label: "Exceptions", Hint: "One party name per line: parties the restriction does not apply to", Value: f.ExceptionParties, Error: errs["exception_parties"], Rows: 2}),
		components.CheckboxField(components.Field{ID: "worldwide", Name: "worldwide", Label: "Applies worldwide", Value: boolValue(f.Worldwide), Error: errs["worldwide"]}),
		components.CheckboxGroup("Regions", "regions", "When not worldwide: where the clause applies", errs[components.GroupID("regions")], regions),
		components.TextField(components.Field{ID: "valid_from", Name: "valid_from", Label: "Applies from", Hint: "Leave empty to follow the agreement's dates", Type: "date", Value: f.ValidFrom, Error: errs["valid_from"]}),
		components.TextField(components.Field{ID: "valid_until", Name: "valid_until", Label: "Applies until", Type: "date", Value: f.ValidUntil, Error: errs["valid_until"]}),
		components.TextField(components.Field{ID: "notice_days", Name: "notice_days", Label: "Notice period (days)", Type: "number", Inputmode: "numeric", Value: f.NoticeDays, Error: errs["notice_days"]}),
		components.TextField(components.Field{ID: "section", Name: "section", Label: "Section reference", Hint: "e.g. 4.2", Value: f.Section, Error: errs["section"], MaxLength: 50}),
		components.TextArea(components.Field{ID: "text", Name: "text", Label: "Clause text", Hint: "As written in the agreement; it is searchable", Value: f.Text, Error: errs["text"], Rows: 8}),
	}
	if version > 0 {
		fields = append(fields, pages.Hidden("version", strconv.FormatInt(version, 10)))
	} else {
		fields = append(fields, pages.Hidden(onceField, newOnceToken()))
	}
	return pages.FormView{Caption: a.Title, Title: title, Action: action, Submit: "Save clause", Cancel: agreementPath(a.ID) + "#clauses",
		CSRFToken: csrfToken(c), Errors: summary, Fields: fields}, nil
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
	f := dealgate.ClauseForm{Kind: string(dealgate.ClauseExclusivity), Beneficiary: a.Party.Name, Scope: string(dealgate.RestrictKind), Worldwide: true}
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
		status, ok := formStatus(err)
		if !ok || a.ID == 0 {
			return err
		}
		return s.renderClauseForm(c, status, a, "Add a clause", agreementPath(a.ID)+"/clauses", f, 0, err)
	}
	s.flash(c, "success", "Clause added: "+res.Clause.Sentence())
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
		status, ok := formStatus(err)
		if !ok || a.ID == 0 {
			return err
		}
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			version = cl.Version
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"kind": "Someone else changed this clause while you were editing. It now reads: " +
				cl.Sentence() + " Check your changes and save again."}}
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
	body := []string{"“" + cl.Sentence() + "”"}
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
