package server

import "fmt"
import "net/http"
import "strconv"
import "strings"
import "time"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/pages"
import "github.com/dealgate/dealgate/web/users"

func (s *Server) registerUserRoutes() {
	admin := need(dealgate.ActUserManage)
	s.get("/admin/users", admin, s.handleUserIndex)
	s.get("/admin/users/new", admin, s.handleUserNew)
	s.post("/admin/users", admin, s.handleUserCreate)
	s.get("/admin/users/:id", admin, s.handleUserView)
	s.form("/admin/users/:id/edit", admin, s.handleUserEdit, s.handleUserUpdate)
	for _, a := range userActions {
		s.form("/admin/users/:id/"+string(a.action), admin, s.handleUserActionConfirm(a), s.handleUserAction(a))
	}
}

func userPath(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

func statusTag(u *dealgate.User) (text, kind string) {
	if u.Active() {
		return dealgate.UserActive.Label(), "active"
	}
	return dealgate.UserDeactivated.Label(), "withdrawn"
}

// signInFacts are when u last signed in (in loc) and whether two-step
// verification is on, as the user pages show them.
func signInFacts(u *dealgate.User, loc *time.Location) (lastSignIn, twoFactor string) {
	lastSignIn, twoFactor = "Never", "Off"
	if u.LastSignInAt != nil {
		lastSignIn = formatMoment(*u.LastSignInAt, loc)
	}
	if u.TOTPEnabled {
		twoFactor = "On"
	}
	return lastSignIn, twoFactor
}

func roleLabels(roles []dealgate.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.Label()
	}
	return strings.Join(names, ", ")
}

func (s *Server) handleUserIndex(c echo.Context) error {
	actor := currentUser(c)
	sortKey, desc := c.QueryParam("sort"), c.QueryParam("dir") == "desc"
	f := dealgate.UserFilter{
		Query:       c.QueryParam("q"),
		Role:        dealgate.Role(c.QueryParam("role")),
		Status:      dealgate.UserStatus(c.QueryParam("status")),
		Sort:        sortKey,
		PageRequest: pageRequest(c),
	}
	if desc && sortKey != "" {
		f.Sort = "-" + sortKey
	}
	status := http.StatusOK
	view := users.ListView{CanCreate: true}
	var errs map[string]string
	if err := f.Normalize(); err != nil {
		status = http.StatusUnprocessableEntity
		errs, _ = formErrors(err, "q", "role", "status")
	}
	sortKey = strings.TrimPrefix(f.Sort, "-")
	view.Filtered = f.Query != "" || f.Role != "" || f.Status != ""
	view.Query = components.Field{ID: "q", Name: "q", Label: "Name or email", Type: "search", Value: c.QueryParam("q"), Error: errs["q"], MaxLength: 200}
	view.Role = components.Field{ID: "role", Name: "role", Label: "Role", Value: string(f.Role), Error: errs["role"],
		Options: []components.Option{{Value: "", Label: "Any role"}}}
	for _, r := range dealgate.AllRoles {
		view.Role.Options = append(view.Role.Options, components.Option{Value: string(r), Label: r.Label()})
	}
	view.Status = components.Field{ID: "status", Name: "status", Label: "Status", Value: string(f.Status), Error: errs["status"],
		Options: []components.Option{{Value: "", Label: "Any status"}, {Value: "active", Label: "Active"}, {Value: "deactivated", Label: "Deactivated"}}}
	view.Headers = []components.SortHeader{
		sortHeader(c, "Name", "name", sortKey, desc),
		sortHeader(c, "Email", "email", sortKey, desc),
		sortHeader(c, "Last sign-in", "last_sign_in_at", sortKey, desc),
	}
	if status == http.StatusOK {
		page, err := s.users.List(c.Request().Context(), actor, f)
		if err != nil {
			return err
		}
		loc := actor.Location()
		for _, u := range page.Items {
			text, kind := statusTag(u)
			last, twoFactor := signInFacts(u, loc)
			view.Rows = append(view.Rows, users.Row{Href: userPath(u.ID), Name: u.Name, Email: u.Email, Roles: roleLabels(u.Roles),
				Status: text, StatusKind: kind, LastSignIn: last, TwoFactor: twoFactor})
		}
		view.Pager = pager(c, page)
	} else if err := dealgate.Authorize(actor, dealgate.ActUserManage); err != nil {
		return err
	}
	return s.render(c, status, users.List(s.page(c, "Users"), view))
}

