package registerbench_test

import "context"
import "fmt"
import "net/http"
import "net/http/httptest"
import "strconv"
import "strings"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// busiestCounsel is the scale counsel with the most deals (own and shared).
func busiestCounsel(b testing.TB, db *postgres.DB) *dealgate.User {
	b.Helper()
	var id int64
	err := db.Pool.QueryRow(context.Background(), `SELECT author_id FROM deal GROUP BY author_id ORDER BY count(*) DESC, author_id LIMIT 1`).Scan(&id)
	if err != nil {
		b.Fatal(err)
	}
	return &dealgate.User{ID: id, Email: "scale-counsel@example.test", Roles: []dealgate.Role{dealgate.RoleCounsel}, Status: dealgate.UserActive}
}

var chairReader = &dealgate.User{ID: 1, Email: "chair@example.test", Roles: []dealgate.Role{dealgate.RoleChair, dealgate.RoleMember}, Status: dealgate.UserActive}

// BenchmarkDealList times "My deals" on the scale data (100,000 deals):
// a counsel's own and shared deals, filtered and sorted, and the
// committee's list of every submitted deal.
func BenchmarkDealList(b *testing.B) {
	db, reg := scale(b)
	svc := postgres.NewDeals(db, reg)
	counsel := busiestCounsel(b, db)
	cases := []struct {
		name  string
		actor *dealgate.User
		f     dealgate.DealFilter
	}{
		{"counsel-mine-newest", counsel, dealgate.DealFilter{}},
		{"counsel-submitted-by-negotiation", counsel, dealgate.DealFilter{Status: dealgate.DealSubmitted, Sort: "negotiation"}},
		{"counsel-negotiation-soon", counsel, dealgate.DealFilter{Negotiation: "soon", Sort: "negotiation"}},
		{"counsel-title-search", counsel, dealgate.DealFilter{Query: "agent", Sort: "title"}},
		{"committee-all-by-negotiation", chairReader, dealgate.DealFilter{AllDeals: true, Sort: "negotiation"}},
		{"committee-all-page-50-by-title", chairReader, dealgate.DealFilter{AllDeals: true, Sort: "title", Page: 50}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			if _, err := svc.ListDeals(ctx, c.actor, c.f); err != nil {
				b.Fatal(err)
			}
			lat := make([]time.Duration, 0, 1024)
			var total int
			for b.Loop() {
				t0 := time.Now()
				page, err := svc.ListDeals(ctx, c.actor, c.f)
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				total = page.Total
			}
			b.ReportMetric(p95(lat), "p95-ms")
			b.ReportMetric(float64(total), "matches")
		})
	}
}

// TestDealListPlansUseIndexes loads a smaller deal set and checks with
// EXPLAIN that "My deals" never reads the deal table sequentially, for a
// counsel's own deals and for the committee's list.
func TestDealListPlansUseIndexes(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := demo.LoadScale(ctx, db, demo.ScaleOptions{Parties: 300, Agreements: 300, Clauses: 600, Categories: 100,
		Deals: 30000, DealAttachments: 3000, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	svc := postgres.NewDeals(db, postgres.NewRegister(db))
	counsel := busiestCounsel(t, db)
	cases := []struct {
		actor *dealgate.User
		f     dealgate.DealFilter
	}{
		{counsel, dealgate.DealFilter{}},
		{counsel, dealgate.DealFilter{Status: dealgate.DealSubmitted, Sort: "negotiation"}},
		{chairReader, dealgate.DealFilter{AllDeals: true, Sort: "negotiation"}},
		{chairReader, dealgate.DealFilter{AllDeals: true, Sort: "updated_at", Desc: true}},
	}
	for _, c := range cases {
		plan, err := svc.ExplainListDeals(ctx, c.actor, c.f, true)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(plan, "Seq Scan on deal ") {
			t.Errorf("deal list %+v scans deal sequentially:\n%s", c.f, plan)
		}
		if testing.Verbose() {
			fmt.Printf("%+v\n%s\n\n", c.f, plan)
		}
	}
}

// BenchmarkDealPages reports the server time of "My deals" (filtered and
// sorted) and of a deal page through the real router, on the scale data,
// for a counsel with 500 deals shared with them. (These join make
// bench-http when it exists.)
func BenchmarkDealPages(b *testing.B) {
	db, _ := scale(b)
	h, cookies := signedInServer(b)
	ctx := context.Background()
	var me, dealID int64
	if err := db.Pool.QueryRow(ctx, `SELECT id FROM users WHERE email = 'bench-counsel@example.test'`).Scan(&me); err != nil {
		b.Fatal(err)
	}
	_, err := db.Pool.Exec(ctx, `INSERT INTO deal_share (deal_id, user_id, access, created_at)
		SELECT id, $1, 'read', now() FROM deal WHERE status = 'submitted' ORDER BY id LIMIT 500 ON CONFLICT DO NOTHING`, me)
	if err != nil {
		b.Fatal(err)
	}
	if err := db.Pool.QueryRow(ctx, `SELECT deal_id FROM deal_share WHERE user_id = $1 ORDER BY deal_id LIMIT 1`, me).Scan(&dealID); err != nil {
		b.Fatal(err)
	}
	cases := []struct{ name, path, marker string }{
		{"my-deals-submitted-by-negotiation", "/deals?status=submitted&sort=negotiation", `data-testid="deal-row"`},
		{"my-deals-newest", "/deals", `data-testid="deal-row"`},
		{"deal-page", "/deals/" + strconv.FormatInt(dealID, 10), `data-testid="deal-title"`},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			get := func() (int, string) {
				req := httptest.NewRequest(http.MethodGet, c.path, nil)
				for _, ck := range cookies {
					req.AddCookie(ck)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec.Code, rec.Body.String()
			}
			if code, body := get(); code != http.StatusOK || !strings.Contains(body, c.marker) {
				b.Fatalf("%s: %d, marker shown: %v", c.path, code, strings.Contains(body, c.marker))
			}
			lat := make([]time.Duration, 0, 1024)
			for b.Loop() {
				t0 := time.Now()
				code, _ := get()
				lat = append(lat, time.Since(t0))
				if code != http.StatusOK {
					b.Fatalf("%s: %d", c.path, code)
				}
			}
			b.ReportMetric(p95(lat), "p95-ms")
		})
	}
}
