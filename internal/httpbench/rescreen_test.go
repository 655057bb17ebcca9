package httpbench_test

import "context"
import "fmt"
import "testing"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/postgres"

// With HTTPBENCH_DURING=rescreen every page is measured while the server
// re-screens the open deals after one clause change (the screening issue's
// "while page requests stay within their targets"): before a page's
// measured rounds, the clause with the most cautions and conflicts among
// the stored findings has its notice period changed and a re-screening
// queued, as the register does for an edit; the server's own worker runs
// it beside the page load. The change also moves the register counter, so
// each page is measured from cold caches as well. HTTPBENCH_DURING=change
// makes the same change and queues no re-screening: what the change's cold
// caches cost alone, to set the re-screening's cost against.

// rescreenProbe changes one clause and times the re-screening it causes.
type rescreenProbe struct {
	db     *postgres.DB
	conn   *pgx.Conn
	clause int64
	queue  bool // queue the re-screening (false: the change alone)
}

func newRescreenProbe(b *testing.B, db *postgres.DB, dbURL string, queue bool) *rescreenProbe {
	b.Helper()
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close(context.Background()) })
	p := &rescreenProbe{db: db, conn: conn, queue: queue}
	if err := conn.QueryRow(context.Background(), `SELECT f.clause_id FROM deal_version v
		JOIN screening_finding f ON f.screening_id = v.screening_id
		WHERE f.severity IN ('caution', 'conflict') GROUP BY f.clause_id ORDER BY count(*) DESC, f.clause_id LIMIT 1`).Scan(&p.clause); err != nil {
		b.Fatalf("httpbench: the clause to change: %v", err)
	}
	return p
}

// start changes the clause's notice period and queues the re-screening;
// the returned func waits for it and says how long it took and what it did.
func (p *rescreenProbe) start(b *testing.B) func() string {
	b.Helper()
	ctx := context.Background()
	t0 := time.Now()
	if _, err := p.conn.Exec(ctx, `UPDATE clause SET notice_days = coalesce(notice_days, 0) % 90 + 1, version = version + 1
		WHERE id = $1`, p.clause); err != nil {
		b.Fatal(err)
	}
	if !p.queue {
		return func() string { return "no re-screening (the change alone)" }
	}
	if err := p.db.QueueRescreen(ctx); err != nil {
		b.Fatal(err)
	}
	var job int64
	if err := p.conn.QueryRow(ctx, `SELECT max(id) FROM river_job WHERE kind = 'rescreen'`).Scan(&job); err != nil {
		b.Fatal(err)
	}
	return func() string {
		b.Helper()
		for {
			var state, output string
			var finished *time.Time
			if err := p.conn.QueryRow(ctx, `SELECT state::text, finalized_at, coalesce(metadata->>'output', '')
				FROM river_job WHERE id = $1`, job).Scan(&state, &finished, &output); err != nil {
				b.Fatal(err)
			}
			switch state {
			case "completed":
				return fmt.Sprintf("%.1f s %s", finished.Sub(t0).Seconds(), output)
			case "discarded", "cancelled":
				b.Fatalf("httpbench: re-screening job %d %s", job, state)
			}
			if time.Since(t0) > settleTimeout {
				b.Fatalf("httpbench: re-screening job %d still %s after %s", job, state, settleTimeout)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
