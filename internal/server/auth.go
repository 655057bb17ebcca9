package server

import "net/http"
import "strings"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/account"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/pages"

func (s *Server) registerAuthRoutes() {
	s.form("/sign-in", publicAccess, s.handleSignInForm, s.handleSignIn)
	s.form("/sign-in/two-factor", publicAccess, s.handleSecondFactorForm, s.handleSecondFactor)
	s.post("/sign-out", setupAccess, s.handleSignOut)
	s.form("/password/:token", publicAccess, s.handlePasswordLinkForm, s.handlePasswordLink)
}

func (s *Server) signInView(c echo.Context, email string, errs map[string]string, summary []components.FieldError) pages.FormView {
	return pages.FormView{
		Title:     "Sign in to Dealgate",
		Action:    "/sign-in?next=" + urlQueryEscape(safeNext(c.QueryParam("next"))),
		Submit:    "Sign in",
		CSRFToken: csrfToken(c),
		Errors:    summary,
		Fields:    account.SignInFields(email, errs),
		After:     pages.Paragraph("Forgotten your password? Ask a Dealgate admin to send you a link to set a new one."),
	}
}

func (s *Server) handleSignInForm(c echo.Context) error {
	if currentUser(c) != nil {
		return redirectSeeOther(c, safeNext(c.QueryParam("next")))
	}
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Sign in"), s.signInView(c, "", nil, nil)))
}

func (s *Server) handleSignIn(c echo.Context) error {
	ctx := c.Request().Context()
	email := strings.TrimSpace(c.FormValue("email"))
	password := c.FormValue("password")
	var v dealgate.Validation
	if email == "" {
		v.Add("email", "Enter your email address")
	}
	if password == "" {
		v.Add("password", "Enter your password")
	}
	err := v.Err()
	var res *dealgate.SignInResult
	if err == nil {
		res, err = s.users.SignIn(ctx, email, password)
	}
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		errs, summary := formErrors(err, "email", "password")
		return s.render(c, status, pages.Form(s.page(c, "Sign in"), s.signInView(c, email, errs, summary)))
	}
	next := safeNext(c.QueryParam("next"))
	if res.SecondFactorPending {
		// Not signed in yet: remember who passed the first step, on a
		// fresh token, and ask for the code.
		if err := s.sessions.RenewToken(ctx); err != nil {
			return err
		}
		s.sessions.Put(ctx, sessPendingUser, res.User.ID)
		s.sessions.Put(ctx, sessPendingEpoch, res.User.SessionEpoch)
		s.sessions.Put(ctx, sessPendingNext, next)
		return redirectSeeOther(c, "/sign-in/two-factor")
	}
	if err := s.startSession(c, res.User); err != nil {
		return err
	}
	if res.SetUpSecondFactor {
		s.flash(c, "important", "Your role requires two-step verification. Set it up to continue.")
		return redirectSeeOther(c, "/account/two-factor")
	}
	return redirectSeeOther(c, next)
}

func (s *Server) secondFactorView(c echo.Context, errs map[string]string, summary []components.FieldError) pages.FormView {
	return pages.FormView{
		Caption:     "Sign in",
		Title:       "Enter your verification code",
		Intro:       "Open your authenticator app and enter the 6-digit code it shows for Dealgate. If you do not have your device, enter one of your recovery codes.",
		Action:      "/sign-in/two-factor",
		Submit:      "Continue",
		CSRFToken:   csrfToken(c),
		Errors:      summary,
		Cancel:      "/sign-in",
		CancelLabel: "Start again",
		Fields:      account.SecondFactorFields(errs),
	}
}

func (s *Server) handleSecondFactorForm(c echo.Context) error {
	if s.sessions.GetInt64(c.Request().Context(), sessPendingUser) == 0 {
		return redirectSeeOther(c, "/sign-in")
	}
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Verification code"), s.secondFactorView(c, nil, nil)))
}

