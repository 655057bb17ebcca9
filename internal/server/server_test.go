package server_test

import "context"
import "errors"
import "net/http"
import "net/url"
import "strings"
import "testing"
import "time"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/server"

func TestSecureHeadersOnPages(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	r := app.get("/sign-in")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	h := r.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	for k, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"Cache-Control":          "no-store",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if h.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS must not be sent over plain HTTP")
	}
	if len(h.Get("X-Request-ID")) < 16 {
		t.Errorf("request id %q", h.Get("X-Request-ID"))
	}
	if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=") {
		t.Error("page has inline script or style")
	}
}

func TestHSTSWhenServedOverHTTPS(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, map[string]string{"DEALGATE_BASE_URL": "https://dealgate.example.com"})
	r := app.get("/sign-in")
	if !strings.Contains(r.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Fatalf("no HSTS: %v", r.Header)
	}
	for _, c := range r.Cookies() {
		if !c.Secure || !strings.HasPrefix(c.Name, "__Host-") {
			t.Errorf("cookie %s: secure=%v, want Secure with the __Host- prefix", c.Name, c.Secure)
		}
	}
}

func TestNotFoundIsFriendlyInEveryFormat(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)

	page := app.get("/no/such/page")
	if page.StatusCode != http.StatusNotFound || !strings.Contains(page.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("html: %d %s", page.StatusCode, page.Header.Get("Content-Type"))
	}
	doc := page.doc(t)
	if doc.Find(`[data-testid="error-page"]`).Length() != 1 || doc.Find("h1").Text() != "Page not found" {
		t.Errorf("not the error page: %s", page.body)
	}
	if doc.Find(`[data-testid="error-reference"]`).Text() == "" {
		t.Error("error page lacks the request reference")
	}

	js := app.get("/no/such/page", "Accept", "application/json")
	if js.StatusCode != http.StatusNotFound || !strings.Contains(js.body, `"code":"not_found"`) || !strings.Contains(js.body, `"request_id"`) {
		t.Errorf("json: %d %s", js.StatusCode, js.body)
	}

	frag := app.get("/no/such/page", "HX-Request", "true")
	if frag.StatusCode != http.StatusNotFound || strings.Contains(frag.body, "<html") || !strings.Contains(frag.body, `data-testid="error-fragment"`) {
		t.Errorf("htmx: %d %s", frag.StatusCode, frag.body)
	}
}

// failingRoutes mounts routes that fail in the ways the error handler must
// contain: a panic, an internal error with secret text, a domain error.
func failingRoutes(s *server.Server) {
	e := s.Echo()
	e.GET("/test/panic", func(echo.Context) error { panic("kaboom: secret detail") })
	e.GET("/test/internal", func(echo.Context) error { return errors.New("pq: password=hunter2 leaked") })
	e.GET("/test/forbidden", func(echo.Context) error {
		return dealgate.Errorf(dealgate.EFORBIDDEN, "Only the chair may do this.")
	})
	e.GET("/test/ip", func(c echo.Context) error {
		return c.String(http.StatusOK, dealgate.RequestMetaFrom(c.Request().Context()).ClientIP)
	})
}

func TestInternalErrorsNeverReachUsers(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil, failingRoutes)
	for _, path := range []string{"/test/panic", "/test/internal"} {
		r := app.get(path)
		if r.StatusCode != http.StatusInternalServerError {
			t.Errorf("%s: status %d", path, r.StatusCode)
		}
		if strings.Contains(r.body, "kaboom") || strings.Contains(r.body, "hunter2") {
			t.Errorf("%s: internal detail shown to the user", path)
		}
		reqID := r.Header.Get("X-Request-ID")
		if !strings.Contains(r.body, reqID) {
			t.Errorf("%s: page does not show the reference %s", path, reqID)
		}
		if logs := app.logs.String(); !strings.Contains(logs, reqID) {
			t.Errorf("%s: log lacks request id %s:\n%s", path, reqID, logs)
		}
	}
	if !strings.Contains(app.logs.String(), "kaboom") || !strings.Contains(app.logs.String(), "hunter2") {
		t.Error("internal details must go to the log")
	}
	r := app.get("/test/forbidden")
	if r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "Only the chair may do this.") {
		t.Errorf("domain error: %d %s", r.StatusCode, r.body)
	}
}

func TestUnsafeMethodsNeedCSRFToken(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil, func(s *server.Server) {
		s.Echo().POST("/test/echo", func(c echo.Context) error { return c.String(http.StatusOK, "accepted") })
	})
	c := app.newClient()
	noToken := app.postForm(c, "/test/echo", url.Values{"x": {"1"}}, "")
	if noToken.StatusCode != http.StatusForbidden || !strings.Contains(noToken.body, "expired") {
		t.Fatalf("without token: %d %s", noToken.StatusCode, noToken.body)
	}
	forged := app.postForm(c, "/test/echo", url.Values{"_csrf": {"forged-token-forged-token-forged!"}}, "")
	if forged.StatusCode != http.StatusForbidden {
		t.Fatalf("forged token: %d", forged.StatusCode)
	}
	ok := app.postForm(c, "/test/echo", nil, "/sign-in")
	if ok.StatusCode != http.StatusOK || ok.body != "accepted" {
		t.Fatalf("with token: %d %s", ok.StatusCode, ok.body)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, map[string]string{"DEALGATE_MAX_BODY_BYTES": "2048"})
	req, _ := http.NewRequest(http.MethodPost, app.ts.URL+"/", strings.NewReader(strings.Repeat("x", 10000)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r := app.do(app.client, req)
	if r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d", r.StatusCode)
	}
}

