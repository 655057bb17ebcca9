package postgres_test

import "bytes"
import "context"
import "strconv"
import "strings"
import "sync"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

type dealEnv struct {
	*regEnv
	deals            *postgres.Deals
	counsel2, member *dealgate.User
}

func newDealEnv(t testing.TB) *dealEnv {
	t.Helper()
	e := &dealEnv{regEnv: newRegEnv(t).withStory(t)}
	e.deals = postgres.NewDeals(e.db, e.reg)
	e.counsel2 = regUser(t, e.db, "counsel2@example.test", dealgate.RoleCounsel)
	e.member = regUser(t, e.db, "member@example.test", dealgate.RoleMember)
	// A fixed day, so "after today" does not depend on when the test runs.
	e.db.Now = func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }
	return e
}

func (e *dealEnv) input() dealgate.DealInput {
	return dealgate.DealInput{
		Title: "Agent hosting with Nimbus", Counterparty: "NWS", CategoryIDs: []string{strconv.FormatInt(e.hosting, 10)},
		Description: "Nimbus hosts our agents.", Rationale: "Multi-cloud redundancy.", Value: "2000000", Currency: "USD",
		TermStart: "2027-01-01", TermEnd: "2029-12-31", Worldwide: true, NegotiationStart: "2026-12-10", Sponsor: "Head of Platform",
	}
}

func token(n int) string { return "deal-test-token-" + strconv.Itoa(n) + "-0000000000" }

func (e *dealEnv) submitted(t *testing.T) dealgate.Deal {
	t.Helper()
	d, err := e.deals.CreateDraft(e.ctx, e.counsel, token(int(time.Now().UnixNano()%1e9)), dealgate.DealInput{Title: "Draft"})
	if err != nil {
		t.Fatal(err)
	}
	d, err = e.deals.Submit(e.ctx, e.counsel, d.ID, d.Version, e.input())
	if err != nil {
		t.Fatalf("submit: %v %v", err, dealgate.ErrorFields(err))
	}
	return d
}

func TestDealDraftLifecycleAndVisibility(t *testing.T) {
	t.Parallel()
	e := newDealEnv(t)
	d, err := e.deals.CreateDraft(e.ctx, e.counsel, token(1), dealgate.DealInput{Title: "Early idea"})
	if err != nil {
		t.Fatal(err)
	}
	// The same form token creates nothing a second time.
	if _, err := e.deals.CreateDraft(e.ctx, e.counsel, token(1), dealgate.DealInput{Title: "Early idea"}); dealgate.ErrorCode(err) != dealgate.ECONFLICT {
		t.Fatalf("second create with the same token: %v", err)
	}
	// A failed create does not use up its token: it rolls back with it.
	if _, err := e.deals.CreateDraft(e.ctx, e.counsel, token(2), dealgate.DealInput{}); dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Fatalf("untitled draft: %v", err)
	}
	if _, err := e.deals.CreateDraft(e.ctx, e.counsel, token(2), dealgate.DealInput{Title: "Fixed"}); err != nil {
		t.Fatalf("token of a failed create: %v", err)
	}
	for _, who := range []*dealgate.User{e.counsel2, e.member, e.admin, e.auditor} {
		if _, err := e.deals.Deal(e.ctx, who, d.ID); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
			t.Errorf("%s sees the draft: %v", who.Email, err)
		}
	}
	if _, err := e.deals.UpdateDraft(e.ctx, e.counsel2, d.ID, d.Version, e.input()); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("other counsel edits the draft: %v", err)
	}
	if _, err := e.deals.Share(e.ctx, e.counsel, d.ID, dealgate.ShareInput{Email: "member@example.test", Access: dealgate.ShareRead}); dealgate.ErrorFields(err)["email"] == "" {
		t.Errorf("shared with a non-counsel: %v", err)
	}
	d, err = e.deals.Share(e.ctx, e.counsel, d.ID, dealgate.ShareInput{Email: "Counsel2@example.test", Access: dealgate.ShareRead})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.deals.Deal(e.ctx, e.counsel2, d.ID); err != nil {
		t.Errorf("shared counsel cannot read: %v", err)
	}
	if _, err := e.deals.UpdateDraft(e.ctx, e.counsel2, d.ID, d.Version, e.input()); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("read-only share edits: %v", err)
	}
	page, err := e.deals.ListDeals(e.ctx, e.counsel2, dealgate.DealFilter{})
	if err != nil || page.Total != 1 || page.Items[0].ID != d.ID {
		t.Fatalf("counsel2's deals: %+v %v", page, err)
	}
	if err := e.deals.DeleteDraft(e.ctx, e.counsel2, d.ID, d.Version); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("shared counsel deletes: %v", err)
	}
	if err := e.deals.DeleteDraft(e.ctx, e.counsel, d.ID, d.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := e.deals.Deal(e.ctx, e.counsel, d.ID); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("deleted draft: %v", err)
	}
	var n int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_event WHERE entity_type = 'deal' AND action = 'deal.deleted'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("deletion audit events: %d %v", n, err)
	}
}

