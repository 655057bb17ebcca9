package server

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/postgres"
	"github.com/dealgate/dealgate/web/agreements"
	"github.com/dealgate/dealgate/web/components"
	"github.com/dealgate/dealgate/web/pages"
)

func (s *Server) registerAgreementRoutes() {
	view, edit := need(dealgate.ActRegisterView), need(dealgate.ActRegisterEdit)
	s.get("/agreements", view, s.handleAgreementIndex)
	s.get("/agreements/new", edit, s.handleAgreementNew)
	s.post("/agreements", edit, s.handleAgreementCreate)
	s.get("/agreements/:id", view, s.handleAgreementView)
	s.get("/agreements/:id/edit", edit, s.handleAgreementEdit)
	s.post("/agreements/:id/edit", edit, s.handleAgreementUpdate)
	s.get("/agreements/:id/clauses/new", edit, s.handleClauseNew)
	s.post("/agreements/:id/clauses", edit, s.handleClauseCreate)
	s.get("/clauses/:id/edit", edit, s.handleClauseEdit)
	s.post("/clauses/:id/edit", edit, s.handleClauseUpdate)
	s.get("/clauses/:id/retire", edit, s.handleClauseRetireConfirm)
	s.post("/clauses/:id/retire", edit, s.handleClauseRetire)
	s.get("/clauses/:id/restore", edit, s.handleClauseRestoreConfirm)
	s.post("/clauses/:id/restore", edit, s.handleClauseRestore)
	s.post("/agreements/:id/documents", edit, s.handleDocumentUpload)
	s.upload(http.MethodPost, "/agreements/:id/documents", s.maxUpload()+multipartOverhead)
	s.get("/documents/:id", view, s.handleDocumentDownload)
	s.get("/documents/:id/remove", edit, s.handleDocumentRemoveConfirm)
	s.post("/documents/:id/remove", edit, s.handleDocumentRemove)
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
	return formatDate(*d, s.db.Now(), currentUser(c).Location())
}

