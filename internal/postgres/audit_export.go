package postgres

import "context"
import "encoding/hex"
import "errors"
import "fmt"
import "io"
import "log/slog"
import "sync"
import "time"

import "github.com/jackc/pgx/v5"
import "github.com/jackc/pgx/v5/pgxpool"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// AuditExports writes audit reports. Exports read on a pool of their own
// (ExportOptions.Conns connections, opened on first use), so a long export
// never takes a connection a page request needs, and at most
// ExportOptions.Concurrent run at once in this process: one more is refused
// with ETOOMANY ("try again shortly").
type AuditExports struct {
	DB    *DB
	Log   *slog.Logger // where a prepared export's failure is logged; nil: nowhere
	opts  ExportOptions
	slots chan struct{}

	mu   sync.Mutex
	pool *pgxpool.Pool
}

// ExportOptions size the export budget.
type ExportOptions struct {
	Conns      int32 // connections of the export pool
	Concurrent int   // exports running at once
}

// NewAuditExports returns the export service on db.
func NewAuditExports(db *DB, opts ExportOptions) *AuditExports {
	opts.Conns = max(opts.Conns, 1)
	opts.Concurrent = max(opts.Concurrent, 1)
	return &AuditExports{DB: db, opts: opts, slots: make(chan struct{}, opts.Concurrent)}
}

// Close closes the export pool, if it was opened.
func (s *AuditExports) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pool != nil {
		s.pool.Close()
		s.pool = nil
	}
}

func (s *AuditExports) exportPool(ctx context.Context) (*pgxpool.Pool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pool != nil {
		return s.pool, nil
	}
	cfg := s.DB.Pool.Config()
	cfg.MaxConns, cfg.MinConns = s.opts.Conns, 0
	cfg.MaxConnIdleTime = time.Minute
	cfg.ConnConfig.RuntimeParams["application_name"] = "dealgate-export"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, translate(fmt.Errorf("open export pool: %w", err))
	}
	s.pool = pool
	return pool, nil
}

// errExportBusy is the answer when the instance already runs its limit.
func errExportBusy() error {
	e := dealgate.TooMany(10 * time.Second)
	e.Message = "Other exports are running. Try again shortly."
	return e
}

// ExportRequest is one export: the filtered view, the format, and the zone
// dates are shown in.
type ExportRequest struct {
	Filter  dealgate.AuditFilter
	Filters []export.Filter // the filters as the viewer named them, for the report
	Format  export.Format
	Zone    *time.Location
}

// ExportResult says what an export wrote.
type ExportResult struct {
	Meta  export.Meta
	Proof export.Proof
}

// Export writes the events of the filtered view, in chain order, in the
// requested format. It authorises the actor, takes an export slot, opens a
// read-only snapshot and reads the chain head, then calls open with the
// export's description (for headers and the file name) to get the writer:
// CSV and JSON Lines go straight to it row by row from the database cursor;
// XLSX and PDF are written to it when complete. Exporting is itself an audit
// event (audit.exported: the filters, the format and the rows), written
// before the proof that ends the file, so a file without its audit event has
// no proof either.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ETOOMANY, EINVALID (a PDF of too many
// events), EINTERNAL.
func (s *AuditExports) Export(ctx context.Context, actor *dealgate.User, req ExportRequest, open func(export.Meta) (io.Writer, error)) (ExportResult, error) {
	if err := dealgate.Authorize(actor, dealgate.ActAuditView); err != nil {
		return ExportResult{}, err
	}
	return s.run(ctx, actor.Email, req, open)
}

// ExportAsOperator is Export for the command line, run by whoever holds the
// database: there is no user to authorise. The audit event's actor comes
// from ctx (the system, unless the caller says otherwise).
func (s *AuditExports) ExportAsOperator(ctx context.Context, req ExportRequest, open func(export.Meta) (io.Writer, error)) (ExportResult, error) {
	return s.run(ctx, dealgate.RequestMetaFrom(ctx).Actor.Label+" (command line)", req, open)
}

func (s *AuditExports) run(ctx context.Context, exportedBy string, req ExportRequest, open func(export.Meta) (io.Writer, error)) (ExportResult, error) {
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		return ExportResult{}, errExportBusy()
	}
	return s.runHeld(ctx, exportedBy, req, open)
}

// runHeld is run for a caller that holds an export slot.
// exportSealWait bounds how long an export waits for events held back by
// an older transaction before it leaves them to the next export.
const exportSealWait = 2 * time.Second

func (s *AuditExports) runHeld(ctx context.Context, exportedBy string, req ExportRequest, open func(export.Meta) (io.Writer, error)) (ExportResult, error) {
	var res ExportResult
	pool, err := s.exportPool(ctx)
	if err != nil {
		return res, err
	}
	// Seal what is committed, so the export covers the events written just
	// before it. Events waiting for an older transaction get a moment
	// (exportSealWait); after that they are left out (an export holds
	// sealed events only, up to the chain head it names).
	wait, cancel := context.WithTimeout(ctx, exportSealWait)
	err = s.DB.WaitAuditSealed(wait)
	cancel()
	if err != nil && (ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded)) {
		return res, err
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return res, translate(fmt.Errorf("begin export: %w", err))
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()

	meta := export.Meta{Filters: req.Filters, From: req.Filter.From, To: req.Filter.To, Zone: req.Zone,
		ExportedBy: exportedBy, ExportedAt: s.DB.Now().UTC().Truncate(time.Second)}
	head, err := sqlc.New(tx).GetAuditChainHead(ctx)
	if err != nil {
		return res, translate(fmt.Errorf("read chain head: %w", err))
	}
	meta.HeadSeq, meta.HeadHash = head.Seq, head.Hash
	res.Meta = meta
	cond, args := auditWhere(req.Filter)
	if req.Format == export.PDF {
		if err := checkPDFSize(ctx, tx, cond, args); err != nil {
			return res, err
		}
	}
	out, err := open(meta)
	if err != nil {
		return res, err
	}
	w, err := newExportWriter(req.Format, out, meta)
	if err != nil {
		return res, err
	}
	n, last, err := copyEvents(ctx, tx, req.Format, cond, args, w)
	if err != nil {
		return res, err
	}
	if err := s.DB.InTx(ctx, func(tx *Tx) error {
		return tx.Audit(ctx, exportEvent(req, meta, n, last))
	}); err != nil {
		return res, err
	}
	res.Proof, err = w.Close()
	if err != nil {
		return res, dealgate.Internal(fmt.Errorf("finish %s export: %w", req.Format, err))
	}
	return res, nil
}

