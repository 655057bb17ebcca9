package server

import "net/http"
import "strings"
import "unicode/utf8"

import "github.com/labstack/echo/v4"

// errUnreadableText answers a request whose path, query or form carries a
// NUL byte or bytes that are not UTF-8: Postgres cannot store such text,
// and no form or link of Dealgate produces it. Decided here, once, for
// every route: 400 with a plain message, before any handler runs.
var errUnreadableText = echo.NewHTTPError(http.StatusBadRequest,
	"The request contains characters Dealgate cannot read (a NUL byte or text that is not UTF-8). Remove them and try again.")

// multipartMemory is how much of a multipart form is kept in memory; the
// rest goes to temporary files (echo's own default).
const multipartMemory = 32 << 20

// readInput reads the form of every request that sends one, so that a body
// over the limit is a 413 however it was sent (with or without
// Content-Length), and refuses text Postgres would refuse (errUnreadableText).
// It runs after bodyLimit and before the session and CSRF checks.
func (s *Server) readInput(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !readableText(req.URL.Path) {
			return errUnreadableText
		}
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			ct := req.Header.Get("Content-Type")
			var err error
			switch {
			case strings.HasPrefix(ct, "multipart/form-data"):
				err = req.ParseMultipartForm(multipartMemory)
			case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
				err = req.ParseForm()
			}
			// Other parse errors are left to the handlers, which see the
			// fields that did parse, as before.
			if bodyTooLarge(err) {
				return echo.ErrStatusRequestEntityTooLarge
			}
			if req.MultipartForm != nil {
				if !readableValues(req.MultipartForm.Value) {
					return errUnreadableText
				}
				for name, files := range req.MultipartForm.File {
					if !readableText(name) {
						return errUnreadableText
					}
					for _, f := range files {
						if !readableText(f.Filename) {
							return errUnreadableText
						}
					}
				}
			}
			if !readableValues(req.PostForm) {
				return errUnreadableText
			}
		}
		if !readableValues(c.QueryParams()) {
			return errUnreadableText
		}
		return next(c)
	}
}

func readableValues(vs map[string][]string) bool {
	for k, list := range vs {
		if !readableText(k) {
			return false
		}
		for _, v := range list {
			if !readableText(v) {
				return false
			}
		}
	}
	return true
}

// readableText reports whether s is UTF-8 without NUL: what a Postgres text
// column accepts.
func readableText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}