func TestGzip(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	req, _ := http.NewRequest(http.MethodGet, app.ts.URL+"/sign-in", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := app.ts.Client().Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
}

func TestClientIPIgnoresForwardedForUnlessProxyTrusted(t *testing.T) {
	t.Parallel()
	direct := newTestApp(t, nil, failingRoutes)
	if r := direct.get("/test/ip", "X-Forwarded-For", "203.0.113.7"); r.body != "127.0.0.1" {
		t.Errorf("untrusted XFF believed: %q", r.body)
	}
	proxied := newTestApp(t, map[string]string{"DEALGATE_TRUSTED_PROXIES": "127.0.0.1/32"}, failingRoutes)
	if r := proxied.get("/test/ip", "X-Forwarded-For", "203.0.113.7"); r.body != "203.0.113.7" {
		t.Errorf("trusted proxy's XFF ignored: %q", r.body)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	if r := app.get("/healthz"); r.StatusCode != http.StatusOK {
		t.Errorf("healthz %d", r.StatusCode)
	}
	r := app.get("/readyz")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.body, `"ready"`) {
		t.Fatalf("readyz %d %s", r.StatusCode, r.body)
	}
	// Roll the schema back one step: the instance must say it is not ready.
	url := app.db.Pool.Config().ConnString()
	if err := postgres.MigrateDown(url, 1); err != nil {
		t.Fatal(err)
	}
	r = app.get("/readyz")
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(r.body, "pending") {
		t.Fatalf("readyz after rollback %d %s", r.StatusCode, r.body)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	app.get("/sign-in")
	app.get("/nowhere")
	r := app.get("/metrics")
	for _, want := range []string{
		`dealgate_http_requests_total{method="GET",route="/sign-in",status="200"} 1`,
		`dealgate_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`dealgate_http_request_duration_seconds_bucket{method="GET",route="/sign-in"`,
		`dealgate_db_pool_max_conns`,
		// The scrape itself, and no other: each request ends its count.
		"dealgate_http_requests_in_flight 1\n",
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestStaticAssetsAreCachedByVersion(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	href, _ := app.get("/sign-in").doc(t).Find(`link[rel="stylesheet"]`).Attr("href")
	if !strings.Contains(href, "?v=") {
		t.Fatalf("stylesheet URL %q is not versioned", href)
	}
	r := app.get(href)
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("versioned asset: %d %v", r.StatusCode, r.Header)
	}
	if r := app.get("/static/css/app.css?v=stale"); strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
		t.Error("a stale version must not be cached for a year")
	}
	for _, bad := range []string{"/static/../go.mod", "/static/", "/static/nope.css"} {
		if r := app.get(bad); r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d", bad, r.StatusCode)
		}
	}
}

func TestHeadRequestsAnswerWithoutBody(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	req, _ := http.NewRequest(http.MethodHead, app.ts.URL+"/sign-in", nil)
	r := app.do(app.client, req)
	if r.StatusCode != http.StatusOK || r.body != "" {
		t.Fatalf("HEAD: %d body %q", r.StatusCode, r.body)
	}
}

func TestServeFinishesInFlightRequestsOnShutdown(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	app := newTestApp(t, nil, func(s *server.Server) {
		s.Echo().GET("/test/in-flight", func(c echo.Context) error {
			close(started)
			time.Sleep(300 * time.Millisecond)
			return c.String(http.StatusOK, "finished")
		})
	})
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.srv.Serve(ctx, ln) }()

	client := &http.Client{Transport: &http.Transport{}} // not the default transport other tests' servers close
	result := make(chan string, 1)
	go func() {
		resp, err := client.Get("http://" + ln.Addr().String() + "/test/in-flight")
		if err != nil {
			result <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b := make([]byte, 64)
		n, _ := resp.Body.Read(b)
		result <- string(b[:n])
	}()
	// Shut down only once the handler runs: a request still on its way
	// in when shutdown begins meets a closed connection, by design.
	select {
	case <-started:
	case got := <-result:
		t.Fatalf("the request ended before its handler ran: %q", got)
	}
	cancel()
	if got := <-result; got != "finished" {
		t.Fatalf("in-flight request got %q", got)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve returned %v, want nil on a clean shutdown", err)
	}
	if _, err := client.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("server still accepting after shutdown")
	}
}

func TestRequestIDTakenOnlyFromTrustedProxies(t *testing.T) {
	t.Parallel()
	direct := newTestApp(t, nil)
	if r := direct.get("/healthz", "X-Request-ID", "client-chosen-id-123"); r.Header.Get("X-Request-ID") == "client-chosen-id-123" {
		t.Error("a client's request ID was believed")
	}
	other := newTestApp(t, map[string]string{"DEALGATE_TRUSTED_PROXIES": "10.0.0.0/8"})
	if r := other.get("/healthz", "X-Request-ID", "client-chosen-id-123"); r.Header.Get("X-Request-ID") == "client-chosen-id-123" {
		t.Error("a request ID from a peer outside the trusted range was believed")
	}
	proxied := newTestApp(t, map[string]string{"DEALGATE_TRUSTED_PROXIES": "127.0.0.1"})
	if r := proxied.get("/healthz", "X-Request-ID", "proxy-chosen-id-123"); r.Header.Get("X-Request-ID") != "proxy-chosen-id-123" {
		t.Errorf("the trusted proxy's request ID was dropped: %q", r.Header.Get("X-Request-ID"))
	}
}
