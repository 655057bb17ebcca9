package server

import "encoding/json"
import "net/http"
import "net/url"
import "slices"
import "strconv"
import "strings"
import "time"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/redirect"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/pages"
import "github.com/dealgate/dealgate/web/parties"

func (s *Server) registerPartyRoutes() {
	view, edit := need(dealgate.ActRegisterView), need(dealgate.ActRegisterEdit)
	s.get("/parties", view, s.handlePartyIndex)
	s.get("/parties/new", edit, s.handlePartyNew)
	s.get("/parties/suggest", view, s.handlePartySuggest)
	s.post("/parties", edit, s.handlePartyCreate)
	s.get("/parties/:id", view, s.handlePartyView)
	s.form("/parties/:id/edit", edit, s.handlePartyEdit, s.handlePartyUpdate)
	for _, a := range partyActions {
		s.form("/parties/:id/"+a.slug, edit, s.handlePartyActionConfirm(a), s.handlePartyAction(a))
	}
}

func partyPath(id int64) string { return "/parties/" + strconv.FormatInt(id, 10) }

func (s *Server) handlePartyIndex(c echo.Context) error {
	actor := currentUser(c)
	sortKey, desc := c.QueryParam("sort"), c.QueryParam("dir") == "desc"
	pr := pageRequest(c)
	f := dealgate.PartyFilter{
		Query:          c.QueryParam("q"),
		Kind:           dealgate.PartyKind(c.QueryParam("kind")),
		IncludeRetired: checked(c, "retired"),
		Sort:           sortKey,
		Desc:           desc,
		Page:           pr.Page, PerPage: pr.PerPage,
	}
	f = f.Normalize()
	if f.Sort != sortKey {
		desc = false // an unknown sort falls back to name, ascending
	}
	f.Desc = desc
	page, err := s.register.ListParties(c.Request().Context(), actor, f)
	if err != nil {
		return err
	}
	return s.renderDerived(c, http.StatusOK, page.Derived, s.page(c, "Parties"), func(perRequest) templ.Component {
		return parties.ListContent(partyListView(c, actor, f, desc, page))
	})
}

// partyListView is the view of one page of the party list.
func partyListView(c echo.Context, actor *dealgate.User, f dealgate.PartyFilter, desc bool, page dealgate.Page[dealgate.Party]) parties.ListView {
	view := parties.ListView{CanCreate: dealgate.Allowed(actor, dealgate.ActRegisterEdit)}
	view.Filtered = f.Query != "" || f.Kind != "" || f.IncludeRetired
	view.Query = components.Field{ID: "q", Name: "q", Label: "Name or alias", Hint: "Part of a name or any other name it is known by", Type: "search", Value: c.QueryParam("q"), MaxLength: 200}
	view.Kind = components.Field{ID: "kind", Name: "kind", Label: "Kind", Value: string(f.Kind), Options: []components.Option{{Value: "", Label: "Any kind"}}}
	for _, k := range dealgate.AllPartyKinds {
		view.Kind.Options = append(view.Kind.Options, components.Option{Value: string(k), Label: k.Label()})
	}
	view.IncludeRetired = components.Field{ID: "retired", Name: "retired", Label: "Include retired parties", Value: components.BoolValue(f.IncludeRetired)}
	view.NameHeader = sortHeader(c, "Name", "name", f.Sort, desc)
	view.KindHeader = sortHeader(c, "Kind", "kind", f.Sort, desc)
	view.UpdatedHeader = sortHeader(c, "Last changed", "updated_at", f.Sort, desc)
	loc := actor.Location()
	for _, p := range page.Items {
		r := parties.Row{Href: partyPath(p.ID), Name: p.Name, Aliases: strings.Join(p.Aliases, ", "), Kind: p.Kind.Label(),
			Parent: p.ParentName, Updated: formatMoment(p.UpdatedAt, loc), Retired: p.Retired()}
		if p.ParentID != nil {
			r.ParentHref = partyPath(*p.ParentID)
		}
		view.Rows = append(view.Rows, r)
	}
	view.Pager = pager(c, page)
	return view
}

