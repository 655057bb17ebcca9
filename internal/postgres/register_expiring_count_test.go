package postgres_test

import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

// TestExpiringSoonCountMatchesTheList: the home page's count is the total
// of the expiry watch list, for every window.
func TestExpiringSoonCountMatchesTheList(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	today := dealgate.DateOf(time.Now().UTC())
	in := func(d int) *time.Time { t := today.AddDate(0, 0, d); return &t }
	e.mustAgreement(t, dealgate.AgreementInput{Title: "Expires in 10", ExpiresOn: in(10)})
	e.mustAgreement(t, dealgate.AgreementInput{Title: "Expires in 100", ExpiresOn: in(100)})
	e.mustAgreement(t, dealgate.AgreementInput{Title: "Draft expiring", Status: dealgate.StatusDraft, ExpiresOn: in(5)})
	short := e.mustAgreement(t, dealgate.AgreementInput{Title: "Short", ExpiresOn: in(15)})
	long := e.mustAgreement(t, dealgate.AgreementInput{Title: "Long", ExpiresOn: in(1000)})
	e.mustClause(t, long.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, ValidUntil: in(20), Text: "Short exclusivity."})
	e.mustClause(t, long.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, ValidUntil: in(200), Text: "Longer exclusivity."})
	e.mustClause(t, short.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, ValidUntil: in(12), Text: "Ends with it."})
	e.mustClause(t, long.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, Text: "Inherits."})
	for _, days := range []int{1, 11, 30, 90, 365, 3660} {
		page, err := e.reg.ExpiringSoon(e.ctx, e.auditor, days, dealgate.PageRequest{})
		if err != nil {
			t.Fatal(err)
		}
		n, err := e.reg.ExpiringSoonCount(e.ctx, e.auditor, days)
		if err != nil {
			t.Fatal(err)
		}
		if n != page.Total {
			t.Errorf("%d days: count %d, list total %d", days, n, page.Total)
		}
	}
	if n, _ := e.reg.ExpiringSoonCount(e.ctx, e.auditor, 30); n != 4 {
		t.Errorf("30 days: %d, want 4", n)
	}
	_, err := e.reg.ExpiringSoonCount(e.ctx, e.auditor, 0)
	regWantCode(t, err, dealgate.EINVALID)
	_, err = e.reg.ExpiringSoonCount(e.ctx, nil, 30)
	regWantCode(t, err, dealgate.EUNAUTHORIZED)
}
