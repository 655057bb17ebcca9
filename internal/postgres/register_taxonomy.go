package postgres

import "context"
import "fmt"
import "sync"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// The taxonomy is edited in the one draft version. Every draft edit locks
// the draft's row first, so edits to the tree serialise and the placement
// checks (no cycles, live parent, unique sibling names) see a stable tree.

// StartTaxonomyDraft returns the draft, creating it as a copy of the current
// published version when there is none.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Register) StartTaxonomyDraft(ctx context.Context, actor *dealgate.User) (dealgate.TaxonomyVersion, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.TaxonomyVersion, error) {
		id, _, err := tx.lockDraft(ctx, actor)
		if err != nil {
			return dealgate.TaxonomyVersion{}, err
		}
		return tx.taxonomyVersion(ctx, id)
	})
}

// CreateCategory adds a category to the draft (starting one if needed).
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (fields; a key already used),
// ECONFLICT (a concurrent create took the key or name).
func (s *Register) CreateCategory(ctx context.Context, actor *dealgate.User, in dealgate.CategoryInput) (dealgate.Category, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Category, error) {
		return tx.CreateCategory(ctx, actor, in)
	})
}

// UpdateCategory changes a category in the draft: its name, definition,
// examples, position or parent (a move). version is the category's
// version as the user opened it; on a stale version the current category
// is returned with ECONFLICT.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Register) UpdateCategory(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.CategoryInput) (dealgate.Category, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Category, error) {
		return tx.UpdateCategory(ctx, actor, id, version, in)
	})
}

// RetireCategory retires a category in the draft. Clauses and deals that
// point at it keep doing so; once published, new clauses cannot choose it.
// A category with live subcategories cannot be retired: move or retire
// them first.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Register) RetireCategory(ctx context.Context, actor *dealgate.User, id, version int64) (dealgate.Category, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Category, error) {
		return tx.setCategoryRetired(ctx, actor, id, version, true)
	})
}

// RestoreCategory undoes RetireCategory in the draft; its parent must be live.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Register) RestoreCategory(ctx context.Context, actor *dealgate.User, id, version int64) (dealgate.Category, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Category, error) {
		return tx.setCategoryRetired(ctx, actor, id, version, false)
	})
}

// PublishTaxonomy publishes the draft as the next version with a change
// note. draftVersion is the draft's version as the user saw it (it changes
// with every edit), so nobody publishes edits they have not seen.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (no draft), EINVALID (no
// change note, nothing changed), ECONFLICT (the draft changed).
func (s *Register) PublishTaxonomy(ctx context.Context, actor *dealgate.User, draftVersion int64, changeNote string) (dealgate.TaxonomyVersion, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActTaxonomyPublish, func(tx *Tx) (dealgate.TaxonomyVersion, error) {
		return tx.PublishTaxonomy(ctx, actor, draftVersion, changeNote)
	})
}

// DiscardTaxonomyDraft throws the draft away, with the categories created in it.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Register) DiscardTaxonomyDraft(ctx context.Context, actor *dealgate.User, draftVersion int64) error {
	_, err := authorized(ctx, s.DB, actor, dealgate.ActTaxonomyPublish, func(tx *Tx) (struct{}, error) {
		d, err := tx.Q.LockDraftTaxonomy(ctx)
		if err != nil {
			return struct{}{}, orNotFound(err, "taxonomy draft")
		}
		before, err := tx.taxonomyVersion(ctx, d.ID)
		if err != nil {
			return struct{}{}, err
		}
		if d.Version != draftVersion {
			return struct{}{}, dealgate.StaleError("taxonomy draft", d.Version)
		}
		if err := tx.Q.DeleteTaxonomyDraft(ctx, d.ID); err != nil {
			return struct{}{}, err
		}
		if err := tx.Q.DeleteUnusedCategories(ctx); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "taxonomy.draft_discarded", EntityType: dealgate.EntityTaxonomyVersion, EntityID: idString(d.ID), Before: before,
		})
	})
	return err
}

