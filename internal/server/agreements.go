package server

import "encoding/hex"
import "fmt"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "time"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/agreements"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/pages"

func (s *Server) registerAgreementRoutes() {
	view, edit := need(dealgate.ActRegisterView), need(dealgate.ActRegisterEdit)
	s.get("/agreements", view, s.handleAgreementIndex)
	s.get("/agreements/new", edit, s.handleAgreementNew)
	s.post("/agreements", edit, s.handleAgreementCreate)
	s.get("/agreements/:id", view, s.handleAgreementView)
	s.form("/agreements/:id/edit", edit, s.handleAgreementEdit, s.handleAgreementUpdate)
}

func agreementPath(id int64) string { return "/agreements/" + strconv.FormatInt(id, 10) }

func statusKind(st dealgate.AgreementStatus) string {
	switch st {
	case dealgate.StatusActive:
		return "active"
	case dealgate.StatusExpired:
		return "expired"
	case dealgate.StatusTerminated:
		return "terminated"
	}
	return "draft"
}

func bindingText(b bool) string {
	if b {
		return "Binding"
	}
	return "Non-binding"
}

func moneyText(m *dealgate.Money) string {
	if m == nil {
		return ""
	}
	return m.String()
}

// dayText shows an optional calendar day in words, or "".
func (s *Server) dayText(c echo.Context, d *time.Time) string {
	if d == nil {
		return ""
	}
	return formatDate(*d, s.register.Now(), currentUser(c).Location())
}

func readAgreementForm(c echo.Context) dealgate.AgreementForm {
	return dealgate.AgreementForm{
		Title: c.FormValue("title"), Party: c.FormValue("party"), Kind: c.FormValue("kind"), Status: c.FormValue("status"),
		SignedOn: c.FormValue("signed_on"), EffectiveOn: c.FormValue("effective_on"), ExpiresOn: c.FormValue("expires_on"),
		Value: c.FormValue("value"), Currency: c.FormValue("currency"), Summary: c.FormValue("summary"), Notes: c.FormValue("notes"),
		Binding: checked(c, "binding"), SaveDuplicate: checked(c, "save_duplicate"),
	}
}

func (s *Server) agreementFormView(c echo.Context, title, action, cancel string, f dealgate.AgreementForm, version int64, err error) pages.FormView {
	errs, summary := formErrors(err, "title", "party", "kind", "binding", "status", "signed_on", "effective_on", "expires_on", "value", "currency", "summary", "notes")
	addParty := ""
	if errs["party"] != "" && strings.TrimSpace(f.Party) != "" && version == 0 && strings.Contains(errs["party"], "No party") {
		addParty = "/parties/new?" + url.Values{"name": {strings.TrimSpace(f.Party)}, "return": {"/agreements/new?" + agreementFormQuery(f).Encode()}}.Encode()
	}
	fields := agreements.AgreementFields(f, errs, addParty)
	fields = append(fields, formKey(version))
	return pages.FormView{Caption: "Agreements", Title: title, Action: action, Submit: "Save agreement", Cancel: cancel,
		CSRFToken: csrfToken(c), Errors: summary, Fields: fields}
}

// agreementFormQuery is the typed agreement form as a query, for "add this
// party" to bring it back.
func agreementFormQuery(f dealgate.AgreementForm) url.Values {
	q := url.Values{"title": {f.Title}, "party": {f.Party}, "kind": {f.Kind}, "status": {f.Status}, "signed_on": {f.SignedOn},
		"effective_on": {f.EffectiveOn}, "expires_on": {f.ExpiresOn}, "value": {f.Value}, "currency": {f.Currency},
		"summary": {f.Summary}, "notes": {f.Notes}, "binding": {strconv.FormatBool(f.Binding)}, "back": {"1"}}
	for k, v := range q {
		if v[0] == "" {
			delete(q, k)
		}
	}
	return q
}

func (s *Server) handleAgreementNew(c echo.Context) error {
	f := dealgate.AgreementForm{Binding: true, Status: string(dealgate.StatusDraft), Currency: "USD", Party: c.QueryParam("party_name")}
	if q := c.QueryParams(); q.Get("back") == "1" {
		// Back from "add this party": the form as it was typed.
		f = dealgate.AgreementForm{Title: q.Get("title"), Party: q.Get("party"), Kind: q.Get("kind"), Status: q.Get("status"),
			SignedOn: q.Get("signed_on"), EffectiveOn: q.Get("effective_on"), ExpiresOn: q.Get("expires_on"), Value: q.Get("value"),
			Currency: q.Get("currency"), Summary: q.Get("summary"), Notes: q.Get("notes"), Binding: q.Get("binding") == "true"}
	}
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Add an agreement"), s.agreementFormView(c, "Add an agreement", "/agreements", "/agreements", f, 0, nil)))
}