// checkPDFSize refuses a PDF report of more events than a report holds.
func checkPDFSize(ctx context.Context, tx pgx.Tx, cond string, args []any) error {
	var n int64
	if err := tx.QueryRow(ctx, fmt.Sprintf("SELECT count(*) FROM (SELECT 1 FROM audit_event %s LIMIT %d) t", cond, export.MaxPDFRows+1),
		args...).Scan(&n); err != nil {
		return translate(fmt.Errorf("count export: %w", err))
	}
	if n > export.MaxPDFRows {
		return dealgate.Errorf(dealgate.EINVALID, "A PDF report holds at most %d events. Narrow the filters, or export CSV or XLSX.", export.MaxPDFRows)
	}
	return nil
}

// newExportWriter starts the writer of one format on out.
func newExportWriter(format export.Format, out io.Writer, meta export.Meta) (export.Writer, error) {
	var w export.Writer
	var err error
	switch format {
	case export.CSV:
		w, err = export.NewCSV(out, meta)
	case export.JSONL:
		w, err = export.NewJSONL(out, meta)
	case export.XLSX:
		w, err = export.NewXLSX(out, meta)
	case export.PDF:
		w, err = export.NewPDF(out, meta)
	default:
		return nil, dealgate.Errorf(dealgate.EINVALID, "Choose CSV, XLSX, PDF or JSON Lines.")
	}
	if err != nil {
		return nil, dealgate.Internal(fmt.Errorf("start %s export: %w", format, err))
	}
	return w, nil
}

// copyEvents streams the matching events from the snapshot into w in chain
// order and returns how many it wrote and the last one.
func copyEvents(ctx context.Context, tx pgx.Tx, format export.Format, cond string, args []any, w export.Writer) (int64, export.Row, error) {
	var last export.Row
	var n int64
	// Only events sealed when the snapshot was taken: the chain head bounds
	// the export.
	rows, err := tx.Query(ctx, `
		SELECT s.seq, e.id, e.occurred_at, e.actor_id, e.actor_label, e.action, e.entity_type, e.entity_id,
		       e.before, e.after, e.request_id, e.client_ip, s.prev_hash, s.hash
		FROM audit_seal s JOIN audit_event e ON e.id = s.event_id `+cond+`
		ORDER BY s.seq`, args...)
	if err != nil {
		return n, last, translate(fmt.Errorf("export audit events: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		var r export.Row
		if err := rows.Scan(&r.Seq, &r.ID, &r.OccurredAt, &r.ActorID, &r.ActorLabel, &r.Action, &r.EntityType, &r.EntityID,
			&r.Before, &r.After, &r.RequestID, &r.ClientIP, &r.PrevHash, &r.Hash); err != nil {
			return n, last, translate(fmt.Errorf("export audit events: %w", err))
		}
		if err := w.Write(r); err != nil {
			return n, last, dealgate.Internal(fmt.Errorf("write %s export: %w", format, err))
		}
		last = r
		n++
	}
	if err := rows.Err(); err != nil {
		return n, last, translate(fmt.Errorf("export audit events: %w", err))
	}
	return n, last, nil
}

func exportEvent(req ExportRequest, meta export.Meta, rows int64, last export.Row) dealgate.AuditEvent {
	filters := map[string]string{}
	for _, f := range req.Filters {
		filters[f.Name] = f.Value
	}
	after := map[string]any{
		"format": string(req.Format), "filters": filters, "rows": rows, "period": meta.Period(),
		"chain_head_seq": meta.HeadSeq, "chain_head_hash": hex.EncodeToString(meta.HeadHash),
	}
	if rows > 0 {
		after["last_seq"], after["last_hash"] = last.Seq, hex.EncodeToString(last.Hash)
	}
	return dealgate.AuditEvent{Action: "audit.exported", EntityType: "audit", EntityID: string(req.Format), After: after}
}

// VerifyChain walks the whole audit chain (VerifyAuditChain) for a viewer of
// the trail, in one of the export slots, since it reads every event. It
// returns the report and when it ran.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ETOOMANY, EINTERNAL.
func (s *AuditExports) VerifyChain(ctx context.Context, actor *dealgate.User) (dealgate.ChainReport, time.Time, error) {
	if err := dealgate.Authorize(actor, dealgate.ActAuditView); err != nil {
		return dealgate.ChainReport{}, time.Time{}, err
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	default:
		return dealgate.ChainReport{}, time.Time{}, errExportBusy()
	}
	at := s.DB.Now()
	rep, err := s.DB.VerifyAuditChain(ctx)
	return rep, at, err
}