// users.Form is what the new and edit forms carry.
func readUserForm(c echo.Context) users.Form {
	params, _ := c.FormParams()
	return users.Form{
		Name: c.FormValue("name"), Email: c.FormValue("email"), TimeZone: c.FormValue("time_zone"),
		Roles: params["roles"], NotifyEmail: checked(c, "notify_email"),
	}
}

// accountOf is the account the new and edit forms describe.
func accountOf(in users.Form) dealgate.NewUser {
	return dealgate.NewUser{Name: in.Name, Email: in.Email, Roles: in.RoleList(), TimeZone: in.TimeZone,
		NotifyEmail: in.NotifyEmail}
}

func (s *Server) userFormView(c echo.Context, title, action, cancel string, in users.Form, version int64, err error) pages.FormView {
	errs, summary := formErrors(err, "name", "email", components.GroupID("roles"), "time_zone")
	if msg, ok := errs["roles"]; ok {
		// The roles message belongs to the checkbox group.
		errs[components.GroupID("roles")] = msg
		for i := range summary {
			if summary[i].Field == "roles" {
				summary[i].Field = components.GroupID("roles")
			}
		}
	}
	fields := users.FormFields(in, errs)
	if version > 0 {
		fields = append(fields, pages.Hidden("version", strconv.FormatInt(version, 10)))
	}
	return pages.FormView{
		Caption: "Users", Title: title, Action: action, Submit: "Save", Cancel: cancel,
		CSRFToken: csrfToken(c), Errors: summary, Fields: fields,
	}
}

func (s *Server) handleUserNew(c echo.Context) error {
	in := users.Form{TimeZone: dealgate.DefaultTimeZone, NotifyEmail: true}
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Add a user"),
		s.userFormView(c, "Add a user", "/admin/users", "/admin/users", in, 0, nil)))
}

func (s *Server) handleUserCreate(c echo.Context) error {
	in := readUserForm(c)
	u, link, err := s.users.Invite(c.Request().Context(), currentUser(c), accountOf(in))
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		return s.render(c, status, pages.Form(s.page(c, "Add a user"),
			s.userFormView(c, "Add a user", "/admin/users", "/admin/users", in, 0, err)))
	}
	return s.renderLink(c, u, link, "User added", fmt.Sprintf("%s can now set a password with this link.", u.Name))
}

// renderLink says how a one-time password link reaches its owner. The
// service queued it in the outbox in the same transaction. With SMTP
// configured the mail is on its way and the link is not shown; without it
// the mail only goes to the server log (token redacted), so the admin is
// shown the link, once. Only its hash is stored (the outbox keeps it sealed until sent).
func (s *Server) renderLink(c echo.Context, u *dealgate.User, link dealgate.PasswordResetLink, title, lead string) error {
	expires := formatMoment(link.ExpiresAt, currentUser(c).Location())
	if s.cfg.SMTP != nil {
		return s.render(c, http.StatusOK, pages.Message(s.page(c, title), pages.MessageView{
			Title: title,
			Body: []string{"An e-mail with a link to set a password is on its way to " + u.Email + ".",
				"The link works once and expires " + expires + ". If it does not arrive, make a new one with Reset password."},
			LinkHref: userPath(u.ID), LinkLabel: "Go to " + u.Name,
		}))
	}
	url := strings.TrimSuffix(s.cfg.BaseURL.String(), "/") + "/password/" + link.Token
	return s.render(c, http.StatusOK, pages.Message(s.page(c, title), pages.MessageView{
		Title: title,
		Body: []string{lead,
			"E-mail is not set up on this server (DEALGATE_SMTP_URL), so no e-mail was sent.",
			"Send it to " + u.Email + " yourself: it is shown only now, works once and expires " + expires + "."},
		Highlight: url,
		LinkHref:  userPath(u.ID), LinkLabel: "Go to " + u.Name,
	}))
}

