// Package browsertest drives the system Chromium through chromedp against
// the real server started in-process on a free port. Without a browser the
// tests skip, unless E2E=1 (as in CI), where a missing browser fails them.
package browsertest

import "context"
import "fmt"
import "io"
import "log/slog"
import "net"
import "net/http"
import "os"
import "os/exec"
import "strings"
import "sync"
import "testing"
import "time"

import "github.com/chromedp/cdproto/cdp"
import "github.com/chromedp/cdproto/log"
import "github.com/chromedp/cdproto/runtime"
import "github.com/chromedp/chromedp"

import "github.com/dealgate/dealgate/internal/config"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/server"

// ChromiumPath finds the browser: $DEALGATE_CHROMIUM, then the usual names.
func ChromiumPath() string {
	if p := os.Getenv("DEALGATE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser is one headless Chromium tab plus what it logged.
type Browser struct {
	Ctx context.Context
	mu  sync.Mutex
	// problems collects console errors, uncaught exceptions and browser log
	// errors (CSP violations land there).
	problems []string
}

// Problems returns what went wrong in the page so far.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// NewBrowser starts a fresh headless Chromium for t and closes it after.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	path := ChromiumPath()
	if path == "" {
		if os.Getenv("E2E") == "1" {
			t.Fatal("browsertest: no Chromium found and E2E=1; install it with scripts/chromium.sh (Debian package chromium) or set DEALGATE_CHROMIUM")
		}
		t.Skip("browsertest: no Chromium found; run scripts/chromium.sh, or set E2E=1 to make this a failure")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox, // the sandbox refuses to run as root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// A bound on the whole browser session, so a hung page fails the test
	// rather than the package. The long journeys take well under a minute on
	// a quiet machine; the margin is for a loaded one (CI shares its cores).
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	b := &Browser{Ctx: ctx}
	// Start the browser and turn on the domains whose events we collect.
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("browsertest: start Chromium at %s: %v", path, err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("browsertest: enable log domain: %v", err)
	}
	b.collectProblems(ctx)
	return b
}

// collectProblems records console errors, uncaught exceptions and browser
// log errors of ctx's page, for the test to fail on.
func (b *Browser) collectProblems(ctx context.Context) {
	collect := func(seq func(func(string, error) bool)) {
		go seq(func(msg string, err error) bool {
			if err != nil {
				return false
			}
			if msg != "" {
				b.mu.Lock()
				b.problems = append(b.problems, msg)
				b.mu.Unlock()
			}
			return true
		})
	}
	console := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	entries := chromedp.Events(ctx, log.EntryAdded)
	collect(func(yield func(string, error) bool) {
		for ev, err := range console {
			msg := ""
			if err == nil && ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, fmt.Sprint(a.Value))
				}
				msg = "console.error: " + strings.Join(parts, " ")
			}
			if !yield(msg, err) {
				return
			}
		}
	})
	collect(func(yield func(string, error) bool) {
		for ev, err := range exceptions {
			msg := ""
			if err == nil {
				msg = "exception: " + ev.ExceptionDetails.Text
			}
			if !yield(msg, err) {
				return
			}
		}
	})
	collect(func(yield func(string, error) bool) {
		for ev, err := range entries {
			msg := ""
			if err == nil && ev.Entry.Level == log.EntryLevelError {
				msg = fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
			if !yield(msg, err) {
				return
			}
		}
	})
}

// App is the real server running in-process for a test.
type App struct {
	URL    string
	DB     *postgres.DB
	Server *server.Server
}

// StartApp starts the real server on a free loopback port with its own
// database and stops it when t ends. env overrides configuration variables.
func StartApp(t testing.TB, env map[string]string) *App {
	t.Helper()
	dbURL := pgtest.NewURL(t)
	vars := map[string]string{"DATABASE_URL": dbURL, "DEALGATE_LISTEN_ADDR": "127.0.0.1:0", "DEALGATE_LOG_LEVEL": "warn"}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	db, err := postgres.Open(context.Background(), dbURL, postgres.Options{MaxConns: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv := server.New(cfg, db, logger, "test")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server stopped with %v", err)
		}
	})
	return &App{URL: "http://" + ln.Addr().String(), DB: db, Server: srv}
}

// Get fetches path from the app with a plain HTTP client.
func (a *App) Get(t testing.TB, path string) *http.Response {
	t.Helper()
	resp, err := http.Get(a.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// Count returns how many elements match a CSS selector.
func (b *Browser) Count(t testing.TB, css string) int {
	t.Helper()
	n, err := chromedp.Run(b.Ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", css)))
	if err != nil {
		t.Fatalf("count %s: %v", css, err)
	}
	return n
}

// Eval evaluates a JavaScript expression that yields a string.
func (b *Browser) Eval(t testing.TB, expr string) string {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// Do runs steps and fails t on error.
func (b *Browser) Do(t testing.TB, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, steps...); err != nil {
		t.Fatal(err)
	}
}
