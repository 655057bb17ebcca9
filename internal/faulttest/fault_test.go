// Package faulttest holds the fault tests: Postgres restarted while clients
// load pages and create records, and the server killed with SIGKILL amid
// concurrent creates. They run with the rest of the suite (make test).
package faulttest

import "context"
import "fmt"
import "io"
import "log/slog"
import "net"
import "net/http"
import "net/http/cookiejar"
import "net/url"
import "os"
import "os/exec"
import "os/signal"
import "path/filepath"
import "regexp"
import "strconv"
import "strings"
import "sync"
import "sync/atomic"
import "syscall"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/config"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/server"

const password = "correct horse battery staple 42"

// TestMain doubles as the server process of the SIGKILL test: run with
// DEALGATE_FAULT_CHILD=1, the test binary serves Dealgate as `dealgate
// serve` does and prints its address.
func TestMain(m *testing.M) {
	postgres.PasswordParams = postgres.TestPasswordParams
	if os.Getenv("DEALGATE_FAULT_CHILD") == "1" {
		os.Exit(serveChild())
	}
	os.Exit(m.Run())
}

func serveChild() int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: 10, ApplicationName: "dealgate-fault-child"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(ln.Addr().String())
	srv := server.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), "fault")
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// repoRoot is where scripts/db.sh lives.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "scripts", "db.sh")); err != nil {
		t.Fatal(err)
	}
	return root
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// cluster is a private Postgres cluster from scripts/db.sh --private, so
// that the shared server is never stopped.
type cluster struct {
	t         *testing.T
	root, dir string
	port      int
}

func (c *cluster) db(action string) string {
	c.t.Helper()
	cmd := exec.Command("bash", filepath.Join(c.root, "scripts", "db.sh"), "--private", c.dir, action)
	cmd.Env = append(os.Environ(), "DEALGATE_PG_PORT="+strconv.Itoa(c.port))
	cmd.Env = append(cmd.Env, "DATABASE_URL=") // never the caller's server
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		c.t.Fatalf("db.sh --private %s: %v\n%s", action, err, stderr)
	}
	return strings.TrimSpace(string(out))
}

func newCluster(t *testing.T) (*cluster, string) {
	t.Helper()
	// Under /tmp, not t.TempDir(): the cluster runs as another user when the
	// tests run as root, and must reach the directory.
	dir, err := os.MkdirTemp("", "dealgate-fault-")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, root: repoRoot(t), dir: dir, port: freePort(t)}
	t.Cleanup(func() {
		c.db("stop")
		_ = os.RemoveAll(dir)
	})
	return c, c.db("start")
}

// browser is one signed-in user's client.
type browser struct {
	base string
	c    *http.Client
}

var (
	csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	onceField = regexp.MustCompile(`name="_once" value="([^"]+)"`)
	partyPath = regexp.MustCompile(`^/parties/(\d+)$`)
)

func newBrowser(base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{base: base, c: &http.Client{Jar: jar, Timeout: 5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string, error) {
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func (b *browser) post(path string, form url.Values) (*http.Response, error) {
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp, nil
}

func (b *browser) signIn(email string) error {
	status, page, err := b.get("/sign-in")
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("sign-in page: %d %v", status, err)
	}
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		return fmt.Errorf("no CSRF token on the sign-in page")
	}
	resp, err := b.post("/sign-in", url.Values{"_csrf": {m[1]}, "email": {email}, "password": {password}})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("sign in: %d", resp.StatusCode)
	}
	return nil
}

// createParty fills the new-party form and sends it. It returns the new
// party's ID when the server acknowledged the create (303 to the party).
func (b *browser) createParty(name string) (int64, error) {
	status, page, err := b.get("/parties/new")
	if err != nil || status != http.StatusOK {
		return 0, fmt.Errorf("form: %d %v", status, err)
	}
	csrf := csrfField.FindStringSubmatch(page)
	if csrf == nil {
		return 0, fmt.Errorf("form without a CSRF token")
	}
	form := url.Values{"_csrf": {csrf[1]}, "name": {name}, "kind": {string(dealgate.PartyCloudProvider)}}
	if once := onceField.FindStringSubmatch(page); once != nil {
		form.Set("_once", once[1])
	}
	resp, err := b.post("/parties", form)
	if err != nil {
		return 0, err
	}
	m := partyPath.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		return 0, fmt.Errorf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	return strconv.ParseInt(m[1], 10, 64)
}

