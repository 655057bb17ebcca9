package server

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dealgate/dealgate/internal/dealgate"
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

func (s *Server) handleAgreementIndex(c echo.Context) error {
	ctx := c.Request().Context()
	actor := currentUser(c)
	tax, err := s.register.CurrentTaxonomy(ctx, actor)
	if err != nil && dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		return err
	}
	view := agreements.ListView{
		CanEdit:   dealgate.Allowed(actor, dealgate.ActRegisterEdit),
		CanExport: dealgate.Allowed(actor, dealgate.ActRegisterExport),
	}
	f, verr, err := s.agreementFilter(c, tax, &view)
	if err != nil {
		return err
	}
	errs, summary := formErrors(verr, "q", "party_name", "status", "kind", "binding", "expiring", "category")
	view.Errors = summary
	agreementFilterFields(c, &view, f, tax, errs)
	if len(summary) == 0 {
		view.Active = activeFilters(c, &view, f, tax)
		if f.PartyID > 0 && !f.PartyFamily {
			view.FamilyHref = withQuery(c, "family", "yes", "page", "")
		}
	}
	if len(summary) > 0 {
		return s.render(c, http.StatusUnprocessableEntity, agreements.List(s.page(c, "Agreements"), view))
	}
	page, err := s.register.ListAgreements(ctx, actor, f)
	if err != nil {
		return err
	}
	for _, a := range page.Items {
		view.Rows = append(view.Rows, s.agreementRow(c, a))
	}
	view.Pager = pager(c, page)
	return s.render(c, http.StatusOK, agreements.List(s.page(c, "Agreements"), view))
}

