package server

import "crypto/rand"
import "encoding/hex"
import "errors"
import "log/slog"
import "net/http"
import "net/netip"
import "regexp"
import "strconv"
import "strings"
import "time"

import "github.com/labstack/echo/v4"
import "github.com/labstack/echo/v4/middleware"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// contentSecurityPolicy allows no inline script or style and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

const headerRequestID = "X-Request-ID"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// infrastructure paths carry no user data and need no session or CSRF token.
func infrastructure(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == "/healthz" || p == "/readyz" || p == "/metrics" || strings.HasPrefix(p, "/static/")
}

func (s *Server) registerMiddleware() {
	e := s.echo
	e.Use(
		s.requestID,
		s.accessLog,
		middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: s.logPanic}),
		s.secureHeaders,
		s.bodyLimit,
		s.readInput,
		middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 1024, Skipper: servedWithLength}),
		s.loadSession(),
		s.slideSession,
		s.csrf(),
		s.requestMeta,
		s.authenticate,
	)
}

// requestID gives every request an ID for logs, errors and audit events. An
// incoming X-Request-ID is kept only from a trusted proxy.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(headerRequestID)
		if !s.fromTrustedProxy(c.Request()) || !requestIDPattern.MatchString(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Request().Header.Set(headerRequestID, id)
		c.Response().Header().Set(headerRequestID, id)
		return next(c)
	}
}

// bodyLimit caps every request body at DEALGATE_MAX_BODY_BYTES, except on
// upload routes, which declare their own larger cap (see Server.upload).
func (s *Server) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		limit := s.cfg.MaxBodyBytes
		if l, ok := s.uploadLimits[req.Method+" "+c.Path()]; ok && l > limit {
			limit = l
		}
		if req.ContentLength > limit {
			return echo.ErrStatusRequestEntityTooLarge
		}
		req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
		return next(c)
	}
}

// bodyTooLarge reports whether err came from reading past the body limit.
func bodyTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// fromTrustedProxy reports whether the connection's peer is a configured proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// accessLog logs one line per request and records its metrics. It resolves
// errors itself (through the one error handler) so it sees the final status.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		s.foreground.Begin()
		defer s.foreground.End()
		ctx, dbStats := postgres.WithRequestStats(c.Request().Context())
		c.SetRequest(c.Request().WithContext(ctx))
		if err := next(c); err != nil {
			c.Error(err)
		}
		elapsed := time.Since(start)
		status := c.Response().Status
		s.metrics.observe(c, status, elapsed, dbStats)
		if infrastructure(c) && status < 400 {
			return nil
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		req := c.Request()
		s.log.LogAttrs(req.Context(), level, "request",
			slog.String("method", req.Method),
			slog.String("path", loggedPath(c)),
			slog.String("route", c.Path()),
			slog.Int("status", status),
			slog.Duration("duration", elapsed),
			slog.Int64("bytes", c.Response().Size),
			slog.String("ip", c.RealIP()),
			slog.String("request_id", c.Response().Header().Get(headerRequestID)),
		)
		return nil
	}
}

func (s *Server) logPanic(c echo.Context, err error, stack []byte) error {
	s.log.Error("panic", "err", err, "request_id", c.Response().Header().Get(headerRequestID), "stack", string(stack))
	return err
}

// secureHeaders sets the headers every response carries. Pages default to
// no-store because nearly all of them show private data.
func (s *Server) secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if s.cfg.HTTPS() {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		return next(c)
	}
}

// loadSession loads and saves the server-side session, except on
// infrastructure paths, which would otherwise read it for every asset.
func (s *Server) loadSession() echo.MiddlewareFunc {
	wrapped := echo.WrapMiddleware(s.sessions.LoadAndSave)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		withSession := wrapped(next)
		return func(c echo.Context) error {
			if infrastructure(c) {
				return next(c)
			}
			ctx := postgres.WithRegisterCounterSlot(withSessionUserSlot(c.Request().Context()))
			// The routes whose pages are cached under the deal list stamp read
			// it with the session. A cached page missing here is still right:
			// its service reads the stamp itself, one round trip more.
			if c.Request().Method == http.MethodGet {
				switch c.Path() {
				case "/deals", "/committee", "/committee/reviews", "/reviews/:id", "/agreements/:id":
					// The deal list stamp is read with the session (deals.go,
					// postgres/review_cache.go).
					ctx = postgres.WithDealListStampSlot(ctx)
				case "/audit":
					// So is the audit stamp (postgres/audit_list.go).
					ctx = postgres.WithAuditStampSlot(ctx)
				case "/deals/:id":
					// So is the deal page's, with the viewer's relation to the deal.
					if id, err := strconv.ParseInt(c.Param("id"), 10, 64); err == nil && id > 0 {
						ctx = postgres.WithDealPageSlot(ctx, id)
					}
				}
			}
			c.SetRequest(c.Request().WithContext(ctx))
			return withSession(c)
		}
	}
}

// csrf protects every unsafe method with a double-submit token (a form field
// "_csrf" or the X-CSRF-Token header that htmx sends).
func (s *Server) csrf() echo.MiddlewareFunc {
	name := "dealgate_csrf"
	if s.cfg.HTTPS() {
		name = "__Host-dealgate_csrf"
	}
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper:        infrastructure,
		TokenLength:    32,
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		ContextKey:     csrfContextKey,
		CookieName:     name,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   s.cfg.HTTPS(),
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   12 * 3600,
		ErrorHandler: func(err error, c echo.Context) error {
			return &dealgate.Error{Code: dealgate.EFORBIDDEN, Err: err,
				Message: "This form has expired or did not come from Dealgate. Go back, reload the page and try again."}
		},
	})
}

const csrfContextKey = "csrf"

// csrfToken is the token forms must send back.
func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfContextKey).(string)
	return t
}

// requestMeta puts the request ID and client IP in the request context, where
// services find them for audit events.
func (s *Server) requestMeta(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		meta := dealgate.RequestMeta{
			RequestID: c.Response().Header().Get(headerRequestID),
			ClientIP:  c.RealIP(),
			Actor:     dealgate.SystemActor,
		}
		c.SetRequest(req.WithContext(dealgate.WithRequestMeta(req.Context(), meta)))
		return next(c)
	}
}

// loggedPath is the request path for the access log, with one-time secrets
// in the path (password links) replaced, so a log reader cannot use them.
func loggedPath(c echo.Context) string {
	token := c.Param("token")
	if token == "" {
		return c.Request().URL.Path
	}
	return strings.Replace(c.Request().URL.Path, token, "REDACTED", 1)
}
