package postgres_test

import "strconv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

// TestPartyRetireFormOneCall: retiring from the confirmation page is one
// call that returns the party; a repeat no longer applies, a stale or
// missing version is refused, and only one event is written.
func TestPartyRetireFormOneCall(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t)
	p := e.mustParty(t, dealgate.PartyInput{Name: "Orbital GPU", Kind: dealgate.PartyCloudProvider})
	_, err := e.reg.SetPartyRetiredForm(e.ctx, e.counsel, p.ID, 0, true)
	regWantCode(t, err, dealgate.EINVALID)
	got, err := e.reg.SetPartyRetiredForm(e.ctx, e.counsel, p.ID, p.Version+1, true)
	regWantCode(t, err, dealgate.ECONFLICT)
	if got.ID != p.ID || got.Retired() {
		t.Errorf("a stale page gets the party as it is: %+v", got)
	}
	retired, err := e.reg.SetPartyRetiredForm(e.ctx, e.counsel, p.ID, p.Version, true)
	if err != nil || !retired.Retired() || retired.Name != p.Name {
		t.Fatalf("retire: %+v %v", retired, err)
	}
	again, err := e.reg.SetPartyRetiredForm(e.ctx, e.counsel, p.ID, p.Version, true)
	regWantCode(t, err, dealgate.ECONFLICT)
	if !strings.Contains(dealgate.ErrorMessage(err), "no longer applies") || again.Name != p.Name {
		t.Errorf("double submit: %q %+v", dealgate.ErrorMessage(err), again)
	}
	if n := countActions(e.auditFor(t, dealgate.EntityParty, p.ID), "party.retired"); n != 1 {
		t.Errorf("%d party.retired events, want 1", n)
	}
	_, err = e.reg.SetPartyRetiredForm(e.ctx, e.counsel, p.ID+1000, 1, true)
	regWantCode(t, err, dealgate.ENOTFOUND)
	_, err = e.reg.SetPartyRetiredForm(e.ctx, e.auditor, p.ID, retired.Version, false)
	regWantCode(t, err, dealgate.EFORBIDDEN)
}

// TestCategoryFormsOneCall: the category forms parse, validate once and
// return the tree a form shown again needs; an edit never starts a draft.
func TestCategoryFormsOneCall(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	// No draft yet: an edit is refused and starts none.
	_, err := e.reg.UpdateCategoryForm(e.ctx, e.counsel, e.apis, 1, dealgate.CategoryForm{Name: "X", Definition: "Y."})
	regWantCode(t, err, dealgate.ENOTFOUND)
	if _, err := e.reg.DraftTaxonomy(e.ctx, e.counsel); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Fatalf("a refused edit started a draft: %v", err)
	}
	// A parent and a position that are not numbers come with the other problems.
	res, err := e.reg.CreateCategoryForm(e.ctx, e.counsel, dealgate.CategoryForm{Parent: "x", Position: "ten"})
	regWantCode(t, err, dealgate.EINVALID)
	fields := dealgate.ErrorFields(err)
	for _, f := range []string{"parent_id", "position", "name", "definition"} {
		if fields[f] == "" {
			t.Errorf("no message on %s: %v", f, fields)
		}
	}
	if res.Tree == nil || res.Tree.Version.Status != dealgate.TaxonomyPublished {
		t.Errorf("the form's tree (the current version, no draft yet) is not returned: %+v", res.Tree)
	}
	created, err := e.reg.CreateCategoryForm(e.ctx, e.counsel, dealgate.CategoryForm{
		Name: "Training compute", Definition: "GPU time for training.", Parent: strconv.FormatInt(e.compute, 10)})
	if err != nil {
		t.Fatalf("create: %v %v", err, dealgate.ErrorFields(err))
	}
	cat := created.Category
	// A stale edit answers with the category as it is now and the draft.
	f := dealgate.CategoryFormOf(cat)
	f.Definition = "Edited."
	res, err = e.reg.UpdateCategoryForm(e.ctx, e.counsel, cat.ID, cat.Version+1, f)
	regWantCode(t, err, dealgate.ECONFLICT)
	if res.Category.Version != cat.Version || res.Tree == nil || res.Tree.Version.Status != dealgate.TaxonomyDraft {
		t.Errorf("stale edit: %+v", res)
	}
	res, err = e.reg.UpdateCategoryForm(e.ctx, e.counsel, cat.ID, cat.Version, f)
	if err != nil || res.Category.Definition != "Edited." {
		t.Fatalf("edit: %+v %v", res.Category, err)
	}
	// Retiring twice: the second no longer applies.
	retired, err := e.reg.SetCategoryRetiredForm(e.ctx, e.counsel, cat.ID, res.Category.Version, true)
	if err != nil || !retired.Retired {
		t.Fatalf("retire: %+v %v", retired, err)
	}
	again, err := e.reg.SetCategoryRetiredForm(e.ctx, e.counsel, cat.ID, res.Category.Version, true)
	regWantCode(t, err, dealgate.ECONFLICT)
	if again.Key != cat.Key || !strings.Contains(dealgate.ErrorMessage(err), "no longer applies") {
		t.Errorf("double submit: %+v %v", again, err)
	}
	// A category with live subcategories cannot be retired, and says why.
	_, err = e.reg.SetCategoryRetiredForm(e.ctx, e.counsel, e.models, 1, true)
	regWantCode(t, err, dealgate.EINVALID)
	_, err = e.reg.SetCategoryRetiredForm(e.ctx, e.counsel, 999999, 1, true)
	regWantCode(t, err, dealgate.ENOTFOUND)

	// Publishing from the form: a refusal comes with the draft and its changes.
	if _, err := e.reg.CreateCategoryForm(e.ctx, e.counsel, dealgate.CategoryForm{Name: "Inference compute", Definition: "GPU time to serve models."}); err != nil {
		t.Fatal(err)
	}
	pub, err := e.reg.PublishTaxonomyForm(e.ctx, e.admin, 0, "Training compute.")
	regWantCode(t, err, dealgate.EINVALID)
	if pub.Draft == nil || pub.Base == nil || len(pub.Changes) == 0 {
		t.Fatalf("refused publish: %+v", pub.DraftReview)
	}
	_, err = e.reg.PublishTaxonomyForm(e.ctx, e.counsel, pub.Draft.Version.Version, "Training compute.")
	regWantCode(t, err, dealgate.EFORBIDDEN)
	pub, err = e.reg.PublishTaxonomyForm(e.ctx, e.admin, pub.Draft.Version.Version, "Training compute.")
	if err != nil || pub.Published.Number != 2 {
		t.Fatalf("publish: %+v %v", pub.Published, err)
	}
	_, err = e.reg.PublishTaxonomyForm(e.ctx, e.admin, pub.Published.Version, "Again.")
	regWantCode(t, err, dealgate.ENOTFOUND)
}

func countActions(rows []regAuditRow, action string) int {
	n := 0
	for _, r := range rows {
		if r.Action == action {
			n++
		}
	}
	return n
}