// TaxonomyVersions lists the draft (if any) and then every published
// version, newest first.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Register) TaxonomyVersions(ctx context.Context, actor *dealgate.User) ([]dealgate.TaxonomyVersion, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) ([]dealgate.TaxonomyVersion, error) {
		rows, err := tx.Q.ListTaxonomyVersions(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]dealgate.TaxonomyVersion, len(rows))
		for i, r := range rows {
			out[i] = taxonomyVersionFromRow(sqlc.GetTaxonomyVersionRow(r))
		}
		return out, nil
	})
}

// Taxonomy returns one version's whole tree, including retired categories.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) Taxonomy(ctx context.Context, actor *dealgate.User, versionID int64) (*dealgate.Taxonomy, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (*dealgate.Taxonomy, error) {
		return s.published.get(ctx, tx, versionID)
	})
}

// CurrentTaxonomy returns the newest published version's tree; screenings
// record its version.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (nothing published yet).
func (s *Register) CurrentTaxonomy(ctx context.Context, actor *dealgate.User) (*dealgate.Taxonomy, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (*dealgate.Taxonomy, error) {
		counter, err := registerCounter(ctx, tx)
		if err != nil {
			return nil, err
		}
		// Publishing a version bumps the counter (migration 000012).
		id, err := s.currentTaxonomyID.load(ctx, tx, counter, struct{}{}, loader[int64]{read: func() (int64, error) {
			id, err := tx.Q.CurrentTaxonomyVersionID(ctx)
			return id, orNotFound(err, "published taxonomy")
		}})
		if err != nil {
			return nil, err
		}
		return s.published.get(ctx, tx, id)
	})
}

// taxonomyCache keeps published taxonomy versions in memory. A published
// version never changes (the database refuses edits to it), so each is read
// once per instance and every list page and form that shows categories
// skips reloading thousands of rows. The trees are shared: callers must not
// modify them. Drafts are never cached.
type taxonomyCache struct {
	mu sync.Mutex
	m  map[int64]*dealgate.Taxonomy
}

func (c *taxonomyCache) get(ctx context.Context, tx *Tx, id int64) (*dealgate.Taxonomy, error) {
	c.mu.Lock()
	t, ok := c.m[id]
	c.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := tx.Taxonomy(ctx, id)
	if err != nil || t.Version.Status != dealgate.TaxonomyPublished {
		return t, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 8 {
		c.m = map[int64]*dealgate.Taxonomy{} // a handful of versions is all pages ask for
	}
	c.m[id] = t
	return t, nil
}

// DraftTaxonomy returns the draft's tree.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (no draft).
func (s *Register) DraftTaxonomy(ctx context.Context, actor *dealgate.User) (*dealgate.Taxonomy, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (*dealgate.Taxonomy, error) {
		id, err := tx.Q.DraftTaxonomyVersionID(ctx)
		if err != nil {
			return nil, orNotFound(err, "taxonomy draft")
		}
		return tx.Taxonomy(ctx, id)
	})
}

// DiffTaxonomy lists the changes from one version to another (either may
// be the draft).
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) DiffTaxonomy(ctx context.Context, actor *dealgate.User, fromID, toID int64) ([]dealgate.TaxonomyChange, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) ([]dealgate.TaxonomyChange, error) {
		from, err := tx.Taxonomy(ctx, fromID)
		if err != nil {
			return nil, err
		}
		to, err := tx.Taxonomy(ctx, toID)
		if err != nil {
			return nil, err
		}
		return dealgate.DiffTaxonomies(from, to), nil
	})
}

// CategoryHistory returns a category in every published version, oldest
// first; dealgate.CategoryFate says when it was retired or moved.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) CategoryHistory(ctx context.Context, actor *dealgate.User, categoryID int64) ([]dealgate.CategoryHistoryEntry, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) ([]dealgate.CategoryHistoryEntry, error) {
		rows, err := tx.Q.CategoryHistory(ctx, categoryID)
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			if ok, err := tx.categoryExists(ctx, categoryID); err != nil || !ok {
				return nil, firstErr(err, notFound("category"))
			}
		}
		out := make([]dealgate.CategoryHistoryEntry, len(rows))
		for i, r := range rows {
			out[i] = dealgate.CategoryHistoryEntry{ParentID: r.ParentID, Name: r.Name, Retired: r.Retired}
			if r.Number != nil {
				out[i].VersionNumber = int(*r.Number)
			}
			if r.PublishedAt != nil {
				out[i].PublishedAt = *r.PublishedAt
			}
		}
		return out, nil
	})
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (tx *Tx) categoryExists(ctx context.Context, id int64) (bool, error) {
	return tx.Q.CategoryExists(ctx, id)
}

