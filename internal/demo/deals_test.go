package demo_test

import (
	"context"
	"testing"

	"github.com/dealgate/dealgate/internal/demo"
	"github.com/dealgate/dealgate/internal/pgtest"
)

func TestDemoDealsCoverEveryState(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, false); err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	rows, err := db.Pool.Query(ctx, `SELECT status, count(*) FROM deal GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			t.Fatal(err)
		}
		states[st] = n
	}
	if states["draft"] < 1 || states["submitted"] < 1 || states["withdrawn"] < 1 {
		t.Fatalf("deal states: %v", states)
	}
	var versions, superseded, attachments int
	err = db.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE superseded_at IS NOT NULL),
		(SELECT count(*) FROM deal_attachment)
		FROM deal_version v JOIN deal d ON d.id = v.deal_id
		WHERE d.title = 'Frontier agent hosting with Nimbus Web Services'`).Scan(&versions, &superseded, &attachments)
	if err != nil || versions != 2 || superseded != 1 || attachments != 1 {
		t.Fatalf("the story's deal: %d versions, %d superseded, %d attachments, %v", versions, superseded, attachments, err)
	}
	again, err := demo.Load(ctx, db, false)
	if err != nil || len(again.Applied) != 0 {
		t.Fatalf("second load: %+v %v", again, err)
	}
}
