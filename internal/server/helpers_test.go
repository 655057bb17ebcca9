package server_test

import "bytes"
import "io"
import "log/slog"
import "net/http"
import "net/http/cookiejar"
import "net/http/httptest"
import "net/url"
import "regexp"
import "strconv"
import "strings"
import "sync"
import "testing"

import "github.com/PuerkitoBio/goquery"

import "github.com/dealgate/dealgate/internal/config"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/server"

// Accounts made in these tests hash passwords cheaply; production
// parameters are measured in internal/postgres.
func init() { postgres.PasswordParams = postgres.TestPasswordParams }

// testApp is the real router over a real database, behind httptest.
type testApp struct {
	t      testing.TB
	srv    *server.Server
	db     *postgres.DB
	ts     *httptest.Server
	logs   *syncBuffer
	client *http.Client
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newTestApp(t testing.TB, env map[string]string, setup ...func(*server.Server)) *testApp {
	t.Helper()
	db := pgtest.New(t)
	vars := map[string]string{"DATABASE_URL": pgtest.ServerURL()}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv := server.New(cfg, db, slog.New(slog.NewTextHandler(logs, nil)), "test")
	for _, f := range setup {
		f(srv)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	app := &testApp{t: t, srv: srv, db: db, ts: ts, logs: logs}
	app.client = app.newClient()
	return app
}

// newClient returns a browser-like client: a cookie jar, no redirects followed.
// It uses the test server's own transport, not http.DefaultTransport: every
// httptest.Server.Close (other parallel tests') closes the default
// transport's idle connections, and a request that has just picked one up
// fails with "CloseIdleConnections called".
func (a *testApp) newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: a.ts.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type response struct {
	*http.Response
	body string
}

func (r response) doc(t testing.TB) *goquery.Document {
	t.Helper()
	d, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (a *testApp) do(c *http.Client, req *http.Request) response {
	a.t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return response{resp, string(b)}
}

func (a *testApp) get(path string, headers ...string) response {
	a.t.Helper()
	return a.getWith(a.client, path, headers...)
}

func (a *testApp) getWith(c *http.Client, path string, headers ...string) response {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.do(c, req)
}

// csrf fetches page and returns the CSRF token its forms carry.
func (a *testApp) csrf(c *http.Client, page string) string {
	a.t.Helper()
	r := a.getWith(c, page)
	tok, ok := r.doc(a.t).Find(`input[name="_csrf"]`).First().Attr("value")
	if !ok {
		// A page without forms still issues the token cookie; a script
		// (htmx) would send it back in the X-CSRF-Token header.
		u, _ := url.Parse(a.ts.URL)
		for _, ck := range c.Jar.Cookies(u) {
			if strings.HasSuffix(ck.Name, "dealgate_csrf") {
				tok, ok = ck.Value, true
			}
		}
	}
	if !ok || tok == "" {
		a.t.Fatalf("no CSRF token on %s (status %d)", page, r.StatusCode)
	}
	return tok
}

// onceToken returns the one-time token of the first create form on page,
// or "" when the page has none.
func (a *testApp) onceToken(c *http.Client, page string) string {
	a.t.Helper()
	tok, _ := a.getWith(c, page).doc(a.t).Find(`input[name="_once"]`).First().Attr("value")
	return tok
}

// postForm posts form values with the CSRF token taken from tokenPage, and
// the page's one-time create token when it has one, as a browser would.
func (a *testApp) postForm(c *http.Client, path string, values url.Values, tokenPage string) response {
	a.t.Helper()
	if values == nil {
		values = url.Values{}
	}
	if tokenPage != "" {
		values.Set("_csrf", a.csrf(c, tokenPage))
		if values.Get("_once") == "" {
			if once := a.onceToken(c, tokenPage); once != "" {
				values.Set("_once", once)
			}
		}
	}
	req, _ := http.NewRequest(http.MethodPost, a.ts.URL+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.do(c, req)
}

// getTrips is the sum, as /metrics reports it, of the database round trips
// of every GET request to route so far (0 before the first).
func (a *testApp) getTrips(t *testing.T, route string) float64 {
	t.Helper()
	series := `dealgate_db_round_trips_per_request_sum{method="GET",route="` + route + `"}`
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(a.get("/metrics").body)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}
