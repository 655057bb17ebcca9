package server

import "fmt"
import "net/http"
import "strconv"
import "strings"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/agreements"
import "github.com/dealgate/dealgate/web/components"

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
	if len(summary) > 0 {
		view.Errors = summary
		agreementFilterFields(c, &view, f, tax, errs)
		return s.render(c, http.StatusUnprocessableEntity, agreements.List(s.page(c, "Agreements"), view))
	}
	page, err := s.register.ListAgreements(ctx, actor, f)
	if err != nil {
		return err
	}
	return s.renderDerived(c, http.StatusOK, page.Derived, s.page(c, "Agreements"), func(perRequest) templ.Component {
		agreementFilterFields(c, &view, f, tax, errs)
		view.Active = activeFilters(c, &view, f, tax)
		if f.PartyID > 0 && !f.PartyFamily {
			view.FamilyHref = withQuery(c, "family", "yes", "page", "")
		}
		for _, a := range page.Items {
			view.Rows = append(view.Rows, s.agreementRow(c, a))
		}
		view.Pager = pager(c, page)
		return agreements.ListContent(view)
	})
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
