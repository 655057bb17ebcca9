package server_test

import "context"
import "strconv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// The agreement list filtered by a category, and the category's page, find
// an agreement whose clause covers the category's parent, and label it with
// the path that matched.
func TestCategoryCoverPathOnListAndCategoryPage(t *testing.T) {
	t.Parallel()
	rs := newRegisterSetup(t)
	ctx, reg := context.Background(), postgres.NewRegister(rs.app.db)
	platforms, err := reg.CreateCategory(ctx, rs.admin, dealgate.CategoryInput{Name: "Agentic platforms", Definition: "Platforms for agents."})
	if err != nil {
		t.Fatal(err)
	}
	hosting, err := reg.CreateCategory(ctx, rs.admin, dealgate.CategoryInput{Name: "Managed agent runtimes", ParentID: &platforms.ID, Definition: "Hosted agent runtimes."})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := reg.StartTaxonomyDraft(ctx, rs.admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.PublishTaxonomy(ctx, rs.admin, draft.Version, "Agentic platforms"); err != nil {
		t.Fatal(err)
	}
	memo := rs.agreement(t, "Memorandum on agentic platforms", dealgate.StatusActive, "")
	if _, err := reg.CreateClause(ctx, rs.admin, memo.ID, dealgate.ClauseInput{Kind: dealgate.ClauseRightOfFirstNegotiation,
		BeneficiaryID: rs.cloud.ID, CategoryIDs: []int64{platforms.ID}, Scope: dealgate.RestrictAny, Worldwide: true,
		Section: "3", Text: "First negotiation on agentic platforms."}); err != nil {
		t.Fatal(err, dealgate.ErrorFields(err))
	}
	rs.agreement(t, "Unrelated supply", dealgate.StatusActive, "")

	const want = "via Agentic platforms → Managed agent runtimes (§3)"
	list := rs.app.getWith(rs.member, "/agreements?category="+strconv.FormatInt(hosting.ID, 10)).doc(t)
	if n := list.Find(`[data-testid="agreement-row"]`).Length(); n != 1 {
		t.Fatalf("%d rows under the subcategory", n)
	}
	if got := list.Find(`[data-testid="agreement-cover"]`).Text(); !strings.Contains(got, want) {
		t.Errorf("list label %q, want %q", got, want)
	}
	// Unfiltered, rows carry no label.
	if n := rs.app.getWith(rs.member, "/agreements").doc(t).Find(`[data-testid="agreement-cover"]`).Length(); n != 0 {
		t.Errorf("%d labels without a category filter", n)
	}

	page := rs.app.getWith(rs.member, "/taxonomy/categories/"+strconv.FormatInt(hosting.ID, 10)).doc(t)
	rows := page.Find(`[data-testid="covering-row"]`)
	if rows.Length() != 1 || !strings.Contains(rows.Find("a").Text(), "Memorandum on agentic platforms") ||
		strings.TrimSpace(rows.Find(`[data-testid="covering-path"]`).Text()) != want {
		t.Errorf("category page lists %q", rows.Text())
	}
	if href, _ := page.Find(`[data-testid="category-agreements"]`).Attr("href"); href != "/agreements?category="+strconv.FormatInt(hosting.ID, 10) {
		t.Errorf("link to the list %q", href)
	}
	// A category nothing covers says so.
	empty := rs.app.getWith(rs.member, "/taxonomy/categories/"+strconv.FormatInt(rs.statelessAPIs.ID, 10)).doc(t)
	if empty.Find(`[data-testid="covering-row"]`).Length() != 0 || !strings.Contains(empty.Find(`[data-testid="category-covering"]`).Text(), "No live clause covers") {
		t.Errorf("empty category page: %q", empty.Find(`[data-testid="category-covering"]`).Text())
	}
}