// lockDraft locks the draft, creating it from the current published version
// when there is none.
func (tx *Tx) lockDraft(ctx context.Context, actor *dealgate.User) (id, version int64, err error) {
	d, err := tx.Q.LockDraftTaxonomy(ctx)
	if err == nil {
		return d.ID, d.Version, nil
	}
	if !isNotFound(err) {
		return 0, 0, err
	}
	var basedOn *int64
	if cur, err := tx.Q.CurrentTaxonomyVersionID(ctx); err == nil {
		basedOn = &cur
	} else if !isNotFound(err) {
		return 0, 0, err
	}
	id, err = tx.Q.InsertTaxonomyDraft(ctx, sqlc.InsertTaxonomyDraftParams{BasedOnID: basedOn, Now: tx.Now, CreatedBy: actorID(actor)})
	if err != nil {
		return 0, 0, fmt.Errorf("start taxonomy draft: %w", err)
	}
	if basedOn != nil {
		if err := tx.Q.CopyCategoryRevisions(ctx, sqlc.CopyCategoryRevisionsParams{ToVersionID: id, FromVersionID: *basedOn}); err != nil {
			return 0, 0, fmt.Errorf("copy taxonomy: %w", err)
		}
	}
	v, err := tx.taxonomyVersion(ctx, id)
	if err != nil {
		return 0, 0, err
	}
	if err := tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: "taxonomy.draft_started", EntityType: dealgate.EntityTaxonomyVersion, EntityID: idString(id), After: v,
	}); err != nil {
		return 0, 0, err
	}
	return id, v.Version, nil
}

// CreateCategory adds a category to the draft; the caller has authorised actor.
func (tx *Tx) CreateCategory(ctx context.Context, actor *dealgate.User, in dealgate.CategoryInput) (dealgate.Category, error) {
	draftID, _, err := tx.lockDraft(ctx, actor)
	if err != nil {
		return dealgate.Category{}, err
	}
	draft, err := tx.Taxonomy(ctx, draftID)
	if err != nil {
		return dealgate.Category{}, err
	}
	var v dealgate.Validation
	in.ValidateInto(&v, true)
	dealgate.ValidateCategoryPlacement(draft, 0, in, &v)
	if !v.Has("key") {
		taken, err := tx.Q.CategoryKeyExists(ctx, in.Key)
		if err != nil {
			return dealgate.Category{}, err
		}
		if taken {
			v.Add("key", fmt.Sprintf("The key %s is already taken (keys are never reused, even after retirement)", in.Key))
		}
	}
	if err := v.Err(); err != nil {
		return dealgate.Category{}, err
	}
	id, err := tx.Q.InsertCategory(ctx, sqlc.InsertCategoryParams{Key: in.Key, Now: tx.Now})
	if err != nil {
		return dealgate.Category{}, fmt.Errorf("insert category: %w", err)
	}
	err = tx.Q.InsertCategoryRevision(ctx, sqlc.InsertCategoryRevisionParams{
		TaxonomyVersionID: draftID, CategoryID: id, ParentID: in.ParentID, Name: in.Name, Definition: in.Definition,
		InclusionExamples: in.InclusionExamples, ExclusionExamples: in.ExclusionExamples, Position: int32(in.Position),
	})
	if err != nil {
		return dealgate.Category{}, fmt.Errorf("insert category revision: %w", err)
	}
	if err := tx.Q.TouchTaxonomyDraft(ctx, draftID); err != nil {
		return dealgate.Category{}, err
	}
	c, err := tx.categoryIn(ctx, draftID, id, false)
	if err != nil {
		return c, err
	}
	return c, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: "category.created", EntityType: dealgate.EntityCategory, EntityID: idString(id), After: c,
	})
}

