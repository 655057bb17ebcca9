package server

import "encoding/json"
import "fmt"
import "net/http"
import "sort"
import "strconv"
import "strings"
import "time"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/audit"
import "github.com/dealgate/dealgate/web/components"

func (s *Server) registerAuditRoutes() {
	s.get("/audit", need(dealgate.ActAuditView), s.handleAuditIndex)
	s.registerAuditExportRoutes()
}

func (s *Server) handleAuditIndex(c echo.Context) error {
	user := currentUser(c)
	loc := user.Location()
	f, fieldErr, errs := readAuditFilter(c, loc)
	f.PageRequest = pageRequest(c)
	f.Before, _ = strconv.ParseInt(c.QueryParam("before"), 10, 64)
	f.After, _ = strconv.ParseInt(c.QueryParam("after"), 10, 64)
	if f.Before > 0 {
		f.After = 0
	}
	ctx := c.Request().Context()
	// The page and the picker's actions in one round trip; the picker
	// alone when the filters need correcting.
	var page dealgate.AuditPage
	var actions []string
	var err error
	if len(errs) > 0 {
		actions, err = s.audit.Actions(ctx, user)
	} else {
		page, actions, err = s.audit.ListWithActions(ctx, user, f)
	}
	if err != nil {
		return err
	}
	// The view, built only when the content is rendered: a held page's
	// content is kept (renderDerived).
	listView := func() audit.ListView {
		return audit.ListView{
			Filtered: f.ActionPrefix != "" || f.EntityType != "" || f.EntityID != "" || f.Actor != "" || f.Deal != "" ||
				f.Agreement != "" || f.Text != "" || c.QueryParam("from") != "" || c.QueryParam("to") != "",
			Errors: errs,
			Filters: []components.Field{
				{ID: "q", Name: "q", Label: "Search", Hint: "A name, email, record ID, request reference or any value in a change", Value: f.Text, MaxLength: 200},
				{ID: "action", Name: "action", Label: "What happened", Type: "select", Options: actionOptions(actions, f.ActionPrefix)},
				{ID: "actor", Name: "actor", Label: "Who (email)", Value: f.Actor, Type: "email", MaxLength: 200},
				{ID: "from", Name: "from", Label: "From", Hint: "In your time zone, " + loc.String(), Type: "date", Value: c.QueryParam("from"), Error: fieldErr["from"]},
				{ID: "to", Name: "to", Label: "To", Type: "date", Value: c.QueryParam("to"), Error: fieldErr["to"]},
				{ID: "deal", Name: "deal", Label: "Deal number", Hint: "The deal and its attachments and shares", Value: f.Deal, MaxLength: 20, Inputmode: "numeric"},
				{ID: "agreement", Name: "agreement", Label: "Agreement number", Hint: "The agreement and its clauses and documents", Value: f.Agreement, MaxLength: 20, Inputmode: "numeric"},
				{ID: "entity_type", Name: "entity_type", Label: "Record type", Hint: "For example user, party or clause", Value: f.EntityType, MaxLength: 200},
				{ID: "entity_id", Name: "entity_id", Label: "Record number", Value: f.EntityID, MaxLength: 200},
			},
		}
	}
	if len(errs) > 0 {
		return s.render(c, http.StatusUnprocessableEntity, audit.List(s.page(c, "Audit trail"), listView()))
	}
	return s.renderDerived(c, http.StatusOK, page.Derived, s.page(c, "Audit trail"), func(fresh perRequest) templ.Component {
		view := listView()
		for _, e := range page.Items {
			view.Rows = append(view.Rows, audit.Row{
				ID:         e.ID,
				Href:       "/audit/" + strconv.FormatInt(e.ID, 10),
				When:       formatShortMoment(e.OccurredAt, loc),
				Who:        e.ActorLabel,
				Action:     dealgate.ActionName(e.Action),
				ActionCode: e.Action,
				Entity:     entityLabel(e.EntityType, e.EntityID),
				EntityHref: entityHref(e.EntityType, e.EntityID),
				Where:      e.ClientIP,
				Ref:        e.RequestID,
				Change:     summariseChange(e.Before, e.After),
			})
		}
		view.Pager = keysetPager(c, page)
		view.Exports = auditExportLinks(c.QueryParams())
		view.Prepare, view.CSRFToken = preparedFormats, fresh.CSRF
		view.PrepareAction = "/audit/export/prepare?" + exportQuery(c.QueryParams()).Encode()
		return audit.ListContent(view)
	})
}

// keysetPager links to the newer and older pages of a keyset page.
func keysetPager(c echo.Context, p dealgate.AuditPage) components.Pager {
	q := cloneValues(c.QueryParams())
	link := func(key string, id int64) string {
		q.Del("before")
		q.Del("after")
		q.Del("page")
		q.Set(key, strconv.FormatInt(id, 10))
		return "/audit?" + q.Encode()
	}
	var pg components.Pager
	count := strconv.Itoa(p.Count)
	if p.CountCapped {
		count = "More than " + count
	}
	pg.Summary = count + " events match"
	if p.Count == 1 {
		pg.Summary = "1 event matches"
	}
	if p.HasNewer && len(p.Items) > 0 {
		pg.Prev = link("after", p.NewestID)
	}
	if p.HasOlder && len(p.Items) > 0 {
		pg.Next = link("before", p.OldestID)
	}
	return pg
}

