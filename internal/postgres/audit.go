package postgres

import "bytes"
import "context"
import "crypto/sha256"
import "encoding/json"
import "fmt"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/auditchain"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Audit appends e to the audit trail inside tx: the one audit writer. The
// actor, request ID and client IP come from ctx unless e sets them; the time
// is the transaction's "now". The event commits unsealed; the sealer links it
// into the chain soon after (audit_seal.go, migration 000028), and the
// database refuses to change it afterwards.
func (tx *Tx) Audit(ctx context.Context, e dealgate.AuditEvent) error {
	row, err := tx.auditRow(ctx, e)
	if err != nil {
		return err
	}
	if _, err = tx.Q.InsertAuditEvent(ctx, row); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	tx.noteAudited(e)
	return nil
}

// auditRow is e's row as Audit inserts it. A change that sends its own
// statement and the event's insert together (sqlc's batch_*.go) takes the
// row from here and calls noteAudited once both are written.
func (tx *Tx) auditRow(ctx context.Context, e dealgate.AuditEvent) (sqlc.InsertAuditEventParams, error) {
	meta := dealgate.RequestMetaFrom(ctx)
	if e.ActorLabel == "" {
		e.ActorID, e.ActorLabel = meta.Actor.UserID, meta.Actor.Label
	}
	if e.RequestID == "" {
		e.RequestID = meta.RequestID
	}
	if e.ClientIP == "" {
		e.ClientIP = meta.ClientIP
	}
	before, err := marshalSnapshot(e.Before)
	if err != nil {
		return sqlc.InsertAuditEventParams{}, dealgate.Internal(fmt.Errorf("audit %s: encode before: %w", e.Action, err))
	}
	after, err := marshalSnapshot(e.After)
	if err != nil {
		return sqlc.InsertAuditEventParams{}, dealgate.Internal(fmt.Errorf("audit %s: encode after: %w", e.Action, err))
	}
	return sqlc.InsertAuditEventParams{
		OccurredAt: tx.Now,
		ActorID:    e.ActorID,
		ActorLabel: e.ActorLabel,
		Action:     e.Action,
		EntityType: e.EntityType,
		EntityID:   e.EntityID,
		Before:     before,
		After:      after,
		RequestID:  e.RequestID,
		ClientIP:   e.ClientIP,
	}, nil
}

// noteAudited notes that e is written: the commit nudges the sealer, and a
// change to the register queues re-screening.
func (tx *Tx) noteAudited(e dealgate.AuditEvent) {
	tx.audited = true
	if !outsideRegister[e.EntityType] {
		tx.mayChangeRegister = true
	}
}

func marshalSnapshot(v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		return v, nil
	default:
		return json.Marshal(v)
	}
}

// auditChainEvent converts a seal's row for auditchain.Payload. It reports
// false when the seal's event is missing.
func auditChainEvent(r sqlc.ListAuditChainAfterRow) (auditchain.Event, bool) {
	if r.FoundID == nil || r.OccurredAt == nil || r.ActorLabel == nil || r.Action == nil ||
		r.EntityType == nil || r.EntityID == nil || r.RequestID == nil || r.ClientIP == nil {
		return auditchain.Event{}, false
	}
	return auditchain.Event{
		Seq: r.Seq, ID: *r.FoundID, OccurredAt: *r.OccurredAt, ActorID: r.ActorID, ActorLabel: *r.ActorLabel,
		Action: *r.Action, EntityType: *r.EntityType, EntityID: *r.EntityID, Before: r.Before, After: r.After,
		RequestID: *r.RequestID, ClientIP: *r.ClientIP,
	}, true
}

// VerifyAuditChain walks the whole chain in order, recomputing every hash in
// Go from the stored values, and reports the first link that does not
// verify: an edited event (hash mismatch), a removed or reordered one (broken
// sequence, link or missing event), events missing from the end (head
// mismatch), or events written behind the chain's back (never sealed,
// though not pending). Committed events not sealed yet are counted as
// pending (ChainReport.Pending): the chain does not cover them yet.
func (db *DB) VerifyAuditChain(ctx context.Context) (dealgate.ChainReport, error) {
	return db.verifyAuditChain(ctx, nil)
}

// verifyAuditChain is VerifyAuditChain that also fills keep[seq] with the
// hash of each event whose seq is a key of keep (see checkpoints.go).
func (db *DB) verifyAuditChain(ctx context.Context, keep map[int64][]byte) (dealgate.ChainReport, error) {
	const pageSize = 5000
	// One repeatable-read snapshot, so writers that commit meanwhile cannot
	// make a consistent chain look broken.
	tx, err := db.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return dealgate.ChainReport{}, translate(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	q := sqlc.New(tx)

	var rep dealgate.ChainReport
	prev := make([]byte, sha256.Size)
	var lastSeq int64
	for {
		rows, err := q.ListAuditChainAfter(ctx, sqlc.ListAuditChainAfterParams{AfterSeq: lastSeq, PageSize: pageSize})
		if err != nil {
			return rep, translate(fmt.Errorf("read audit chain: %w", err))
		}
		for _, r := range rows {
			ev, found := auditChainEvent(r)
			switch {
			case r.Seq != lastSeq+1:
				return broken(rep, lastSeq+1, fmt.Sprintf("event %d is missing (the next one found is %d): events were removed or reordered", lastSeq+1, r.Seq)), nil
			case !bytes.Equal(r.PrevHash, prev):
				return broken(rep, r.Seq, "its link to the previous event does not match: the chain was cut or reordered here"), nil
			case !found:
				return broken(rep, r.Seq, fmt.Sprintf("its event (id %d) has been deleted", r.EventID)), nil
			case !bytes.Equal(r.Hash, auditchain.Link(prev, ev)):
				return broken(rep, r.Seq, "its contents do not match its hash: the event was edited"), nil
			}
			prev, lastSeq = r.Hash, r.Seq
			if _, ok := keep[r.Seq]; ok {
				keep[r.Seq] = r.Hash
			}
			rep.Count++
			rep.HeadSeq, rep.HeadHash = r.Seq, r.Hash
		}
		if len(rows) < pageSize {
			break
		}
	}
	head, err := q.GetAuditChainHead(ctx)
	if err != nil {
		return rep, translate(fmt.Errorf("read audit chain head: %w", err))
	}
	if head.Seq != lastSeq || !bytes.Equal(head.Hash, prev) {
		return broken(rep, lastSeq+1, fmt.Sprintf("the chain head records event %d but the trail ends at event %d: events were removed from the end", head.Seq, lastSeq)), nil
	}
	odd, err := q.FindUnsealedAuditEvents(ctx)
	if err != nil {
		return rep, translate(fmt.Errorf("read unsealed audit events: %w", err))
	}
	if len(odd) > 0 {
		return broken(rep, lastSeq+1, fmt.Sprintf("event id %d is sealed %d times instead of once: it was written or copied behind the chain's back", odd[0].ID, odd[0].Seals)), nil
	}
	pending, err := q.CountPendingAuditEvents(ctx)
	if err != nil {
		return rep, translate(fmt.Errorf("count pending audit events: %w", err))
	}
	rep.Pending = pending.Pending
	if t, ok := pending.Oldest.(time.Time); ok {
		rep.OldestPending = t
	}
	return rep, nil
}

func broken(rep dealgate.ChainReport, seq int64, reason string) dealgate.ChainReport {
	rep.BrokenAt, rep.Reason = seq, reason
	return rep
}
