package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/dealgate/dealgate/internal/dealgate"
)

// ListAuditEvents returns a page of the audit trail, newest first.
// Errors: EUNAUTHORIZED, EFORBIDDEN (not an admin or auditor), EINTERNAL.
func (db *DB) ListAuditEvents(ctx context.Context, actor *dealgate.User, f dealgate.AuditFilter) (dealgate.Page[dealgate.AuditEvent], error) {
	f.PageRequest = f.PageRequest.Normalize()
	page := dealgate.Page[dealgate.AuditEvent]{Page: f.Page, PerPage: f.PerPage}
	if err := dealgate.Authorize(actor, dealgate.ActAuditView); err != nil {
		return page, err
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.ActionPrefix != "" {
		add("action LIKE $%d", escapeLike(f.ActionPrefix)+"%")
	}
	if f.EntityType != "" {
		add("entity_type = $%d", f.EntityType)
	}
	if f.EntityID != "" {
		add("entity_id = $%d", f.EntityID)
	}
	if f.Actor != "" {
		add("lower(actor_label) = lower($%d)", f.Actor)
	}
	if !f.From.IsZero() {
		add("occurred_at >= $%d", f.From)
	}
	if !f.To.IsZero() {
		add("occurred_at < $%d", f.To)
	}
	cond := ""
	if len(where) > 0 {
		cond = "WHERE " + strings.Join(where, " AND ")
	}
	if err := db.Pool.QueryRow(ctx, "SELECT count(*) FROM audit_event "+cond, args...).Scan(&page.Total); err != nil {
		return page, translate(fmt.Errorf("count audit events: %w", err))
	}
	args = append(args, f.PerPage, f.Offset())
	rows, err := db.Pool.Query(ctx, fmt.Sprintf(`
		SELECT id, occurred_at, actor_id, actor_label, action, entity_type, entity_id, before, after, request_id, client_ip
		FROM audit_event %s ORDER BY id DESC LIMIT $%d OFFSET $%d`, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return page, translate(fmt.Errorf("list audit events: %w", err))
	}
	page.Items, err = pgx.CollectRows(rows, scanAuditEvent)
	if err != nil {
		return page, translate(fmt.Errorf("list audit events: %w", err))
	}
	return page, nil
}

// EntityHistory returns the newest events about one entity, for timelines.
// The caller has already authorised reading the entity itself.
func (db *DB) EntityHistory(ctx context.Context, entityType, entityID string, limit int) ([]dealgate.AuditEvent, error) {
	return db.HistoryOf(ctx, []EntityRef{{Type: entityType, ID: entityID}}, limit)
}

// EntityRef names one audited record.
type EntityRef struct{ Type, ID string }

// HistoryOf returns the newest events about any of refs, newest first, for a
// timeline that gathers a record and its parts (an agreement, its clauses
// and documents). The caller has already authorised reading them.
func (db *DB) HistoryOf(ctx context.Context, refs []EntityRef, limit int) ([]dealgate.AuditEvent, error) {
	types, ids := make([]string, len(refs)), make([]string, len(refs))
	for i, r := range refs {
		types[i], ids[i] = r.Type, r.ID
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT e.id, e.occurred_at, e.actor_id, e.actor_label, e.action, e.entity_type, e.entity_id, e.before, e.after, e.request_id, e.client_ip
		FROM unnest($1::text[], $2::text[]) AS r(entity_type, entity_id)
		CROSS JOIN LATERAL (
			SELECT * FROM audit_event a WHERE a.entity_type = r.entity_type AND a.entity_id = r.entity_id
			ORDER BY a.id DESC LIMIT $3
		) e
		ORDER BY e.id DESC LIMIT $3`, types, ids, limit)
	if err != nil {
		return nil, translate(fmt.Errorf("history: %w", err))
	}
	events, err := pgx.CollectRows(rows, scanAuditEvent)
	return events, translate(err)
}

func scanAuditEvent(row pgx.CollectableRow) (dealgate.AuditEvent, error) {
	var e dealgate.AuditEvent
	var before, after []byte
	err := row.Scan(&e.ID, &e.OccurredAt, &e.ActorID, &e.ActorLabel, &e.Action, &e.EntityType, &e.EntityID,
		&before, &after, &e.RequestID, &e.ClientIP)
	if before != nil {
		e.Before = json.RawMessage(before)
	}
	if after != nil {
		e.After = json.RawMessage(after)
	}
	return e, err
}

// escapeLike makes s match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
