package server

import "fmt"
import "net/http"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/pages"

func (s *Server) registerHomeRoutes() {
	s.get("/", signedIn, s.handleHome)
}

// homeTasks are the home page's shortcuts; each shows only to roles the
// policy lets through.
var homeTasks = []struct {
	action            dealgate.Action
	label, href, hint string
}{
	{dealgate.ActDealDraft, "My deals", "/deals", "Your proposed deals and those shared with you: drafts, submissions, versions"},
	{dealgate.ActDealDraft, "Start a deal", "/deals/new", "Bring a proposed third-party deal to the committee before anyone negotiates"},
	{dealgate.ActRegisterView, "Agreements", "/agreements", "Search the register: agreements in force and their restrictive clauses"},
	{dealgate.ActRegisterEdit, "Add an agreement", "/agreements/new", "Record a new agreement, then its clauses"},
	{dealgate.ActRegisterView, "Parties", "/parties", "Companies we deal with, their other names and corporate families"},
	{dealgate.ActRegisterView, "Product categories", "/taxonomy", "The versioned definitions clauses and deals are screened against"},
	{dealgate.ActReviewView, "Committee", "/committee", "Reviews waiting for you, the chair's queue and recent decisions"},
	{dealgate.ActSettingsManage, "Committee rules", "/committee/settings", "Quorum, majority, review period, clearance and reminders"},
	{dealgate.ActUserManage, "Users", "/admin/users", "Add people, change roles, deactivate accounts"},
	{dealgate.ActAuditView, "Audit trail", "/audit", "Every change, sign-in and export, hash-chained"},
}

func (s *Server) handleHome(c echo.Context) error {
	u := currentUser(c)
	v := pages.HomeView{SignedIn: true, Greeting: "Signed in as " + u.Name + " (" + roleLabels(u.Roles) + ")"}
	if dealgate.Allowed(u, dealgate.ActRegisterView) {
		v.RegisterHref = "/agreements"
	}
	if dealgate.Allowed(u, dealgate.ActDealDraft) {
		v.NewDealHref = "/deals/new"
	}
	for _, t := range homeTasks {
		if dealgate.Allowed(u, t.action) {
			v.Tasks = append(v.Tasks, pages.HomeTask{Label: t.label, Href: t.href, Hint: t.hint})
		}
	}
	if dealgate.Allowed(u, dealgate.ActRegisterView) {
		soon, err := s.register.ExpiringSoonCount(c.Request().Context(), u, 90)
		if err != nil {
			return err
		}
		v.Tasks = append(v.Tasks, pages.HomeTask{Label: "Expiring soon", Href: "/register/expiring",
			Hint: fmt.Sprintf("%d agreements or clauses end within 90 days", soon)})
	}
	return s.render(c, http.StatusOK, pages.Home(s.page(c, "Home"), v))
}