func readPartyForm(c echo.Context) dealgate.PartyForm {
	return dealgate.PartyForm{
		Name: c.FormValue("name"), Kind: c.FormValue("kind"), Aliases: c.FormValue("aliases"),
		Parent: c.FormValue("parent"), Website: c.FormValue("website"), Notes: c.FormValue("notes"),
	}
}

func (s *Server) partyFormView(c echo.Context, title, action, cancel string, f dealgate.PartyForm, version int64, err error) pages.FormView {
	order := []string{"name", components.GroupID("kind"), "aliases", "parent", "website", "notes"}
	errs, summary := formErrors(err, order...)
	fields := parties.PartyFields(f, errs)
	if version > 0 {
		fields = append(fields, pages.Hidden("version", strconv.FormatInt(version, 10)))
	}
	return pages.FormView{
		Caption: "Parties", Title: title, Action: action, Submit: "Save", Cancel: cancel,
		CSRFToken: csrfToken(c), Errors: summary, Fields: fields,
	}
}

// handlePartySuggest answers the register forms' party type-ahead: the
// value typed comes under the field's name (?field=party&party=Azu).
func (s *Server) handlePartySuggest(c echo.Context) error {
	field := c.QueryParam("field")
	if field != "party" && field != "beneficiary" {
		field = "q"
	}
	return s.renderPartySuggestions(c, c.QueryParam(field))
}

// partyReturn is where a party form goes back to once the party is added:
// a form of this site (from "add this party"), or "".
func partyReturn(raw string) string {
	if raw != "" && redirect.Local(raw) && strings.HasPrefix(raw, "/agreements/") {
		return raw
	}
	return ""
}

func (s *Server) handlePartyNew(c echo.Context) error {
	back := partyReturn(c.QueryParam("return"))
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Add a party"),
		s.partyFormViewBack(c, dealgate.PartyForm{Name: c.QueryParam("name")}, back, nil)))
}

// partyFormViewBack is the new-party form, which returns to back (when
// set) with the party filled in.
func (s *Server) partyFormViewBack(c echo.Context, f dealgate.PartyForm, back string, err error) pages.FormView {
	cancel := "/parties"
	if back != "" {
		cancel = back
	}
	v := s.partyFormView(c, "Add a party", "/parties", cancel, f, 0, err)
	if back != "" {
		v.Intro = "Once it is added you go back to your form, with everything you typed kept."
		v.Fields = append(v.Fields, pages.Hidden("return", back))
	}
	return v
}

func (s *Server) handlePartyCreate(c echo.Context) error {
	f := readPartyForm(c)
	p, err := s.register.CreatePartyForm(c.Request().Context(), currentUser(c), f)
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		return s.render(c, status, pages.Form(s.page(c, "Add a party"),
			s.partyFormViewBack(c, f, partyReturn(c.FormValue("return")), err)))
	}
	s.flash(c, "success", p.Name+" is added to the register.")
	if back := partyReturn(c.FormValue("return")); back != "" {
		if u, err := url.Parse(back); err == nil {
			q := u.Query()
			q.Set("party", p.Name)
			u.RawQuery = q.Encode()
			return redirectSeeOther(c, u.String())
		}
	}
	return redirectSeeOther(c, partyPath(p.ID))
}

func (s *Server) loadPartyParam(c echo.Context) (dealgate.Party, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return dealgate.Party{}, err
	}
	return s.register.Party(c.Request().Context(), currentUser(c), id)
}

// partyDetails are a party's summary rows, as its page and a conflict
// notice show them.
func partyDetails(p dealgate.Party, loc *time.Location) []parties.Detail {
	rows := []parties.Detail{
		{Key: "Kind", Value: p.Kind.Label()},
		{Key: "Other names", Value: strings.Join(p.Aliases, "\n")},
		{Key: "Parent company", Value: p.ParentName},
		{Key: "Website", Value: p.Website, Href: p.Website},
		{Key: "Notes", Value: p.Notes},
		{Key: "Last changed", Value: formatMoment(p.UpdatedAt, loc)},
	}
	if p.ParentID != nil {
		rows[2].Href = partyPath(*p.ParentID)
	}
	return rows
}

