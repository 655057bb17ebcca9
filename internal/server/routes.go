package server

import "net/http"
import "net/url"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/redirect"

// access says who may reach a route at all. Services then authorise the
// specific record with the same policy; this is the first gate, applied
// before any handler runs, so no route can forget it.
type access struct {
	public bool            // no sign-in needed: sign-in flows, health, metrics, assets
	action dealgate.Action // the policy action a signed-in user needs
	// setup marks routes reachable while a second factor the user's roles
	// require is not yet set up (so they can set it up, or sign out).
	setup bool
}

var (
	publicAccess = access{public: true}
	signedIn     = access{action: dealgate.ActSignedIn}
	setupAccess  = access{action: dealgate.ActSignedIn, setup: true}
)

func need(a dealgate.Action) access { return access{action: a} }

// registerRoutes lists every route, grouped by resource.
func (s *Server) registerRoutes() {
	s.access = map[string]access{}
	s.registerInfraRoutes()
	s.registerAuthRoutes()
	s.registerHomeRoutes()
	s.registerAccountRoutes()
	s.registerUserRoutes()
	s.registerAuditRoutes()
	s.registerAgreementRoutes()
	s.registerClauseRoutes()
	s.registerDocumentRoutes()
	s.registerPartyRoutes()
	s.registerTaxonomyRoutes()
	s.registerRegisterIORoutes()
	s.registerDealRoutes()
	s.registerReviewRoutes()
	s.registerNotificationRoutes()
	s.registerReportRoutes()
}

// route registers h for methods on path behind the access gate and records
// the access, so the route-inventory test can prove every route has one.
func (s *Server) route(methods []string, path string, acc access, h echo.HandlerFunc) {
	for _, r := range s.echo.Match(methods, path, h, s.guard(acc)) {
		s.access[r.Method+" "+r.Path] = acc
	}
}

var getHeadMethods = []string{http.MethodGet, http.MethodHead}

func (s *Server) get(path string, acc access, h echo.HandlerFunc) {
	s.route(getHeadMethods, path, acc, h)
}

func (s *Server) post(path string, acc access, h echo.HandlerFunc) {
	s.route([]string{http.MethodPost}, path, acc, h)
}

// form registers a page and the form it posts back to the same path: show
// answers GET and HEAD, submit answers POST, under the same access rule.
func (s *Server) form(path string, acc access, show, submit echo.HandlerFunc) {
	s.get(path, acc, show)
	s.post(path, acc, submit)
}

// upload lets one route accept a body up to limit bytes, above the
// configured default, for file uploads.
func (s *Server) upload(method, path string, limit int64) {
	if s.uploadLimits == nil {
		s.uploadLimits = map[string]int64{}
	}
	s.uploadLimits[method+" "+path] = limit
}

// RouteAccess reports the access rule of a registered route ("GET /path"),
// for the route-inventory test. public is false when the route has no rule.
func (s *Server) RouteAccess(methodPath string) (public bool, action dealgate.Action, ok bool) {
	a, ok := s.access[methodPath]
	return a.public, a.action, ok
}

// guard enforces acc: sign-in first, then a required second factor, then the
// policy. Anonymous page requests are sent to sign in and brought back.
func (s *Server) guard(acc access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if acc.public {
				return next(c)
			}
			req := c.Request()
			pageRequest := (req.Method == http.MethodGet || req.Method == http.MethodHead) && req.Header.Get("HX-Request") == ""
			u := currentUser(c)
			if u == nil {
				if pageRequest {
					return redirectSeeOther(c, "/sign-in?next="+url.QueryEscape(req.URL.RequestURI()))
				}
				return dealgate.Errorf(dealgate.EUNAUTHORIZED, "Your session has ended. Sign in again to continue.")
			}
			if !acc.setup && dealgate.MustSetUpSecondFactor(u, s.cfg.SecondFactorRoles) {
				if pageRequest {
					return redirectSeeOther(c, "/account/two-factor")
				}
				return dealgate.Errorf(dealgate.EFORBIDDEN, "Set up two-step verification before you continue.")
			}
			if err := dealgate.Authorize(u, acc.action); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// safeNext keeps a post-sign-in destination only when a browser would
// resolve it to a path on this site (see internal/redirect).
func safeNext(next string) string { return redirect.Or(next, "/") }
