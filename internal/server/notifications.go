package server

import "net/http"
import "strconv"
import "strings"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/layout"
import "github.com/dealgate/dealgate/web/notifications"

func (s *Server) registerNotificationRoutes() {
	s.get("/notifications", signedIn, s.handleNotificationIndex)
	s.post("/notifications/read-all", signedIn, s.handleNotificationsReadAll)
	s.post("/notifications/:id/open", signedIn, s.handleNotificationOpen)
	s.form("/account/notifications", signedIn, s.handleNotifyPrefs, s.handleNotifyPrefsSave)
}

// bell puts the notifications link and the unread count in the header. The
// count was read with the session, in the same statement
// (postgres.DB.FindSession), so the bell adds no query to a page.
func (s *Server) bell(c echo.Context, p *layout.Page) {
	u := currentUser(c)
	if u == nil || dealgate.MustSetUpSecondFactor(u, s.cfg.SecondFactorRoles) {
		return
	}
	p.Bell, p.Unread = true, u.UnreadNotifications
}

func (s *Server) handleNotificationIndex(c echo.Context) error {
	u := currentUser(c)
	page, err := s.notifications.List(c.Request().Context(), u, pageRequest(c))
	if err != nil {
		return err
	}
	p := s.page(c, "Notifications")
	v := notifications.ListView{Unread: p.Unread, Pager: pager(c, page), CSRFToken: csrfToken(c)}
	v.EmptyBody, v.PendingHref = notificationsPromise(u)
	loc := u.Location()
	for _, n := range page.Items {
		v.Items = append(v.Items, notifications.Item{ID: n.ID, Title: n.Title, Body: n.Body,
			When: formatMoment(n.CreatedAt, loc), Unread: n.ReadAt == nil})
	}
	if page.Page == 1 && len(page.Items) > 0 {
		// "Mark all" covers everything up to the newest shown, so one that
		// arrives while the page is open stays unread.
		v.UpTo = page.Items[0].ID
	}
	return s.render(c, http.StatusOK, notifications.List(p, v))
}

func (s *Server) handleNotificationOpen(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	link, err := s.notifications.Open(c.Request().Context(), currentUser(c), id)
	if err != nil {
		return err
	}
	return redirectSeeOther(c, safeNext(link))
}

func (s *Server) handleNotificationsReadAll(c echo.Context) error {
	upTo, err := strconv.ParseInt(c.FormValue("up_to"), 10, 64)
	if err != nil || upTo < 1 {
		return dealgate.Errorf(dealgate.EINVALID, "Open the notifications page and try again.")
	}
	n, err := s.notifications.MarkAllRead(c.Request().Context(), currentUser(c), upTo)
	if err != nil {
		return err
	}
	s.flash(c, "success", plural(n, "notification")+" marked as read.")
	return redirectSeeOther(c, "/notifications")
}

func (s *Server) renderNotifyPrefs(c echo.Context, status int, chosen func(dealgate.NotifyEvent) dealgate.NotifyChannel, err error) error {
	order := make([]string, len(dealgate.AllNotifyEvents))
	for i, e := range dealgate.AllNotifyEvents {
		order[i] = dealgate.NotifyPrefsField(e)
	}
	errs, summary := formErrors(err, order...)
	v := notifications.PrefsView{Errors: summary, EmailOff: !currentUser(c).NotifyEmail, CSRFToken: csrfToken(c),
		Groups: notifications.PrefsFields(chosen, errs)}
	return s.render(c, status, notifications.Prefs(s.page(c, "Notification settings"), v))
}

func (s *Server) handleNotifyPrefs(c echo.Context) error {
	prefs, err := s.notifications.Prefs(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	return s.renderNotifyPrefs(c, http.StatusOK, prefs.Channel, nil)
}

func (s *Server) handleNotifyPrefsSave(c echo.Context) error {
	_, err := s.notifications.UpdatePrefs(c.Request().Context(), currentUser(c), c.FormValue)
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		typed := func(e dealgate.NotifyEvent) dealgate.NotifyChannel {
			return dealgate.NotifyChannel(c.FormValue(dealgate.NotifyPrefsField(e)))
		}
		return s.renderNotifyPrefs(c, status, typed, err)
	}
	s.flash(c, "success", "Your notification settings are saved.")
	return redirectSeeOther(c, "/account/notifications")
}

// notificationsPromise says what u is told about: only the events that can
// reach u's roles (postgres notify_events.go and notify_reminders.go), and,
// for those who vote, where every review awaiting their vote is listed, since
// a vote is reminded of only once its review is nearly due.
func notificationsPromise(u *dealgate.User) (body, pendingHref string) {
	var says []string
	if dealgate.Allowed(u, dealgate.ActDealDraft) {
		says = append(says, "You are told here when the committee asks for information on your deals or decides on them.")
	}
	if dealgate.Allowed(u, dealgate.ActReviewVote) {
		says = append(says, "You are told here when a review opens with you assigned, and when counsel answer, the screening verdict changes, the committee decides or negotiation starts on it.",
			"A review awaiting your vote is reminded of once a day when it is nearly due; all of them are listed under Reviews awaiting your vote.")
		pendingHref = "/committee/reviews?state=open&mine=pending"
	}
	if dealgate.Allowed(u, dealgate.ActReviewChair) {
		says = append(says, "As chair, you also hear once a day about reviews past their due date.")
	}
	if len(says) == 0 {
		return "Notifications go to counsel and to the committee; your roles receive none.", ""
	}
	return strings.Join(says, " "), pendingHref
}
