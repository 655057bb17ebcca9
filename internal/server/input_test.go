package server_test

import "bytes"
import "io"
import "mime/multipart"
import "net/http"
import "net/url"
import "os"
import "path/filepath"
import "regexp"
import "sort"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// unreadable are values Postgres refuses in a text column.
var unreadable = []string{"a\x00b", "a\xffb\xc3"}

// cleanable are values Postgres stores but that no form produces: they must
// reach the handlers and be cleaned or refused there, never a 500.
const cleanable = "a\x01\x1b[31m\u202e\uffff\u0085b"

// paramNames returns every query and form parameter name the handlers of
// this package read, found in the source, so that a parameter added later
// is walked without touching the test.
func paramNames(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?:QueryParam|FormValue|FormFile|checked\(c,|q\.Get|params\[)\(?\s*"([a-z_]+)"`)
	set := map[string]bool{"_csrf": true, "_once": true, "next": true}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			set[string(m[1])] = true
		}
	}
	var names []string
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) < 40 {
		t.Fatalf("found only %d parameter names: is the source being read? %v", len(names), names)
	}
	return names
}

// TestEveryRouteRefusesUnreadableText walks every registered route, signed in
// as an admin on real records, with a NUL byte or invalid UTF-8 in each
// query and form parameter any handler reads (and in the path): every one is
// a 400 with a plain message, never a 500. Text Postgres accepts but no form
// sends (control characters, bidi overrides, non-characters) in every
// parameter at once reaches the handlers and never ends in a 500.
func TestEveryRouteRefusesUnreadableText(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	admin := p.clients["admin"]
	names := paramNames(t)
	token := app.csrf(admin, "/account")

	send := func(method, target, contentType string, body io.Reader) response {
		t.Helper()
		req, _ := http.NewRequest(method, app.ts.URL+target, body)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("X-CSRF-Token", token)
		return app.do(admin, req)
	}
	refused := func(what string, r response, method string) {
		t.Helper()
		if r.StatusCode != http.StatusBadRequest || (method != http.MethodHead && !strings.Contains(r.body, "cannot read")) {
			t.Errorf("%s: %d, want 400 with a plain message", what, r.StatusCode)
		}
	}
	encode := func(name, value string) string { return url.QueryEscape(name) + "=" + url.QueryEscape(value) }
	all := func(value string) url.Values {
		v := url.Values{}
		for _, n := range names {
			v.Set(n, value)
		}
		return v
	}

	routes := app.srv.Echo().Routes()
	sort.Slice(routes, func(i, j int) bool { // sign-out last: it ends the session
		return routes[j].Path == "/sign-out" && routes[i].Path != "/sign-out"
	})
	walked := 0
	for _, r := range routes {
		path := strings.ReplaceAll(r.Path, ":token", "x")
		path = strings.ReplaceAll(path, "*", "css/app.css")
		if strings.Contains(path, ":id") {
			_, other := p.recordIDs(t, r.Path, "admin")
			path = strings.ReplaceAll(path, ":id", other)
		}
		if r.Path == "/sign-out" || r.Path == "/account/sign-out-everywhere" {
			continue // they end the admin's session; they read no parameters
		}
		key := r.Method + " " + r.Path
		walked++
		for i, name := range names {
			bad := unreadable[i%len(unreadable)]
			refused(key+" query "+name, send(r.Method, path+"?"+encode(name, bad), "", nil), r.Method)
			if r.Method == http.MethodPost {
				refused(key+" form "+name, send(r.Method, path, "application/x-www-form-urlencoded", strings.NewReader(encode(name, bad))), r.Method)
			}
		}
		for _, bad := range unreadable {
			if r.Method == http.MethodPost {
				var body bytes.Buffer
				w := multipart.NewWriter(&body)
				for _, n := range names {
					_ = w.WriteField(n, bad)
				}
				_ = w.Close()
				refused(key+" multipart", send(r.Method, path, w.FormDataContentType(), &body), r.Method)
			}
			if strings.Contains(r.Path, ":token") || strings.Contains(r.Path, "*") {
				inPath := strings.ReplaceAll(strings.ReplaceAll(r.Path, ":token", url.PathEscape(bad)), "*", url.PathEscape(bad))
				refused(key+" path", send(r.Method, inPath, "", nil), r.Method)
			}
		}
		// Accepted text in every parameter at once: handled, never a 500.
		q := all(cleanable)
		q.Del("_csrf")
		q.Del("_once")
		var got response
		if r.Method == http.MethodPost {
			form := all(cleanable)
			form.Set("_csrf", token)
			got = send(r.Method, path+"?"+q.Encode(), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		} else {
			got = send(r.Method, path+"?"+q.Encode(), "", nil)
		}
		if got.StatusCode >= 500 {
			t.Errorf("%s with control characters in every parameter: %d", key, got.StatusCode)
		}
	}
	if walked < 50 {
		t.Fatalf("walked only %d routes", walked)
	}
	if strings.Contains(app.logs.String(), "invalid byte sequence") {
		t.Error("Postgres was sent text it refuses")
	}
}

// TestAuditFiltersWithNULOrInvalidUTF8 is the case the outside probe found:
// such filters on /audit ended in a 500 from Postgres.
func TestAuditFiltersWithNULOrInvalidUTF8(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	for _, q := range []string{"actor=%00", "action=a%00", "entity_id=%ff", "entity_type=%c3", "q=x%00y"} {
		r := app.getWith(p.clients["auditor"], "/audit?"+q)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "cannot read") {
			t.Errorf("/audit?%s: %d", q, r.StatusCode)
		}
	}
}

// TestChunkedBodyOverLimitIs413: a body over the limit sent without
// Content-Length is refused as too large, not as an expired form.
func TestChunkedBodyOverLimitIs413(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, map[string]string{"DEALGATE_MAX_BODY_BYTES": "2048"})
	mustUser(t, app, "chunk@example.com", dealgate.RoleCounsel)
	c := app.newClient()
	if r := app.signInAs(c, "chunk@example.com", testPassword); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", r.StatusCode)
	}
	token := app.csrf(c, "/account")
	for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz"} {
		// The token travels in the body, as a browser's form sends it.
		body := "_csrf=" + token + "&name=" + strings.Repeat("x", 10000)
		if strings.HasPrefix(ct, "multipart") {
			body = "--xyz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + token +
				"\r\n--xyz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + strings.Repeat("x", 10000) + "\r\n--xyz--\r\n"
		}
		// A reader of unknown length makes the client send it chunked.
		req, _ := http.NewRequest(http.MethodPost, app.ts.URL+"/account", struct{ io.Reader }{strings.NewReader(body)})
		req.Header.Set("Content-Type", ct)
		if req.ContentLength != 0 && req.ContentLength != -1 {
			t.Fatalf("request has a length: %d", req.ContentLength)
		}
		r := app.do(c, req)
		if r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("%s chunked over the limit: %d, want 413", ct, r.StatusCode)
		}
	}
}