func TestDealSubmitVersionsAndWithdraw(t *testing.T) {
	t.Parallel()
	e := newDealEnv(t)
	d, err := e.deals.CreateDraft(e.ctx, e.counsel, token(3), dealgate.DealInput{Title: "Half done", Counterparty: "Nimbus"})
	if err != nil {
		t.Fatal(err)
	}
	// Incomplete: refused by field, nothing changes.
	_, err = e.deals.Submit(e.ctx, e.counsel, d.ID, d.Version, dealgate.DealInput{Title: "Half done", NegotiationStart: "2026-11-30"})
	if f := dealgate.ErrorFields(err); f["negotiation_start"] == "" || f["categories"] == "" || f["counterparty"] == "" {
		t.Fatalf("incomplete submit: %v", f)
	}
	if cur, _ := e.deals.Deal(e.ctx, e.counsel, d.ID); cur.Status != dealgate.DealDraft || cur.Version != d.Version {
		t.Fatalf("refused submission changed the deal: %+v", cur)
	}
	// Forged category ID.
	bad := e.input()
	bad.CategoryIDs = []string{"99999"}
	if _, err := e.deals.Submit(e.ctx, e.counsel, d.ID, d.Version, bad); dealgate.ErrorFields(err)["categories"] == "" {
		t.Fatalf("forged category: %v", err)
	}
	// Two submissions at once: one version.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.deals.Submit(e.ctx, e.counsel, d.ID, d.Version, e.input())
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) || dealgate.ErrorCode(firstErr(errs)) != dealgate.ECONFLICT {
		t.Fatalf("double submission: %v", errs)
	}
	d, vs, err := e.deals.Versions(e.ctx, e.member, d.ID)
	if err != nil || len(vs) != 1 || d.Status != dealgate.DealSubmitted {
		t.Fatalf("after submission: %+v %d %v", d, len(vs), err)
	}
	if vs[0].TaxonomyVersionID == nil || vs[0].Screening != dealgate.ScreeningClear || vs[0].Content.Counterparty.ID != e.nimbus.ID {
		t.Fatalf("version 1: %+v", vs[0])
	}
	// Submitted deals: the committee sees them; other counsel still do not.
	if _, err := e.deals.Deal(e.ctx, e.counsel2, d.ID); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("other counsel sees a submitted deal: %v", err)
	}
	// Not edited in place.
	if _, err := e.deals.UpdateDraft(e.ctx, e.counsel, d.ID, d.Version, e.input()); dealgate.ErrorCode(err) != dealgate.ECONFLICT {
		t.Errorf("draft edit after submission: %v", err)
	}
	// A change without a note is refused; a small value change is not material.
	in := e.input()
	in.Value = "2100000"
	if _, err := e.deals.NewVersion(e.ctx, e.counsel, d.ID, d.Version, in, ""); dealgate.ErrorFields(err)["change_note"] == "" {
		t.Fatalf("no change note: %v", err)
	}
	d, err = e.deals.NewVersion(e.ctx, e.counsel, d.ID, d.Version, in, "Value updated.")
	if err != nil {
		t.Fatal(err)
	}
	in.Counterparty = "Azurine"
	d, err = e.deals.NewVersion(e.ctx, e.counsel, d.ID, d.Version, in, "Azurine instead.")
	if err != nil {
		t.Fatal(err)
	}
	_, vs, _ = e.deals.Versions(e.ctx, e.counsel, d.ID)
	if len(vs) != 3 || len(vs[1].Material) != 0 || strings.Join(vs[2].Material, ",") != "Counterparty" {
		t.Fatalf("versions: %+v", vs)
	}
	if vs[0].SupersededBy != 3 || vs[1].SupersededBy != 3 || vs[2].SupersededAt != nil {
		t.Fatalf("superseded: %d %d %v", vs[0].SupersededBy, vs[1].SupersededBy, vs[2].SupersededAt)
	}
	if _, err := e.deals.Withdraw(e.ctx, e.counsel, d.ID, d.Version, " "); dealgate.ErrorFields(err)["reason"] == "" {
		t.Fatalf("withdraw without reason: %v", err)
	}
	d, err = e.deals.Withdraw(e.ctx, e.counsel, d.ID, d.Version, "Strategy changed.")
	if err != nil || d.Status != dealgate.DealWithdrawn {
		t.Fatalf("withdraw: %v %v", d.Status, err)
	}
	if _, err := e.deals.NewVersion(e.ctx, e.counsel, d.ID, d.Version, in, "After withdrawal"); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Errorf("new version of a withdrawn deal: %v", err)
	}
	// Five deal events and the screening of each of its three versions.
	hist, err := e.deals.History(e.ctx, e.auditor, d.ID)
	if err != nil || len(hist) != 8 || hist[0].Action != "deal.withdrawn" {
		t.Fatalf("history: %d %v", len(hist), err)
	}
}