func (s *Server) loadUserParam(c echo.Context) (*dealgate.User, error) {
	return readByID(c, s.users.Get)
}

func (s *Server) handleUserView(c echo.Context) error {
	u, err := s.loadUserParam(c)
	if err != nil {
		return err
	}
	actor := currentUser(c)
	loc := actor.Location()
	text, kind := statusTag(u)
	last, twoFactor := signInFacts(u, loc)
	edit := userPath(u.ID) + "/edit"
	v := users.ShowView{
		Name: u.Name, StatusText: text, StatusKind: kind,
		Details: []components.SummaryRow{
			{Key: "Email", Value: u.Email, ActionHref: edit},
			{Key: "Roles", Value: roleLabels(u.Roles), ActionHref: edit},
			{Key: "Time zone", Value: u.TimeZone, ActionHref: edit},
			{Key: "Two-step verification", Value: twoFactor},
			{Key: "Last sign-in", Value: last},
			{Key: "Added", Value: formatMoment(u.CreatedAt, loc)},
		},
	}
	for _, a := range userActions {
		if dealgate.OffersAccountAction(actor, u, a.action) {
			v.Actions = append(v.Actions, users.Action{Label: a.button, Href: userPath(u.ID) + "/" + string(a.action), Variant: a.variant})
		}
	}
	events, err := s.audit.History(c.Request().Context(), currentUser(c), historyLimit, dealgate.EntityRef{Type: dealgate.EntityUser, ID: strconv.FormatInt(u.ID, 10)})
	if err != nil {
		return err
	}
	v.History = userVocab.timeline(events, loc)
	return s.render(c, http.StatusOK, users.Show(s.page(c, u.Name), v))
}

func formOf(u *dealgate.User) users.Form {
	in := users.Form{Name: u.Name, Email: u.Email, TimeZone: u.TimeZone, NotifyEmail: u.NotifyEmail}
	for _, r := range u.Roles {
		in.Roles = append(in.Roles, string(r))
	}
	return in
}

func (s *Server) handleUserEdit(c echo.Context) error {
	u, err := s.loadUserParam(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Edit "+u.Name),
		s.userFormView(c, "Edit "+u.Name, userPath(u.ID)+"/edit", userPath(u.ID), formOf(u), u.Version, nil)))
}

func (s *Server) handleUserUpdate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	in := readUserForm(c)
	version, _ := formVersion(c)
	u, err := s.users.Update(c.Request().Context(), currentUser(c), dealgate.UserUpdate{ID: id, Version: version, NewUser: accountOf(in)})
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok || u == nil {
			return err
		}
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			// Someone changed the account meanwhile: say what it is now, keep
			// what this admin typed, and let them save again knowingly.
			err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"name": conflictMessage(u)}}
			version = u.Version
		}
		return s.render(c, status, pages.Form(s.page(c, "Edit "+u.Name),
			s.userFormView(c, "Edit "+u.Name, userPath(u.ID)+"/edit", userPath(u.ID), in, version, err)))
	}
	s.flash(c, "success", "Changes to "+u.Name+" are saved.")
	return redirectSeeOther(c, userPath(u.ID))
}

func conflictMessage(now *dealgate.User) string {
	return fmt.Sprintf("Someone else changed this account while you were editing. It now reads: name %q, email %s, roles %s, time zone %s. Check your changes and save again.",
		now.Name, now.Email, roleLabels(now.Roles), now.TimeZone)
}

// userAction is one confirmable admin action on an account, as its page
// offers it; the service decides whether it still applies.
type userAction struct {
	action          dealgate.AccountAction
	button, variant string
	title           string
	body            func(u *dealgate.User) []string
	done            func(s *Server, c echo.Context, res postgres.UserLink) error
}