func (s *Server) handleAgreementIndex(c echo.Context) error {
	ctx := c.Request().Context()
	actor := currentUser(c)
	q := c.QueryParams()
	f := dealgate.AgreementFilter{
		Query:  q.Get("q"),
		Status: dealgate.AgreementStatus(q.Get("status")),
		Kind:   dealgate.AgreementKind(q.Get("kind")),
		Sort:   q.Get("sort"),
		Desc:   q.Get("dir") == "desc",
	}
	pr := pageRequest(c)
	f.Page, f.PerPage = pr.Page, pr.PerPage
	var v dealgate.Validation
	switch q.Get("binding") {
	case "yes":
		f.Binding = ptrTo(true)
	case "no":
		f.Binding = ptrTo(false)
	}
	if raw := strings.TrimSpace(q.Get("expiring")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 3650 {
			v.Add("expiring", "Enter a number of days from 1 to 3650")
		} else {
			f.ExpiringWithinDays = n
		}
	}
	tax, err := s.register.CurrentTaxonomy(ctx, actor)
	if err != nil && dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		return err
	}
	if raw := strings.TrimSpace(q.Get("category")); raw != "" {
		// An ID from a link or the select, or a key or name typed in.
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			f.CategoryID = id
		} else if cat, ok := findCategory(tax, raw); ok {
			f.CategoryID = cat.ID
		} else {
			v.Add("category", "No category has that key or name")
		}
	}
	view := agreements.ListView{
		CanEdit:   dealgate.Allowed(actor, dealgate.ActRegisterEdit),
		CanExport: dealgate.Allowed(actor, dealgate.ActExport),
	}
	if raw := q.Get("party"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err == nil && id > 0 {
			if party, err := s.register.Party(ctx, actor, id); err == nil {
				f.PartyID = id
				view.PartyFilter = party.Name
				view.PartyFilterClear = withQuery(c, "party", "", "page", "")
			}
		}
		if f.PartyID == 0 {
			v.Add("party", "That party is not in the register")
		}
	}
	if name := strings.TrimSpace(q.Get("party_name")); name != "" && f.PartyID == 0 {
		party, err := s.register.FindPartyByName(ctx, actor, name)
		switch dealgate.ErrorCode(err) {
		case "":
			f.PartyID = party.ID
		case dealgate.ENOTFOUND:
			v.Add("party_name", "No party has that name or alias")
		default:
			return err
		}
	}
	f = f.Normalize()
	errs, summary := formErrors(v.Err(), "q", "party_name", "status", "kind", "binding", "expiring", "category")
	if v.Err() == nil {
		errs, summary = nil, nil
	}
	view.Errors = summary
	view.Searching = f.Query != ""
	view.Filtered = q.Get("q") != "" || q.Get("status") != "" || q.Get("kind") != "" || q.Get("binding") != "" ||
		q.Get("expiring") != "" || q.Get("category") != "" || q.Get("party") != "" || q.Get("party_name") != ""
	opts := func(any string, values, labels []string, selected string) []components.Option {
		out := []components.Option{{Value: "", Label: any}}
		for i, val := range values {
			out = append(out, components.Option{Value: val, Label: labels[i], Selected: val == selected})
		}
		return out
	}
	var statusVals, statusLabels, kindVals, kindLabels []string
	for _, st := range dealgate.AllAgreementStatuses {
		statusVals, statusLabels = append(statusVals, string(st)), append(statusLabels, st.Label())
	}
	for _, k := range dealgate.AllAgreementKinds {
		kindVals, kindLabels = append(kindVals, string(k)), append(kindLabels, k.Label())
	}
	view.Filters = []components.Field{
		{ID: "q", Name: "q", Label: "Words or a \"quoted phrase\"", Hint: "Searches titles, summaries and clause text", Type: "search", Value: q.Get("q"), MaxLength: 200},
		{ID: "party_name", Name: "party_name", Label: "Party name or alias", Value: q.Get("party_name"), Error: errs["party_name"], MaxLength: 200},
		{ID: "status", Name: "status", Label: "Status", Value: string(f.Status), Options: opts("Any status", statusVals, statusLabels, string(f.Status))},
		{ID: "kind", Name: "kind", Label: "Kind", Value: string(f.Kind), Options: opts("Any kind", kindVals, kindLabels, string(f.Kind))},
		{ID: "binding", Name: "binding", Label: "Binding", Value: q.Get("binding"), Options: opts("Either", []string{"yes", "no"}, []string{"Binding", "Non-binding"}, q.Get("binding"))},
		{ID: "expiring", Name: "expiring", Label: "Expiring within (days)", Type: "number", Inputmode: "numeric", Value: q.Get("expiring"), Error: errs["expiring"]},
	}
	view.Category = components.Field{ID: "category", Name: "category", Label: "Covers category", Value: q.Get("category"), Error: errs["category"]}
	if tax != nil {
		live := tax.Live()
		if len(live) <= maxCategoryOptions {
			view.Category.Options = []components.Option{{Value: "", Label: "Any category"}}
			for _, cat := range live {
				view.Category.Options = append(view.Category.Options, components.Option{
					Value: strconv.FormatInt(cat.ID, 10), Label: strings.Repeat("— ", cat.Depth) + cat.Name, Selected: cat.ID == f.CategoryID,
				})
			}
		} else {
			// A long taxonomy is typed, not scrolled: a select of thousands
			// of options helps nobody and weighs down every page.
			view.Category.Hint = "A category's key or exact name; subcategories are included"
			if cat, ok := tax.Category(f.CategoryID); ok && view.Category.Error == "" {
				view.Category.Value = cat.Key
			}
		}
	}
	sortKey := f.Sort
	view.Headers = []components.SortHeader{
		sortHeader(c, "Title", "title", sortKey, f.Desc),
		sortHeader(c, "Party", "party", sortKey, f.Desc),
		sortHeader(c, "Kind", "kind", sortKey, f.Desc),
		sortHeader(c, "Status", "status", sortKey, f.Desc),
		sortHeader(c, "Expires", "expires_on", sortKey, f.Desc),
		sortHeader(c, "Value", "value", sortKey, f.Desc),
	}
	status := http.StatusOK
	if len(summary) > 0 {
		status = http.StatusUnprocessableEntity
		return s.render(c, status, agreements.List(s.page(c, "Agreements"), view))
	}
	page, err := s.register.ListAgreements(ctx, actor, f)
	if err != nil {
		return err
	}
	for _, a := range page.Items {
		title := a.TitleHighlight
		if len(title) == 0 {
			title = dealgate.Highlight{{Text: a.Title}}
		}
		row := agreements.Row{
			Href: agreementPath(a.ID), Title: title, Party: a.Party.Name, PartyHref: "/parties/" + strconv.FormatInt(a.Party.ID, 10),
			Kind: a.Kind.Label(), Status: a.Status.Label(), StatusKind: statusKind(a.Status), Binding: bindingText(a.Binding),
			Expires: s.dayText(c, a.ExpiresOn), Value: moneyText(a.Value), ClauseCount: a.ClauseCount,
		}
		if a.Snippet.HasMatch() {
			row.Snippet = a.Snippet
			row.SnippetFrom = "Summary"
			if a.SnippetClauseID != 0 {
				row.SnippetFrom = "Clause"
			}
		}
		view.Rows = append(view.Rows, row)
	}
	view.Pager = pager(c, page)
	return s.render(c, status, agreements.List(s.page(c, "Agreements"), view))
}

