package server

import "bytes"
import "context"
import "crypto/rand"
import "encoding/hex"
import "io"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "sync"
import "time"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/layout"

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

// renderDerived renders a page whose content depends only on a shared read
// result (the one d hangs on), the viewer and the URL. The content's HTML
// is kept on d under the viewer (ID and version: a role, name or time zone
// change bumps it), the viewer's day and the URL, so a later request served
// the same result renders only the shell around it (navigation, bell,
// flashes). d is dropped with its result when a change moves the result's
// stamp, so the HTML can never be older than the data. content builds the
// view with the values its forms carry that belong to one request (the CSRF
// token, a one-time form token): while its HTML is kept, placeholders,
// filled afresh for each request on the way out. With d nil (a result read
// for this request only) the content is rendered as usual.
func (s *Server) renderDerived(c echo.Context, status int, d *dealgate.Derived, p layout.Page, content func(perRequest) templ.Component) error {
	fresh := perRequest{CSRF: csrfToken(c)}
	var body templ.Component
	if d == nil {
		fresh.Once = newOnceToken()
		body = content(fresh)
	} else {
		key := s.derivedKey(c)
		kept, ok := d.Load(key)
		if !ok {
			var buf bytes.Buffer
			if err := content(placeholders).Render(c.Request().Context(), &buf); err != nil {
				return err
			}
			kept = splitKept(buf.String())
			d.Store(key, kept)
		}
		body = kept.(keptContent).with(fresh)
	}
	return s.render(c, status, templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return layout.Base(p).Render(templ.WithChildren(ctx, body), w)
	}))
}

// perRequest are the values in a page's forms that no two requests share.
type perRequest struct{ CSRF, Once string }

// placeholders stand for perRequest's values in kept content: random per
// process, so no data can contain them by chance.
var placeholders = func() perRequest {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return perRequest{CSRF: "csrf-" + hex.EncodeToString(b[:16]), Once: "once-" + hex.EncodeToString(b[16:])}
}()

// keptContent is kept HTML cut at its placeholders: text[i] is followed by
// the value fill[i] names (1 the CSRF token, 2 the one-time token, 0 none).
type keptContent struct {
	text []string
	fill []int
}

func splitKept(html string) keptContent {
	var k keptContent
	for {
		i, j := strings.Index(html, placeholders.CSRF), strings.Index(html, placeholders.Once)
		switch {
		case i < 0 && j < 0:
			k.text, k.fill = append(k.text, html), append(k.fill, 0)
			return k
		case j < 0 || (i >= 0 && i < j):
			k.text, k.fill = append(k.text, html[:i]), append(k.fill, 1)
			html = html[i+len(placeholders.CSRF):]
		default:
			k.text, k.fill = append(k.text, html[:j]), append(k.fill, 2)
			html = html[j+len(placeholders.Once):]
		}
	}
}

// with writes the kept HTML with this request's values filled in.
func (k keptContent) with(v perRequest) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		for i, t := range k.text {
			if _, err := io.WriteString(w, t); err != nil {
				return err
			}
			fill := ""
			switch k.fill[i] {
			case 1:
				fill = v.CSRF
			case 2:
				if v.Once == "" { // one per page, made when the page has a form that needs it
					v.Once = newOnceToken()
				}
				fill = v.Once
			}
			if _, err := io.WriteString(w, fill); err != nil {
				return err
			}
		}
		return nil
	})
}

// derivedKey is who sees a page, when and which page: the viewer's ID and
// version, the day in the viewer's time zone (pages say "in 9 days"),
// whether htmx asked for it, and the URL.
func (s *Server) derivedKey(c echo.Context) string {
	var b strings.Builder
	if u := currentUser(c); u != nil {
		b.WriteString(strconv.FormatInt(u.ID, 10))
		b.WriteByte('.')
		b.WriteString(strconv.FormatInt(u.Version, 10))
		b.WriteByte(' ')
		b.WriteString(s.now().In(u.Location()).Format(time.DateOnly))
	}
	if c.Request().Header.Get("HX-Request") != "" {
		b.WriteString(" hx")
	}
	b.WriteByte(' ')
	b.WriteString(c.Request().URL.RequestURI())
	return b.String()
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
