// Package server is Dealgate's HTTP layer: echo setup, middleware, one file of
// handlers per resource, the render helper and the single error handler.
// Handlers bind and validate input, call services and build view models;
// they never decide access or touch SQL themselves.
package server

import "context"
import "errors"
import "fmt"
import "log/slog"
import "net"
import "net/http"
import "sync/atomic"
import "time"

import "github.com/alexedwards/scs/v2"
import "github.com/labstack/echo/v4"
import "github.com/prometheus/client_golang/prometheus"

import "github.com/dealgate/dealgate/internal/config"
import "github.com/dealgate/dealgate/internal/jobs"
import "github.com/dealgate/dealgate/internal/postgres"

// Server wires the router to the configuration and the database.
type Server struct {
	cfg      *config.Config
	log      *slog.Logger
	echo     *echo.Echo
	sessions *scs.SessionManager
	metrics  *metrics
	version  string
	// The services: the only way handlers reach the database.
	users    *postgres.Users
	register *postgres.Register
	audit    *postgres.Audit
	exports  *postgres.AuditExports
	reports  *postgres.Reports
	health   *postgres.Health
	deals    *postgres.Deals
	reviews  *postgres.Reviews
	// notifications: the bell, the list and the preferences.
	notifications *postgres.Notifications
	// screenings shares the deals' instance, with its loaded index.
	screenings *postgres.Screenings
	// access records each route's gate (see routes.go).
	access map[string]access
	// uploadLimits are the body limits of upload routes (see upload).
	uploadLimits map[string]int64
	// clockSkew moves the clock sessions slide by (see now), for tests.
	clockSkew atomic.Int64
	// accountPages keeps account pages' content (account.go).
	accountPages accountPages
	// foreground counts the requests in flight; the instance's
	// re-screening gives way to them (postgres.Foreground).
	foreground *postgres.Foreground
}

// now is the clock sessions slide by.
func (s *Server) now() time.Time { return time.Now().Add(time.Duration(s.clockSkew.Load())) }

// New builds the router with every middleware and route.
func New(cfg *config.Config, db *postgres.DB, log *slog.Logger, version string) *Server {
	s := &Server{cfg: cfg, log: log, version: version}
	s.users = postgres.NewUsers(db)
	s.users.SecondFactorRoles = cfg.SecondFactorRoles
	s.register = postgres.NewRegister(db)
	s.register.MaxDocumentBytes = cfg.MaxDocumentBytes
	s.audit = postgres.NewAudit(db)
	s.exports = postgres.NewAuditExports(db, postgres.ExportOptions{Conns: cfg.ExportDBConns, Concurrent: cfg.ExportConcurrency})
	s.exports.Log = log
	s.reports = postgres.NewReports(db)
	s.health = postgres.NewHealth(db)
	s.deals = postgres.NewDeals(db, s.register)
	s.deals.MaterialValuePercent = cfg.MaterialValuePercent
	s.reviews = postgres.NewReviews(db, s.deals)
	s.notifications = postgres.NewNotifications(db)
	s.screenings = s.deals.Screenings
	s.sessions = newSessionManager(cfg, db, s.now)
	s.metrics = newMetrics(db)
	s.foreground = &db.Foreground
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = ipExtractor(cfg)
	s.echo = e
	s.registerMiddleware()
	s.registerRoutes()
	return s
}

func newSessionManager(cfg *config.Config, db *postgres.DB, now func() time.Time) *scs.SessionManager {
	sm := scs.New()
	// The idle timeout lives in the store (see sessionStore): scs's own
	// would rewrite the session on every request.
	sm.Store = newSessionStore(db, cfg.SessionIdleTimeout, now)
	sm.Lifetime = cfg.SessionLifetime
	sm.Codec = sessionCodec{}
	sm.Cookie.Name = "dealgate_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	if cfg.HTTPS() {
		// The __Host- prefix pins the cookie to this exact origin over HTTPS.
		sm.Cookie.Name = "__Host-dealgate_session"
		sm.Cookie.Secure = true
	}
	return sm
}

// ipExtractor believes X-Forwarded-For only from configured proxies.
func ipExtractor(cfg *config.Config) echo.IPExtractor {
	if len(cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range cfg.TrustedProxies {
		_, n, err := net.ParseCIDR(p.String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// Handler returns the root HTTP handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Echo exposes the router, for route-table tests.
func (s *Server) Echo() *echo.Echo { return s.echo }

// Serve accepts connections on ln until ctx is cancelled, then stops
// accepting, lets in-flight requests finish within the shutdown timeout and
// returns nil on a clean stop.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	// Every instance works the background jobs (mail, re-screening, ...).
	jobClient, err := s.startJobs(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if err := jobs.Stop(jobClient, s.cfg.ShutdownTimeout); err != nil {
			s.log.Error("background jobs did not stop in time", "err", err)
		}
	}()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	shutCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err = hs.Shutdown(shutCtx)
	if serveErr := <-errc; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", serveErr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: in-flight requests did not finish in %s: %w", s.cfg.ShutdownTimeout, err)
	}
	return nil
}

// PrometheusRegistry exposes the metrics registry, for tests.
func (s *Server) PrometheusRegistry() *prometheus.Registry { return s.metrics.reg }
