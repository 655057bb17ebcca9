package postgres

// The taxonomy draft's form use cases: what a handler calls, once, for a
// category form or a category's confirmation page. Like register_form.go,
// each parses the form, validates once and returns what the page needs to
// be shown again (the category as it is now, the tree it sits in).

import "context"

import "github.com/dealgate/dealgate/internal/dealgate"

// CategoryResult is a category form's outcome: the category, and the tree
// the form places categories in, which a form shown again needs.
type CategoryResult struct {
	Category dealgate.Category
	Tree     *dealgate.Taxonomy
}

// CategoryFormTree is the tree a new category's form places it in: the
// draft, or the current version when there is no draft yet (a new draft
// copies it), or nil when nothing is published either.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Register) CategoryFormTree(ctx context.Context, actor *dealgate.User) (*dealgate.Taxonomy, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (*dealgate.Taxonomy, error) {
		return s.formTree(ctx, tx)
	})
}

func (s *Register) formTree(ctx context.Context, tx *Tx) (*dealgate.Taxonomy, error) {
	id, err := tx.Q.DraftTaxonomyVersionID(ctx)
	if err == nil {
		return tx.Taxonomy(ctx, id)
	}
	if !isNotFound(err) {
		return nil, err
	}
	id, err = tx.Q.CurrentTaxonomyVersionID(ctx)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.published.get(ctx, tx, id)
}

// CreateCategoryForm adds a category to the draft (starting one if needed)
// from its form. With any error it returns the tree of CategoryFormTree,
// read before the change, for the form shown again.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (form fields; a key already
// used), ECONFLICT (a concurrent create took the key or name).
func (s *Register) CreateCategoryForm(ctx context.Context, actor *dealgate.User, f dealgate.CategoryForm) (CategoryResult, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (CategoryResult, error) {
		var res CategoryResult
		var err error
		if res.Tree, err = s.formTree(ctx, tx); err != nil {
			return res, err
		}
		var v dealgate.Validation
		in := f.Input(&v, true)
		if err := v.Err(); err != nil {
			return res, err
		}
		res.Category, err = tx.CreateCategory(ctx, actor, in)
		return res, err
	})
}

// UpdateCategoryForm changes a category of the draft, opened at version,
// from its form. It returns the category as it is now and the draft's tree
// with any error but ENOTFOUND (on ECONFLICT, the category as someone else
// saved it). It never starts a draft.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (no draft, or no such
// category in it), EINVALID, ECONFLICT.
func (s *Register) UpdateCategoryForm(ctx context.Context, actor *dealgate.User, id, version int64, f dealgate.CategoryForm) (CategoryResult, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (CategoryResult, error) {
		res, err := tx.draftCategory(ctx, id)
		if err != nil {
			return res, err
		}
		var v dealgate.Validation
		in := f.Input(&v, false)
		if err := v.Err(); err != nil {
			return res, err
		}
		if err := dealgate.CheckVersion(version); err != nil {
			return res, err
		}
		cat, err := tx.UpdateCategory(ctx, actor, id, version, in)
		if cat.ID != 0 {
			res.Category = cat
		}
		return res, err
	})
}

// SetCategoryRetiredForm retires (retire) or restores a category of the
// draft from its confirmation page, opened at version. It returns the
// category as it is now with any error but ENOTFOUND. A category already
// retired (or restored) is ECONFLICT: the action no longer applies.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (no draft, or no such
// category in it), EINVALID (no version; live subcategories; a parent that
// is retired), ECONFLICT.
func (s *Register) SetCategoryRetiredForm(ctx context.Context, actor *dealgate.User, id, version int64, retire bool) (dealgate.Category, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Category, error) {
		res, err := tx.draftCategory(ctx, id)
		current := res.Category
		if err != nil {
			return current, err
		}
		if err := dealgate.CheckVersion(version); err != nil {
			return current, err
		}
		if current.Retired == retire {
			return current, dealgate.NoLongerApplies("category")
		}
		cat, err := tx.setCategoryRetired(ctx, actor, id, version, retire)
		if cat.ID == 0 {
			cat = current
		}
		return cat, err
	})
}

// draftCategory locks the draft and returns category id as the draft has
// it, with the draft's tree.
func (tx *Tx) draftCategory(ctx context.Context, id int64) (CategoryResult, error) {
	var res CategoryResult
	d, err := tx.Q.LockDraftTaxonomy(ctx)
	if isNotFound(err) {
		return res, dealgate.Errorf(dealgate.ENOTFOUND, "There is no draft taxonomy. Start one to change categories.")
	}
	if err != nil {
		return res, err
	}
	if res.Tree, err = tx.Taxonomy(ctx, d.ID); err != nil {
		return res, err
	}
	cat, ok := res.Tree.Category(id)
	if !ok {
		return res, dealgate.Errorf(dealgate.ENOTFOUND, "No such category in the draft.")
	}
	res.Category = cat
	return res, nil
}

// DraftReview is the draft with what it changes: the published version it
// started from (nil: an empty taxonomy) and the changes from that.
type DraftReview struct {
	Draft   *dealgate.Taxonomy
	Base    *dealgate.Taxonomy
	Changes []dealgate.TaxonomyChange
}

// TaxonomyDraftReview returns the draft and what it changes, for the pages
// that show, publish or discard it.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (no draft).
func (s *Register) TaxonomyDraftReview(ctx context.Context, actor *dealgate.User) (DraftReview, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (DraftReview, error) {
		return s.draftReview(ctx, tx)
	})
}

func (s *Register) draftReview(ctx context.Context, tx *Tx) (DraftReview, error) {
	var r DraftReview
	id, err := tx.Q.DraftTaxonomyVersionID(ctx)
	if err != nil {
		return r, orNotFound(err, "taxonomy draft")
	}
	if r.Draft, err = tx.Taxonomy(ctx, id); err != nil {
		return r, err
	}
	base := dealgate.NewTaxonomy(dealgate.TaxonomyVersion{}, nil)
	if b := r.Draft.Version.BasedOnID; b != nil {
		if r.Base, err = s.published.get(ctx, tx, *b); err != nil {
			return r, err
		}
		base = r.Base
	}
	r.Changes = dealgate.DiffTaxonomies(base, r.Draft)
	return r, nil
}

// PublishResult is the publish form's outcome: the version published, or
// with an error the draft as it is now with what it changes.
type PublishResult struct {
	Published dealgate.TaxonomyVersion
	DraftReview
}

// PublishTaxonomyForm publishes the draft from its publish form: version is
// the draft's version as the admin reviewed it.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (no draft), EINVALID (no
// version, no change note, nothing changed), ECONFLICT (the draft changed).
func (s *Register) PublishTaxonomyForm(ctx context.Context, actor *dealgate.User, version int64, changeNote string) (PublishResult, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActTaxonomyPublish, func(tx *Tx) (PublishResult, error) {
		var res PublishResult
		var err error
		if res.DraftReview, err = s.draftReview(ctx, tx); err != nil {
			return res, err
		}
		if err := dealgate.CheckVersion(version); err != nil {
			return res, err
		}
		res.Published, err = tx.PublishTaxonomy(ctx, actor, version, changeNote)
		return res, err
	})
}