func ptrTo[T any](v T) *T { return &v }

// maxCategoryOptions is the longest taxonomy the category filter offers as
// a select; beyond it the filter is a text field.
const maxCategoryOptions = 150

// findCategory finds a live category of tax by key or, ignoring case, name.
func findCategory(tax *dealgate.Taxonomy, s string) (dealgate.Category, bool) {
	if tax == nil {
		return dealgate.Category{}, false
	}
	if cat, ok := tax.ByKey(strings.ToLower(s)); ok && !cat.Retired {
		return cat, true
	}
	for _, cat := range tax.Live() {
		if strings.EqualFold(cat.Name, s) {
			return cat, true
		}
	}
	return dealgate.Category{}, false
}

// agreementForm is what the agreement form carries, as typed.
type agreementForm struct {
	Title, Party, Kind, Status, SignedOn, EffectiveOn, ExpiresOn string
	Value, Currency, Summary, Notes                              string
	Binding                                                      bool
}

func agreementFormOf(a dealgate.Agreement) agreementForm {
	f := agreementForm{
		Title: a.Title, Party: a.Party.Name, Kind: string(a.Kind), Status: string(a.RecordedStatus),
		SignedOn: dealgate.FormatDate(a.SignedOn), EffectiveOn: dealgate.FormatDate(a.EffectiveOn), ExpiresOn: dealgate.FormatDate(a.ExpiresOn),
		Summary: a.Summary, Notes: a.Notes, Binding: a.Binding, Currency: "USD",
	}
	if a.Value != nil {
		f.Value, f.Currency = a.Value.Amount(), a.Value.Currency
	}
	return f
}

func readAgreementForm(c echo.Context) agreementForm {
	return agreementForm{
		Title: c.FormValue("title"), Party: c.FormValue("party"), Kind: c.FormValue("kind"), Status: c.FormValue("status"),
		SignedOn: c.FormValue("signed_on"), EffectiveOn: c.FormValue("effective_on"), ExpiresOn: c.FormValue("expires_on"),
		Value: c.FormValue("value"), Currency: c.FormValue("currency"), Summary: c.FormValue("summary"), Notes: c.FormValue("notes"),
		Binding: checked(c, "binding"),
	}
}

