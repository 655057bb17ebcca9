package httpbench_test

import "bytes"
import "cmp"
import "context"
import "fmt"
import "html/template"
import "io"
import "log/slog"
import "net"
import "net/http"
import "net/http/cookiejar"
import "net/url"
import "os"
import "regexp"
import "runtime"
import "slices"
import "strconv"
import "strings"
import "sync"
import "testing"
import "time"

import "github.com/jackc/pgx/v5"
import "github.com/jackc/pgx/v5/pgxpool"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/config"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/server"

// page is one line of the pages table.
type page struct{ name, path, role string }

const (
	// clients is the number of concurrent keep-alive clients.
	clients = 64
	// defaultRequests per page; HTTPBENCH_REQUESTS overrides it.
	defaultRequests = 4000
	// rounds is how many turns the reference and each page take.
	rounds = 4
	// settleTimeout bounds the wait for the server's background jobs.
	settleTimeout = 30 * time.Minute
	benchPassword = "a benchmark passphrase"
	// seedLock serialises runs that might seed the same database at once.
	seedLock = 7263544915628230499
)

// benchDatabaseURL is the database holding the scale data set: $DEALGATE_BENCH_DATABASE_URL,
// else database dealgate_bench on the test server (see pgtest.ServerURL).
func benchDatabaseURL() (string, string) {
	if v := os.Getenv("DEALGATE_BENCH_DATABASE_URL"); v != "" {
		return v, ""
	}
	u, err := url.Parse(pgtest.ServerURL())
	if err != nil {
		return pgtest.ServerURL(), ""
	}
	u.Path = "/dealgate_bench"
	return u.String(), "dealgate_bench"
}

// prepareDatabase creates the bench database when it is missing, migrates
// it and loads the scale data set once; later runs reuse it.
func prepareDatabase(b *testing.B) string {
	b.Helper()
	ctx := context.Background()
	dbURL, create := benchDatabaseURL()
	if create != "" {
		admin, err := pgx.Connect(ctx, pgtest.ServerURL())
		if err != nil {
			b.Fatalf("no PostgreSQL server at the test URL (run `make db`, or set TEST_DATABASE_URL): %v", err)
		}
		var exists bool
		if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, create).Scan(&exists); err != nil {
			b.Fatal(err)
		}
		if !exists {
			if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{create}.Sanitize()); err != nil && !strings.Contains(err.Error(), "already exists") {
				b.Fatal(err)
			}
		}
		_ = admin.Close(ctx)
	}
	if err := postgres.MigrateUp(dbURL); err != nil {
		b.Fatal(err)
	}
	db, err := postgres.Open(ctx, dbURL, postgres.Options{MaxConns: 2})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(seedLock)); err != nil {
		b.Fatal(err)
	}
	defer conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, int64(seedLock)) //nolint:errcheck
	var seeded bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM audit_event WHERE action = 'register.scale_seeded')`).Scan(&seeded); err != nil {
		b.Fatal(err)
	}
	if !seeded {
		fmt.Fprintln(os.Stderr, "httpbench: loading the scale data set into", redact(dbURL), "(once; later runs reuse it)")
		res, err := demo.LoadScale(ctx, db, demo.DefaultScale)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "httpbench: %d parties, %d agreements, %d clauses, %d categories in %s\n",
			res.Parties, res.Agreements, res.Clauses, res.Categories, res.Elapsed.Round(time.Second))
	}
	users := postgres.NewUsers(db)
	for role := range roles {
		email := "bench-" + role + "@bench.example.test"
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM users WHERE email = $1`, email).Scan(&n); err != nil {
			b.Fatal(err)
		}
		if n > 0 {
			continue
		}
		rs := make([]dealgate.Role, 0, len(roles[role]))
		for _, r := range roles[role] {
			rs = append(rs, dealgate.Role(r))
		}
		if _, err := users.CreateUserWithPassword(ctx, dealgate.NewUser{Name: "Bench " + role, Email: email, Roles: rs, TimeZone: "Europe/London"}, benchPassword); err != nil {
			b.Fatal(err)
		}
	}
	// The scale deals belong to counsel who cannot sign in; the bench counsel
	// takes over one of them, so "My deals" shows a realistic list.
	if _, err := conn.Exec(ctx, `UPDATE deal SET author_id = (SELECT id FROM users WHERE email = 'bench-counsel@bench.example.test')
		WHERE author_id = (SELECT min(author_id) FROM deal)
		  AND NOT EXISTS (SELECT 1 FROM deal d JOIN users u ON u.id = d.author_id WHERE u.email = 'bench-counsel@bench.example.test')`); err != nil {
		b.Fatal(err)
	}
	// The bench committee sits on every open review, as every member does
	// by default, so its dashboard and pending votes hold real rows.
	if _, err := conn.Exec(ctx, `INSERT INTO review_member (review_id, user_id)
		SELECT r.id, u.id FROM review r CROSS JOIN users u
		WHERE r.state = 'open' AND u.email IN ('bench-member@bench.example.test', 'bench-chair@bench.example.test')
		ON CONFLICT DO NOTHING`); err != nil {
		b.Fatal(err)
	}
	// Fresh statistics for the new assignments, as autovacuum would soon
	// take: without them the planner expects a member on one review.
	if _, err := conn.Exec(ctx, `ANALYZE review_member`); err != nil {
		b.Fatal(err)
	}
	return dbURL
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "the bench database"
}

