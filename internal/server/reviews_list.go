package server

// The committee's dashboard and review list. Each dashboard panel of
// reviews is the review list's first rows under the panel's filter
// (postgres.DashboardPanels), and its "see all" link opens that filter.

import "fmt"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "time"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/reviews"

func (s *Server) handleCommittee(c echo.Context) error {
	actor := currentUser(c)
	d, err := s.reviews.Dashboard(c.Request().Context(), actor)
	if err != nil {
		return err
	}
	return s.renderDerived(c, http.StatusOK, d.Derived, s.page(c, "Committee"), func(perRequest) templ.Component {
		loc := actor.Location()
		pending, dueSoon, overdue := postgres.DashboardPanels(d.Today)
		v := reviews.DashboardView{CanOpen: dealgate.Allowed(actor, dealgate.ActReviewChair), CanVote: dealgate.Allowed(actor, dealgate.ActReviewVote),
			Pending:      reviews.Panel{Rows: reviewRows(d.Pending, d.Today, loc), AllHref: reviewListHref(pending)},
			DueSoon:      reviews.Panel{Rows: reviewRows(d.DueSoon, d.Today, loc), AllHref: reviewListHref(dueSoon)},
			Overdue:      reviews.Panel{Rows: reviewRows(d.Overdue, d.Today, loc), AllHref: reviewListHref(overdue)},
			ConflictsAll: reviewListHref(dealgate.ReviewFilter{State: dealgate.ReviewOpen, Verdict: dealgate.ScreeningConflict}),
			DecisionsAll: reviewListHref(dealgate.ReviewFilter{State: dealgate.ReviewDecided, Sort: "decided", Desc: true}),
		}
		for _, q := range d.Queue {
			r := reviews.QueueRow{Title: q.Title, Href: dealPath(q.DealID), OpenHref: dealPath(q.DealID) + "/review", Counsel: q.Counsel,
				Version: fmt.Sprintf("Version %d", q.CurrentVersion), Negotiation: "Not set"}
			if q.NegotiationOn != nil {
				r.Negotiation, r.NegotiationKind = formatDate(*q.NegotiationOn, d.Today, time.UTC), dueKind(*q.NegotiationOn, d.Today)
			}
			v.Queue = append(v.Queue, r)
		}
		if len(d.Queue) == dealgate.DashboardPanelSize {
			v.QueueAll = "/deals?status=submitted&sort=negotiation"
		}
		for _, x := range d.Conflicts {
			r := reviews.ConflictRow{Title: x.Title, Href: dealPath(x.DealID), Counterparty: x.Counterparty, Version: fmt.Sprintf("version %d", x.Version),
				Negotiation: "Not set"}
			if x.NegotiationOn != nil {
				r.Negotiation, r.NegotiationKind = formatDate(*x.NegotiationOn, d.Today, time.UTC), dueKind(*x.NegotiationOn, d.Today)
			}
			if x.ReviewID != 0 {
				r.ReviewHref = reviewPath(x.ReviewID)
			}
			v.Conflicts = append(v.Conflicts, r)
		}
		for _, x := range d.Decisions {
			v.Decisions = append(v.Decisions, reviews.DecisionRow{Title: x.Title, Href: reviewPath(x.ReviewID), Outcome: x.Outcome.Label(),
				OutcomeKind: outcomeKind(x.Outcome), When: formatMoment(x.DecidedAt, loc)})
		}
		return reviews.DashboardContent(v)
	})
}

// reviewListHref is the review list's address for filter f.
func reviewListHref(f dealgate.ReviewFilter) string {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("state", string(f.State))
	set("verdict", string(f.Verdict))
	set("due_from", dealgate.FormatDate(f.DueFrom))
	set("due_to", dealgate.FormatDate(f.DueTo))
	if f.Pending {
		q.Set("mine", "pending")
	}
	set("sort", f.Sort)
	if f.Desc {
		q.Set("dir", "desc")
	}
	return "/committee/reviews?" + q.Encode()
}

var reviewStateKinds = map[dealgate.ReviewState]string{dealgate.ReviewOpen: "in-review", dealgate.ReviewDecided: "approved", dealgate.ReviewClosed: "withdrawn"}