// agreementInput turns the form into the domain input, collecting every
// parsing problem by field; the domain then validates the rest.
func (s *Server) agreementInput(c echo.Context, f agreementForm) (dealgate.AgreementInput, error) {
	var v dealgate.Validation
	in := dealgate.AgreementInput{
		Title: f.Title, Kind: dealgate.AgreementKind(f.Kind), Status: dealgate.AgreementStatus(f.Status),
		Binding: f.Binding, Summary: f.Summary, Notes: f.Notes,
	}
	if name := strings.TrimSpace(f.Party); name == "" {
		v.Add("party", "Enter the name of the party the agreement is with")
	} else if p, err := s.register.FindPartyByName(c.Request().Context(), currentUser(c), name); err == nil {
		in.PartyID = p.ID
	} else if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		v.Add("party", "No party has that name or alias; add the party first")
	} else {
		return in, err
	}
	for _, d := range []struct {
		field, raw string
		dst        **time.Time
	}{{"signed_on", f.SignedOn, &in.SignedOn}, {"effective_on", f.EffectiveOn, &in.EffectiveOn}, {"expires_on", f.ExpiresOn, &in.ExpiresOn}} {
		t, err := dealgate.ParseDate(d.raw)
		if err != nil {
			v.Add(d.field, "Enter a real date, like 2027-03-12")
			continue
		}
		*d.dst = t
	}
	if m, err := dealgate.ParseMoney(f.Value, f.Currency); err != nil {
		for k, msg := range dealgate.ErrorFields(err) {
			v.Add(k, msg)
		}
		if len(dealgate.ErrorFields(err)) == 0 {
			v.Add("value", dealgate.ErrorMessage(err))
		}
	} else {
		in.Value = m
	}
	if in.PartyID == 0 {
		in.PartyID = -1 // let the domain report the rest without a second party message
	}
	var all dealgate.Validation
	for _, k := range v.Order() {
		all.Add(k, dealgate.ErrorFields(v.Err())[k])
	}
	check := in
	if verr := check.Validate(s.db.Now()); verr != nil {
		for k, msg := range dealgate.ErrorFields(verr) {
			if k == "party_id" {
				k = "party"
			}
			all.Add(k, msg)
		}
	}
	if in.PartyID < 0 {
		in.PartyID = 0
	}
	return in, all.Err()
}

func (s *Server) agreementFormView(c echo.Context, title, action, cancel string, f agreementForm, version int64, err error) pages.FormView {
	errs, summary := formErrors(err, "title", "party", "kind", "binding", "status", "signed_on", "effective_on", "expires_on", "value", "currency", "summary", "notes")
	if err == nil {
		errs, summary = nil, nil
	}
	kinds := []components.Option{{Value: "", Label: "Choose a kind"}}
	for _, k := range dealgate.AllAgreementKinds {
		kinds = append(kinds, components.Option{Value: string(k), Label: k.Label()})
	}
	statuses := []components.Option{}
	for _, st := range dealgate.AllAgreementStatuses {
		statuses = append(statuses, components.Option{Value: string(st), Label: st.Label()})
	}
	var currencies []components.Option
	for _, cur := range dealgate.Currencies {
		currencies = append(currencies, components.Option{Value: cur.Code, Label: cur.Code + " – " + cur.Name})
	}
	if f.Status == "" {
		f.Status = string(dealgate.StatusDraft)
	}
	if f.Currency == "" {
		f.Currency = "USD"
	}
	fields := []templ.Component{
		components.TextField(components.Field{ID: "title", Name: "title", Label: "Title", Value: f.Title, Error: errs["title"], MaxLength: 300}),
		components.TextField(components.Field{ID: "party", Name: "party", Label: "Party", Hint: "The company's name or one of its aliases, as in the party register", Value: f.Party, Error: errs["party"], MaxLength: 200}),
		components.SelectField(components.Field{ID: "kind", Name: "kind", Label: "Kind", Value: f.Kind, Error: errs["kind"], Options: kinds}),
		components.CheckboxField(components.Field{ID: "binding", Name: "binding", Label: "Binding agreement", Hint: "Leave unticked for a non-binding memorandum or letter of intent", Value: boolValue(f.Binding), Error: errs["binding"]}),
		components.SelectField(components.Field{ID: "status", Name: "status", Label: "Status", Hint: "An active agreement becomes expired automatically after its expiry date", Value: f.Status, Error: errs["status"], Options: statuses}),
		components.TextField(components.Field{ID: "signed_on", Name: "signed_on", Label: "Signed on", Type: "date", Value: f.SignedOn, Error: errs["signed_on"]}),
		components.TextField(components.Field{ID: "effective_on", Name: "effective_on", Label: "Effective from", Type: "date", Value: f.EffectiveOn, Error: errs["effective_on"]}),
		components.TextField(components.Field{ID: "expires_on", Name: "expires_on", Label: "Expires on", Hint: "Leave empty if it has no fixed end", Type: "date", Value: f.ExpiresOn, Error: errs["expires_on"]}),
		components.TextField(components.Field{ID: "value", Name: "value", Label: "Total value", Hint: "In major units, e.g. 11,000,000,000 or 1250.50", Inputmode: "decimal", Value: f.Value, Error: errs["value"], MaxLength: 40}),
		components.SelectField(components.Field{ID: "currency", Name: "currency", Label: "Currency", Value: f.Currency, Error: errs["currency"], Options: currencies}),
		components.TextArea(components.Field{ID: "summary", Name: "summary", Label: "Summary", Hint: "What the agreement does, in plain words; searchable", Value: f.Summary, Error: errs["summary"], Rows: 5}),
		components.TextArea(components.Field{ID: "notes", Name: "notes", Label: "Notes", Value: f.Notes, Error: errs["notes"], Rows: 3}),
	}
	if version > 0 {
		fields = append(fields, pages.Hidden("version", strconv.FormatInt(version, 10)))
	} else {
		fields = append(fields, pages.Hidden(onceField, newOnceToken()))
	}
	return pages.FormView{Caption: "Agreements", Title: title, Action: action, Submit: "Save agreement", Cancel: cancel,
		CSRFToken: csrfToken(c), Errors: summary, Fields: fields}
}

