package server

import "context"
import "slices"
import "strings"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"

// Session keys. The session stores only IDs and the epoch: the user is read
// fresh on every request, so a deactivation or role change applies at once.
const (
	sessUserID       = "uid"
	sessEpoch        = "epoch"
	sessRoles        = "roles"
	sessPendingUser  = "pending_uid"
	sessPendingEpoch = "pending_epoch"
	sessPendingNext  = "pending_next"
	sessSignInMethod = "method"
)

// authenticate loads the signed-in user. A session whose user is gone,
// deactivated, or whose epoch is behind the user's (password changed,
// second factor reset, "sign out everywhere") is destroyed on the spot.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if infrastructure(c) {
			return next(c)
		}
		ctx := c.Request().Context()
		uid := s.sessions.GetInt64(ctx, sessUserID)
		if uid == 0 {
			return next(c)
		}
		// Usually read with the session, in the same statement (see
		// sessionStore); otherwise on its own.
		u, err := s.sessionUser(ctx, uid)
		if err != nil && dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
			return err
		}
		if err != nil || !u.Active() || u.SessionEpoch != s.sessions.GetInt64(ctx, sessEpoch) {
			if err := s.sessions.Destroy(ctx); err != nil {
				return err
			}
			return next(c)
		}
		// A change of privilege since the last request gets a new session
		// token, as sign-in does, so an old token cannot carry new rights.
		if roles := rolesKey(u); s.sessions.GetString(ctx, sessRoles) != roles {
			if err := s.sessions.RenewToken(ctx); err != nil {
				return err
			}
			s.sessions.Put(ctx, sessRoles, roles)
		}
		c.Set(userContextKey, u)
		meta := dealgate.RequestMetaFrom(ctx)
		meta.Actor = dealgate.Actor{UserID: &u.ID, Label: u.Email}
		c.SetRequest(c.Request().WithContext(dealgate.WithRequestMeta(ctx, meta)))
		return next(c)
	}
}

// sessionUser is the signed-in user, as read with the session or else by ID.
func (s *Server) sessionUser(ctx context.Context, uid int64) (*dealgate.User, error) {
	if u := sessionUserFrom(ctx); u != nil && u.ID == uid {
		return u, nil
	}
	return s.users.ByID(ctx, uid)
}

func rolesKey(u *dealgate.User) string {
	names := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		names[i] = string(r)
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

// startSession signs u in on this browser: a fresh token (no fixation), the
// user's ID, epoch and roles.
func (s *Server) startSession(c echo.Context, u *dealgate.User) error {
	ctx := c.Request().Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Remove(ctx, sessPendingUser)
	s.sessions.Remove(ctx, sessPendingEpoch)
	s.sessions.Remove(ctx, sessPendingNext)
	s.sessions.Put(ctx, sessUserID, u.ID)
	s.sessions.Put(ctx, sessEpoch, u.SessionEpoch)
	s.sessions.Put(ctx, sessRoles, rolesKey(u))
	s.sessions.Put(ctx, sessSlid, s.now().Unix())
	return nil
}

// keepSession follows the user's new epoch after a change that ended their
// other sessions, keeping this one, with a fresh token.
func (s *Server) keepSession(c echo.Context, u *dealgate.User) error {
	return s.startSession(c, u)
}

// endSession destroys this browser's session on the server.
func (s *Server) endSession(c echo.Context) error {
	return s.sessions.Destroy(c.Request().Context())
}
