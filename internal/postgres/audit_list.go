package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/postgres/sqlc"
)

// Audit is the audit trail's read service: the trail page and the history
// shown on each record's page. Every read is authorised by the policy.
type Audit struct{ DB *DB }

// NewAudit returns the audit read service on db.
func NewAudit(db *DB) *Audit { return &Audit{DB: db} }

// List returns a page of the audit trail, newest first.
// Errors: EUNAUTHORIZED, EFORBIDDEN (not an admin or auditor), EINTERNAL.
func (s *Audit) List(ctx context.Context, actor *dealgate.User, f dealgate.AuditFilter) (dealgate.Page[dealgate.AuditEvent], error) {
	f.PageRequest = f.PageRequest.Normalize()
	page := dealgate.Page[dealgate.AuditEvent]{Page: f.Page, PerPage: f.PerPage}
	if err := dealgate.Authorize(actor, dealgate.ActAuditView); err != nil {
		return page, err
	}
	cond, args := auditWhere(f)
	if err := s.DB.Pool.QueryRow(ctx, "SELECT count(*) FROM audit_event "+cond, args...).Scan(&page.Total); err != nil {
		return page, translate(fmt.Errorf("count audit events: %w", err))
	}
	args = append(args, f.PerPage, f.Offset())
	rows, err := s.DB.Pool.Query(ctx, fmt.Sprintf(`
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

// auditWhere is the WHERE clause (with its arguments) of the filters of
// f, shared by the list and the exports.
func auditWhere(f dealgate.AuditFilter) (string, []any) {
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
	if len(where) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(where, " AND "), args
}

// History returns the newest events (at most limit) about any of refs,
// newest first: a record's timeline, gathered with its parts' (an agreement
// with its clauses and documents). Whoever may view a record may read its
// history (dealgate.AuthorizeHistory).
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINTERNAL.
func (s *Audit) History(ctx context.Context, actor *dealgate.User, limit int, refs ...dealgate.EntityRef) ([]dealgate.AuditEvent, error) {
	if err := dealgate.AuthorizeHistory(actor, refs...); err != nil {
		return nil, err
	}
	types, ids := make([]string, len(refs)), make([]string, len(refs))
	for i, r := range refs {
		types[i], ids[i] = r.Type, r.ID
	}
	rows, err := s.DB.Queries().ListAuditEventsForEntities(ctx, sqlc.ListAuditEventsForEntitiesParams{
		EntityTypes: types, EntityIds: ids, PageSize: int32(min(max(limit, 1), 500)),
	})
	if err != nil {
		return nil, translate(fmt.Errorf("history: %w", err))
	}
	events := make([]dealgate.AuditEvent, len(rows))
	for i, r := range rows {
		events[i] = auditEventFromRow(r)
	}
	return events, nil
}

func auditEventFromRow(r sqlc.AuditEvent) dealgate.AuditEvent {
	e := dealgate.AuditEvent{
		ID: r.ID, OccurredAt: r.OccurredAt, ActorID: r.ActorID, ActorLabel: r.ActorLabel, Action: r.Action,
		EntityType: r.EntityType, EntityID: r.EntityID, RequestID: r.RequestID, ClientIP: r.ClientIP,
	}
	if r.Before != nil {
		e.Before = json.RawMessage(r.Before)
	}
	if r.After != nil {
		e.After = json.RawMessage(r.After)
	}
	return e
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