func (s *Server) handleAgreementNew(c echo.Context) error {
	f := agreementForm{Binding: true, Status: string(dealgate.StatusDraft), Currency: "USD", Party: c.QueryParam("party_name")}
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Add an agreement"), s.agreementFormView(c, "Add an agreement", "/agreements", "/agreements", f, 0, nil)))
}

func (s *Server) handleAgreementCreate(c echo.Context) error {
	f := readAgreementForm(c)
	in, err := s.agreementInput(c, f)
	var a dealgate.Agreement
	if err == nil {
		owner := currentUser(c).ID
		in.OwnerID = &owner
		err = s.createOnce(c, func() (err error) {
			a, err = s.register.CreateAgreement(c.Request().Context(), currentUser(c), in)
			return err
		})
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			return s.alreadySubmitted(c, err, "/agreements")
		}
	}
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		return s.render(c, status, pages.Form(s.page(c, "Add an agreement"), s.agreementFormView(c, "Add an agreement", "/agreements", "/agreements", f, 0, remapField(err, "party_id", "party"))))
	}
	s.flash(c, "success", "Agreement added. Now record its restrictive clauses.")
	return redirectSeeOther(c, agreementPath(a.ID))
}

// remapField moves a domain field's message to the form field that shows it.
func remapField(err error, from, to string) error {
	fields := dealgate.ErrorFields(err)
	if _, ok := fields[from]; !ok {
		return err
	}
	moved := map[string]string{}
	for k, v := range fields {
		if k == from {
			k = to
		}
		moved[k] = v
	}
	return &dealgate.Error{Code: dealgate.ErrorCode(err), Message: dealgate.ErrorMessage(err), Fields: moved}
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
	ctx := c.Request().Context()
	actor := currentUser(c)
	a, err := s.loadAgreement(c)
	if err != nil {
		return err
	}
	loc := actor.Location()
	canEdit := dealgate.Allowed(actor, dealgate.ActRegisterEdit)
	v := agreements.ShowView{
		Title: a.Title, StatusText: a.Status.Label(), StatusKind: statusKind(a.Status), Binding: bindingText(a.Binding),
		Summary: a.Summary, Notes: a.Notes, CanEdit: canEdit, CSRFToken: csrfToken(c),
		EditHref: agreementPath(a.ID) + "/edit", NewClause: agreementPath(a.ID) + "/clauses/new",
		UploadHref: agreementPath(a.ID) + "/documents", UploadErr: uploadErr, OnceToken: newOnceToken(),
		MaxUpload: sizeText(s.maxUpload()),
		Details: []components.SummaryRow{
			{Key: "Party", Value: a.Party.Name},
			{Key: "Kind", Value: a.Kind.Label()},
			{Key: "Signed", Value: s.dayText(c, a.SignedOn)},
			{Key: "Effective from", Value: s.dayText(c, a.EffectiveOn)},
			{Key: "Expires", Value: s.dayText(c, a.ExpiresOn)},
			{Key: "Total value", Value: moneyText(a.Value)},
			{Key: "Owner", Value: a.OwnerName},
			{Key: "Last changed", Value: formatMoment(a.UpdatedAt, loc)},
		},
	}
	if a.Status != a.RecordedStatus {
		v.Details = append(v.Details, components.SummaryRow{Key: "Recorded status", Value: a.RecordedStatus.Label() + " (now " + a.Status.Label() + " by its dates)"})
	}
	clauses, err := s.register.Clauses(ctx, actor, a.ID, true)
	if err != nil {
		return err
	}
	today := s.db.Now()
	for _, cl := range clauses {
		id := strconv.FormatInt(cl.ID, 10)
		window := "In force"
		from, until := dealgate.FormatDate(cl.From()), dealgate.FormatDate(cl.Until())
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
		v.Clauses = append(v.Clauses, agreements.ClauseCard{
			ID: cl.ID, Anchor: "clause-" + id, Kind: cl.Kind.Label(), Sentence: cl.Sentence(), Section: cl.Section, Text: cl.Text,
			Window: window, Retired: cl.RetiredAt != nil, InForce: cl.InForce(today),
			EditHref: "/clauses/" + id + "/edit", RetireHref: "/clauses/" + id + "/retire", RestoreHref: "/clauses/" + id + "/restore",
		})
	}
	docs, err := s.register.Documents(ctx, actor, a.ID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		id := strconv.FormatInt(d.ID, 10)
		v.Documents = append(v.Documents, agreements.DocumentRow{
			Name: d.Filename, Type: strings.TrimPrefix(d.Extension(), "."), Size: sizeText(d.SizeBytes),
			Uploaded: formatMoment(d.UploadedAt, loc), SHA256: hex.EncodeToString(d.SHA256),
			DownloadHref: "/documents/" + id, RemoveHref: "/documents/" + id + "/remove",
		})
	}
	// The timeline gathers the agreement, its clauses and its documents.
	refs := []postgres.EntityRef{{Type: dealgate.EntityAgreement, ID: strconv.FormatInt(a.ID, 10)}}
	for _, cl := range clauses {
		refs = append(refs, postgres.EntityRef{Type: dealgate.EntityClause, ID: strconv.FormatInt(cl.ID, 10)})
	}
	for _, d := range docs {
		refs = append(refs, postgres.EntityRef{Type: dealgate.EntityDocument, ID: strconv.FormatInt(d.ID, 10)})
	}
	events, err := s.db.HistoryOf(ctx, refs, 50)
	if err != nil {
		return err
	}
	v.History = timeline(events, loc)
	return s.render(c, status, agreements.Show(s.page(c, a.Title), v))
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
		s.agreementFormView(c, "Edit agreement", agreementPath(a.ID)+"/edit", agreementPath(a.ID), agreementFormOf(a), a.Version, nil)))
}

