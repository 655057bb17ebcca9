package postgres_test

import (
	"slices"
	"testing"

	"github.com/dealgate/dealgate/internal/dealgate"
)

// The "covers category" filter speaks the screening engine's relation: a
// clause on a parent category covers its subcategories unless it excludes
// them, and a clause on a subcategory shows under its parents.
func TestCategoryFilterIncludesClausesOnParentCategories(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	memo := e.mustAgreement(t, dealgate.AgreementInput{Title: "Memorandum on agentic platforms"})
	e.mustClause(t, memo.ID, dealgate.ClauseInput{Kind: dealgate.ClauseRightOfFirstNegotiation, CategoryIDs: []int64{e.agentic}, Text: "First negotiation."})
	carve := e.mustAgreement(t, dealgate.AgreementInput{Title: "AI services except foundation models"})
	e.mustClause(t, carve.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.ai}, ExcludedCategoryIDs: []int64{e.models}, Text: "Carve-out."})
	apis := e.mustAgreement(t, dealgate.AgreementInput{Title: "Stateless API exclusivity"})
	e.mustClause(t, apis.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, Text: "Exclusive host."})
	sibling := e.mustAgreement(t, dealgate.AgreementInput{Title: "Orchestration only"})
	e.mustClause(t, sibling.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.agents}, Text: "Orchestration."})
	retired := e.mustAgreement(t, dealgate.AgreementInput{Title: "Retired clause on AI services"})
	rc := e.mustClause(t, retired.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.ai}, Text: "Retired."})
	if _, err := e.reg.RetireClause(e.ctx, e.counsel, rc.ID, rc.Version); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name     string
		category int64
		want     []string
	}{
		{"subcategory of a covered parent", e.hosting, []string{"AI services except foundation models", "Memorandum on agentic platforms"}},
		{"inside an excluded category", e.apis, []string{"Stateless API exclusivity"}},
		{"the excluded category itself", e.models, []string{"Stateless API exclusivity"}},
		{"parent of covered categories", e.ai, []string{"AI services except foundation models", "Memorandum on agentic platforms", "Orchestration only", "Stateless API exclusivity"}},
		{"unrelated", e.compute, []string{}},
	} {
		page, err := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{CategoryID: tc.category})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := regTitles(page); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	// A search applies the same filter.
	for _, tc := range []struct {
		category int64
		want     []string
	}{{e.hosting, []string{"Memorandum on agentic platforms"}}, {e.apis, []string{}}} {
		page, err := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{CategoryID: tc.category, Query: "memorandum"})
		if err != nil {
			t.Fatal(err)
		}
		if got := regTitles(page); !slices.Equal(got, tc.want) {
			t.Errorf("search under %d: %q, want %q", tc.category, got, tc.want)
		}
	}
}
