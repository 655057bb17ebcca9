package demo_test

import "context"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

func init() { postgres.PasswordParams = postgres.TestPasswordParams }

func TestDemoRegisterLoadsOnceAndTellsTheStory(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	res, err := demo.Load(ctx, db, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(res.Applied, ","), "0003_register") {
		t.Fatalf("applied %v", res.Applied)
	}
	count := func() (parties, agreements, clauses, categories int) {
		t.Helper()
		err := db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM party), (SELECT count(*) FROM agreement),
			(SELECT count(*) FROM clause), (SELECT count(*) FROM category)`).Scan(&parties, &agreements, &clauses, &categories)
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	p1, a1, c1, k1 := count()
	if p1 < 10 || a1 < 10 || c1 < 10 || k1 < 12 {
		t.Errorf("demo register is thin: %d parties, %d agreements, %d clauses, %d categories", p1, a1, c1, k1)
	}
	again, err := demo.Load(ctx, db, false)
	if err != nil || len(again.Applied) != 0 {
		t.Fatalf("second load applied %v (%v)", again.Applied, err)
	}
	if p2, a2, c2, k2 := count(); p2 != p1 || a2 != a1 || c2 != c1 || k2 != k1 {
		t.Errorf("second load changed counts")
	}

	reg := postgres.NewRegister(db)
	auditor := &dealgate.User{ID: 0, Email: "t@example.test", Roles: []dealgate.Role{dealgate.RoleAuditor}, Status: dealgate.UserActive}
	tax, err := reg.CurrentTaxonomy(ctx, auditor)
	if err != nil || tax.Version.Number != 1 {
		t.Fatalf("taxonomy %v %v", tax, err)
	}
	apis, ok := tax.ByKey("stateless-model-apis")
	if !ok || tax.PathString(apis.ID) != "AI services › Foundation models › Stateless model APIs" || len(apis.ExclusionExamples) == 0 {
		t.Errorf("stateless model APIs: %+v", apis)
	}
	page, err := reg.ListAgreements(ctx, auditor, dealgate.AgreementFilter{Query: "exclusive host stateless"})
	if err != nil || page.Total == 0 || page.Items[0].Title != "Azurine strategic partnership" {
		t.Fatalf("search %+v %v", page, err)
	}
	a := page.Items[0]
	if a.Value == nil || a.Value.String() != "USD 11,000,000,000.00" || a.OwnerID == nil || a.Status != dealgate.StatusActive || !a.Binding {
		t.Errorf("partnership %+v", a)
	}
	clauses, _ := reg.Clauses(ctx, auditor, a.ID, false)
	var sentences []string
	for _, c := range clauses {
		sentences = append(sentences, c.Sentence())
	}
	want := "Exclusive: Azurine Cloud is the exclusive host of Stateless model APIs worldwide from 2019-07-22 until 2032-12-31; restricts any cloud provider except Azurine Cloud."
	if len(clauses) != 3 || sentences[0] != want {
		t.Errorf("clauses:\n%s", strings.Join(sentences, "\n"))
	}
	mou, _ := reg.ListAgreements(ctx, auditor, dealgate.AgreementFilter{Kind: dealgate.AgreementMoU})
	if mou.Total != 1 || mou.Items[0].Binding {
		t.Fatalf("memorandum %+v", mou.Items)
	}
	mc, _ := reg.Clauses(ctx, auditor, mou.Items[0].ID, false)
	if len(mc) == 0 || mc[0].Kind != dealgate.ClauseNoticeRequired || mc[0].NoticeDays == nil || *mc[0].NoticeDays != 30 {
		t.Errorf("memorandum clauses %+v", mc)
	}
	fam, _ := reg.FindPartyByName(ctx, auditor, "NWS")
	family, _ := reg.CorporateFamily(ctx, auditor, fam.ID)
	if len(family) != 2 || family[0].Name != "Nimbus Inc." {
		t.Errorf("Nimbus family %+v", family)
	}
	soon, _ := reg.ExpiringSoon(ctx, auditor, 90, dealgate.PageRequest{})
	if soon.Total < 2 {
		t.Errorf("expiry watch shows %d", soon.Total)
	}
}
