package postgres_test

import "maps"
import "slices"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

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

// Each agreement the category filter finds is labelled with the clause and
// the path that matched, on the engine's relation: the nearest covered
// category above the filtered one, else the path down to one below it.
func TestCategoryFilterLabelsTheMatchedPath(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	memo := e.mustAgreement(t, dealgate.AgreementInput{Title: "Memorandum on agentic platforms"})
	e.mustClause(t, memo.ID, dealgate.ClauseInput{Kind: dealgate.ClauseRightOfFirstNegotiation, Section: "3", CategoryIDs: []int64{e.agentic}, Text: "First negotiation."})
	// Two clauses: the one on the category itself labels the agreement.
	both := e.mustAgreement(t, dealgate.AgreementInput{Title: "Hosting and AI services"})
	e.mustClause(t, both.ID, dealgate.ClauseInput{Section: "1", CategoryIDs: []int64{e.ai}, Text: "AI services."})
	e.mustClause(t, both.ID, dealgate.ClauseInput{Section: "2", CategoryIDs: []int64{e.hosting}, Text: "Hosting."})
	apis := e.mustAgreement(t, dealgate.AgreementInput{Title: "Stateless API exclusivity"})
	e.mustClause(t, apis.ID, dealgate.ClauseInput{Section: "4.2", CategoryIDs: []int64{e.apis}, Text: "Exclusive host."})

	label := func(it dealgate.AgreementListItem) string {
		if it.Cover == nil {
			return "none"
		}
		var names []string
		for _, c := range it.Cover.Path {
			names = append(names, c.Name)
		}
		out := "§" + it.Cover.Section + " " + strings.Join(names, " > ")
		if it.Cover.Broader {
			out += " (broader)"
		}
		return out
	}
	for _, tc := range []struct {
		category int64
		want     map[string]string
	}{
		{e.hosting, map[string]string{
			"Memorandum on agentic platforms": "§3 Agentic platforms > Agent hosting",
			"Hosting and AI services":         "§2 Agent hosting",
		}},
		{e.models, map[string]string{
			"Hosting and AI services":   "§1 AI services > Foundation models",
			"Stateless API exclusivity": "§4.2 Foundation models > Stateless model APIs (broader)",
		}},
	} {
		page, err := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{CategoryID: tc.category})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, it := range page.Items {
			got[it.Title] = label(it)
		}
		if !maps.Equal(got, tc.want) {
			t.Errorf("category %d: %v, want %v", tc.category, got, tc.want)
		}
	}
	// Without the filter, no labels.
	page, err := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		if it.Cover != nil {
			t.Errorf("%s labelled without a category filter", it.Title)
		}
	}
}
