package server

import "encoding/base64"
import "net/http"
import "strings"
import "sync"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/account"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/pages"

func (s *Server) registerAccountRoutes() {
	s.form("/account", signedIn, s.handleAccount, s.handleAccountUpdate)
	s.post("/account/sign-out-everywhere", signedIn, s.handleSignOutEverywhere)
	s.form("/account/password", signedIn, s.handlePasswordForm, s.handlePasswordChange)
	s.form("/account/two-factor", setupAccess, s.handleTwoFactor, s.handleTwoFactorConfirm)
	s.post("/account/two-factor/remove", signedIn, s.handleTwoFactorRemove)
	s.post("/account/two-factor/recovery-codes", signedIn, s.handleRecoveryCodes)
}

type profileInput struct {
	Name, TimeZone string
	NotifyEmail    bool
}

func (s *Server) renderAccount(c echo.Context, status int, u *dealgate.User, in profileInput, err error) error {
	// The view, built only when the content is rendered: a repeat view's
	// content is kept (renderDerived).
	profileView := func() account.ProfileView {
		errs, summary := formErrors(err, "name", "time_zone")
		lastSignIn, twoFactor := signInFacts(u, u.Location())
		return account.ProfileView{
			CSRFToken: csrfToken(c),
			Version:   u.Version,
			Errors:    summary,
			Details: []components.SummaryRow{
				{Key: "Email", Value: u.Email},
				{Key: "Roles", Value: roleLabels(u.Roles)},
				{Key: "Password", Value: "Set", ActionHref: "/account/password", ActionLabel: "Change"},
				{Key: "Two-step verification", Value: twoFactor, ActionHref: "/account/two-factor", ActionLabel: "Manage"},
				{Key: "Last sign-in", Value: lastSignIn},
				{Key: "Notifications", Value: "In the app and by e-mail, as you choose per kind", ActionHref: "/account/notifications", ActionLabel: "Choose"},
			},
			Fields: account.ProfileFields(in.Name, in.TimeZone, errs),
		}
	}
	if err != nil {
		return s.render(c, status, account.Profile(s.page(c, "Your account"), profileView()))
	}
	// The record as it is: its content is kept for the person's next view.
	return s.renderDerived(c, status, s.accountPages.of(u), s.page(c, "Your account"), func(fresh perRequest) templ.Component {
		v := profileView()
		v.CSRFToken = fresh.CSRF
		return account.ProfileContent(v)
	})
}

// accountPages keeps, per person, the Derived their account page's content
// hangs on. The page shows nothing but the person's own record: every edit
// to it moves its version, except a sign-in (bookkeeping, which leaves the
// version alone so that an admin's open form stays valid), so the record's
// last sign-in keys it too.
type accountPages struct {
	mu sync.Mutex
	m  map[accountPageKey]*dealgate.Derived
}

type accountPageKey struct{ user, version, lastSignIn int64 }

// accountPagesMax bounds the people whose account page is kept; past it the
// next one starts afresh.
const accountPagesMax = 1024

func (a *accountPages) of(u *dealgate.User) *dealgate.Derived {
	k := accountPageKey{user: u.ID, version: u.Version}
	if u.LastSignInAt != nil {
		k.lastSignIn = u.LastSignInAt.UnixNano()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if d, ok := a.m[k]; ok {
		return d
	}
	if a.m == nil || len(a.m) >= accountPagesMax {
		a.m = map[accountPageKey]*dealgate.Derived{}
	}
	d := dealgate.NewDerived()
	a.m[k] = d
	return d
}

func (s *Server) handleAccount(c echo.Context) error {
	u := currentUser(c)
	return s.renderAccount(c, http.StatusOK, u, profileInput{u.Name, u.TimeZone, u.NotifyEmail}, nil)
}

func (s *Server) handleAccountUpdate(c echo.Context) error {
	u := currentUser(c)
	in := profileInput{c.FormValue("name"), c.FormValue("time_zone"), u.NotifyEmail}
	version, _ := formVersion(c)
	fresh, err := s.users.UpdateProfile(c.Request().Context(), u, dealgate.ProfileUpdate{
		Version: version, Name: in.Name, TimeZone: in.TimeZone, NotifyEmail: in.NotifyEmail,
	})
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT && fresh != nil {
			u = fresh // show the current record; keep what they typed in the form
		}
		return s.renderAccount(c, status, u, in, err)
	}
	s.flash(c, "success", "Your profile is saved.")
	return redirectSeeOther(c, "/account")
}