// UpdateCategory changes a category in the draft; the caller has authorised actor.
func (tx *Tx) UpdateCategory(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.CategoryInput) (dealgate.Category, error) {
	draftID, before, err := tx.lockCategory(ctx, actor, id, version)
	if err != nil {
		return before, err
	}
	draft, err := tx.Taxonomy(ctx, draftID)
	if err != nil {
		return dealgate.Category{}, err
	}
	var v dealgate.Validation
	in.ValidateInto(&v, false)
	in.Key = before.Key
	if !before.Retired {
		dealgate.ValidateCategoryPlacement(draft, id, in, &v)
	} else if in.ParentID != nil && !equalID(before.ParentID, in.ParentID) {
		// A retired category skips the placement rules so that its text stays
		// editable under a retired parent, but a move must still land on a
		// category of this draft and never under itself.
		switch p, ok := draft.Category(*in.ParentID); {
		case !ok:
			v.Add("parent_id", "Choose a parent from this taxonomy")
		case draft.IsWithin(p.ID, id):
			v.Add("parent_id", "A category cannot be placed under itself or one of its own subcategories")
		}
	}
	if err := v.Err(); err != nil {
		return dealgate.Category{}, err
	}
	err = tx.Q.UpdateCategoryRevision(ctx, sqlc.UpdateCategoryRevisionParams{
		TaxonomyVersionID: draftID, CategoryID: id, ParentID: in.ParentID, Name: in.Name, Definition: in.Definition,
		InclusionExamples: in.InclusionExamples, ExclusionExamples: in.ExclusionExamples, Position: int32(in.Position),
		Retired: before.Retired,
	})
	if err != nil {
		return dealgate.Category{}, fmt.Errorf("update category: %w", err)
	}
	if err := tx.Q.TouchTaxonomyDraft(ctx, draftID); err != nil {
		return dealgate.Category{}, err
	}
	after, err := tx.categoryIn(ctx, draftID, id, false)
	if err != nil {
		return after, err
	}
	action := "category.updated"
	if !equalID(before.ParentID, after.ParentID) {
		action = "category.moved"
	}
	return after, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: action, EntityType: dealgate.EntityCategory, EntityID: idString(id), Before: before, After: after,
	})
}

func equalID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// lockCategory locks the draft and the category's revision in it and
// checks the version the user opened.
func (tx *Tx) lockCategory(ctx context.Context, actor *dealgate.User, id, version int64) (int64, dealgate.Category, error) {
	draftID, _, err := tx.lockDraft(ctx, actor)
	if err != nil {
		return 0, dealgate.Category{}, err
	}
	c, err := tx.categoryIn(ctx, draftID, id, true)
	if err != nil {
		return 0, dealgate.Category{}, err
	}
	if c.Version != version {
		return 0, c, dealgate.StaleError("category", c.Version)
	}
	return draftID, c, nil
}

func (tx *Tx) categoryIn(ctx context.Context, versionID, id int64, lock bool) (dealgate.Category, error) {
	if lock {
		r, err := tx.Q.GetCategoryRevisionForUpdate(ctx, sqlc.GetCategoryRevisionForUpdateParams{TaxonomyVersionID: versionID, CategoryID: id})
		if err != nil {
			return dealgate.Category{}, orNotFound(err, "category")
		}
		return categoryFromRow(sqlc.ListCategoryRevisionsRow(r)), nil
	}
	r, err := tx.Q.GetCategoryRevision(ctx, sqlc.GetCategoryRevisionParams{TaxonomyVersionID: versionID, CategoryID: id})
	if err != nil {
		return dealgate.Category{}, orNotFound(err, "category")
	}
	return categoryFromRow(sqlc.ListCategoryRevisionsRow(r)), nil
}