// reviewRows are reviews as the dashboard and the list show them.
func reviewRows(items []dealgate.ReviewListItem, today time.Time, loc *time.Location) []reviews.ReviewRow {
	out := make([]reviews.ReviewRow, 0, len(items))
	for _, it := range items {
		r := reviews.ReviewRow{Title: it.Title, Href: reviewPath(it.ID), Counterparty: it.Counterparty, Round: fmt.Sprintf("round %d", it.Round),
			State: it.State.Label(), StateKind: reviewStateKinds[it.State], Due: formatShortDate(it.DueOn),
			Verdict: it.Verdict.VerdictLabel(), VerdictKind: verdictTagKind(it.Verdict), Opened: formatShortDate(it.OpenedAt.In(loc))}
		if it.State == dealgate.ReviewOpen { // a decided or closed review counts down no more
			r.DueIn, r.DueKind = relativeDay(it.DueOn, today, time.UTC), dueKind(it.DueOn, today)
		}
		if it.Paused { // waiting for counsel: the due date will move
			r.Due, r.DueKind = "Paused, due "+r.Due, "info-requested"
		}
		if it.Outcome != "" {
			r.Outcome, r.OutcomeKind = it.Outcome.Label(), outcomeKind(it.Outcome)
		}
		if it.ClosedAt != nil && it.State == dealgate.ReviewDecided { // a closed review was never decided
			r.Decided = formatShortDate(it.ClosedAt.In(loc))
		}
		out = append(out, r)
	}
	return out
}

// verdictTagKind is a screening state's tag kind ("cleared" for clear).
func verdictTagKind(v dealgate.ScreeningState) string {
	switch v {
	case dealgate.ScreeningClear:
		return "cleared"
	case dealgate.ScreeningAwaiting:
		return "draft"
	}
	return string(v)
}

func (s *Server) handleReviewList(c echo.Context) error {
	ctx, actor, q := c.Request().Context(), currentUser(c), c.QueryParams()
	f := dealgate.ReviewFilter{State: dealgate.ReviewState(q.Get("state")), Verdict: dealgate.ScreeningState(q.Get("verdict")),
		Pending: q.Get("mine") == "pending", Sort: q.Get("sort"), Desc: q.Get("dir") == "desc", Family: q.Get("family") == "yes"}
	pr := pageRequest(c)
	f.Page, f.PerPage = pr.Page, pr.PerPage
	var v dealgate.Validation
	if err := f.SetDueRange(q.Get("due_from"), q.Get("due_to")); err != nil {
		for k, msg := range dealgate.ErrorFields(err) {
			v.Add(k, msg)
		}
	}
	party, category := strings.TrimSpace(q.Get("counterparty")), strings.TrimSpace(q.Get("category"))
	if party != "" {
		p, err := s.register.FindPartyByName(ctx, actor, party)
		switch dealgate.ErrorCode(err) {
		case "":
			f.PartyID, party = p.ID, p.Name
		case dealgate.ENOTFOUND:
			v.Add("counterparty", "No party has that name or alias")
		default:
			return err
		}
	}
	tax, err := s.register.CurrentTaxonomy(ctx, actor)
	if err != nil && dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		return err
	}
	if category != "" {
		if id, err := strconv.ParseInt(category, 10, 64); err == nil {
			f.CategoryID = id
		} else if cat, ok := findCategory(tax, category); ok {
			f.CategoryID = cat.ID
		} else {
			v.Add("category", "No category has that key or name")
		}
	}
	if f.CategoryID > 0 && tax != nil {
		f.CategoryBelow = tax.Descendants(f.CategoryID)
	}
	f = f.Normalize()
	errs, summary := formErrors(v.Err(), "state", "verdict", "due_from", "due_to", "counterparty", "category")
	view := reviews.ListView{Errors: summary, Filters: reviewFilterFields(c, f, tax, errs),
		Filtered: len(c.QueryParams()) > 0 && (q.Get("state")+q.Get("verdict")+q.Get("due_from")+q.Get("due_to")+q.Get("counterparty")+q.Get("category")+q.Get("mine")) != "",
		Headers: []components.SortHeader{sortHeader(c, "Deal", "", f.Sort, f.Desc), sortHeader(c, "Due", "due", f.Sort, f.Desc),
			sortHeader(c, "Opened", "opened", f.Sort, f.Desc), sortHeader(c, "Decided", "decided", f.Sort, f.Desc)}}
	view.Headers[0] = components.SortHeader{Label: "Deal"}
	if len(summary) > 0 {
		return s.render(c, http.StatusUnprocessableEntity, reviews.List(s.page(c, "Reviews"), view))
	}
	page, err := s.reviews.ListReviews(ctx, actor, f)
	if err != nil {
		return err
	}
	return s.renderDerived(c, http.StatusOK, page.Derived, s.page(c, "Reviews"), func(perRequest) templ.Component {
		view.Active = reviewFilterTags(c, f, party, tax)
		view.Rows, view.Pager = reviewRows(page.Items, s.deals.Today(), actor.Location()), pager(c, page)
		return reviews.ListContent(view)
	})
}

