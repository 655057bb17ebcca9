package postgres_test

import (
	"testing"

	"github.com/dealgate/dealgate/internal/dealgate"
)

// TestReviewVerdictFollowsScreeningAndVersions checks that the verdict kept
// on the review (migration 000046), which the review list filters and
// counts by, follows a re-screening of the current version and a new
// version, and that a verdict of an older version does not count.
func TestReviewVerdictFollowsScreeningAndVersions(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	d := e.submittedBy(t, e.counsel, "NWS", 1)
	e.open(t, d)
	conflicts := func(who string) []dealgate.ReviewListItem {
		t.Helper()
		p, err := e.reviews.ListReviews(e.ctx, e.chair, dealgate.ReviewFilter{Verdict: dealgate.ScreeningConflict})
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		if p.Total != len(p.Items) {
			t.Errorf("%s: total %d, %d rows", who, p.Total, len(p.Items))
		}
		return p.Items
	}
	sameDeals(t, "before", conflicts("before"))
	setVerdict := func(number int, verdict string) {
		t.Helper()
		if _, err := e.db.Pool.Exec(e.ctx, `UPDATE deal_version SET screening_state = $3 WHERE deal_id = $1 AND number = $2`,
			d.ID, number, verdict); err != nil {
			t.Fatal(err)
		}
	}
	setVerdict(d.CurrentVersion, "conflict")
	got := conflicts("re-screened")
	sameDeals(t, "re-screened to a conflict", got, d)
	if len(got) == 1 && got[0].Verdict != dealgate.ScreeningConflict {
		t.Errorf("row's verdict %q, want conflict", got[0].Verdict)
	}
	cur, err := e.deals.Deal(e.ctx, e.counsel, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	in := e.input()
	in.Regions, in.Worldwide = []string{"EU"}, false
	if _, err := e.deals.NewVersion(e.ctx, e.counsel, d.ID, cur.Version, in, "Narrowed to the EU"); err != nil {
		t.Fatalf("new version: %v %v", err, dealgate.ErrorFields(err))
	}
	sameDeals(t, "after a new version", conflicts("new version"))
	setVerdict(cur.CurrentVersion, "conflict") // the old version: no longer the deal's verdict
	sameDeals(t, "old version re-screened", conflicts("old version"))
	setVerdict(cur.CurrentVersion+1, "conflict")
	sameDeals(t, "new version screened to a conflict", conflicts("new version screened"), d)
}
