package registerbench_test

import "context"
import "fmt"
import "os"
import "slices"
import "strings"
import "sync"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// The full scale data set is loaded once per test binary, into its own
// database, and dropped when the binary ends (TestMain), so every benchmark
// shares it and no test pays for it.
var (
	scaleOnce     sync.Once
	scaleDB       *postgres.DB
	scaleResult   demo.ScaleResult
	scaleErr      error
	cleanupMu     sync.Mutex
	cleanups      []func()
	auditorReader = &dealgate.User{Email: "bench@example.test", Roles: []dealgate.Role{dealgate.RoleAuditor}, Status: dealgate.UserActive}
)

func TestMain(m *testing.M) {
	code := m.Run()
	cleanupMu.Lock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	cleanupMu.Unlock()
	os.Exit(code)
}

// processTB is a testing.TB whose cleanups run when the test binary ends
// instead of when the first benchmark that asked for the database ends.
type processTB struct{ testing.TB }

func (processTB) Cleanup(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

func scale(b *testing.B) (*postgres.DB, *postgres.Register) {
	b.Helper()
	scaleOnce.Do(func() {
		db := pgtest.New(processTB{b})
		scaleResult, scaleErr = demo.LoadScale(context.Background(), db, demo.DefaultScale)
		scaleDB = db
		if scaleErr == nil {
			b.Logf("scale data: %d parties, %d agreements, %d clauses, %d categories loaded in %s",
				scaleResult.Parties, scaleResult.Agreements, scaleResult.Clauses, scaleResult.Categories, scaleResult.Elapsed.Round(time.Millisecond))
		}
	})
	if scaleErr != nil {
		b.Fatal(scaleErr)
	}
	return scaleDB, postgres.NewRegister(scaleDB)
}

// p95 reports the 95th-percentile latency in milliseconds.
func p95(lat []time.Duration) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return float64(s[(len(s)*95+99)/100-1].Microseconds()) / 1000
}

func benchList(b *testing.B, reg *postgres.Register, f dealgate.AgreementFilter) {
	b.Helper()
	ctx := context.Background()
	// Warm up once, so the first sample is not a cold cache.
	if _, err := reg.ListAgreements(ctx, auditorReader, f); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, 1024)
	var total int
	for b.Loop() {
		t0 := time.Now()
		page, err := reg.ListAgreements(ctx, auditorReader, f)
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		total = page.Total
	}
	b.ReportMetric(p95(lat), "p95-ms")
	b.ReportMetric(float64(total), "matches")
}

// anyID returns some row's ID from query, for filters that need one.
func anyID(b *testing.B, db *postgres.DB, query string) int64 {
	b.Helper()
	var id int64
	if err := db.Pool.QueryRow(context.Background(), query).Scan(&id); err != nil {
		b.Fatal(err)
	}
	return id
}

func BenchmarkAgreementListFiltered(b *testing.B) {
	db, reg := scale(b)
	party := anyID(b, db, `SELECT party_id FROM agreement GROUP BY party_id ORDER BY count(*) DESC, party_id LIMIT 1`)
	// A mid-level category: its subtree holds a few dozen categories.
	category := anyID(b, db, `SELECT r.category_id FROM category_revision r
		JOIN taxonomy_version v ON v.id = r.taxonomy_version_id AND v.number = (SELECT max(number) FROM taxonomy_version)
		WHERE r.parent_id IS NOT NULL AND EXISTS (SELECT 1 FROM category_revision c WHERE c.taxonomy_version_id = r.taxonomy_version_id AND c.parent_id = r.category_id)
		ORDER BY r.category_id LIMIT 1`)
	yes := true
	cases := []struct {
		name string
		f    dealgate.AgreementFilter
	}{
		{"active-cloud-services-by-expiry", dealgate.AgreementFilter{Status: dealgate.StatusActive, Kind: dealgate.AgreementCloudServices, Sort: "expires_on"}},
		{"expiring-90-days", dealgate.AgreementFilter{ExpiringWithinDays: 90, Sort: "expires_on"}},
		{"party-by-title", dealgate.AgreementFilter{PartyID: party, Sort: "title"}},
		{"category-binding-newest", dealgate.AgreementFilter{CategoryID: category, Binding: &yes, Sort: "updated_at", Desc: true}},
		{"partnerships-page-20-by-party", dealgate.AgreementFilter{Kind: dealgate.AgreementPartnership, Sort: "party", Page: 20}},
		{"all-by-value-desc", dealgate.AgreementFilter{Sort: "value", Desc: true}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchList(b, reg, c.f) })
	}
}