func mustCounsel(t *testing.T, db *postgres.DB, email string) {
	t.Helper()
	_, err := postgres.NewUsers(db).CreateUserWithPassword(context.Background(), dealgate.NewUser{
		Name: "Fault Counsel", Email: email, Roles: []dealgate.Role{dealgate.RoleCounsel}, TimeZone: "UTC",
	}, password)
	if err != nil {
		t.Fatal(err)
	}
}

// checkWrites asserts that every acknowledged create is in the database
// with its audit event, that no party lacks its audit event, and that the
// audit chain verifies. It returns how many parties the load made.
func checkWrites(t *testing.T, db *postgres.DB, acked []int64) int {
	t.Helper()
	ctx := context.Background()
	var found, ackedFound, unaudited int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM party WHERE name LIKE 'Fault %'`).Scan(&found); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM party p WHERE p.id = ANY($1)
		AND EXISTS (SELECT 1 FROM audit_event e WHERE e.action = 'party.created' AND e.entity_id = p.id::text)`, acked).Scan(&ackedFound); err != nil {
		t.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM party p WHERE NOT EXISTS
		(SELECT 1 FROM audit_event e WHERE e.action = 'party.created' AND e.entity_id = p.id::text)`).Scan(&unaudited); err != nil {
		t.Fatal(err)
	}
	if ackedFound != len(acked) {
		t.Errorf("%d acknowledged creates, only %d found with their audit event: acknowledged writes were lost", len(acked), ackedFound)
	}
	if unaudited != 0 {
		t.Errorf("%d parties have no audit event", unaudited)
	}
	rep, err := db.VerifyAuditChain(ctx)
	if err != nil || !rep.OK() {
		t.Errorf("audit verify: %+v %v", rep, err)
	}
	return found
}

type sample struct {
	at     time.Time
	ok     bool
	status int
}

// TestPostgresRestartDuringLoad stops Postgres (fast shutdown) while
// clients load pages and create parties, keeps it down, then starts it
// again: /readyz answers 503 during the outage, pages recover within 5 s of
// Postgres being back, and no acknowledged create is lost.
func TestPostgresRestartDuringLoad(t *testing.T) {
	t.Parallel()
	pg, dbURL := newCluster(t)
	if err := postgres.MigrateUp(dbURL); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 8, ApplicationName: "dealgate-fault"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustCounsel(t, db, "counsel@example.com")
	cfg, err := config.Load(func(k string) string { return map[string]string{"DATABASE_URL": dbURL}[k] })
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), "fault")
	hs := &http.Server{Handler: srv.Handler()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	const clients = 3
	browsers := make([]*browser, clients)
	for i := range browsers {
		browsers[i] = newBrowser(base)
		if err := browsers[i].signIn("counsel@example.com"); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	var pages, ready []sample
	var acked []int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	var n atomic.Int64
	for i, b := range browsers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				start := time.Now()
				status, _, err := b.get("/parties")
				mu.Lock()
				pages = append(pages, sample{at: start, ok: err == nil && status == http.StatusOK, status: status})
				mu.Unlock()
				id, err := b.createParty(fmt.Sprintf("Fault %d-%d", i, n.Add(1)))
				if err == nil {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		probe := &http.Client{Timeout: 5 * time.Second}
		for !stop.Load() {
			start := time.Now()
			status := 0
			if resp, err := probe.Get(base + "/readyz"); err == nil {
				status = resp.StatusCode
				resp.Body.Close()
			}
			mu.Lock()
			ready = append(ready, sample{at: start, ok: status == http.StatusOK, status: status})
			mu.Unlock()
			time.Sleep(100 * time.Millisecond)
		}
	}()

	time.Sleep(1500 * time.Millisecond)
	downAt := time.Now()
	pg.db("stop")
	stopped := time.Now()
	time.Sleep(2 * time.Second)
	restartAt := time.Now()
	pg.db("start")
	upAt := time.Now()
	time.Sleep(4 * time.Second)
	stop.Store(true)
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	// During the outage /readyz is 503, never 200.
	var ready503, readyOK int
	for _, s := range ready {
		if s.at.After(stopped) && s.at.Add(500*time.Millisecond).Before(restartAt) {
			switch {
			case s.status == http.StatusServiceUnavailable:
				ready503++
			case s.ok:
				readyOK++
			}
		}
	}
	if ready503 == 0 || readyOK != 0 {
		t.Errorf("/readyz during the outage: %d answers 503, %d answers 200; want only 503", ready503, readyOK)
	}
	// Pages recover within 5 s of Postgres being back, and stay up.
	var firstOK time.Time
	var failedAfter int
	for _, s := range pages {
		if !s.at.After(upAt) {
			continue
		}
		if s.ok && firstOK.IsZero() {
			firstOK = s.at
		}
		if !s.ok && !firstOK.IsZero() && s.at.After(firstOK.Add(2*time.Second)) {
			failedAfter++
		}
	}
	var beforeOK, duringFail int
	for _, s := range pages {
		if s.at.Before(downAt) && s.ok {
			beforeOK++
		}
		if s.at.After(stopped) && s.at.Before(restartAt) && !s.ok {
			duringFail++
		}
	}
	if beforeOK == 0 {
		t.Fatal("no page loaded before the outage: the load never ran")
	}
	if firstOK.IsZero() || firstOK.Sub(upAt) > 5*time.Second {
		t.Errorf("pages did not recover within 5 s of Postgres being back (first success %v after)", firstOK.Sub(upAt))
	}
	if failedAfter > 0 {
		t.Errorf("%d page loads failed after pages had recovered", failedAfter)
	}
	found := checkWrites(t, db, acked)
	t.Logf("outage %v (fast shutdown took %v); pages recovered %v after Postgres was back; /readyz 503 %d times during the outage; "+
		"%d page loads failed during it; %d creates acknowledged, %d found",
		upAt.Sub(downAt).Round(time.Millisecond), stopped.Sub(downAt).Round(time.Millisecond), firstOK.Sub(upAt).Round(time.Millisecond),
		ready503, duringFail, len(acked), found)
}

// TestServerKilledDuringCreates kills the server process with SIGKILL while
// clients create parties: every acknowledged create exists, no party lacks
// its audit event, and the audit chain verifies.
func TestServerKilledDuringCreates(t *testing.T) {
	t.Parallel()
	dbURL := pgtest.NewURL(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 4, ApplicationName: "dealgate-fault"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	mustCounsel(t, db, "counsel@example.com")

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DEALGATE_FAULT_CHILD=1", "DATABASE_URL="+dbURL, "DEALGATE_ENV=development")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	line := make([]byte, 64)
	k, err := out.Read(line)
	if err != nil {
		t.Fatalf("child server: %v", err)
	}
	base := "http://" + strings.TrimSpace(string(line[:k]))

	const clients = 4
	var mu sync.Mutex
	var acked []int64
	var failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	enough := make(chan struct{})
	var once sync.Once
	for i := range clients {
		b := newBrowser(base)
		if err := b.signIn("counsel@example.com"); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; ; j++ {
				id, err := b.createParty(fmt.Sprintf("Fault %d-%d", i, j))
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					if failed.Load() > 50 {
						return
					}
					if _, _, err := b.get("/healthz"); err != nil {
						return // the server is gone
					}
					continue
				}
				mu.Lock()
				acked = append(acked, id)
				if len(acked) >= 40 {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		}()
	}
	allDone := make(chan struct{})
	go func() { wg.Wait(); close(allDone) }()
	select {
	case <-enough:
	case <-allDone:
		t.Fatalf("the clients stopped before 40 creates were acknowledged: %v", firstErr.Load())
	case <-time.After(60 * time.Second):
		t.Fatalf("40 creates not acknowledged within 60 s: %v", firstErr.Load())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed = true
	_ = cmd.Wait()
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	found := checkWrites(t, db, acked)
	t.Logf("server killed with SIGKILL after %d acknowledged creates; %d parties found; %d requests failed at the kill", len(acked), found, failed.Load())
}