// actionOptions are the picker's choices: every kind of record ("All deal
// events") and every action in the trail, by plain name.
func actionOptions(actions []string, selected string) []components.Option {
	opts := []components.Option{{Value: "", Label: "Anything", Selected: selected == ""}}
	seen := map[string]bool{}
	var groups []string
	for _, a := range actions {
		if i := strings.IndexByte(a, '.'); i > 0 && !seen[a[:i+1]] {
			seen[a[:i+1]] = true
			groups = append(groups, a[:i+1])
		}
	}
	known := selected == ""
	for _, g := range groups {
		opts = append(opts, components.Option{Value: g, Label: dealgate.ActionGroupName(g), Selected: selected == g})
		known = known || selected == g
	}
	byName := append([]string(nil), actions...)
	sort.Slice(byName, func(i, j int) bool { return dealgate.ActionName(byName[i]) < dealgate.ActionName(byName[j]) })
	for _, a := range byName {
		opts = append(opts, components.Option{Value: a, Label: dealgate.ActionName(a), Selected: selected == a})
		known = known || selected == a
	}
	if !known {
		// A link may name an action the trail does not hold (yet).
		opts = append(opts, components.Option{Value: selected, Label: dealgate.ActionName(selected), Selected: true})
	}
	return opts
}

// entityLabel names a record plainly, e.g. "Deal 12".
func entityLabel(typ, id string) string {
	if id == "" {
		return dealgate.ActionName(typ)
	}
	return dealgate.ActionName(typ) + " " + id
}

// entityHref links to the record an event is about, when it has a page of
// its own: every link it makes is a route the server serves (the audit
// test checks each entity type against the routes). Records shown only
// inside another record's page (a clause, a file, a declaration) get none.
func entityHref(typ, id string) string {
	page, ok := entityPages[typ]
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil {
		return ""
	}
	return page(n)
}

// entityPages are the records with a page of their own, by entity type.
var entityPages = map[string]func(int64) string{
	dealgate.EntityDeal: dealPath, dealgate.EntityAgreement: agreementPath, dealgate.EntityParty: partyPath,
	dealgate.EntityUser: userPath, dealgate.EntityReview: reviewPath, dealgate.EntityCategory: categoryPath,
}

// readAuditFilter reads the audit trail's filters from the query string;
// dates are days in loc, and "to" includes its whole day.
func readAuditFilter(c echo.Context, loc *time.Location) (dealgate.AuditFilter, map[string]string, []components.FieldError) {
	f := dealgate.AuditFilter{
		ActionPrefix: strings.TrimSpace(c.QueryParam("action")),
		EntityType:   strings.TrimSpace(c.QueryParam("entity_type")),
		EntityID:     strings.TrimSpace(c.QueryParam("entity_id")),
		Actor:        strings.TrimSpace(c.QueryParam("actor")),
		Deal:         strings.TrimSpace(c.QueryParam("deal")),
		Agreement:    strings.TrimSpace(c.QueryParam("agreement")),
		Text:         strings.TrimSpace(c.QueryParam("q")),
	}
	var fieldErr map[string]string
	var errs []components.FieldError
	f.From, f.To, fieldErr, errs = readPeriod(c, loc)
	for name, v := range map[string]*string{"deal": &f.Deal, "agreement": &f.Agreement} {
		if *v != "" {
			if n, err := strconv.ParseInt(*v, 10, 64); err != nil || n < 1 {
				fieldErr[name] = "Enter the number shown on the record's page, for example 12"
				errs = append(errs, components.FieldError{Field: name, Message: fieldErr[name]})
			}
		}
	}
	for _, v := range []*string{&f.ActionPrefix, &f.EntityType, &f.EntityID, &f.Actor, &f.Text} {
		if len(*v) > 200 {
			*v = (*v)[:200]
		}
	}

	return f, fieldErr, errs
}

// summariseChange lists the top-level fields an event changed, briefly.
func summariseChange(before, after any) string {
	b, a := asMap(before), asMap(after)
	if b == nil && a == nil {
		return ""
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		bv, av := brief(b[k]), brief(a[k])
		switch {
		case b == nil:
			// A creation: name the record, not every field.
			if createdKeys[k] {
				parts = append(parts, fmt.Sprintf("%s: %s", k, av))
			}
		case a == nil:
			parts = append(parts, fmt.Sprintf("%s was %s", k, bv))
		case !hasKey(a, k) || !hasKey(b, k):
			// A snapshot that leaves a field out says nothing about it:
			// it is not a deletion.
		case bv != av:
			parts = append(parts, fmt.Sprintf("%s: %s → %s", k, bv, av))
		}
	}
	out := strings.Join(parts, "; ")
	if len(out) > 300 {
		out = out[:297] + "…"
	}
	return out
}

// timeline turns audit events into the history a record page shows.
func timeline(events []dealgate.AuditEvent, loc *time.Location) []components.TimelineEvent {
	out := make([]components.TimelineEvent, 0, len(events))
	for _, e := range events {
		who := e.ActorName // by name, as the pages name people
		if who == "" {
			who = e.ActorLabel
		}
		out = append(out, components.TimelineEvent{
			Who: who, What: dealgate.ActionName(e.Action), When: formatMoment(e.OccurredAt, loc), Where: e.ClientIP,
			Detail: summariseChange(e.Before, e.After),
		})
	}
	return out
}

// createdKeys are the fields that identify a newly created record.
var createdKeys = map[string]bool{"name": true, "title": true, "email": true, "roles": true, "kind": true, "status": true, "section": true, "filename": true, "key": true}

func asMap(v any) map[string]any {
	raw, ok := v.(json.RawMessage)
	if !ok || raw == nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return map[string]any{"value": string(raw)}
	}
	return m
}

func brief(v any) string {
	if v == nil {
		return "none"
	}
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 60 {
		s = s[:57] + "…"
	}
	return s
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}
