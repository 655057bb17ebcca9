package demo_test

import "context"
import "testing"

import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// The scale seeder writes no screening records, so its versions stay
// "awaiting" (and so do their reviews' verdicts): the first real re-screen
// records the first verdicts and tells nobody of a "change", and the
// reviews then carry the real verdicts the review list filters by.
func TestScaleSeedLeavesVersionsToTheFirstScreening(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := demo.LoadScale(ctx, db, demo.ScaleOptions{Parties: 60, Agreements: 80, Clauses: 400, Categories: 20,
		Deals: 400, OpenReviews: 120, DecidedReviews: 40, CommitteeMembers: 5, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	var screened, stated, reviews, awaitingReviews int
	err := db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM screening),
		(SELECT count(*) FROM deal_version WHERE screening_state <> 'awaiting' OR screening_id IS NOT NULL),
		(SELECT count(*) FROM review), (SELECT count(*) FROM review WHERE verdict = 'awaiting')`).Scan(&screened, &stated, &reviews, &awaitingReviews)
	if err != nil {
		t.Fatal(err)
	}
	if screened != 0 || stated != 0 || reviews != 160 || awaitingReviews != reviews {
		t.Fatalf("after the scale load: %d screenings, %d versions with a state, %d of %d reviews awaiting", screened, stated, awaitingReviews, reviews)
	}
	res, err := postgres.NewScreenings(db, postgres.NewRegister(db)).RescreenOpen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var told, verdicts, mismatched, stillAwaiting int
	err = db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM notification WHERE event = 'verdict_changed'),
		(SELECT count(DISTINCT verdict) FROM review),
		(SELECT count(*) FROM review r JOIN deal d ON d.id = r.deal_id JOIN deal_version v ON v.deal_id = d.id AND v.number = d.current_version
		 WHERE r.verdict <> v.screening_state),
		(SELECT count(*) FROM review r WHERE r.state = 'open' AND r.verdict = 'awaiting')`).Scan(&told, &verdicts, &mismatched, &stillAwaiting)
	if err != nil {
		t.Fatal(err)
	}
	if res.Written == 0 || told != 0 || mismatched != 0 || stillAwaiting != 0 || verdicts < 2 {
		t.Errorf("first re-screen %+v: %d verdict_changed notifications, %d reviews off their version's verdict, %d open reviews awaiting, %d distinct verdicts",
			res, told, mismatched, stillAwaiting, verdicts)
	}
}
