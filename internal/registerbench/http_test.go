package registerbench_test

import "context"
import "io"
import "log/slog"
import "net/http"
import "net/http/cookiejar"
import "net/http/httptest"
import "net/url"
import "regexp"
import "strings"
import "sync"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/config"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/server"

var (
	httpOnce    sync.Once
	httpHandler http.Handler
	httpCookies []*http.Cookie
	httpErr     error
)

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signedInServer is the real router over the scale database with a counsel
// signed in, built once per test binary.
func signedInServer(b *testing.B) (http.Handler, []*http.Cookie) {
	b.Helper()
	db, _ := scale(b)
	httpOnce.Do(func() {
		postgres.PasswordParams = postgres.TestPasswordParams
		const email, password = "bench-counsel@example.test", "a benchmark passphrase"
		_, httpErr = postgres.NewUsers(db).CreateUserWithPassword(context.Background(), dealgate.NewUser{
			Name: "Bench Counsel", Email: email, Roles: []dealgate.Role{dealgate.RoleCounsel}, TimeZone: "Europe/London",
		}, password)
		if httpErr != nil {
			return
		}
		cfg, err := config.Load(func(k string) string {
			return map[string]string{"DATABASE_URL": "postgres://unused@127.0.0.1/unused"}[k]
		})
		if httpErr = err; err != nil {
			return
		}
		httpHandler = server.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), "bench").Handler()
		ts := httptest.NewServer(httpHandler)
		defer ts.Close()
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Get(ts.URL + "/sign-in")
		if httpErr = err; err != nil {
			return
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfInput.FindSubmatch(page)
		if m == nil {
			httpErr = io.ErrUnexpectedEOF
			return
		}
		resp, err = client.PostForm(ts.URL+"/sign-in", url.Values{"_csrf": {string(m[1])}, "email": {email}, "password": {password}})
		if httpErr = err; err != nil {
			return
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			httpErr = io.ErrUnexpectedEOF
			return
		}
		u, _ := url.Parse(ts.URL)
		httpCookies = jar.Cookies(u)
	})
	if httpErr != nil {
		b.Fatal(httpErr)
	}
	return httpHandler, httpCookies
}

// benchPage measures server time for one page: the whole request through
// the real router and middleware (session, CSRF, access gate, service,
// template), without the network.
func benchPage(b *testing.B, path string) {
	b.Helper()
	h, cookies := signedInServer(b)
	get := func() (int, string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	if code, body := get(); code != http.StatusOK || !strings.Contains(body, `data-testid="agreement-row"`) {
		b.Fatalf("%s: %d, rows shown: %v", path, code, strings.Contains(body, "agreement-row"))
	}
	lat := make([]time.Duration, 0, 1024)
	for b.Loop() {
		t0 := time.Now()
		code, _ := get()
		lat = append(lat, time.Since(t0))
		if code != http.StatusOK {
			b.Fatalf("%s: %d", path, code)
		}
	}
	b.ReportMetric(p95(lat), "p95-ms")
}

// BenchmarkAgreementPages reports the server time of the agreement list page
// with filters and with a full-text search, on the scale data set.
func BenchmarkAgreementPages(b *testing.B) {
	cases := []struct{ name, path string }{
		{"list-active-cloud-services-by-expiry", "/agreements?status=active&kind=cloud_services&sort=expires_on"},
		{"list-expiring-90-days", "/agreements?expiring=90&sort=expires_on"},
		{"search-two-words", "/agreements?q=exclusive+speech+recognition"},
		{"search-phrase", "/agreements?q=%22agent+hosting%22+notice"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchPage(b, c.path) })
	}
}