func (s *Server) handlePartyView(c echo.Context) error {
	p, err := s.loadPartyParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	actor := currentUser(c)
	loc := actor.Location()
	v := parties.ShowView{
		Name: p.Name, Retired: p.Retired(), Details: partyDetails(p, loc),
		AgreementsHref: "/agreements?party=" + strconv.FormatInt(p.ID, 10),
	}
	v.Details = append(v.Details, parties.Detail{Key: "Added", Value: formatMoment(p.CreatedAt, loc)})
	if p.RetiredAt != nil {
		v.RetiredNote = "Retired on " + formatMoment(*p.RetiredAt, loc) + ". It is no longer offered when choosing a party; agreements, clauses and deals that name it still do."
	}
	family, err := s.register.CorporateFamily(ctx, actor, p.ID)
	if err != nil {
		return err
	}
	if len(family) > 1 {
		v.Family = familyTree(family, p.ID)
	}
	if dealgate.Allowed(actor, dealgate.ActRegisterEdit) {
		v.Actions = append(v.Actions, parties.Action{Label: "Edit", Href: partyPath(p.ID) + "/edit", Variant: "secondary"})
		for _, a := range partyActions {
			if a.applies(p) {
				v.Actions = append(v.Actions, parties.Action{Label: a.button, Href: partyPath(p.ID) + "/" + a.slug, Variant: a.variant})
			}
		}
	}
	v.History, err = s.recordTimeline(c, &partyVocab, dealgate.EntityParty, p.ID, loc)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, parties.Show(s.page(c, p.Name), v))
}

// familyTree nests a corporate family (topmost parent first) by parent.
func familyTree(family []dealgate.Party, current int64) []parties.FamilyNode {
	children := map[int64][]dealgate.Party{}
	for _, p := range family[1:] {
		if p.ParentID != nil {
			children[*p.ParentID] = append(children[*p.ParentID], p)
		}
	}
	seen := map[int64]bool{}
	var build func(p dealgate.Party) parties.FamilyNode
	build = func(p dealgate.Party) parties.FamilyNode {
		seen[p.ID] = true
		n := parties.FamilyNode{Name: p.Name, Href: partyPath(p.ID), Kind: p.Kind.Label(), Current: p.ID == current, Retired: p.Retired()}
		for _, ch := range children[p.ID] {
			if !seen[ch.ID] {
				n.Children = append(n.Children, build(ch))
			}
		}
		return n
	}
	return []parties.FamilyNode{build(family[0])}
}

func (s *Server) handlePartyEdit(c echo.Context) error {
	p, err := s.loadPartyParam(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Edit "+p.Name),
		s.partyFormView(c, "Edit "+p.Name, partyPath(p.ID)+"/edit", partyPath(p.ID), dealgate.PartyFormOf(p), p.Version, nil)))
}

func (s *Server) handlePartyUpdate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := readPartyForm(c)
	version, _ := formVersion(c)
	current, err := s.register.UpdatePartyForm(c.Request().Context(), currentUser(c), id, version, f)
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok || current.ID == 0 {
			return err
		}
		title := "Edit " + current.Name
		var before templ.Component
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			// Someone saved meanwhile: show the party as it is now, keep what
			// this person typed, and let them save again knowingly.
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"name": partyConflictMessage(current, f)}}
			version = current.Version
			rows := append([]parties.Detail{{Key: "Name", Value: current.Name}}, partyDetails(current, currentUser(c).Location())...)
			before = parties.Conflict(rows)
		}
		v := s.partyFormView(c, title, partyPath(id)+"/edit", partyPath(id), f, version, err)
		v.Before = before
		return s.render(c, status, pages.Form(s.page(c, title), v))
	}
	s.flash(c, "success", "Changes to "+current.Name+" are saved.")
	return redirectSeeOther(c, partyPath(id))
}

// partyConflictMessage says that the party changed and which of the saved
// values differ from what the editor typed.
func partyConflictMessage(now dealgate.Party, typed dealgate.PartyForm) string {
	saved := dealgate.PartyFormOf(now)
	norm := func(s string) string {
		names := dealgate.SplitList(s)
		for i := range names {
			names[i] = dealgate.NormalizePartyName(names[i])
		}
		slices.Sort(names)
		return strings.Join(names, "\n")
	}
	return conflictNotice("this party", "party", strings.TrimSpace, []comparedField{
		{"name", saved.Name, typed.Name}, {"kind", saved.Kind, typed.Kind}, {"other names", norm(saved.Aliases), norm(typed.Aliases)},
		{"parent company", saved.Parent, typed.Parent}, {"website", saved.Website, typed.Website}, {"notes", saved.Notes, typed.Notes},
	})
}

