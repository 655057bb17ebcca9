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

// clauseForm is what the clause form carries, as typed.
type clauseForm struct {
	Kind, Beneficiary, Scope, RestrictedKind   string
	RestrictedParties, ExceptionParties        string // one party name per line
	Categories, Excluded, Regions              []string
	Worldwide                                  bool
	ValidFrom, ValidUntil, NoticeDays, Section string
	Text                                       string
}

func clauseFormOf(cl dealgate.Clause) clauseForm {
	names := func(refs []dealgate.PartyRef) string {
		var out []string
		for _, r := range refs {
			out = append(out, r.Name)
		}
		return strings.Join(out, "\n")
	}
	ids := func(refs []dealgate.CategoryRef) []string {
		var out []string
		for _, r := range refs {
			out = append(out, strconv.FormatInt(r.ID, 10))
		}
		return out
	}
	f := clauseForm{
		Kind: string(cl.Kind), Beneficiary: cl.Beneficiary.Name, Scope: string(cl.Scope), RestrictedKind: string(cl.RestrictedKind),
		RestrictedParties: names(cl.RestrictedParties), ExceptionParties: names(cl.Exceptions),
		Categories: ids(cl.Categories), Excluded: ids(cl.ExcludedCategories), Regions: slices.Clone(cl.Regions), Worldwide: cl.Worldwide,
		ValidFrom: dealgate.FormatDate(cl.ValidFrom), ValidUntil: dealgate.FormatDate(cl.ValidUntil), Section: cl.Section, Text: cl.Text,
	}
	if cl.NoticeDays != nil {
		f.NoticeDays = strconv.Itoa(*cl.NoticeDays)
	}
	return f
}

func readClauseForm(c echo.Context) clauseForm {
	params, _ := c.FormParams()
	return clauseForm{
		Kind: c.FormValue("kind"), Beneficiary: c.FormValue("beneficiary"), Scope: c.FormValue("restriction_scope"),
		RestrictedKind: c.FormValue("restricted_kind"), RestrictedParties: c.FormValue("restricted_parties"),
		ExceptionParties: c.FormValue("exception_parties"), Categories: params["category_ids"], Excluded: params["excluded_category_ids"],
		Regions: params["regions"], Worldwide: checked(c, "worldwide"), ValidFrom: c.FormValue("valid_from"),
		ValidUntil: c.FormValue("valid_until"), NoticeDays: c.FormValue("notice_days"), Section: c.FormValue("section"), Text: c.FormValue("text"),
	}
}

// clauseFields maps the domain's field names to the form's inputs.
var clauseFields = map[string]string{
	"beneficiary_id":        "beneficiary",
	"restricted_party_ids":  "restricted_parties",
	"exception_party_ids":   "exception_parties",
	"category_ids":          components.GroupID("category_ids"),
	"excluded_category_ids": components.GroupID("excluded_category_ids"),
	"restriction_scope":     components.GroupID("restriction_scope"),
	"regions":               components.GroupID("regions"),
}

var clauseFieldOrder = []string{"kind", "beneficiary", components.GroupID("category_ids"), components.GroupID("excluded_category_ids"),
	components.GroupID("restriction_scope"), "restricted_kind", "restricted_parties", "exception_parties", "worldwide",
	components.GroupID("regions"), "valid_from", "valid_until", "notice_days", "section", "text"}

// clauseInput turns the form into the domain input: party names become IDs
// (each unknown name reported), then the domain validates the whole clause.
func (s *Server) clauseInput(c echo.Context, a dealgate.Agreement, f clauseForm) (dealgate.ClauseInput, error) {
	ctx, actor := c.Request().Context(), currentUser(c)
	var v dealgate.Validation
	in := dealgate.ClauseInput{
		Kind: dealgate.ClauseKind(f.Kind), Scope: dealgate.RestrictionScope(f.Scope), RestrictedKind: dealgate.PartyKind(f.RestrictedKind),
		Worldwide: f.Worldwide, Regions: f.Regions, Section: f.Section, Text: f.Text,
	}
	party := func(field, name string) (int64, bool) {
		p, err := s.register.FindPartyByName(ctx, actor, strings.TrimSpace(name))
		if err != nil {
			v.Add(field, fmt.Sprintf("No party is called %q; check the name or add the party first", strings.TrimSpace(name)))
			return 0, false
		}
		return p.ID, true
	}
	if strings.TrimSpace(f.Beneficiary) != "" {
		in.BeneficiaryID, _ = party("beneficiary", f.Beneficiary)
	}
	for _, list := range []struct {
		field, raw string
		dst        *[]int64
	}{{"restricted_parties", f.RestrictedParties, &in.RestrictedPartyIDs}, {"exception_parties", f.ExceptionParties, &in.ExceptionPartyIDs}} {
		for _, name := range strings.Split(list.raw, "\n") {
			if strings.TrimSpace(name) == "" {
				continue
			}
			if id, ok := party(list.field, name); ok {
				*list.dst = append(*list.dst, id)
			}
		}
	}
	for _, ids := range []struct {
		raw []string
		dst *[]int64
	}{{f.Categories, &in.CategoryIDs}, {f.Excluded, &in.ExcludedCategoryIDs}} {
		for _, raw := range ids.raw {
			if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
				*ids.dst = append(*ids.dst, id)
			}
		}
	}
	var err error
	if in.ValidFrom, err = dealgate.ParseDate(f.ValidFrom); err != nil {
		v.Add("valid_from", "Enter a real date, like 2027-03-12")
	}
	if in.ValidUntil, err = dealgate.ParseDate(f.ValidUntil); err != nil {
		v.Add("valid_until", "Enter a real date, like 2027-03-12")
	}
	if raw := strings.TrimSpace(f.NoticeDays); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			v.Add("notice_days", "Enter the notice period as a whole number of days")
		} else {
			in.NoticeDays = &n
		}
	}
	check := in
	if check.BeneficiaryID == 0 && v.Has("beneficiary") {
		check.BeneficiaryID = -1
	}
	fields := map[string]string{}
	if err := check.Validate(a); err != nil {
		for k, msg := range dealgate.ErrorFields(err) {
			if k == "beneficiary_id" && v.Has("beneficiary") {
				continue
			}
			fields[k] = msg
		}
	}
	for k, msg := range dealgate.ErrorFields(v.Err()) {
		fields[k] = msg
	}
	if len(fields) > 0 {
		return in, clauseError(&dealgate.Error{Code: dealgate.EINVALID, Message: "Check the highlighted fields.", Fields: fields})
	}
	return in, nil
}