func (s *Server) handleAgreementCreate(c echo.Context) error {
	f := readAgreementForm(c)
	a, err := s.register.CreateAgreementForm(c.Request().Context(), currentUser(c), c.FormValue(onceField), f)
	if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
		return s.alreadySubmitted(c, err, "/agreements")
	}
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		return s.render(c, status, pages.Form(s.page(c, "Add an agreement"), s.agreementFormView(c, "Add an agreement", "/agreements", "/agreements", f, 0, err)))
	}
	s.flash(c, "success", "Agreement added. Now record its restrictive clauses.")
	return redirectSeeOther(c, agreementPath(a.ID))
}

func (s *Server) loadAgreement(c echo.Context) (dealgate.Agreement, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return dealgate.Agreement{}, err
	}
	return s.register.Agreement(c.Request().Context(), currentUser(c), id)
}

func (s *Server) handleAgreementView(c echo.Context) error {
	return s.renderAgreement(c, http.StatusOK, "")
}

func (s *Server) renderAgreement(c echo.Context, status int, uploadErr string) error {
	actor := currentUser(c)
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, err := s.register.AgreementPage(c.Request().Context(), actor, id, historyLimit)
	if err != nil {
		return err
	}
	// A refused upload shows its problem: that page is this request's own.
	derived := p.Derived
	if status != http.StatusOK || uploadErr != "" {
		derived = nil
	}
	return s.renderDerived(c, status, derived, s.page(c, p.Agreement.Title), func(fresh perRequest) templ.Component {
		a := p.Agreement
		loc := actor.Location()
		canEdit := dealgate.Allowed(actor, dealgate.ActRegisterEdit)
		v := agreements.ShowView{
			Title: a.Title, StatusText: a.Status.Label(), StatusKind: statusKind(a.Status), Binding: bindingText(a.Binding),
			Summary: a.Summary, Notes: a.Notes, CanEdit: canEdit, CSRFToken: fresh.CSRF,
			EditHref: agreementPath(a.ID) + "/edit", NewClause: agreementPath(a.ID) + "/clauses/new",
			UploadHref: agreementPath(a.ID) + "/documents", UploadErr: uploadErr, OnceToken: fresh.Once,
			MaxUpload: sizeText(s.maxUpload()),
			Details: []components.SummaryRow{
				{Key: "Party", Value: a.Party.Name, ValueHref: "/parties/" + strconv.FormatInt(a.Party.ID, 10)},
				{Key: "Kind", Value: a.Kind.Label()},
				{Key: "Signed", Value: s.dayText(c, a.SignedOn)},
				{Key: "Effective from", Value: s.dayText(c, a.EffectiveOn)},
				{Key: "Expires", Value: s.dayText(c, a.ExpiresOn)},
				{Key: "Total value", Value: moneyText(a.Value)},
				{Key: "Owner", Value: a.OwnerName, ValueHref: ownerHref(actor, a.OwnerID)},
				{Key: "Last changed", Value: formatMoment(a.UpdatedAt, loc)},
			},
		}
		v.Touching = touchingView(p.Touching, p.Job, loc)
		if a.Status != a.RecordedStatus {
			v.Details = append(v.Details, components.SummaryRow{Key: "Recorded status", Value: a.RecordedStatus.Label() + " (now " + a.Status.Label() + " by its dates)"})
		}
		today := s.register.Now()
		for _, cl := range p.Clauses {
			v.Clauses = append(v.Clauses, clauseCard(cl, today))
		}
		for _, d := range p.Documents {
			v.Documents = append(v.Documents, documentRow(d, loc))
		}
		// The timeline gathers the agreement, its clauses and its documents.
		v.History = registerTimeline(p.History, loc)
		return agreements.ShowContent(v)
	})
}

