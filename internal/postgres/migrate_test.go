package postgres_test

import "context"
import "sync"
import "testing"

import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// TestMigrateUpConcurrently starts several "instances" migrating an empty
// database at once: golang-migrate's advisory lock must make each migration
// run exactly once and all of them succeed.
func TestMigrateUpConcurrently(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	url := db.Pool.Config().ConnString()
	if err := postgres.MigrateDown(url, postgres.MigrationCount()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if st, err := db.SchemaStatus(ctx); err != nil || st.Current != 0 {
		t.Fatalf("after full rollback: %+v %v", st, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = postgres.MigrateUp(url) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
	st, err := db.SchemaStatus(ctx)
	if err != nil || !st.Ready() {
		t.Fatalf("after concurrent up: %s %v", st, err)
	}
}