// clauseError moves domain field names onto the form's inputs.
func clauseError(err error) error {
	fields := dealgate.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	moved := map[string]string{}
	for k, msg := range fields {
		if to, ok := clauseFields[k]; ok {
			k = to
		}
		moved[k] = msg
	}
	return &dealgate.Error{Code: dealgate.ErrorCode(err), Message: dealgate.ErrorMessage(err), Fields: moved}
}

func (s *Server) clauseFormView(c echo.Context, a dealgate.Agreement, title, action string, f clauseForm, version int64, err error) (pages.FormView, error) {
	errs, summary := formErrors(err, clauseFieldOrder...)
	if err == nil {
		errs, summary = nil, nil
	}
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

func (s *Server) renderClauseForm(c echo.Context, status int, a dealgate.Agreement, title, action string, f clauseForm, version int64, err error) error {
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
	f := clauseForm{Kind: string(dealgate.ClauseExclusivity), Beneficiary: a.Party.Name, Scope: string(dealgate.RestrictKind), Worldwide: true}
	return s.renderClauseForm(c, http.StatusOK, a, "Add a clause", agreementPath(a.ID)+"/clauses", f, 0, nil)
}

func (s *Server) handleClauseCreate(c echo.Context) error {
	a, err := s.loadAgreement(c)
	if err != nil {
		return err
	}
	f := readClauseForm(c)
	in, err := s.clauseInput(c, a, f)
	var cl dealgate.Clause
	if err == nil {
		err = s.createOnce(c, func() (err error) {
			cl, err = s.register.CreateClause(c.Request().Context(), currentUser(c), a.ID, in)
			return err
		})
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			return s.alreadySubmitted(c, err, agreementPath(a.ID)+"#clauses")
		}
	}
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		return s.renderClauseForm(c, status, a, "Add a clause", agreementPath(a.ID)+"/clauses", f, 0, clauseError(err))
	}
	s.flash(c, "success", "Clause added: "+cl.Sentence())
	return redirectSeeOther(c, fmt.Sprintf("%s#clause-%d", agreementPath(a.ID), cl.ID))
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
	return s.renderClauseForm(c, http.StatusOK, a, "Edit clause", fmt.Sprintf("/clauses/%d/edit", cl.ID), clauseFormOf(cl), cl.Version, nil)
}

func (s *Server) handleClauseUpdate(c echo.Context) error {
	cl, a, err := s.loadClause(c)
	if err != nil {
		return err
	}
	f := readClauseForm(c)
	action := fmt.Sprintf("/clauses/%d/edit", cl.ID)
	version, err := formVersion(c)
	var in dealgate.ClauseInput
	if err == nil {
		in, err = s.clauseInput(c, a, f)
	}
	if err == nil {
		var current dealgate.Clause
		current, err = s.register.UpdateClause(c.Request().Context(), currentUser(c), cl.ID, version, in)
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			if current.ID != 0 {
				cl = current
			}
			version = cl.Version
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"kind": "Someone else changed this clause while you were editing. It now reads: " +
				cl.Sentence() + " Check your changes and save again."}}
		}
	}
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		return s.renderClauseForm(c, status, a, "Edit clause", action, f, version, clauseError(err))
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
	cl, a, err := s.loadClause(c)
	if err != nil {
		return err
	}
	version, err := formVersion(c)
	if err == nil {
		if verb == "retire" {
			_, err = s.register.RetireClause(c.Request().Context(), currentUser(c), cl.ID, version)
		} else {
			_, err = s.register.RestoreClause(c.Request().Context(), currentUser(c), cl.ID, version)
		}
	}
	back := fmt.Sprintf("%s#clause-%d", agreementPath(a.ID), cl.ID)
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
