package server

// Deal intake: counsel's "My deals", the deal page, the deal form, versions,
// withdrawal, sharing and attachments. Each handler parses the request,
// makes one call to the deal service (internal/postgres/deal*.go), which
// authorises with internal/dealgate/policy.go, and renders a typed view
// from web/deals.

import "fmt"
import "net/http"
import "strconv"
import "time"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/screening"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/deals"

func (s *Server) registerDealRoutes() {
	view, draft := need(dealgate.ActDealView), need(dealgate.ActDealDraft)
	s.get("/deals", view, s.handleDealIndex)
	s.get("/deals/new", draft, s.handleDealNew)
	s.post("/deals", draft, s.handleDealCreate)
	s.get("/deals/parties", draft, s.handleDealPartySuggest)
	s.post("/deals/check", draft, s.handleDealCheck)
	s.get("/deals/:id", view, s.handleDealView)
	s.form("/deals/:id/edit", draft, s.handleDealEdit, s.handleDealUpdate)
	s.form("/deals/:id/revise", draft, s.handleDealRevise, s.handleDealReviseSave)
	s.get("/deals/:id/versions", view, s.handleDealCompare)
	s.form("/deals/:id/withdraw", draft, s.handleDealWithdrawConfirm, s.handleDealWithdraw)
	s.form("/deals/:id/delete", draft, s.handleDealDeleteConfirm, s.handleDealDelete)
	s.post("/deals/:id/share", draft, s.handleDealShare)
	s.post("/deals/:id/unshare", draft, s.handleDealUnshare)
	s.post("/deals/:id/attachments", draft, s.handleDealAttachmentUpload)
	s.upload(http.MethodPost, "/deals/:id/attachments", s.maxUpload()+multipartOverhead)
	s.get("/deal-attachments/:id", view, s.handleDealAttachmentDownload)
	s.form("/deal-attachments/:id/remove", draft, s.handleDealAttachmentRemoveConfirm, s.handleDealAttachmentRemove)
}

func dealPath(id int64) string { return "/deals/" + strconv.FormatInt(id, 10) }

func dealStatusKind(st dealgate.DealStatus) string { return string(st) }

// negotiationText is the negotiation date in words and how urgent it is:
// "overdue" once passed, "due-soon" within NegotiationSoonDays, for deals
// still open.
func negotiationText(d dealgate.Deal, today time.Time) (text, kind string) {
	days, ok := d.DaysUntilNegotiation(today)
	if !ok {
		return "Not set", ""
	}
	text = formatDate(*d.Content.NegotiationStart, today, time.UTC)
	if d.Status == dealgate.DealWithdrawn {
		return text, ""
	}
	switch {
	case days < 0:
		kind = "overdue"
	case days <= dealgate.NegotiationSoonDays:
		kind = "due-soon"
	}
	return text, kind
}

// screeningText is what a list row says about screening.
func screeningText(d dealgate.DealListItem) string {
	switch {
	case d.Status == dealgate.DealDraft:
		// The Status column already says "Draft"; say what comes next.
		return "Screened once submitted"
	case d.Screening == dealgate.ScreeningAwaiting:
		return "Screening not run yet"
	}
	return "Screening: " + screening.Severity(d.Screening).Label()
}

// clearanceText says plainly whether a deal without a decision is cleared
// to negotiate; decisions are read in reviews.go (clearancePanel).
func clearanceText(st dealgate.DealStatus) (text, kind string) {
	switch st {
	case dealgate.DealDraft:
		return "Not submitted", "draft"
	case dealgate.DealWithdrawn:
		return "Withdrawn: not cleared to negotiate", "not-cleared"
	}
	return "Not cleared to negotiate yet", "not-cleared"
}

func (s *Server) handleDealIndex(c echo.Context) error {
	actor := currentUser(c)
	q := c.QueryParams()
	f := dealgate.DealFilter{
		Query: q.Get("q"), Status: dealgate.DealStatus(q.Get("status")), Negotiation: q.Get("negotiation"),
		Sort: q.Get("sort"), Desc: q.Get("dir") == "desc",
		AllDeals: dealgate.SeesSubmittedDeals(actor) && (q.Get("scope") == "all" || !actor.Has(dealgate.RoleCounsel)),
	}
	pr := pageRequest(c)
	f.Page, f.PerPage = pr.Page, pr.PerPage
	page, err := s.deals.ListDeals(c.Request().Context(), actor, f)
	if err != nil {
		return err
	}
	f = f.Normalize()
	heading := "My deals"
	if f.AllDeals {
		heading = "Submitted deals"
	}
	return s.renderDerived(c, http.StatusOK, page.Derived, s.page(c, heading), func(perRequest) templ.Component {
		return deals.ListContent(s.dealListView(c, actor, f, heading, page))
	})
}