func firstErr(errs []error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func TestDealProposesNewPartyAndAttachments(t *testing.T) {
	t.Parallel()
	e := newDealEnv(t)
	in := e.input()
	in.Counterparty, in.NewCounterparty, in.NewCounterpartyKind = "Stratus Compute", true, dealgate.PartyCloudProvider
	d, err := e.deals.CreateDraft(e.ctx, e.counsel, token(4), in)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.reg.FindPartyByName(e.ctx, e.counsel, "stratus compute")
	if err != nil || d.Content.Counterparty == nil || d.Content.Counterparty.ID != p.ID {
		t.Fatalf("proposed party: %v %+v", err, d.Content.Counterparty)
	}
	if _, err := e.deals.AddAttachment(e.ctx, e.counsel, d.ID, token(5), "evil.pdf", strings.NewReader("MZ\x90\x00binary")); dealgate.ErrorFields(err)["file"] == "" {
		t.Fatalf("disguised upload: %v", err)
	}
	a, err := e.deals.AddAttachment(e.ctx, e.counsel, d.ID, token(6), "terms.pdf", bytes.NewReader([]byte("%PDF-1.4 terms")))
	if err != nil || a.ContentType != dealgate.ContentTypePDF || len(a.SHA256) != 32 {
		t.Fatalf("attachment: %+v %v", a, err)
	}
	if _, _, err := e.deals.DownloadAttachment(e.ctx, e.counsel2, a.ID, true); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("other counsel downloads a draft's attachment: %v", err)
	}
	count := func() (n int) {
		_ = e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_event WHERE action = 'deal_attachment.downloaded'`).Scan(&n)
		return n
	}
	if _, _, err := e.deals.DownloadAttachment(e.ctx, e.counsel, a.ID, false); err != nil || count() != 0 {
		t.Errorf("HEAD-style read recorded a download: %v %d", err, count())
	}
	if _, _, err := e.deals.DownloadAttachment(e.ctx, e.counsel, a.ID, true); err != nil || count() != 1 {
		t.Errorf("download not recorded: %v %d", err, count())
	}
	if !strings.HasPrefix(a.DownloadName(), "deal-"+strconv.FormatInt(d.ID, 10)+"-terms-") {
		t.Errorf("download name %q", a.DownloadName())
	}
}

func TestDealListFiltersAndScopes(t *testing.T) {
	t.Parallel()
	e := newDealEnv(t)
	s := e.submitted(t)
	if _, err := e.deals.CreateDraft(e.ctx, e.counsel, token(7), dealgate.DealInput{Title: "Quiet draft"}); err != nil {
		t.Fatal(err)
	}
	mine, err := e.deals.ListDeals(e.ctx, e.counsel, dealgate.DealFilter{Sort: "title"})
	if err != nil || mine.Total != 2 || mine.Items[0].Content.Title != "Agent hosting with Nimbus" {
		t.Fatalf("mine: %+v %v", mine.Items, err)
	}
	soon, err := e.deals.ListDeals(e.ctx, e.counsel, dealgate.DealFilter{Negotiation: "soon"})
	if err != nil || soon.Total != 1 || soon.Items[0].ID != s.ID || soon.Items[0].Screening != dealgate.ScreeningClear {
		t.Fatalf("negotiation within 14 days: %+v", soon.Items)
	}
	all, err := e.deals.ListDeals(e.ctx, e.member, dealgate.DealFilter{AllDeals: true})
	if err != nil || all.Total != 1 || all.Items[0].ID != s.ID {
		t.Fatalf("committee sees: %+v", all.Items)
	}
	// Counsel without a committee role cannot widen their scope.
	other, err := e.deals.ListDeals(e.ctx, e.counsel2, dealgate.DealFilter{AllDeals: true})
	if err != nil || other.Total != 0 {
		t.Fatalf("other counsel sees %d deals", other.Total)
	}
	q, err := e.deals.ListDeals(e.ctx, e.counsel, dealgate.DealFilter{Query: "quiet", Status: dealgate.DealDraft})
	if err != nil || q.Total != 1 {
		t.Fatalf("title filter: %d", q.Total)
	}
	// The rows come back in the list's order, and a page past the end still
	// counts the whole list (no row carries the count there).
	desc, err := e.deals.ListDeals(e.ctx, e.counsel, dealgate.DealFilter{Sort: "title", Desc: true})
	if err != nil || len(desc.Items) != 2 || desc.Items[0].Content.Title != "Quiet draft" || desc.Items[1].ID != s.ID {
		t.Fatalf("by title, descending: %+v %v", desc.Items, err)
	}
	past, err := e.deals.ListDeals(e.ctx, e.counsel, dealgate.DealFilter{Page: 99})
	if err != nil || len(past.Items) != 0 || past.Total != 2 {
		t.Fatalf("page 99: %d items of %d, %v", len(past.Items), past.Total, err)
	}
}