// clauseCard is a clause as the agreement's page shows it, in force or not
// on today.
func clauseCard(cl dealgate.Clause, today time.Time) agreements.ClauseCard {
	id := strconv.FormatInt(cl.ID, 10)
	window := "In force"
	from, until := dayInWords(cl.From()), dayInWords(cl.Until())
	switch {
	case from != "" && until != "":
		window = "Applies from " + from + " until " + until
	case until != "":
		window = "Applies until " + until
	case from != "":
		window = "Applies from " + from + ", with no end date"
	}
	if cl.NoticeDays != nil && *cl.NoticeDays > 0 {
		window += fmt.Sprintf("; %d days' notice", *cl.NoticeDays)
	}
	cats := func(refs []dealgate.CategoryRef) []agreements.Link {
		var out []agreements.Link
		for _, r := range refs {
			label := r.Name
			if r.Retired {
				label += " (retired)"
			}
			out = append(out, agreements.Link{Label: label, Href: "/taxonomy/categories/" + strconv.FormatInt(r.ID, 10)})
		}
		return out
	}
	return agreements.ClauseCard{
		Beneficiary: agreements.Link{Label: cl.Beneficiary.Name, Href: "/parties/" + strconv.FormatInt(cl.Beneficiary.ID, 10)},
		Categories:  cats(cl.Categories), Excluded: cats(cl.ExcludedCategories),
		ID: cl.ID, Anchor: "clause-" + id, Kind: cl.Kind.Label(), Sentence: cl.SentenceInWords(), Section: cl.Section, Text: cl.Text,
		Window: window, Retired: cl.RetiredAt != nil, InForce: cl.InForce(today),
		EditHref: "/clauses/" + id + "/edit", RetireHref: "/clauses/" + id + "/retire", RestoreHref: "/clauses/" + id + "/restore",
	}
}

// documentRow is a document as the agreement's page lists it.
func documentRow(d dealgate.Document, loc *time.Location) agreements.DocumentRow {
	id := strconv.FormatInt(d.ID, 10)
	return agreements.DocumentRow{
		Name: d.Filename, Type: strings.TrimPrefix(d.Extension(), "."), Size: sizeText(d.SizeBytes),
		Uploaded: formatMoment(d.UploadedAt, loc), SHA256: hex.EncodeToString(d.SHA256),
		DownloadHref: "/documents/" + id, RemoveHref: "/documents/" + id + "/remove",
	}
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func (s *Server) handleAgreementEdit(c echo.Context) error {
	a, err := s.loadAgreement(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Edit "+a.Title),
		s.agreementFormView(c, "Edit agreement", agreementPath(a.ID)+"/edit", agreementPath(a.ID), dealgate.AgreementFormOf(a), a.Version, nil)))
}

func (s *Server) handleAgreementUpdate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := readAgreementForm(c)
	version, _ := formVersion(c)
	a, err := s.register.UpdateAgreementForm(c.Request().Context(), currentUser(c), id, version, f)
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok || a.ID == 0 {
			return err
		}
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			version = a.Version
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"title": fmt.Sprintf(
				"Someone else changed this agreement while you were editing. It now reads: title %q, party %s, status %s, expires %s, value %s. Check your changes and save again.",
				a.Title, a.Party.Name, a.Status.Label(), orNone(dealgate.FormatDate(a.ExpiresOn)), orNone(moneyText(a.Value)))}}
		}
		return s.render(c, status, pages.Form(s.page(c, "Edit "+a.Title),
			s.agreementFormView(c, "Edit agreement", agreementPath(a.ID)+"/edit", agreementPath(a.ID), f, version, err)))
	}
	s.flash(c, "success", "Agreement saved.")
	return redirectSeeOther(c, agreementPath(a.ID))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// taxCategory is tax.Category, or nothing without a taxonomy.
func taxCategory(tax *dealgate.Taxonomy, id int64) (dealgate.Category, bool) {
	if tax == nil {
		return dealgate.Category{}, false
	}
	return tax.Category(id)
}

// dayInWords is an optional calendar day as "20 December 2026", or "".
func dayInWords(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.Format("2 January 2006")
}

// ownerHref links an agreement's owner to their user page for a viewer the
// policy lets manage users (the only ones those pages are for); for anyone
// else the owner stays plain text.
func ownerHref(viewer *dealgate.User, owner *int64) string {
	if owner == nil || !dealgate.Allowed(viewer, dealgate.ActUserManage) {
		return ""
	}
	return userPath(*owner)
}