// agreementFilter reads the list's query into a filter; problems with what
// was typed come back as verr, to show beside the filters. A party chosen by
// link is named on view.
func (s *Server) agreementFilter(c echo.Context, tax *dealgate.Taxonomy, view *agreements.ListView) (f dealgate.AgreementFilter, verr, err error) {
	ctx, actor, q := c.Request().Context(), currentUser(c), c.QueryParams()
	f = dealgate.AgreementFilter{
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
	if raw := q.Get("party"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err == nil && id > 0 {
			if party, err := s.register.Party(ctx, actor, id); err == nil {
				f.PartyID = id
				view.PartyFilter = party.Name
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
			return f, nil, err
		}
	}
	f.PartyFamily = f.PartyID > 0 && q.Get("family") == "yes"
	return f.Normalize(), v.Err(), nil
}

// activeFilters are the list's filters in force, each with a link that
// drops it (and the page number), in the order the panel shows them.
func activeFilters(c echo.Context, view *agreements.ListView, f dealgate.AgreementFilter, tax *dealgate.Taxonomy) []agreements.FilterTag {
	q := c.QueryParams()
	var tags []agreements.FilterTag
	add := func(label string, params ...string) {
		kv := []string{"page", ""}
		for _, p := range params {
			kv = append(kv, p, "")
		}
		tags = append(tags, agreements.FilterTag{Label: label, RemoveHref: withQuery(c, kv...)})
	}
	if v := strings.TrimSpace(q.Get("q")); v != "" {
		add("Words: "+v, "q")
	}
	if view.PartyFilter != "" {
		add("Party: "+view.PartyFilter, "party", "family")
	}
	if v := strings.TrimSpace(q.Get("party_name")); v != "" && view.PartyFilter == "" {
		add("Party: "+v, "party_name", "family")
	}
	if f.PartyFamily {
		add("With its corporate family", "family")
	}
	if f.Status != "" {
		add("Status: "+f.Status.Label(), "status")
	}
	if f.Kind != "" {
		add("Kind: "+f.Kind.Label(), "kind")
	}
	if f.Binding != nil {
		add("Binding: "+map[bool]string{true: "Binding", false: "Non-binding"}[*f.Binding], "binding")
	}
	if f.ExpiringWithinDays > 0 {
		add(fmt.Sprintf("Expiring within %d days", f.ExpiringWithinDays), "expiring")
	}
	if f.CategoryID > 0 {
		label := q.Get("category")
		if cat, ok := taxCategory(tax, f.CategoryID); ok {
			label = tax.PathString(cat.ID)
		}
		add("Category: "+label, "category")
	}
	return tags
}

// agreementFilterFields fills in the list's filter fields and sortable
// headers, as filtered.
func agreementFilterFields(c echo.Context, view *agreements.ListView, f dealgate.AgreementFilter, tax *dealgate.Taxonomy, errs map[string]string) {
	q := c.QueryParams()
	view.Searching = f.Query != ""
	view.Filtered = q.Get("q") != "" || q.Get("status") != "" || q.Get("kind") != "" || q.Get("binding") != "" ||
		q.Get("expiring") != "" || q.Get("category") != "" || q.Get("party") != "" || q.Get("party_name") != "" || q.Get("family") != ""
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
	view.Category = categoryFilterField(q.Get("category"), errs["category"], f.CategoryID, tax)
	view.Headers = []components.SortHeader{
		sortHeader(c, "Title", "title", f.Sort, f.Desc),
		sortHeader(c, "Party", "party", f.Sort, f.Desc),
		sortHeader(c, "Kind", "kind", f.Sort, f.Desc),
		sortHeader(c, "Status", "status", f.Sort, f.Desc),
		sortHeader(c, "Expires", "expires_on", f.Sort, f.Desc),
		sortHeader(c, "Value", "value", f.Sort, f.Desc),
	}
}

// categoryFilterField is the list's category filter: a select for a short
// taxonomy, a text field for a long one.
func categoryFilterField(typed, msg string, chosen int64, tax *dealgate.Taxonomy) components.Field {
	field := components.Field{ID: "category", Name: "category", Label: "Covers category", Value: typed, Error: msg}
	if tax == nil {
		return field
	}
	live := tax.Live()
	if len(live) <= maxCategoryOptions {
		field.Options = []components.Option{{Value: "", Label: "Any category"}}
		for _, cat := range live {
			field.Options = append(field.Options, components.Option{
				Value: strconv.FormatInt(cat.ID, 10), Label: strings.Repeat("— ", cat.Depth) + cat.Name, Selected: cat.ID == chosen,
			})
		}
		return field
	}
	// A long taxonomy is typed, not scrolled: a select of thousands
	// of options helps nobody and weighs down every page.
	field.Hint = "A category's key or exact name; subcategories are included"
	if cat, ok := tax.Category(chosen); ok && field.Error == "" {
		field.Value = cat.Key
	}
	return field
}

// agreementRow is one agreement of the list, with its search snippet.
func (s *Server) agreementRow(c echo.Context, a dealgate.AgreementListItem) agreements.Row {
	title := a.TitleHighlight
	if len(title) == 0 {
		title = dealgate.Highlight{{Text: a.Title}}
	}
	row := agreements.Row{
		Href: agreementPath(a.ID), Title: title, Party: a.Party.Name, PartyHref: "/parties/" + strconv.FormatInt(a.Party.ID, 10),
		Kind: a.Kind.Label(), Status: a.Status.Label(), StatusKind: statusKind(a.Status), Binding: bindingText(a.Binding),
		Value: moneyText(a.Value), ClauseCount: a.ClauseCount,
	}
	if a.ExpiresOn != nil {
		row.Expires = formatShortDate(*a.ExpiresOn)
		row.ExpiresIn = relativeDay(*a.ExpiresOn, s.register.Now(), currentUser(c).Location())
	}
	row.Cover = coverText(a.Cover)
	if a.Snippet.HasMatch() {
		row.Snippet = a.Snippet
		row.SnippetFrom = "Summary"
		if a.SnippetClauseID != 0 {
			row.SnippetFrom = "Clause"
		}
	}
	return row
}

// coverText is the path by which an agreement matched the "covers
// category" filter: "via Agentic platforms → Agent hosting (§3)", from the
// higher category down to the lower.
func coverText(p *dealgate.CoverPath) string {
	if p == nil || len(p.Path) == 0 {
		return ""
	}
	names := make([]string, len(p.Path))
	for i, c := range p.Path {
		names[i] = c.Name
	}
	return "via " + strings.Join(names, " → ") + " (" + clauseRefText(p.Section, p.ClauseID) + ")"
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
	touching, job, err := s.screenings.TouchingAgreement(ctx, actor, a.ID)
	if err != nil {
		return err
	}
	v.Touching = touchingView(touching, job, loc)
	if a.Status != a.RecordedStatus {
		v.Details = append(v.Details, components.SummaryRow{Key: "Recorded status", Value: a.RecordedStatus.Label() + " (now " + a.Status.Label() + " by its dates)"})
	}
	clauses, err := s.register.Clauses(ctx, actor, a.ID, true)
	if err != nil {
		return err
	}
	today := s.register.Now()
	for _, cl := range clauses {
		v.Clauses = append(v.Clauses, clauseCard(cl, today))
	}
	docs, err := s.register.Documents(ctx, actor, a.ID)
	if err != nil {
		return err
	}
	for _, d := range docs {
		v.Documents = append(v.Documents, documentRow(d, loc))
	}
	// The timeline gathers the agreement, its clauses and its documents.
	refs := []dealgate.EntityRef{{Type: dealgate.EntityAgreement, ID: strconv.FormatInt(a.ID, 10)}}
	for _, cl := range clauses {
		refs = append(refs, dealgate.EntityRef{Type: dealgate.EntityClause, ID: strconv.FormatInt(cl.ID, 10)})
	}
	for _, d := range docs {
		refs = append(refs, dealgate.EntityRef{Type: dealgate.EntityDocument, ID: strconv.FormatInt(d.ID, 10)})
	}
	events, err := s.audit.History(ctx, actor, historyLimit, refs...)
	if err != nil {
		return err
	}
	v.History = registerTimeline(events, loc)
	return s.render(c, status, agreements.Show(s.page(c, a.Title), v))
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
