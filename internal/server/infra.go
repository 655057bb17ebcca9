package server

import "context"
import "io/fs"
import "mime"
import "net/http"
import "path"
import "strings"
import "time"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/web"

func (s *Server) registerInfraRoutes() {
	s.get("/healthz", publicAccess, s.handleHealthz)
	s.get("/readyz", publicAccess, s.handleReadyz)
	s.get("/metrics", publicAccess, s.metrics.handler())
	s.get("/static/*", publicAccess, s.handleStatic)
}

// handleHealthz says the process is up; it touches nothing else.
func (s *Server) handleHealthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// handleReadyz says whether this instance can serve: the database answers
// and its schema is the one this binary expects.
func (s *Server) handleReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.health.Ping(ctx); err != nil {
		s.log.Warn("not ready: database unreachable", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
	}
	st, err := s.health.SchemaStatus(ctx)
	if err != nil {
		s.log.Warn("not ready: schema unreadable", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "schema unreadable"})
	}
	if !st.Ready() {
		return c.JSON(http.StatusServiceUnavailable, map[string]any{"status": "unavailable", "schema": st.String()})
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ready", "schema": st.String(), "version": s.version})
}

// handleStatic serves embedded assets. A URL carrying the asset's current
// content version is cached for a year; anything else is revalidated.
func (s *Server) handleStatic(c echo.Context) error {
	name := path.Clean(strings.TrimPrefix(c.Param("*"), "/"))
	if name == "." || strings.HasPrefix(name, "..") {
		return echo.ErrNotFound
	}
	f, err := fs.ReadFile(web.StaticFS(), name)
	if err != nil {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	if v, ok := web.AssetVersion(name); ok && c.QueryParam("v") == v {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300, must-revalidate")
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	if v, ok := web.AssetVersion(name); ok {
		h.Set("ETag", `"`+v+`"`)
		if match := c.Request().Header.Get("If-None-Match"); match == `"`+v+`"` {
			return c.NoContent(http.StatusNotModified)
		}
	}
	return c.Blob(http.StatusOK, ctype, f)
}