// dealListView is the view of one page of a deal list.
func (s *Server) dealListView(c echo.Context, actor *dealgate.User, f dealgate.DealFilter, heading string, page dealgate.Page[dealgate.DealListItem]) deals.ListView {
	q := c.QueryParams()
	v := deals.ListView{
		Heading: heading, CanDraft: dealgate.Allowed(actor, dealgate.ActDealDraft), Pager: pager(c, page),
		Filtered: f.Query != "" || f.Status != "" || f.Negotiation != "",
		Headers: []components.SortHeader{
			sortHeader(c, "Deal", "title", f.Sort, f.Desc), sortHeader(c, "Status", "status", f.Sort, f.Desc),
			sortHeader(c, "Negotiation starts", "negotiation", f.Sort, f.Desc), sortHeader(c, "Last changed", "updated_at", f.Sort, f.Desc),
		},
		Filters: dealFilterFields(f, q.Get("scope")),
	}
	if actor.Has(dealgate.RoleCounsel) && dealgate.SeesSubmittedDeals(actor) {
		v.ScopeLinks = []components.PageLink{
			{Label: "My deals", Href: withQuery(c, "scope", "", "page", ""), Current: !f.AllDeals},
			{Label: "All submitted deals", Href: withQuery(c, "scope", "all", "page", ""), Current: f.AllDeals},
		}
	}
	today, loc := s.deals.Today(), actor.Location()
	for _, d := range page.Items {
		neg, kind := negotiationText(d.Deal, today)
		clear, _ := clearanceText(d.Status)
		switch d.Status {
		case dealgate.DealDraft: // "Draft" in the Status column says it all
			clear = ""
		case dealgate.DealSubmitted: // the committee's decision (reviews.go)
			clear = d.Clearance.Reason
			if d.Clearance.Cleared {
				clear = "Cleared to negotiate"
			}
		}
		row := deals.ListRow{
			Href: dealPath(d.ID), Title: d.Content.Title, Status: d.Status.Label(), StatusKind: dealStatusKind(d.Status),
			Screening: screeningText(d), Clearance: clear, Negotiation: neg, NegotiationKind: kind,
			Updated: d.UpdatedAt.In(loc).Format("2 Jan 2006"),
		}
		if d.Content.Counterparty != nil {
			row.Counterparty = d.Content.Counterparty.Name
		}
		if d.CurrentVersion > 0 {
			row.Version = "v" + strconv.Itoa(d.CurrentVersion)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

func dealFilterFields(f dealgate.DealFilter, scope string) []components.Field {
	statuses := []components.Option{{Value: "", Label: "Any status"}}
	for _, st := range dealgate.AllDealStatuses {
		statuses = append(statuses, components.Option{Value: string(st), Label: st.Label()})
	}
	fields := []components.Field{
		{ID: "q", Name: "q", Label: "Title contains", Value: f.Query, MaxLength: 200, Type: "search"},
		{ID: "status", Name: "status", Label: "Status", Value: string(f.Status), Options: statuses},
		{ID: "negotiation", Name: "negotiation", Label: "Negotiation date", Value: f.Negotiation, Options: []components.Option{
			{Value: "", Label: "Any date"},
			{Value: "soon", Label: fmt.Sprintf("Within %d days", dealgate.NegotiationSoonDays)},
			{Value: "past", Label: "Already passed"},
		}},
	}
	if scope == "all" {
		fields = append(fields, components.Field{Name: "scope", Type: "hidden", Value: "all"})
	}
	return fields
}

func (s *Server) handleDealView(c echo.Context) error {
	return s.renderDeal(c, http.StatusOK, "", nil)
}

// renderDeal shows the deal page; uploadErr and shareErr are the problems of
// a refused upload or share, shown beside their forms.
func (s *Server) renderDeal(c echo.Context, status int, uploadErr string, shareErr error) error {
	p, err := readByID(c, s.deals.DealPage)
	if err != nil {
		return err
	}
	actor := currentUser(c)
	// A refused upload or share shows what was typed: that page is this
	// request's own.
	derived := p.Derived
	if status != http.StatusOK || uploadErr != "" || shareErr != nil {
		derived = nil
	}
	return s.renderDerived(c, status, derived, s.page(c, p.Deal.Content.Title), func(fresh perRequest) templ.Component {
		o := p.DealOverview
		v := dealShowView(o, actor.Location())
		if o.Clearance.Decision != nil && dealgate.Allowed(actor, dealgate.ActDecisionPacket) {
			v.PacketHref = dealPath(o.Deal.ID) + "/packet.pdf"
		}
		switch r := o.Review; {
		case r != nil && (r.State == dealgate.ReviewOpen || o.Clearance.Decision != nil):
			if dealgate.Allowed(actor, dealgate.ActReviewView) {
				v.ReviewHref = reviewPath(r.ID)
			}
		case o.Deal.Status == dealgate.DealSubmitted && dealgate.Allowed(actor, dealgate.ActReviewChair):
			v.OpenReviewHref = dealPath(o.Deal.ID) + "/review" // no review runs: a chair may open one
		}
		if p.Screening != nil {
			r := storedReportView(p.Screening, actor.Location(), c.QueryParam("info") == "all")
			v.Report = &r
		}
		v.CSRFToken, v.OnceToken, v.MaxUpload, v.UploadErr = fresh.CSRF, fresh.Once, sizeText(s.maxUpload()), uploadErr
		fields, summary := formErrors(shareErr, "email", "access")
		if shareErr == nil {
			fields, summary = nil, nil
		}
		v.ShareErrors = summary
		v.ShareEmail = components.Field{ID: "email", Name: "email", Label: "Share with counsel (email address)", Type: "email",
			Value: c.FormValue("email"), Error: fields["email"], MaxLength: 254, Autocomplete: "off"}
		access := c.FormValue("access")
		if access == "" {
			access = string(dealgate.ShareRead)
		}
		for _, a := range []dealgate.ShareAccess{dealgate.ShareRead, dealgate.ShareEdit} {
			v.ShareAccess = append(v.ShareAccess, components.Option{Value: string(a), Label: a.Label(), Selected: access == string(a)})
		}
		return deals.ShowContent(v)
	})
}
