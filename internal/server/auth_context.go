package server

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"

const userContextKey = "dealgate.user"

// currentUser is the signed-in user of this request, or nil.
func currentUser(c echo.Context) *dealgate.User {
	u, _ := c.Get(userContextKey).(*dealgate.User)
	return u
}
