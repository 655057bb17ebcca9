package postgres_test

import "context"
import "strings"
import "testing"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// TestAuditActionsSkipThroughTheIndex: the action picker's loose index scan
// must be able to use audit_event_action_idx (text_pattern_ops). With the
// default collation's ordering it cannot, and each step reads the whole
// trail: seconds per /audit page on a large trail. Sequential scans are
// switched off so the plan shows whether the index can serve the query at
// all, whatever the table's size.
func TestAuditActionsSkipThroughTheIndex(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	var plan []string
	err := pgx.BeginFunc(ctx, db.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "EXPLAIN "+postgres.AuditActionsSQL)
		if err != nil {
			return err
		}
		plan, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	// Each step must read the next action off the index in order: a Sort
	// (or a scan of the table) means it reads every event instead.
	if strings.Contains(text, "Sort") || strings.Contains(text, "Seq Scan on audit_event") || !strings.Contains(text, "audit_event_action_idx") {
		t.Fatalf("the action picker does not skip through audit_event_action_idx:\n%s", text)
	}
}
