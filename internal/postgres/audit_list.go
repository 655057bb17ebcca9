package postgres

import "context"
import "encoding/json"
import "fmt"
import "slices"
import "strings"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Audit is the audit trail's read service: the trail page and the history
// shown on each record's page. Every read is authorised by the policy.
type Audit struct {
	DB *DB
	// pages keeps trail pages under the audit stamp (auditStampSQL).
	pages *versionCache[auditPageKey, auditBrowsed]
}

// NewAudit returns the audit read service on db.
func NewAudit(db *DB) *Audit {
	return &Audit{DB: db, pages: &versionCache[auditPageKey, auditBrowsed]{}}
}

// The trail's pages, cached under the audit stamp.
//
// Events are only ever inserted (the chain's triggers refuse the rest), each
// stamped with its transaction's ID (xid, migration 000028, indexed). The
// newest such ID, once settled (no transaction with a smaller ID can still
// commit: settledStampSQL), moves with every committed event, so a page read
// under it is right for as long as a request reads the same stamp. The
// session statement reads it on the trail's route (WithAuditStampSlot);
// without the slot nothing is cached. Who may read the trail is decided
// afresh on every request, and the page holds nothing but the events' own
// columns, so one kept page serves every auditor.
var auditStampSQL = settledStampSQL(`SELECT xid FROM audit_event WHERE xid IS NOT NULL ORDER BY xid DESC LIMIT 1`)

// WithAuditStampSlot returns ctx with an empty slot that FindSession fills
// with the audit stamp, so that the request's trail page needs no
// statement when this instance holds it.
func WithAuditStampSlot(ctx context.Context) context.Context {
	return withStampSlot(ctx, stampAudit)
}

// auditPageKey is what a kept trail page depends on besides the stamp.
type auditPageKey struct {
	filter        dealgate.AuditFilter // normalised, From and To in UTC
	list, actions bool
}

type auditBrowsed struct {
	page  dealgate.AuditPage
	names []string
}

// List returns a keyset page of the audit trail, newest first: no OFFSET,
// so a page deep in millions of events costs what the first one does, and a
// count capped at dealgate.AuditCountCap.
// Errors: EUNAUTHORIZED, EFORBIDDEN (not an admin or auditor), EINTERNAL.
func (s *Audit) List(ctx context.Context, actor *dealgate.User, f dealgate.AuditFilter) (dealgate.AuditPage, error) {
	page, _, err := s.browse(ctx, actor, f, true, false)
	return page, err
}

// ListWithActions returns List's page and Actions' list, in one round trip:
// what the trail's page shows.
// Errors: EUNAUTHORIZED, EFORBIDDEN (not an admin or auditor), EINTERNAL.
func (s *Audit) ListWithActions(ctx context.Context, actor *dealgate.User, f dealgate.AuditFilter) (dealgate.AuditPage, []string, error) {
	return s.browse(ctx, actor, f, true, true)
}

// browse reads the page of f (list) and the actions in the trail (actions)
// in one batch.
func (s *Audit) browse(ctx context.Context, actor *dealgate.User, f dealgate.AuditFilter, list, actions bool) (dealgate.AuditPage, []string, error) {
	f.PageRequest = f.PageRequest.Normalize()
	page := dealgate.AuditPage{Before: f.Before, After: f.After, PerPage: f.PerPage}
	if err := dealgate.Authorize(actor, dealgate.ActAuditView); err != nil {
		return page, nil, err
	}
	stamp, ok := seenStamp(ctx, stampAudit)
	if !ok {
		stamp = -1
	}
	key := auditPageKey{filter: f, list: list, actions: actions}
	key.filter.From, key.filter.To = f.From.UTC(), f.To.UTC()
	got, err := s.pages.load(ctx, nil, stamp, key, loader[auditBrowsed]{
		read: func() (auditBrowsed, error) {
			b := &pgx.Batch{}
			if list {
				queueAuditPage(b, f, &page)
			}
			var names []string
			if actions {
				b.Queue(auditActionsSQL).Query(func(rows pgx.Rows) (err error) {
					names, err = pgx.CollectRows(rows, pgx.RowTo[string])
					return err
				})
			}
			if err := s.DB.Pool.SendBatch(ctx, b).Close(); err != nil {
				return auditBrowsed{}, translate(fmt.Errorf("list audit events: %w", err))
			}
			return auditBrowsed{page: page, names: names}, nil
		},
		kept: func(a *auditBrowsed) { a.page.Derived = dealgate.NewDerived() },
	})
	return got.page, got.names, err
}

// queueAuditPage queues the count and the rows of f's page, filling page
// as their results are read.
func queueAuditPage(b *pgx.Batch, f dealgate.AuditFilter, page *dealgate.AuditPage) {
	cond, args := auditWhere(f)
	b.Queue(fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM audit_event %s LIMIT %d) t",
		cond, dealgate.AuditCountCap+1), args...).QueryRow(func(row pgx.Row) error {
		if err := row.Scan(&page.Count); err != nil {
			return fmt.Errorf("count audit events: %w", err)
		}
		if page.Count > dealgate.AuditCountCap {
			page.Count, page.CountCapped = dealgate.AuditCountCap, true
		}
		return nil
	})
	order := "DESC"
	switch {
	case f.After > 0:
		args = append(args, f.After)
		cond = andWhere(cond, fmt.Sprintf("id > $%d", len(args)))
		order = "ASC"
	case f.Before > 0:
		args = append(args, f.Before)
		cond = andWhere(cond, fmt.Sprintf("id < $%d", len(args)))
	}
	args = append(args, f.PerPage+1)
	b.Queue(fmt.Sprintf(`
		SELECT id, occurred_at, actor_id, actor_label, action, entity_type, entity_id, before, after, request_id, client_ip
		FROM audit_event %s ORDER BY id %s LIMIT $%d`, cond, order, len(args)), args...).Query(func(rows pgx.Rows) (err error) {
		if page.Items, err = pgx.CollectRows(rows, scanAuditEvent); err != nil {
			return err
		}
		keysetPage(f, page)
		return nil
	})
}

