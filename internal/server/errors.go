package server

import "errors"
import "net/http"
import "strings"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/pages"

// statusOf maps each domain error code to its one HTTP status.
var statusOf = map[string]int{
	dealgate.EINVALID:      http.StatusUnprocessableEntity,
	dealgate.ENOTFOUND:     http.StatusNotFound,
	dealgate.EFORBIDDEN:    http.StatusForbidden,
	dealgate.EUNAUTHORIZED: http.StatusUnauthorized,
	dealgate.ECONFLICT:     http.StatusConflict,
	dealgate.ETOOMANY:      http.StatusTooManyRequests,
	dealgate.EINTERNAL:     http.StatusInternalServerError,
}

var titleOf = map[int]string{
	http.StatusBadRequest:            "Bad request",
	http.StatusUnauthorized:          "Sign in to continue",
	http.StatusForbidden:             "You do not have access to this",
	http.StatusNotFound:              "Page not found",
	http.StatusMethodNotAllowed:      "That action is not available here",
	http.StatusConflict:              "This changed while you were working",
	http.StatusRequestEntityTooLarge: "What you sent is too large",
	http.StatusUnprocessableEntity:   "Check what you entered",
	http.StatusTooManyRequests:       "Too many attempts",
	http.StatusInternalServerError:   "Sorry, something went wrong",
	http.StatusServiceUnavailable:    "Dealgate is unavailable",
}

// handleError is the one place errors become responses: HTML pages for
// browsers, fragments for htmx, JSON for JSON clients. Internal error text
// goes to the log with the request ID, never to the user.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, message := http.StatusInternalServerError, "Internal error. The problem has been logged; try again in a moment."
	code := dealgate.EINTERNAL
	var he *echo.HTTPError
	var de *dealgate.Error
	switch {
	case errors.As(err, &de):
		code = de.Code
		status = statusOf[de.Code]
		if de.Code != dealgate.EINTERNAL {
			message = de.Message
		}
	case errors.As(err, &he):
		status = he.Code
		code = codeOfStatus(status)
		switch status {
		case http.StatusNotFound:
			message = "There is nothing at this address. Check it, or start from the home page."
		case http.StatusMethodNotAllowed:
			message = "This address does not accept that kind of request."
		case http.StatusRequestEntityTooLarge:
			message = "The request is larger than Dealgate accepts."
		case http.StatusServiceUnavailable:
			message = "Dealgate is not ready to serve requests. Try again shortly."
		case http.StatusBadRequest:
			message = "The request could not be understood."
			if m, ok := he.Message.(string); ok && he == errUnreadableText {
				message = m
			}
		default:
			if status < 500 {
				message = "The request could not be understood."
			}
		}
	}
	if status == 0 {
		status = http.StatusInternalServerError
	}
	reqID := c.Response().Header().Get(headerRequestID)
	if status >= 500 {
		s.log.Error("request failed", "err", err, "status", status, "request_id", reqID,
			"method", c.Request().Method, "path", c.Request().URL.Path)
	}

	view := pages.ErrorView{Status: status, Title: titleOf[status], Message: message, RequestID: reqID}
	var rerr error
	switch {
	case c.Request().Method == http.MethodHead:
		rerr = c.NoContent(status)
	case wantsJSON(c.Request()):
		body := map[string]any{"error": map[string]any{"code": code, "message": message, "fields": dealgate.ErrorFields(err)}, "request_id": reqID}
		rerr = c.JSON(status, body)
	case c.Request().Header.Get("HX-Request") == "true":
		rerr = s.render(c, status, pages.ErrorFragment(view))
	default:
		shell := s.shell(c, view.Title)
		s.bell(c, &shell) // the signed-in header keeps its notifications link
		rerr = s.render(c, status, pages.ErrorPage(shell, view))
	}
	if rerr != nil {
		s.log.Error("render error response", "err", rerr, "request_id", reqID)
	}
}

func codeOfStatus(status int) string {
	for code, st := range statusOf {
		if st == status {
			return code
		}
	}
	if status < 500 {
		return dealgate.EINVALID
	}
	return dealgate.EINTERNAL
}

// wantsJSON reports whether the client asked for JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}
