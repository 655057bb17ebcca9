package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// registerRoutes lists every route, grouped by resource.
func (s *Server) registerRoutes() {
	e := s.echo
	s.registerInfraRoutes(e)
	s.registerHomeRoutes(e)
}

// getHead registers a GET route that also answers HEAD.
func getHead(g interface {
	Match([]string, string, echo.HandlerFunc, ...echo.MiddlewareFunc) []*echo.Route
}, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	g.Match([]string{http.MethodGet, http.MethodHead}, path, h, m...)
}