func (s *Server) handleAgreementUpdate(c echo.Context) error {
	a, err := s.loadAgreement(c)
	if err != nil {
		return err
	}
	f := readAgreementForm(c)
	version, err := formVersion(c)
	var in dealgate.AgreementInput
	if err == nil {
		in, err = s.agreementInput(c, f)
	}
	if err == nil {
		in.OwnerID = a.OwnerID
		var current dealgate.Agreement
		current, err = s.register.UpdateAgreement(c.Request().Context(), currentUser(c), a.ID, version, in)
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			if current.ID != 0 {
				a = current
			}
			version = a.Version
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"title": fmt.Sprintf(
				"Someone else changed this agreement while you were editing. It now reads: title %q, party %s, status %s, expires %s, value %s. Check your changes and save again.",
				a.Title, a.Party.Name, a.Status.Label(), orNone(dealgate.FormatDate(a.ExpiresOn)), orNone(moneyText(a.Value)))}}
		}
	}
	if err != nil {
		status, ok := formStatus(err)
		if !ok {
			return err
		}
		return s.render(c, status, pages.Form(s.page(c, "Edit "+a.Title),
			s.agreementFormView(c, "Edit agreement", agreementPath(a.ID)+"/edit", agreementPath(a.ID), f, version, remapField(err, "party_id", "party"))))
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

// multipartOverhead is room for the form's other fields and boundaries
// around an uploaded file.
const multipartOverhead = 64 << 10

func (s *Server) maxUpload() int64 {
	if s.register.MaxDocumentBytes > 0 {
		return s.register.MaxDocumentBytes
	}
	return dealgate.DefaultMaxDocumentBytes
}

func (s *Server) handleDocumentUpload(c echo.Context) error {
	a, err := s.loadAgreement(c)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if bodyTooLarge(err) {
		return s.renderAgreement(c, http.StatusRequestEntityTooLarge, "The file is larger than "+sizeText(s.maxUpload())+". Upload a smaller file.")
	}
	if err != nil {
		return s.renderAgreement(c, http.StatusUnprocessableEntity, "Choose a file to upload")
	}
	file, err := fh.Open()
	if err != nil {
		return dealgate.Internal(err)
	}
	defer file.Close()
	err = s.createOnce(c, func() error {
		_, err := s.register.AddDocument(c.Request().Context(), currentUser(c), a.ID, fh.Filename, file)
		return err
	})
	if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
		return s.alreadySubmitted(c, err, agreementPath(a.ID)+"#documents")
	}
	if err != nil {
		if dealgate.ErrorCode(err) == dealgate.EINVALID {
			msg := dealgate.ErrorFields(err)["file"]
			if msg == "" {
				msg = dealgate.ErrorMessage(err)
			}
			return s.renderAgreement(c, http.StatusUnprocessableEntity, msg)
		}
		return err
	}
	s.flash(c, "success", "Document "+fh.Filename+" added.")
	return redirectSeeOther(c, agreementPath(a.ID)+"#documents")
}

