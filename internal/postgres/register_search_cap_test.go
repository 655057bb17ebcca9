package postgres_test

import "context"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// TestBroadSearchReportsALowerBound: a word in most agreements is ranked
// over a bounded candidate set and its total says "more than 1,000"; a
// narrow search stays exact.
func TestBroadSearchReportsALowerBound(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := demo.LoadScale(ctx, db, demo.ScaleOptions{Parties: 300, Agreements: 3000, Clauses: 6000, Categories: 60, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	reader := &dealgate.User{Email: "reader@example.test", Roles: []dealgate.Role{dealgate.RoleAuditor}, Status: dealgate.UserActive}
	reg := postgres.NewRegister(db)
	exact := func(q string) int {
		var n int
		err := db.Pool.QueryRow(ctx, `
			SELECT count(DISTINCT a.id) FROM agreement a
			WHERE a.search @@ websearch_to_tsquery('english', $1)
			   OR EXISTS (SELECT 1 FROM clause c WHERE c.agreement_id = a.id AND c.retired_at IS NULL AND c.search @@ websearch_to_tsquery('english', $1))`, q).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	broad, err := reg.ListAgreements(ctx, reader, dealgate.AgreementFilter{Query: "exclusive"})
	if err != nil {
		t.Fatal(err)
	}
	if n := exact("exclusive"); n <= 1000 {
		t.Fatalf("the generated data (seed 11) matches only %d agreements, so this test no longer reaches the cap: raise the counts", n)
	}
	if !broad.TotalIsEstimate || broad.Total != 1000 || len(broad.Items) != dealgate.DefaultPerPage {
		t.Fatalf("broad search: estimate=%v total=%d items=%d", broad.TotalIsEstimate, broad.Total, len(broad.Items))
	}
	for i := 1; i < len(broad.Items); i++ {
		if broad.Items[i].Rank > broad.Items[i-1].Rank {
			t.Fatalf("results not in rank order at %d", i)
		}
	}

	narrow, err := reg.ListAgreements(ctx, reader, dealgate.AgreementFilter{Query: `"agent hosting" notice`})
	if err != nil {
		t.Fatal(err)
	}
	if narrow.TotalIsEstimate || narrow.Total != exact(`"agent hosting" notice`) {
		t.Fatalf("narrow search: estimate=%v total=%d exact=%d", narrow.TotalIsEstimate, narrow.Total, exact(`"agent hosting" notice`))
	}
}
