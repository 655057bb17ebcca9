package demo_test

import "context"
import "testing"

import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/pgtest"

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

func TestDemoReviewsCoverEveryState(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, db, false); err != nil {
		t.Fatal(err)
	}
	var open, decided, closed, queued int
	err := db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state = 'open'), count(*) FILTER (WHERE state = 'decided'),
		count(*) FILTER (WHERE state = 'closed'),
		(SELECT count(*) FROM deal d WHERE d.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM review r WHERE r.deal_id = d.id))
		FROM review`).Scan(&open, &decided, &closed, &queued)
	if err != nil {
		t.Fatal(err)
	}
	if open < 1 || decided < 1 || closed < 1 || queued < 1 {
		t.Fatalf("reviews: %d open, %d decided, %d closed, %d deals in the queue", open, decided, closed, queued)
	}
	// The decided review had a recusal by declared interest and one by the member.
	var selfRecused, declared int
	err = db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE m.recused_at IS NOT NULL),
		count(*) FILTER (WHERE EXISTS (SELECT 1 FROM interest_declaration i WHERE i.user_id = m.user_id))
		FROM review r JOIN review_member m ON m.review_id = r.id WHERE r.state = 'decided'`).Scan(&selfRecused, &declared)
	if err != nil || selfRecused != 1 || declared != 1 {
		t.Fatalf("decided review recusals: %d self, %d declared, %v", selfRecused, declared, err)
	}
}