// keysetPage trims page's items, read one past the page, and sets its
// links and bounds.
func keysetPage(f dealgate.AuditFilter, page *dealgate.AuditPage) {
	more := len(page.Items) > f.PerPage
	if more {
		page.Items = page.Items[:f.PerPage]
	}
	if f.After > 0 {
		slices.Reverse(page.Items)
		page.HasNewer, page.HasOlder = more, true
	} else {
		page.HasOlder, page.HasNewer = more, f.Before > 0
	}
	if n := len(page.Items); n > 0 {
		page.NewestID, page.OldestID = page.Items[0].ID, page.Items[n-1].ID
	}
}

// Event returns one audit event.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINTERNAL.
func (s *Audit) Event(ctx context.Context, actor *dealgate.User, id int64) (dealgate.AuditEvent, error) {
	if err := dealgate.Authorize(actor, dealgate.ActAuditView); err != nil {
		return dealgate.AuditEvent{}, err
	}
	rows, err := s.DB.Pool.Query(ctx, `
		SELECT id, occurred_at, actor_id, actor_label, action, entity_type, entity_id, before, after, request_id, client_ip
		FROM audit_event WHERE id = $1`, id)
	if err != nil {
		return dealgate.AuditEvent{}, translate(err)
	}
	e, err := pgx.CollectExactlyOneRow(rows, scanAuditEvent)
	return e, translate(err)
}

// auditActionsSQL skips through audit_event_action_idx one action at a
// time. That index is text_pattern_ops (it serves "action starts with"), so
// the skip must order and compare with that operator class's operators
// (~<~, ~>~): with the default collation's < and ORDER BY the index cannot
// be used and every step reads the whole table.
const auditActionsSQL = `
		WITH RECURSIVE a(action) AS (
			(SELECT action FROM audit_event ORDER BY action USING ~<~ LIMIT 1)
			UNION ALL
			SELECT (SELECT e.action FROM audit_event e WHERE e.action ~>~ a.action ORDER BY e.action USING ~<~ LIMIT 1)
			FROM a WHERE a.action IS NOT NULL
		)
		SELECT action FROM a WHERE action IS NOT NULL`

// Actions lists the distinct actions in the trail, for the browser's
// picker. It skips through the action index (a loose index scan), so it
// reads one index entry per action, not every event.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINTERNAL.
func (s *Audit) Actions(ctx context.Context, actor *dealgate.User) ([]string, error) {
	_, names, err := s.browse(ctx, actor, dealgate.AuditFilter{}, false, true)
	return names, err
}

func andWhere(cond, more string) string {
	if cond == "" {
		return "WHERE " + more
	}
	return cond + " AND " + more
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
	// The same expressions as the indexes of migration 000014.
	if f.Deal != "" {
		add("(CASE WHEN entity_type = 'deal' THEN entity_id ELSE coalesce(after->>'deal_id', before->>'deal_id') END) = $%d", f.Deal)
	}
	if f.Agreement != "" {
		add("(CASE WHEN entity_type = 'agreement' THEN entity_id ELSE coalesce(after->>'agreement_id', before->>'agreement_id') END) = $%d", f.Agreement)
	}
	if f.Text != "" {
		args = append(args, f.Text, "%"+escapeLike(f.Text)+"%")
		where = append(where, fmt.Sprintf("(entity_id = $%[1]d OR request_id = $%[1]d OR actor_label ILIKE $%[2]d OR before::text ILIKE $%[2]d OR after::text ILIKE $%[2]d)",
			len(args)-1, len(args)))
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

// auditEventFromRow converts a history row; the history queries share its
// columns (convert their rows to this type).
func auditEventFromRow(r sqlc.ListAuditEventsForEntitiesRow) dealgate.AuditEvent {
	e := dealgate.AuditEvent{
		ID: r.ID, OccurredAt: r.OccurredAt, ActorID: r.ActorID, ActorLabel: r.ActorLabel, ActorName: r.ActorName, Action: r.Action,
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

// scanNamedAuditEvent is scanAuditEvent for a timeline that also selects
// actor_name last.
func scanNamedAuditEvent(row pgx.CollectableRow) (dealgate.AuditEvent, error) {
	return scanEvent(row, true)
}

func scanAuditEvent(row pgx.CollectableRow) (dealgate.AuditEvent, error) {
	return scanEvent(row, false)
}

func scanEvent(row pgx.CollectableRow, named bool) (dealgate.AuditEvent, error) {
	var e dealgate.AuditEvent
	var before, after []byte
	dest := []any{&e.ID, &e.OccurredAt, &e.ActorID, &e.ActorLabel, &e.Action, &e.EntityType, &e.EntityID,
		&before, &after, &e.RequestID, &e.ClientIP}
	if named {
		dest = append(dest, &e.ActorName)
	}
	err := row.Scan(dest...)
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
