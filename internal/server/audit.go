package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/web/audit"
	"github.com/dealgate/dealgate/web/components"
)

func (s *Server) registerAuditRoutes() {
	s.get("/audit", need(dealgate.ActAuditView), s.handleAuditIndex)
	s.registerAuditExportRoutes()
}

func (s *Server) handleAuditIndex(c echo.Context) error {
	user := currentUser(c)
	loc := user.Location()
	f, fieldErr, errs := readAuditFilter(c, loc)
	f.PageRequest = pageRequest(c)
	view := audit.ListView{
		Filtered: f.ActionPrefix != "" || f.EntityType != "" || f.EntityID != "" || f.Actor != "" || c.QueryParam("from") != "" || c.QueryParam("to") != "",
		Errors:   errs,
		Filters: []components.Field{
			{ID: "action", Name: "action", Label: "Action starts with", Hint: "For example user. or auth.sign_in", Value: f.ActionPrefix, MaxLength: 200},
			{ID: "actor", Name: "actor", Label: "Who (email)", Value: f.Actor, Type: "email", MaxLength: 200},
			{ID: "entity_type", Name: "entity_type", Label: "Record type", Hint: "For example user or agreement", Value: f.EntityType, MaxLength: 200},
			{ID: "entity_id", Name: "entity_id", Label: "Record ID", Value: f.EntityID, MaxLength: 200},
			{ID: "from", Name: "from", Label: "From", Type: "date", Value: c.QueryParam("from"), Error: fieldErr["from"]},
			{ID: "to", Name: "to", Label: "To", Type: "date", Value: c.QueryParam("to"), Error: fieldErr["to"]},
		},
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
		// Show nothing rather than a misleading unfiltered list, but still
		// authorise: the page itself is protected.
		if err := dealgate.Authorize(user, dealgate.ActAuditView); err != nil {
			return err
		}
		return s.render(c, status, audit.List(s.page(c, "Audit trail"), view))
	}
	page, err := s.audit.List(c.Request().Context(), user, f)
	if err != nil {
		return err
	}
	for _, e := range page.Items {
		view.Rows = append(view.Rows, audit.Row{
			ID:     e.ID,
			When:   formatMoment(e.OccurredAt, loc),
			Who:    e.ActorLabel,
			Action: e.Action,
			Entity: e.EntityType + " " + e.EntityID,
			Where:  e.ClientIP,
			Ref:    e.RequestID,
			Change: summariseChange(e.Before, e.After),
		})
	}
	view.Pager = pager(c, page)
	view.Exports = auditExportLinks(c.QueryParams())
	return s.render(c, status, audit.List(s.page(c, "Audit trail"), view))
}

// readAuditFilter reads the audit trail's filters from the query string;
// dates are days in loc, and "to" includes its whole day.
func readAuditFilter(c echo.Context, loc *time.Location) (dealgate.AuditFilter, map[string]string, []components.FieldError) {
	f := dealgate.AuditFilter{
		ActionPrefix: strings.TrimSpace(c.QueryParam("action")),
		EntityType:   strings.TrimSpace(c.QueryParam("entity_type")),
		EntityID:     strings.TrimSpace(c.QueryParam("entity_id")),
		Actor:        strings.TrimSpace(c.QueryParam("actor")),
	}
	var errs []components.FieldError
	fieldErr := map[string]string{}
	parseDay := func(name string) time.Time {
		v := strings.TrimSpace(c.QueryParam(name))
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			fieldErr[name] = "Enter a date like 2027-03-12"
			errs = append(errs, components.FieldError{Field: name, Message: fieldErr[name]})
			return time.Time{}
		}
		return d
	}
	f.From = parseDay("from")
	if to := parseDay("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // "to" includes the whole day
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		fieldErr["to"] = "The end date must be on or after the start date"
		errs = append(errs, components.FieldError{Field: "to", Message: fieldErr["to"]})
	}
	for _, v := range []*string{&f.ActionPrefix, &f.EntityType, &f.EntityID, &f.Actor} {
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
		out = append(out, components.TimelineEvent{
			Who: e.ActorLabel, What: actionText(e.Action), When: formatMoment(e.OccurredAt, loc), Where: e.ClientIP,
			Detail: summariseChange(e.Before, e.After),
		})
	}
	return out
}

// createdKeys are the fields that identify a newly created record.
var createdKeys = map[string]bool{"name": true, "title": true, "email": true, "roles": true, "kind": true, "status": true, "section": true, "filename": true, "key": true}

// actionText turns "user.password_reset_issued" into "User password reset issued".
func actionText(action string) string {
	s := strings.NewReplacer(".", " ", "_", " ").Replace(action)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

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