func (s *Server) handleSignOutEverywhere(c echo.Context) error {
	u, err := s.users.SignOutEverywhere(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	if err := s.keepSession(c, u); err != nil {
		return err
	}
	s.flash(c, "success", "Every other session has ended. You are still signed in here.")
	return redirectSeeOther(c, "/account")
}

func (s *Server) passwordView(c echo.Context, errs map[string]string, summary []components.FieldError) pages.FormView {
	return pages.FormView{
		Caption:   "Your account",
		Title:     "Change your password",
		Intro:     "Changing your password signs you out everywhere else.",
		Action:    "/account/password",
		Submit:    "Change password",
		Cancel:    "/account",
		CSRFToken: csrfToken(c),
		Errors:    summary,
		Fields:    account.PasswordFields(errs),
	}
}

func (s *Server) handlePasswordForm(c echo.Context) error {
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Change your password"), s.passwordView(c, nil, nil)))
}

func (s *Server) handlePasswordChange(c echo.Context) error {
	var err error
	var u *dealgate.User
	if c.FormValue("new_password") != c.FormValue("confirm_password") {
		err = (&dealgate.Validation{}).AddErr("confirm_password", "The two new passwords do not match")
	} else {
		u, err = s.users.ChangePassword(c.Request().Context(), currentUser(c), c.FormValue("current_password"), c.FormValue("new_password"))
	}
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		errs, summary := formErrors(err, "current_password", "new_password", "confirm_password")
		return s.render(c, status, pages.Form(s.page(c, "Change your password"), s.passwordView(c, errs, summary)))
	}
	if err := s.keepSession(c, u); err != nil {
		return err
	}
	s.flash(c, "success", "Your password is changed. Any other sessions have been signed out.")
	return redirectSeeOther(c, "/account")
}

func (s *Server) handleTwoFactor(c echo.Context) error {
	u := currentUser(c)
	if u.TOTPEnabled {
		return s.renderTwoFactorStatus(c, http.StatusOK, u, nil)
	}
	return s.renderTwoFactorSetup(c, http.StatusOK, nil)
}

func (s *Server) renderTwoFactorSetup(c echo.Context, status int, formErr error) error {
	enrol, err := s.users.BeginTOTP(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	errs, summary := formErrors(formErr, "code")
	// A data: URL built here from PNG bytes, so it is safe to render as is.
	qr := templ.SafeURL("data:image/png;base64," + base64.StdEncoding.EncodeToString(enrol.QRPNG))
	v := pages.FormView{
		Caption:   "Your account",
		Title:     "Set up two-step verification",
		Intro:     "Signing in will ask for a code from an app on your phone as well as your password.",
		Before:    account.SetupIntro(qr, enrol.Secret),
		Action:    "/account/two-factor",
		Submit:    "Turn on two-step verification",
		CSRFToken: csrfToken(c),
		Errors:    summary,
		Fields:    account.TwoFactorSetupFields(errs),
	}
	if !dealgate.MustSetUpSecondFactor(currentUser(c), s.cfg.SecondFactorRoles) {
		v.Cancel = "/account"
	}
	return s.render(c, status, pages.Form(s.page(c, "Set up two-step verification"), v))
}

func (s *Server) renderTwoFactorStatus(c echo.Context, status int, u *dealgate.User, formErr error) error {
	left, err := s.users.RecoveryCodesLeft(c.Request().Context(), u)
	if err != nil {
		return err
	}
	errs, summary := formErrors(formErr, "current_password", "code")
	required := dealgate.SecondFactorRequired(u, s.cfg.SecondFactorRoles)
	v := account.TwoFactorView{
		RecoveryLeft: left, CanRemove: !required, Required: required, Errors: summary, CSRFToken: csrfToken(c),
		RemoveFields: account.TwoFactorRemoveFields(errs),
		CodesFields:  account.RecoveryCodesFields(errs),
	}
	return s.render(c, status, account.TwoFactor(s.page(c, "Two-step verification"), v))
}

func (s *Server) handleTwoFactorConfirm(c echo.Context) error {
	code := strings.TrimSpace(c.FormValue("code"))
	var err error
	var u *dealgate.User
	var codes []string
	if code == "" {
		err = (&dealgate.Validation{}).AddErr("code", "Enter the 6-digit code from your authenticator app")
	} else {
		u, codes, err = s.users.ConfirmTOTP(c.Request().Context(), currentUser(c), code)
	}
	if err != nil {
		if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			s.flash(c, "important", dealgate.ErrorMessage(err))
			return redirectSeeOther(c, "/account/two-factor")
		}
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		return s.renderTwoFactorSetup(c, status, err)
	}
	if err := s.keepSession(c, u); err != nil {
		return err
	}
	// The codes are rendered straight into this response, never stored.
	return s.render(c, http.StatusOK, account.RecoveryCodes(s.page(c, "Save your recovery codes"), codes))
}

func (s *Server) handleTwoFactorRemove(c echo.Context) error {
	u, err := s.users.RemoveTOTP(c.Request().Context(), currentUser(c), c.FormValue("current_password"), c.FormValue("code"))
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok || dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			return err
		}
		return s.renderTwoFactorStatus(c, status, currentUser(c), err)
	}
	if err := s.keepSession(c, u); err != nil {
		return err
	}
	s.flash(c, "success", "Two-step verification is off. Any other sessions have been signed out.")
	return redirectSeeOther(c, "/account")
}

func (s *Server) handleRecoveryCodes(c echo.Context) error {
	codes, err := s.users.RegenerateRecoveryCodes(c.Request().Context(), currentUser(c), c.FormValue("current_password"))
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok || dealgate.ErrorCode(err) == dealgate.ECONFLICT {
			return err
		}
		// This form's password input has its own id.
		if msg, found := dealgate.ErrorFields(err)["current_password"]; found {
			err = &dealgate.Error{Code: dealgate.ErrorCode(err), Message: dealgate.ErrorMessage(err), Fields: map[string]string{"codes_password": msg}}
		}
		return s.renderTwoFactorStatus(c, status, currentUser(c), err)
	}
	return s.render(c, http.StatusOK, account.RecoveryCodes(s.page(c, "Save your recovery codes"), codes))
}