func (a userAction) applies(u *dealgate.User) bool { return a.action.Applies(u) }

// saidDone flashes what an action did and goes back to the account.
func saidDone(msg func(u *dealgate.User) string) func(s *Server, c echo.Context, res postgres.UserLink) error {
	return func(s *Server, c echo.Context, res postgres.UserLink) error {
		s.flash(c, "success", msg(res.User))
		return redirectSeeOther(c, userPath(res.User.ID))
	}
}

var userActions = []userAction{
	{
		action: dealgate.AccountDeactivate, button: "Deactivate", variant: "warning", title: "Deactivate this account?",
		body: func(u *dealgate.User) []string {
			return []string{u.Name + " (" + u.Email + ") will be signed out everywhere at once and will not be able to sign in.",
				"Their records and history stay. You can reactivate the account later."}
		},
		done: saidDone(func(u *dealgate.User) string { return u.Name + " is deactivated and has been signed out." }),
	},
	{
		action: dealgate.AccountReactivate, button: "Reactivate", variant: "secondary", title: "Reactivate this account?",
		body: func(u *dealgate.User) []string {
			return []string{u.Name + " (" + u.Email + ") will be able to sign in again with their roles: " + roleLabels(u.Roles) + "."}
		},
		done: saidDone(func(u *dealgate.User) string { return u.Name + " can sign in again." }),
	},
	{
		action: dealgate.AccountResetPassword, button: "Reset password", variant: "secondary", title: "Send a password link?",
		body: func(u *dealgate.User) []string {
			return []string{"You will get a one-time link for " + u.Name + " to set a new password. It expires after 24 hours.",
				"Their current password keeps working until they use the link; using it signs them out everywhere."}
		},
		done: func(s *Server, c echo.Context, res postgres.UserLink) error {
			return s.renderLink(c, res.User, res.Link, "Password link made", "Give "+res.User.Name+" this link to set a new password.")
		},
	},
	{
		action: dealgate.AccountResetTwoFactor, button: "Reset two-step verification", variant: "secondary", title: "Reset two-step verification?",
		body: func(u *dealgate.User) []string {
			return []string{dealgate.Possessive(u.Name) + " authenticator app and recovery codes will stop working, and they will be signed out everywhere.",
				"If their role requires two-step verification, they will set it up again when they next sign in."}
		},
		done: saidDone(func(u *dealgate.User) string { return "Two-step verification for " + u.Name + " is reset." }),
	},
}

func (s *Server) handleUserActionConfirm(a userAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, err := s.loadUserParam(c)
		if err != nil {
			return err
		}
		if !a.applies(u) {
			s.flash(c, "important", "That action does not apply to "+u.Name+" now.")
			return redirectSeeOther(c, userPath(u.ID))
		}
		if !dealgate.OffersAccountAction(currentUser(c), u, a.action) {
			// Only deactivating oneself is left: the service refuses it too.
			s.flash(c, "important", dealgate.OwnDeactivation)
			return redirectSeeOther(c, userPath(u.ID))
		}
		return s.render(c, http.StatusOK, pages.Confirm(s.page(c, a.title), pages.ConfirmView{
			Caption: u.Name, Title: a.title, Body: a.body(u), Action: userPath(u.ID) + "/" + string(a.action),
			Button: a.button, Cancel: userPath(u.ID), CSRFToken: csrfToken(c), Version: strconv.FormatInt(u.Version, 10),
		}))
	}
}

func (s *Server) handleUserAction(a userAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		version, _ := formVersion(c)
		res, err := s.users.ActOnAccount(c.Request().Context(), currentUser(c), id, version, a.action)
		if code := dealgate.ErrorCode(err); code == dealgate.ECONFLICT || code == dealgate.EINVALID {
			// A double submit or a stale page: nothing was done twice.
			s.flash(c, "important", dealgate.ErrorMessage(err))
			return redirectSeeOther(c, userPath(id))
		}
		if err != nil {
			return err
		}
		return a.done(s, c, res)
	}
}