func (s *Server) handleDocumentDownload(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	if c.Request().Method == http.MethodHead {
		// Only a real download is audited: HEAD reads the record, not the file.
		doc, err := s.register.Document(c.Request().Context(), currentUser(c), id)
		if err != nil {
			return err
		}
		h.Set("Content-Disposition", `attachment; filename="`+doc.DownloadName()+`"`)
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
		h.Set(echo.HeaderContentType, doc.ContentType)
		h.Set(echo.HeaderContentLength, strconv.FormatInt(doc.SizeBytes, 10))
		return c.NoContent(http.StatusOK)
	}
	doc, content, err := s.register.DownloadDocument(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return err
	}
	// The name is chosen by the server from safe characters only.
	h.Set("Content-Disposition", `attachment; filename="`+doc.DownloadName()+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, doc.ContentType, content)
}

func (s *Server) loadDocument(c echo.Context) (dealgate.Document, dealgate.Agreement, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return dealgate.Document{}, dealgate.Agreement{}, err
	}
	doc, err := s.register.Document(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return doc, dealgate.Agreement{}, err
	}
	a, err := s.register.Agreement(c.Request().Context(), currentUser(c), doc.AgreementID)
	return doc, a, err
}

func (s *Server) handleDocumentRemoveConfirm(c echo.Context) error {
	doc, a, err := s.loadDocument(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Confirm(s.page(c, "Remove document"), pages.ConfirmView{
		Caption: a.Title, Title: "Remove " + doc.Filename + "?",
		Body:   []string{"The document will no longer be listed or downloadable from this agreement. The audit trail keeps a record that it existed, with its SHA-256."},
		Action: "/documents/" + strconv.FormatInt(doc.ID, 10) + "/remove", Button: "Remove document",
		Cancel: agreementPath(a.ID) + "#documents", CSRFToken: csrfToken(c),
	}))
}

func (s *Server) handleDocumentRemove(c echo.Context) error {
	doc, a, err := s.loadDocument(c)
	if err != nil {
		return err
	}
	if err := s.register.RemoveDocument(c.Request().Context(), currentUser(c), doc.ID); err != nil {
		return err
	}
	s.flash(c, "success", "Document "+doc.Filename+" removed.")
	return redirectSeeOther(c, agreementPath(a.ID)+"#documents")
}
