package postgres

// Retiring and restoring a category of the taxonomy draft.

import "context"
import "strings"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

func (tx *Tx) setCategoryRetired(ctx context.Context, actor *dealgate.User, id, version int64, retire bool) (dealgate.Category, error) {
	draftID, before, err := tx.lockCategory(ctx, actor, id, version)
	if err != nil {
		return before, err
	}
	if before.Retired == retire {
		return before, nil
	}
	draft, err := tx.Taxonomy(ctx, draftID)
	if err != nil {
		return dealgate.Category{}, err
	}
	if retire {
		var live []string
		for _, c := range draft.Children(id) {
			if !c.Retired {
				live = append(live, c.Name)
			}
		}
		if len(live) > 0 {
			return dealgate.Category{}, dealgate.Errorf(dealgate.EINVALID,
				"%s still has live subcategories (%s); move or retire them first", before.Name, strings.Join(live, ", "))
		}
	} else {
		var v dealgate.Validation
		dealgate.ValidateCategoryPlacement(draft, id, before.Input(), &v)
		if err := v.Err(); err != nil {
			return dealgate.Category{}, dealgate.Errorf(dealgate.EINVALID, "%s cannot be restored where it was: %s",
				before.Name, firstField(dealgate.ErrorFields(err), v.Order()))
		}
	}
	in := before.Input()
	err = tx.Q.UpdateCategoryRevision(ctx, sqlc.UpdateCategoryRevisionParams{
		TaxonomyVersionID: draftID, CategoryID: id, ParentID: in.ParentID, Name: in.Name, Definition: in.Definition,
		InclusionExamples: in.InclusionExamples, ExclusionExamples: in.ExclusionExamples, Position: int32(in.Position),
		Retired: retire,
	})
	if err != nil {
		return dealgate.Category{}, err
	}
	if err := tx.Q.TouchTaxonomyDraft(ctx, draftID); err != nil {
		return dealgate.Category{}, err
	}
	after, err := tx.categoryIn(ctx, draftID, id, false)
	if err != nil {
		return after, err
	}
	action := "category.restored"
	if retire {
		action = "category.retired"
	}
	return after, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: action, EntityType: dealgate.EntityCategory, EntityID: idString(id), Before: before, After: after,
	})
}

func firstField(fields map[string]string, order []string) string {
	for _, f := range order {
		if m, ok := fields[f]; ok {
			return m
		}
	}
	return ""
}
