package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/web/layout"
)

// render is the one way a handler writes HTML: into a buffer with the
// request's context first, so a template error becomes a clean 500 instead
// of half a page, then the status and body.
func (s *Server) render(c echo.Context, status int, comp templ.Component) error {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// renderBuffers reuses page buffers: growing a fresh one for every page was
// about a tenth of a list page's CPU under load (docs/performance.md).
// HTMLBlob has written the bytes out before a buffer goes back.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// renderBufferMax keeps a rare huge page's buffer from being held.
const renderBufferMax = 1 << 20

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > renderBufferMax {
		return
	}
	b.Reset()
	renderBuffers.Put(b)
}

// page builds the shell's view model for a page handler: navigation, the
// signed-in user, the CSRF token and the flashes waiting in the session.
func (s *Server) page(c echo.Context, title string) layout.Page {
	p := s.shell(c, title)
	ctx := c.Request().Context()
	for _, kind := range []string{"success", "important", "error"} {
		if msg := s.sessions.PopString(ctx, "flash."+kind); msg != "" {
			p.Flashes = append(p.Flashes, layout.Flash{Kind: kind, Message: msg})
		}
	}
	s.bell(c, &p)
	return p
}

// shell is page without the session: error pages use it, since an error may
// come before the session was loaded, and must not consume flashes.
func (s *Server) shell(c echo.Context, title string) layout.Page {
	p := layout.Page{
		Title:     title,
		CSRFToken: csrfToken(c),
		Env:       s.cfg.Env,
	}
	u := currentUser(c)
	if u == nil {
		p.SignInURL = "/sign-in"
		return p
	}
	p.UserName = u.Name
	p.SignOutURL = "/sign-out"
	if dealgate.MustSetUpSecondFactor(u, s.cfg.SecondFactorRoles) {
		return p // nothing else is reachable until the second factor is set up
	}
	path := c.Request().URL.Path
	for _, item := range navigation {
		if dealgate.Allowed(u, item.action) {
			current := path == item.href || (item.href != "/" && strings.HasPrefix(path, item.href+"/"))
			p.Nav = append(p.Nav, layout.NavItem{Label: item.label, Href: item.href, Current: current})
		}
	}
	return p
}

// navigation is the main menu; each entry shows only to users the policy
// lets through, so every role sees exactly what it may use.
var navigation = []struct {
	label, href string
	action      dealgate.Action
}{
	{"Home", "/", dealgate.ActSignedIn},
	{"Deals", "/deals", dealgate.ActDealView},
	{"Committee", "/committee", dealgate.ActReviewView},
	{"Agreements", "/agreements", dealgate.ActRegisterView},
	{"Parties", "/parties", dealgate.ActRegisterView},
	{"Taxonomy", "/taxonomy", dealgate.ActRegisterView},
	{"Users", "/admin/users", dealgate.ActUserManage},
	{"Audit trail", "/audit", dealgate.ActAuditView},
	{"Reports", "/reports/decisions", dealgate.ActExport},
	{"Your account", "/account", dealgate.ActSignedIn},
}

// flash queues a one-off message for the next page this browser shows.
func (s *Server) flash(c echo.Context, kind, msg string) {
	s.sessions.Put(c.Request().Context(), "flash."+kind, msg)
}

// redirectSeeOther ends a successful form post (post/redirect/get).
func redirectSeeOther(c echo.Context, to string) error {
	return c.Redirect(http.StatusSeeOther, to)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