// PublishTaxonomy publishes the draft; the caller has authorised actor.
func (tx *Tx) PublishTaxonomy(ctx context.Context, actor *dealgate.User, draftVersion int64, changeNote string) (dealgate.TaxonomyVersion, error) {
	d, err := tx.Q.LockDraftTaxonomy(ctx)
	if err != nil {
		return dealgate.TaxonomyVersion{}, orNotFound(err, "taxonomy draft")
	}
	before, err := tx.taxonomyVersion(ctx, d.ID)
	if err != nil {
		return before, err
	}
	if d.Version != draftVersion {
		return before, dealgate.StaleError("taxonomy draft", d.Version)
	}
	changeNote = dealgate.CleanText(changeNote)
	var v dealgate.Validation
	switch {
	case changeNote == "":
		v.Add("change_note", "Say what changed and why; the note is kept with the version")
	case len([]rune(changeNote)) > 5000:
		v.Add("change_note", "The change note must be 5,000 characters or fewer")
	}
	draft, err := tx.Taxonomy(ctx, d.ID)
	if err != nil {
		return before, err
	}
	var changes []dealgate.TaxonomyChange
	if before.BasedOnID != nil {
		base, err := tx.Taxonomy(ctx, *before.BasedOnID)
		if err != nil {
			return before, err
		}
		changes = dealgate.DiffTaxonomies(base, draft)
	} else {
		changes = dealgate.DiffTaxonomies(dealgate.NewTaxonomy(dealgate.TaxonomyVersion{}, nil), draft)
	}
	if len(changes) == 0 {
		v.Add("change_note", "Nothing has changed in the draft; there is nothing to publish")
	}
	if err := v.Err(); err != nil {
		return before, err
	}
	if _, err := tx.Q.PublishTaxonomyVersion(ctx, sqlc.PublishTaxonomyVersionParams{
		ID: d.ID, ChangeNote: changeNote, Now: tx.Now, PublishedBy: actorID(actor),
	}); err != nil {
		return before, fmt.Errorf("publish taxonomy: %w", err)
	}
	after, err := tx.taxonomyVersion(ctx, d.ID)
	if err != nil {
		return after, err
	}
	counts := map[string]int{}
	for _, c := range changes {
		counts[string(c.Kind)]++
	}
	return after, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: "taxonomy.published", EntityType: dealgate.EntityTaxonomyVersion, EntityID: idString(d.ID),
		Before: before, After: map[string]any{"version": after, "changes": counts},
	})
}

// Taxonomy loads one version's tree.
func (tx *Tx) Taxonomy(ctx context.Context, versionID int64) (*dealgate.Taxonomy, error) {
	v, err := tx.taxonomyVersion(ctx, versionID)
	if err != nil {
		return nil, err
	}
	rows, err := tx.Q.ListCategoryRevisions(ctx, versionID)
	if err != nil {
		return nil, fmt.Errorf("load taxonomy: %w", err)
	}
	cats := make([]dealgate.Category, len(rows))
	for i, r := range rows {
		cats[i] = categoryFromRow(r)
	}
	return dealgate.NewTaxonomy(v, cats), nil
}

// CurrentTaxonomy loads the newest published version's tree.
func (tx *Tx) CurrentTaxonomy(ctx context.Context) (*dealgate.Taxonomy, error) {
	id, err := tx.Q.CurrentTaxonomyVersionID(ctx)
	if err != nil {
		return nil, orNotFound(err, "published taxonomy")
	}
	return tx.Taxonomy(ctx, id)
}

func (tx *Tx) taxonomyVersion(ctx context.Context, id int64) (dealgate.TaxonomyVersion, error) {
	r, err := tx.Q.GetTaxonomyVersion(ctx, id)
	return mapFound(r, err, "taxonomy version", taxonomyVersionFromRow)
}

func taxonomyVersionFromRow(r sqlc.GetTaxonomyVersionRow) dealgate.TaxonomyVersion {
	v := dealgate.TaxonomyVersion{
		ID: r.ID, Status: dealgate.TaxonomyStatus(r.Status), ChangeNote: r.ChangeNote, BasedOnID: r.BasedOnID,
		CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, PublishedAt: r.PublishedAt, PublishedBy: r.PublishedBy,
		PublishedByName: r.PublishedByName, Version: r.Version,
	}
	if r.Number != nil {
		v.Number = int(*r.Number)
	}
	return v
}

func categoryFromRow(r sqlc.ListCategoryRevisionsRow) dealgate.Category {
	return dealgate.Category{
		ID: r.CategoryID, Key: r.Key, ParentID: r.ParentID, Name: r.Name, Definition: r.Definition,
		InclusionExamples: r.InclusionExamples, ExclusionExamples: r.ExclusionExamples, Position: int(r.Position),
		Retired: r.Retired, Version: r.Version, TaxonomyVersionID: r.TaxonomyVersionID,
	}
}
