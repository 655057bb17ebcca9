package postgres_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// TestRetiredCategoryMoveKeepsTheTreeATree: a retired category's text stays
// editable under a retired parent, but it cannot be moved under itself or
// its own subcategory (which would make a cycle) nor outside the draft.
func TestRetiredCategoryMoveKeepsTheTreeATree(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t)
	a, err := e.reg.CreateCategory(e.ctx, e.counsel, dealgate.CategoryInput{Name: "Data services", Definition: "Data bought or licensed."})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.reg.CreateCategory(e.ctx, e.counsel, dealgate.CategoryInput{Name: "Training data", ParentID: &a.ID, Definition: "Licensed training data."})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = e.reg.RetireCategory(e.ctx, e.counsel, b.ID, b.Version); err != nil {
		t.Fatal(err)
	}
	if a, err = e.reg.RetireCategory(e.ctx, e.counsel, a.ID, a.Version); err != nil {
		t.Fatal(err)
	}
	missing := int64(987654)
	for name, parent := range map[string]*int64{"under its subcategory": &b.ID, "under itself": &a.ID, "outside the draft": &missing} {
		in := a.Input()
		in.ParentID = parent
		_, err := e.reg.UpdateCategory(e.ctx, e.counsel, a.ID, a.Version, in)
		if dealgate.ErrorCode(err) != dealgate.EINVALID || dealgate.ErrorFields(err)["parent_id"] == "" {
			t.Errorf("moving a retired category %s: %v %v", name, err, dealgate.ErrorFields(err))
		}
	}
	// Its text, and its child's under the retired parent, stay editable.
	in := b.Input()
	in.Definition = "Licences of third-party content for training."
	if _, err := e.reg.UpdateCategory(e.ctx, e.counsel, b.ID, b.Version, in); err != nil {
		t.Fatalf("edit a retired category under a retired parent: %v", err)
	}
	draft, err := e.reg.DraftTaxonomy(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := draft.Category(a.ID); got.ParentID != nil {
		t.Errorf("the refused moves changed the parent: %v", *got.ParentID)
	}
}
