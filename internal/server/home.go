package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/dealgate/dealgate/web/pages"
)

func (s *Server) registerHomeRoutes() {
	s.get("/", signedIn, s.handleHome)
}

func (s *Server) handleHome(c echo.Context) error {
	return s.render(c, http.StatusOK, pages.Home(s.page(c, "Home"), pages.HomeView{}))
}