// startServer runs the real server on a loopback port until the benchmark ends.
func startServer(b *testing.B, dbURL string) (string, *config.Config, *postgres.DB) {
	b.Helper()
	vars := map[string]string{"DATABASE_URL": dbURL, "DEALGATE_LISTEN_ADDR": "127.0.0.1:0", "DEALGATE_LOG_LEVEL": "error"}
	cfg, err := config.Load(func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		// The pool size and session settings may be tuned from the environment.
		if strings.HasPrefix(k, "DEALGATE_DB_") || strings.HasPrefix(k, "DEALGATE_SESSION_") {
			return os.Getenv(k)
		}
		return ""
	})
	if err != nil {
		b.Fatal(err)
	}
	db, err := postgres.Open(context.Background(), dbURL, postgres.Options{MaxConns: cfg.DBMaxConns, ApplicationName: "dealgate-bench"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(db.Close)
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		b.Fatal(err)
	}
	srv := server.New(cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)), "bench")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	b.Cleanup(func() {
		cancel()
		<-done
	})
	return "http://" + ln.Addr().String(), cfg, db
}

// settle waits until the server's background jobs have nothing left to do
// now (the scale data set's first re-screening of every open deal, the mail
// it and the day's reminders queue), so that the pages are measured beside
// an idle job queue, as a settled production instance would be (a job a
// killed run left running is River's to rescue after an hour). A fresh
// bench database takes minutes once; later runs find little or nothing.
func settle(b *testing.B, dbURL string, serverStarted time.Time) {
	b.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(context.Background())
	start, last := time.Now(), time.Time{}
	// The server queues its start-up jobs (the day's reminders, upkeep) a
	// moment after it starts serving: wait for them to be queued first.
	for {
		var queued bool
		if err := conn.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM river_job WHERE kind = 'reminders' AND created_at >= $1)`,
			serverStarted.Add(-time.Second)).Scan(&queued); err != nil {
			b.Fatal(err)
		}
		if queued {
			break
		}
		if time.Since(start) > time.Minute {
			b.Fatal("httpbench: the server queued no start-up jobs within a minute")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for {
		var busy int
		var kinds string
		if err := conn.QueryRow(context.Background(), `SELECT count(*), coalesce(string_agg(DISTINCT kind, ', '), '')
			FROM river_job WHERE state IN ('available', 'running', 'retryable', 'pending') AND scheduled_at <= now()
			AND NOT (state = 'running' AND attempted_at < now() - interval '1 hour')`).Scan(&busy, &kinds); err != nil {
			b.Fatal(err)
		}
		if busy == 0 {
			break
		}
		if time.Since(start) > settleTimeout {
			b.Fatalf("httpbench: %d background jobs (%s) still pending after %s", busy, kinds, settleTimeout)
		}
		if time.Since(last) > 15*time.Second {
			fmt.Printf("httpbench: waiting for %d background jobs (%s) before measuring\n", busy, kinds)
			last = time.Now()
		}
		time.Sleep(time.Second)
	}
	if d := time.Since(start); d > time.Second {
		fmt.Printf("httpbench: background jobs settled in %s\n", d.Round(time.Second))
	}
	analyzeChanged(b, conn)
}

// analyzeChanged takes fresh statistics of the tables that changed by more
// than a tenth since their last, as autovacuum would soon do (the test
// server may run without it): a fresh bench database's first re-screening
// writes millions of findings, and planned from the statistics before it,
// a page that reads them (an agreement's touching deals) took 450 ms.
func analyzeChanged(b *testing.B, conn *pgx.Conn) {
	b.Helper()
	ctx := context.Background()
	rows, err := conn.Query(ctx, `SELECT quote_ident(schemaname) || '.' || quote_ident(relname) FROM pg_stat_user_tables
		WHERE n_mod_since_analyze > 50 + 0.1 * n_live_tup`)
	if err != nil {
		b.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range tables {
		if _, err := conn.Exec(ctx, "ANALYZE "+t); err != nil {
			b.Fatal(err)
		}
	}
}

// fortunesTemplate is the reference page: a minimal HTML page of 12 escaped rows.
var fortunesTemplate = template.Must(template.New("fortunes").Parse(`<!DOCTYPE html>
<html><head><title>Agreements</title></head><body><table>
<tr><th>id</th><th>title</th></tr>
{{range .}}<tr><td>{{.ID}}</td><td>{{.Title}}</td></tr>
{{end}}</table></body></html>`))

type fortune struct {
	ID    int64
	Title string
}

// startReference runs the reference handler (echo + pgx + html/template,
// one query, 12 escaped rows) on its own pool of the same size. Its
// requests count as the server's foreground (fg), as the pages' do: the
// server's re-screening gives way to both alike.
func startReference(b *testing.B, dbURL string, maxConns int32, fg *postgres.Foreground) string {
	b.Helper()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/fortunes", func(c echo.Context) error {
		fg.Begin()
		defer fg.End()
		rows, err := pool.Query(c.Request().Context(), `SELECT id, title FROM agreement ORDER BY id LIMIT 12`)
		if err != nil {
			return err
		}
		list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fortune])
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := fortunesTemplate.Execute(&buf, list); err != nil {
			return err
		}
		return c.HTMLBlob(http.StatusOK, buf.Bytes())
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	b.Cleanup(func() { _ = hs.Close() })
	return "http://" + ln.Addr().String()
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signIn signs the bench user of role in n times and returns each
// session's Cookie header.
func signIn(b *testing.B, base, role string, n int) []string {
	b.Helper()
	email := "bench-" + role + "@bench.example.test"
	out := make([]string, n)
	u, _ := url.Parse(base)
	for i := range n {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(base + "/sign-in")
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfInput.FindSubmatch(body)
		if m == nil {
			b.Fatalf("sign-in page has no CSRF token (%d)", resp.StatusCode)
		}
		resp, err = c.PostForm(base+"/sign-in", url.Values{"_csrf": {string(m[1])}, "email": {email}, "password": {benchPassword}})
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			b.Fatalf("sign in as %s: status %d", email, resp.StatusCode)
		}
		var parts []string
		for _, ck := range jar.Cookies(u) {
			parts = append(parts, ck.Name+"="+ck.Value)
		}
		out[i] = strings.Join(parts, "; ")
	}
	return out
}

// result is one measured run.
type result struct {
	rps      float64
	p50, p99 time.Duration
}

// sample is the latencies and wall time of one or more runs.
type sample struct {
	lat     []time.Duration
	elapsed time.Duration
}

func (s *sample) add(o sample) {
	s.lat = append(s.lat, o.lat...)
	s.elapsed += o.elapsed
}

func (s sample) result() result {
	lat := slices.Clone(s.lat)
	slices.Sort(lat)
	pct := func(p int) time.Duration { return lat[(len(lat)*p+99)/100-1] }
	return result{rps: float64(len(lat)) / s.elapsed.Seconds(), p50: pct(50), p99: pct(99)}
}

// drive sends n GET requests for target from clients concurrent keep-alive
// clients (client i sends cookies[i%len] when cookies is not empty) and
// fails on any status but 200.
func drive(b *testing.B, target string, cookies []string, n int) sample {
	b.Helper()
	tr := &http.Transport{MaxIdleConns: 2 * clients, MaxIdleConnsPerHost: 2 * clients, DisableCompression: true, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var (
		mu      sync.Mutex
		lat     = make([]time.Duration, 0, n)
		failure error
		wg      sync.WaitGroup
	)
	perClient := make([]int, clients)
	for i := range n {
		perClient[i%clients]++
	}
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, perClient[i])
			for range perClient[i] {
				req, _ := http.NewRequest(http.MethodGet, target, nil)
				if len(cookies) > 0 {
					req.Header.Set("Cookie", cookies[i%len(cookies)])
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("GET %s: status %d", target, resp.StatusCode)
					}
				}
				mine = append(mine, time.Since(t0))
				if err != nil {
					mu.Lock()
					failure = err
					mu.Unlock()
					return
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if failure != nil {
		b.Fatal(failure)
	}
	return sample{lat: lat, elapsed: elapsed}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
}

var roundTripSeries = regexp.MustCompile(`(?m)^dealgate_db_round_trips_per_request_(sum|count)\{[^}]*\} (\S+)$`)

// roundTrips reads the server's /metrics and returns the total database
// round trips and requests observed so far.
func roundTrips(b *testing.B, base string) (sum, count float64) {
	b.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range roundTripSeries.FindAllSubmatch(body, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		if string(m[1]) == "sum" {
			sum += v
		} else {
			count += v
		}
	}
	return sum, count
}

// BenchmarkHTTP measures every page of the pages table against the
// reference handler, each run right after a reference run so both see the
// same machine. Run it with `make bench-http`.
func BenchmarkHTTP(b *testing.B) {
	postgres.PasswordParams = postgres.TestPasswordParams
	n := defaultRequests
	if v := os.Getenv("HTTPBENCH_REQUESTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < rounds*clients {
			b.Fatalf("HTTPBENCH_REQUESTS: want a whole number of at least %d", rounds*clients)
		}
	}
	only := regexp.MustCompile(os.Getenv("HTTPBENCH_PAGES"))
	dbURL := prepareDatabase(b)
	started := time.Now()
	base, cfg, db := startServer(b, dbURL)
	settle(b, dbURL, started)
	ref := startReference(b, dbURL, cfg.DBMaxConns, &db.Foreground)
	var rescreen *rescreenProbe
	switch during := os.Getenv("HTTPBENCH_DURING"); during {
	case "":
	case "rescreen", "change":
		rescreen = newRescreenProbe(b, db, dbURL, during == "rescreen")
	default:
		b.Fatalf("HTTPBENCH_DURING=%q: want rescreen, change or nothing", during)
	}

	ids := map[string]string{}
	lookup, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		b.Fatal(err)
	}
	for name, q := range records {
		var id int64
		if err := lookup.QueryRow(context.Background(), q).Scan(&id); err != nil {
			b.Fatalf("record %s: %v", name, err)
		}
		ids["{"+name+"}"] = strconv.FormatInt(id, 10)
	}
	_ = lookup.Close(context.Background())
	sessions := map[string][]string{}
	var selected []page
	for _, p := range pages {
		if only.MatchString(p.name) {
			selected = append(selected, p)
		}
	}
	if len(selected) == 0 {
		b.Fatalf("HTTPBENCH_PAGES=%q matches no page", only)
	}
	for _, p := range selected {
		if p.role != "" && sessions[p.role] == nil {
			sessions[p.role] = signIn(b, base, p.role, clients)
		}
	}

	warm := min(n, 4*clients)
	type row struct {
		name     string
		res, ref result
		trips    float64
		rescreen string // HTTPBENCH_DURING=rescreen: how long it took, what it did
	}
	var rows []row
	var refs []result
	for _, p := range selected {
		path := p.path
		for k, v := range ids {
			path = strings.ReplaceAll(path, k, v)
		}
		drive(b, ref+"/fortunes", nil, warm)
		drive(b, base+path, sessions[p.role], warm)
		// The reference and the page take turns, in rounds, so that both
		// see the same machine (it is shared, and its load comes and goes).
		var refSample, pageSample sample
		var trips, count float64
		var rescreenDone func() string
		if rescreen != nil {
			rescreenDone = rescreen.start(b)
		}
		measured := time.Now()
		for i := range rounds {
			part := n/rounds + min(1, max(0, n%rounds-i))
			refSample.add(drive(b, ref+"/fortunes", nil, part))
			s0, c0 := roundTrips(b, base)
			pageSample.add(drive(b, base+path, sessions[p.role], part))
			s1, c1 := roundTrips(b, base)
			trips, count = trips+s1-s0, count+c1-c0
		}
		trips /= max(count, 1)
		r, res := refSample.result(), pageSample.result()
		refs = append(refs, r)
		rows = append(rows, row{name: p.name, res: res, ref: r, trips: trips})
		if rescreenDone != nil {
			took := time.Since(measured)
			rows[len(rows)-1].rescreen = fmt.Sprintf("%s; the page was measured for %.1f s", rescreenDone(), took.Seconds())
		}
		b.Run(strings.NewReplacer(" ", "-", ",", "", "(", "", ")", "").Replace(p.name), func(b *testing.B) {
			b.ReportMetric(res.rps, "req/s")
			b.ReportMetric(res.rps/r.rps, "ratio")
			b.ReportMetric(float64(res.p50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(res.p99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(trips, "db-trips/op")
		})
	}
	slices.SortFunc(refs, func(a, b result) int { return cmp.Compare(a.rps, b.rps) })
	med := refs[len(refs)/2]
	var out strings.Builder
	fmt.Fprintf(&out, "\n%d clients, %d requests per page, GOMAXPROCS %d, pool %d connections each\n\n",
		clients, n, runtime.GOMAXPROCS(0), cfg.DBMaxConns)
	fmt.Fprintln(&out, "| page | requests/s | ratio to the reference | p50 ms | p99 ms | DB round trips |")
	fmt.Fprintln(&out, "|---|---|---|---|---|---|")
	fmt.Fprintf(&out, "| reference (echo + pgx + html/template, 12 rows), median of %d runs | %.0f | 1 | %s | %s | 1 |\n", len(refs), med.rps, ms(med.p50), ms(med.p99))
	for _, r := range rows {
		fmt.Fprintf(&out, "| %s | %.0f | %.2f | %s | %s | %.1f |\n", r.name, r.res.rps, r.res.rps/r.ref.rps, ms(r.res.p50), ms(r.res.p99), r.trips)
	}
	if rescreen != nil {
		if !rescreen.queue {
			fmt.Fprintf(&out, "\nEach page was measured right after clause %d changed, with no re-screening queued.\n", rescreen.clause)
		} else {
			fmt.Fprintf(&out, "\nEach page was measured while the server re-screened the open deals after clause %d changed:\n\n", rescreen.clause)
			for _, r := range rows {
				fmt.Fprintf(&out, "- %s: re-screening took %s\n", r.name, r.rescreen)
			}
		}
	}
	fmt.Print(out.String())
}