func BenchmarkAgreementSearch(b *testing.B) {
	_, reg := scale(b)
	cases := []struct {
		name string
		f    dealgate.AgreementFilter
	}{
		{"two-words", dealgate.AgreementFilter{Query: "exclusive speech recognition"}},
		{"phrase", dealgate.AgreementFilter{Query: `"agent hosting" notice`}},
		{"party-name", dealgate.AgreementFilter{Query: "Cobalt Analytics"}},
		{"with-filters", dealgate.AgreementFilter{Query: "consent model weights", Status: dealgate.StatusActive, Kind: dealgate.AgreementLicence}},
		{"common-word", dealgate.AgreementFilter{Query: "exclusive"}},
		{"page-3-by-title", dealgate.AgreementFilter{Query: "preferred provider inference", Sort: "title", Page: 3}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) { benchList(b, reg, c.f) })
	}
}

// TestSearchAndListPlansUseIndexes loads a smaller scale set (20,000
// clauses), analyses it and checks that the search never scans the clause
// table sequentially and that list filters use their indexes.
func TestSearchAndListPlansUseIndexes(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := demo.LoadScale(ctx, db, demo.ScaleOptions{Parties: 1000, Agreements: 4000, Clauses: 20000, Categories: 400, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	explain := func(f dealgate.AgreementFilter) string {
		t.Helper()
		var plan string
		err := db.InTx(ctx, func(tx *postgres.Tx) error {
			var err error
			plan, err = tx.ExplainListAgreements(ctx, f, true)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return plan
	}
	searches := []dealgate.AgreementFilter{
		{Query: "exclusive speech recognition"},
		{Query: "exclusive"},
		{Query: `"agent hosting" -consent`, Status: dealgate.StatusActive, Sort: "expires_on"},
		{Query: "notice", Page: 400}, // past the end, so the count runs too
	}
	for _, f := range searches {
		plan := explain(f)
		if strings.Contains(plan, "Seq Scan on clause") {
			t.Errorf("search %q scans clause sequentially:\n%s", f.Query, plan)
		}
		// (The agreement side may be a sequential scan for a common word on
		// a small table; that is the planner's sound choice.)
		if !strings.Contains(plan, "Bitmap Index Scan on clause_search_idx") {
			t.Errorf("search %q does not use the clause full-text index:\n%s", f.Query, plan)
		}
	}
	lists := []struct {
		f     dealgate.AgreementFilter
		index string
	}{
		{dealgate.AgreementFilter{Sort: "expires_on", ExpiringWithinDays: 30}, "agreement_filters_idx"},
		{dealgate.AgreementFilter{Sort: "title"}, "agreement_title_idx"},
	}
	for _, l := range lists {
		plan := explain(l.f)
		if strings.Contains(plan, "Seq Scan on clause") {
			t.Errorf("list %+v scans clause sequentially:\n%s", l.f, plan)
		}
		if !strings.Contains(plan, l.index) {
			t.Errorf("list %+v does not use %s:\n%s", l.f, l.index, plan)
		}
	}
	if testing.Verbose() {
		fmt.Println(explain(dealgate.AgreementFilter{Query: "exclusive speech recognition"}))
	}
}
