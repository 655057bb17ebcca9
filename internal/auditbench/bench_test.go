package auditbench

import "context"
import "io"
import "os"
import "strconv"
import "sync"
import "syscall"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

var (
	once     sync.Once
	trailDB  *postgres.DB
	trailErr error
	events   int
	mu       sync.Mutex
	cleanups []func()
	auditor  = &dealgate.User{Email: "bench@example.test", Roles: []dealgate.Role{dealgate.RoleAuditor}, Status: dealgate.UserActive}
)

func TestMain(m *testing.M) {
	code := m.Run()
	mu.Lock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	mu.Unlock()
	os.Exit(code)
}

// processTB keeps the database until the test binary ends.
type processTB struct{ testing.TB }

func (processTB) Cleanup(f func()) {
	mu.Lock()
	defer mu.Unlock()
	cleanups = append(cleanups, f)
}

func trail(b *testing.B) *postgres.DB {
	b.Helper()
	once.Do(func() {
		events = 1000000
		if v, err := strconv.Atoi(os.Getenv("AUDITBENCH_EVENTS")); err == nil && v > 0 {
			events = v
		}
		trailDB, trailErr = benchDB(b)
		if trailErr != nil {
			return
		}
		// A database of its own (AUDITBENCH_DATABASE_URL) keeps its trail
		// between runs: only the events it lacks are added.
		var have int
		if trailErr = trailDB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_seal`).Scan(&have); trailErr != nil {
			return
		}
		var took time.Duration
		if have < events {
			took, trailErr = demo.LoadAuditScale(context.Background(), trailDB, events-have)
		}
		b.Logf("audit trail: %d events (%d loaded in %s)", max(have, events), max(events-have, 0), took.Round(time.Millisecond))
		events = max(have, events)
	})
	if trailErr != nil {
		b.Fatal(trailErr)
	}
	return trailDB
}

// benchDB is AUDITBENCH_DATABASE_URL, migrated, when set (kept afterwards),
// else a fresh test database.
func benchDB(b *testing.B) (*postgres.DB, error) {
	url := os.Getenv("AUDITBENCH_DATABASE_URL")
	if url == "" {
		return pgtest.New(processTB{b}), nil
	}
	if err := postgres.MigrateUp(url); err != nil {
		return nil, err
	}
	db, err := postgres.Open(context.Background(), url, postgres.Options{MaxConns: 8, ApplicationName: "dealgate-auditbench"})
	if err != nil {
		return nil, err
	}
	processTB{b}.Cleanup(db.Close)
	return db, nil
}

func peakRSS(b *testing.B) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB") // Maxrss is in KiB on Linux
	}
}

func exportTo(b *testing.B, db *postgres.DB, f export.Format, filter dealgate.AuditFilter, w io.Writer) int64 {
	b.Helper()
	s := postgres.NewAuditExports(db, postgres.ExportOptions{Conns: 1, Concurrent: 1})
	defer s.Close()
	res, err := s.Export(context.Background(), auditor, postgres.ExportRequest{Filter: filter, Format: f},
		func(export.Meta) (io.Writer, error) { return w, nil })
	if err != nil {
		b.Fatal(err)
	}
	return res.Proof.Rows
}

// BenchmarkAuditExportCSV exports the whole trail as CSV, then has
// Postgres COPY the same rows (the same join, the same order) as CSV, and
// reports both rates and their ratio (target: CSV at least half of COPY).
func BenchmarkAuditExportCSV(b *testing.B) {
	db := trail(b)
	ctx := context.Background()
	var ours, theirs time.Duration
	var rows int64
	for b.Loop() {
		start := time.Now()
		rows = exportTo(b, db, export.CSV, dealgate.AuditFilter{}, io.Discard)
		ours += time.Since(start)

		conn, err := db.Pool.Acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		tag, err := conn.Conn().PgConn().CopyTo(ctx, io.Discard, `COPY (
			SELECT s.seq, e.id, e.occurred_at, e.actor_id, e.actor_label, e.action, e.entity_type, e.entity_id,
			       e.before, e.after, e.request_id, e.client_ip, encode(s.prev_hash, 'hex'), encode(s.hash, 'hex')
			FROM audit_seal s JOIN audit_event e ON e.id = s.event_id ORDER BY s.seq) TO STDOUT (FORMAT csv)`)
		theirs += time.Since(start)
		conn.Release()
		if err != nil {
			b.Fatal(err)
		}
		if tag.RowsAffected() < rows {
			b.Fatalf("COPY %d rows, export %d", tag.RowsAffected(), rows)
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(rows)/(ours.Seconds()/n), "export-rows/s")
	b.ReportMetric(float64(rows)/(theirs.Seconds()/n), "copy-rows/s")
	b.ReportMetric(theirs.Seconds()/ours.Seconds(), "export/copy")
	peakRSS(b)
}

// BenchmarkAuditExportXLSX builds the whole trail as XLSX (target for
// 1,000,000 events: under 60 s, under 300 MB).
func BenchmarkAuditExportXLSX(b *testing.B) {
	db := trail(b)
	var rows int64
	for b.Loop() {
		f, err := os.CreateTemp(b.TempDir(), "x-*.xlsx")
		if err != nil {
			b.Fatal(err)
		}
		rows = exportTo(b, db, export.XLSX, dealgate.AuditFilter{}, f)
		_ = f.Close()
	}
	b.ReportMetric(float64(rows), "rows")
	peakRSS(b)
}

// BenchmarkAuditExportPDF builds a report of the newest 50,000 events
// (target: under 20 s).
func BenchmarkAuditExportPDF(b *testing.B) {
	db := trail(b)
	var from time.Time
	if err := db.Pool.QueryRow(context.Background(),
		`SELECT occurred_at FROM audit_event ORDER BY id DESC OFFSET $1 LIMIT 1`, min(49999, events-1)).Scan(&from); err != nil {
		b.Fatal(err)
	}
	var rows int64
	for b.Loop() {
		rows = exportTo(b, db, export.PDF, dealgate.AuditFilter{From: from}, io.Discard)
	}
	b.ReportMetric(float64(rows), "rows")
	peakRSS(b)
}

// BenchmarkAuditBrowserDeepPage reads the 500th page (50 a page) of a
// filtered view, following the keyset cursor (target: under 50 ms).
func BenchmarkAuditBrowserDeepPage(b *testing.B) {
	db := trail(b)
	audit := postgres.NewAudit(db)
	ctx := context.Background()
	f := dealgate.AuditFilter{ActionPrefix: "deal.", PageRequest: dealgate.PageRequest{PerPage: 50}}
	// The cursor of page 500, found once the way a reader paging on would.
	// (On a small trail, the deepest page there is.)
	var matching int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_event WHERE action LIKE 'deal.%'`).Scan(&matching); err != nil {
		b.Fatal(err)
	}
	pageNo := min(500, matching/50)
	var before int64
	if err := db.Pool.QueryRow(ctx, `SELECT id FROM audit_event WHERE action LIKE 'deal.%' ORDER BY id DESC OFFSET $1 LIMIT 1`,
		(pageNo-1)*50-1).Scan(&before); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(pageNo), "page")
	f.Before = before
	for b.Loop() {
		page, err := audit.List(ctx, auditor, f)
		if err != nil || len(page.Items) != 50 {
			b.Fatalf("%v, %d items", err, len(page.Items))
		}
	}
	peakRSS(b)
}