// partyAction is one confirmable change of a party's standing: retiring
// it (retire) or restoring it.
type partyAction struct {
	slug, button, variant, title string
	body                         func(p dealgate.Party) []string
	retire                       bool
	done                         string // the flash, after the party's name
}

// applies reports whether a can be done to p as it is.
func (a partyAction) applies(p dealgate.Party) bool { return p.Retired() != a.retire }

var partyActions = []partyAction{
	{
		slug: "retire", button: "Retire", variant: "warning", title: "Retire this party?",
		body: func(p dealgate.Party) []string {
			return []string{
				p.Name + " will no longer be offered when someone chooses a party for an agreement, clause or deal, and will be hidden from the party list unless retired parties are included.",
				"Agreements, clauses and deals that already name it keep doing so, and screening still treats it as part of its corporate family. Its history stays. You can restore it later.",
			}
		},
		retire: true,
		done:   " is retired.",
	},
	{
		slug: "restore", button: "Restore", variant: "secondary", title: "Restore this party?",
		body: func(p dealgate.Party) []string {
			return []string{p.Name + " will be offered again when someone chooses a party, and will show in the party list."}
		},
		done: " is restored.",
	},
}

func (s *Server) handlePartyActionConfirm(a partyAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := s.loadPartyParam(c)
		if err != nil {
			return err
		}
		if !a.applies(p) {
			s.flash(c, "important", "That action does not apply to "+p.Name+" now.")
			return redirectSeeOther(c, partyPath(p.ID))
		}
		return s.render(c, http.StatusOK, pages.Confirm(s.page(c, a.title), pages.ConfirmView{
			Caption: p.Name, Title: a.title, Body: a.body(p), Action: partyPath(p.ID) + "/" + a.slug,
			Button: a.button, Cancel: partyPath(p.ID), CSRFToken: csrfToken(c), Version: strconv.FormatInt(p.Version, 10),
		}))
	}
}

func (s *Server) handlePartyAction(a partyAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		version, _ := formVersion(c)
		p, err := s.register.SetPartyRetiredForm(c.Request().Context(), currentUser(c), id, version, a.retire)
		if code := dealgate.ErrorCode(err); code == dealgate.ECONFLICT || code == dealgate.EINVALID {
			// A double submit or a stale page: nothing was done twice.
			s.flash(c, "important", dealgate.ErrorMessage(err))
			return redirectSeeOther(c, partyPath(id))
		}
		if err != nil {
			return err
		}
		s.flash(c, "success", p.Name+a.done)
		return redirectSeeOther(c, partyPath(id))
	}
}

// recordTimeline is a register record's audit history, newest first, for
// its page. Bookkeeping fields every change touches are left out of the
// summaries so each entry says what actually changed.
// A record with a vocabulary (hv) reads its changes in its form's words.
func (s *Server) recordTimeline(c echo.Context, hv *historyVocab, entityType string, id int64, loc *time.Location) ([]components.TimelineEvent, error) {
	events, err := s.audit.History(c.Request().Context(), currentUser(c), historyLimit, dealgate.EntityRef{Type: entityType, ID: strconv.FormatInt(id, 10)})
	if err != nil {
		return nil, err
	}
	for i := range events {
		events[i].Before, events[i].After = withoutBookkeeping(events[i].Before), withoutBookkeeping(events[i].After)
	}
	if hv != nil {
		return hv.timeline(events, loc), nil
	}
	return timeline(events, loc), nil
}

// withoutBookkeeping drops the version counters and timestamps from an
// audit snapshot.
func withoutBookkeeping(v any) any {
	raw, ok := v.(json.RawMessage)
	if !ok || raw == nil {
		return v
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return v
	}
	for _, k := range []string{"version", "updated_at", "created_at", "taxonomy_version_id"} {
		delete(m, k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return v
	}
	return json.RawMessage(b)
}