func (s *Server) handleSecondFactor(c echo.Context) error {
	ctx := c.Request().Context()
	uid := s.sessions.GetInt64(ctx, sessPendingUser)
	if uid == 0 {
		s.flash(c, "important", "Sign in again: the first step expired.")
		return redirectSeeOther(c, "/sign-in")
	}
	code := strings.TrimSpace(c.FormValue("code"))
	var err error
	var res *dealgate.SignInResult
	if code == "" {
		err = (&dealgate.Validation{}).AddErr("code", "Enter the code from your authenticator app or a recovery code")
	} else {
		res, err = s.users.SignInSecondFactor(ctx, uid, s.sessions.GetInt64(ctx, sessPendingEpoch), code)
	}
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		if dealgate.ErrorCode(err) == dealgate.EUNAUTHORIZED && dealgate.ErrorFields(err) == nil {
			// The account can no longer finish this sign-in; start over.
			s.sessions.Remove(ctx, sessPendingUser)
			s.flash(c, "important", dealgate.ErrorMessage(err))
			return redirectSeeOther(c, "/sign-in")
		}
		errs, summary := formErrors(err, "code")
		return s.render(c, status, pages.Form(s.page(c, "Verification code"), s.secondFactorView(c, errs, summary)))
	}
	next := safeNext(s.sessions.GetString(ctx, sessPendingNext))
	if err := s.startSession(c, res.User); err != nil {
		return err
	}
	return redirectSeeOther(c, next)
}

func (s *Server) handleSignOut(c echo.Context) error {
	if err := s.users.SignOut(c.Request().Context(), currentUser(c)); err != nil {
		return err
	}
	if err := s.endSession(c); err != nil {
		return err
	}
	s.flash(c, "success", "You have signed out.")
	return redirectSeeOther(c, "/sign-in")
}

func (s *Server) passwordLinkView(c echo.Context, u *dealgate.User, errs map[string]string, summary []components.FieldError) pages.FormView {
	return pages.FormView{
		Caption:   u.Email,
		Title:     "Set your password",
		Intro:     "Choose a password of at least 12 characters. Avoid common passwords and anything containing your name or email; a short sentence works well.",
		Action:    c.Request().URL.Path,
		Submit:    "Set password",
		CSRFToken: csrfToken(c),
		Errors:    summary,
		Fields:    account.PasswordLinkFields(errs),
	}
}

func (s *Server) invalidLink(c echo.Context, err error) error {
	if dealgate.ErrorCode(err) != dealgate.ENOTFOUND && dealgate.ErrorCode(err) != dealgate.EINVALID {
		return err
	}
	return s.render(c, http.StatusNotFound, pages.Message(s.page(c, "Link not valid"), pages.MessageView{
		Title: "This link is not valid",
		Body: []string{dealgate.ErrorMessage(err),
			"Links to set a password work once and expire after 24 hours. Ask a Dealgate admin for a new one."},
		LinkHref: "/sign-in", LinkLabel: "Go to sign in",
	}))
}

func (s *Server) handlePasswordLinkForm(c echo.Context) error {
	u, err := s.users.CheckPasswordResetToken(c.Request().Context(), c.Param("token"))
	if err != nil {
		return s.invalidLink(c, err)
	}
	return s.render(c, http.StatusOK, pages.Form(s.page(c, "Set your password"), s.passwordLinkView(c, u, nil, nil)))
}

func (s *Server) handlePasswordLink(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.Param("token")
	u, err := s.users.CheckPasswordResetToken(ctx, token)
	if err != nil {
		return s.invalidLink(c, err)
	}
	pw, confirm := c.FormValue("new_password"), c.FormValue("confirm_password")
	if pw != confirm {
		err = (&dealgate.Validation{}).AddErr("confirm_password", "The two passwords do not match")
	} else {
		_, err = s.users.UsePasswordReset(ctx, token, pw)
	}
	if err != nil {
		if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
			return s.invalidLink(c, err)
		}
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		errs, summary := formErrors(err, "new_password", "confirm_password")
		return s.render(c, status, pages.Form(s.page(c, "Set your password"), s.passwordLinkView(c, u, errs, summary)))
	}
	s.flash(c, "success", "Your password is set. Sign in with it now.")
	return redirectSeeOther(c, "/sign-in")
}