// reviewFilterFields are the review list's filters, as typed.
func reviewFilterFields(c echo.Context, f dealgate.ReviewFilter, tax *dealgate.Taxonomy, errs map[string]string) []components.Field {
	q := c.QueryParams()
	states := []components.Option{{Value: "", Label: "Any state"}}
	for _, st := range dealgate.AllReviewStates {
		states = append(states, components.Option{Value: string(st), Label: st.Label(), Selected: st == f.State})
	}
	verdicts := []components.Option{{Value: "", Label: "Any verdict"}}
	for _, vd := range dealgate.AllVerdicts {
		verdicts = append(verdicts, components.Option{Value: string(vd), Label: vd.VerdictLabel(), Selected: vd == f.Verdict})
	}
	fields := []components.Field{
		{ID: "state", Name: "state", Label: "State", Value: string(f.State), Options: states},
		{ID: "verdict", Name: "verdict", Label: "Screening verdict", Value: string(f.Verdict), Options: verdicts},
		{ID: "due_from", Name: "due_from", Label: "Due on or after", Type: "date", Value: q.Get("due_from"), Error: errs["due_from"], MaxLength: 10},
		{ID: "due_to", Name: "due_to", Label: "Due on or before", Type: "date", Value: q.Get("due_to"), Error: errs["due_to"], MaxLength: 10},
		{ID: "counterparty", Name: "counterparty", Label: "Counterparty name or alias", Value: q.Get("counterparty"), Error: errs["counterparty"], MaxLength: 200},
		categoryFilterField(q.Get("category"), errs["category"], f.CategoryID, tax),
	}
	fields[5].Label = "Category"
	if len(fields[5].Options) == 0 {
		fields[5].Hint = "A category's key or exact name; subcategories are included"
	}
	for _, k := range []string{"mine", "family", "sort", "dir"} {
		if val := q.Get(k); val != "" {
			fields = append(fields, components.Field{Name: k, Type: "hidden", Value: val})
		}
	}
	return fields
}

// reviewFilterTags are the filters in force, each with a link that drops it.
func reviewFilterTags(c echo.Context, f dealgate.ReviewFilter, party string, tax *dealgate.Taxonomy) []reviews.FilterTag {
	var tags []reviews.FilterTag
	add := func(label string, params ...string) {
		kv := []string{"page", ""}
		for _, p := range params {
			kv = append(kv, p, "")
		}
		tags = append(tags, reviews.FilterTag{Label: label, RemoveHref: withQuery(c, kv...)})
	}
	if f.Pending {
		add("My pending votes", "mine")
	}
	if f.State != "" {
		add("State: "+f.State.Label(), "state")
	}
	if f.Verdict != "" {
		add("Screening: "+f.Verdict.VerdictLabel(), "verdict")
	}
	if f.DueFrom != nil {
		add("Due on or after "+f.DueFrom.Format("2 Jan 2006"), "due_from")
	}
	if f.DueTo != nil {
		add("Due on or before "+f.DueTo.Format("2 Jan 2006"), "due_to")
	}
	if f.PartyID > 0 {
		add("Counterparty: "+party, "counterparty", "family")
	}
	if f.CategoryID > 0 {
		label := strconv.FormatInt(f.CategoryID, 10)
		if cat, ok := taxCategory(tax, f.CategoryID); ok {
			label = tax.PathString(cat.ID)
		}
		add("Category: "+label, "category")
	}
	return tags
}
