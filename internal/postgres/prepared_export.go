package postgres

import "context"
import "errors"
import "fmt"
import "io"
import "os"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Prepared downloads: a large XLSX or PDF export is built in the background
// instead of holding the browser's request open. The row (prepared_export)
// and the finished file (prepared_export_chunk) live in Postgres, so any
// instance shows the progress and serves the file; only the build runs on
// the instance that took the request, in one of its export slots, beating
// a heartbeat so that a build whose instance stopped shows as failed.

// Prepared-export timings.
const (
	PreparedTTL       = time.Hour        // a file not downloaded by then is deleted
	preparedChunk     = 1 << 20          // bytes per stored chunk
	preparedHeartbeat = 10 * time.Second // well inside dealgate.PreparedStall
	preparedMaxBuild  = time.Hour
)

// PrepareRequest is an export to prepare: the export itself, the filtered
// view's query string and its description in words, for the status page.
type PrepareRequest struct {
	ExportRequest
	Query, Description string
}

// Prepare starts building req for actor in the background and returns the
// prepared export's ID. It takes one of this instance's export slots, so
// with the limit reached it is refused (ETOOMANY, "try again shortly") and
// nothing is recorded. Starting is an audit event (audit.export_started);
// the build writes audit.exported as a direct export does.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ETOOMANY, EINVALID (a format that is
// streamed, not prepared), EINTERNAL.
func (s *AuditExports) Prepare(ctx context.Context, actor *dealgate.User, req PrepareRequest) (int64, error) {
	if err := dealgate.Authorize(actor, dealgate.ActAuditView); err != nil {
		return 0, err
	}
	if req.Format != export.XLSX && req.Format != export.PDF {
		return 0, dealgate.Errorf(dealgate.EINVALID, "Only XLSX and PDF exports are prepared; CSV and JSON Lines download at once.")
	}
	select {
	case s.slots <- struct{}{}:
	default:
		return 0, errExportBusy()
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Q.DeleteExpiredPreparedExports(ctx, tx.Now); err != nil {
			return fmt.Errorf("delete expired exports: %w", err)
		}
		var err error
		id, err = tx.Q.InsertPreparedExport(ctx, sqlc.InsertPreparedExportParams{UserID: actor.ID, Kind: "audit",
			Format: string(req.Format), Query: truncate(req.Query, 4000), Description: truncate(req.Description, 2000),
			Now: tx.Now, ExpiresAt: tx.Now.Add(PreparedTTL)})
		if err != nil {
			return fmt.Errorf("record prepared export: %w", err)
		}
		return tx.auditAs(ctx, actor, dealgate.AuditEvent{Action: "audit.export_started", EntityType: "prepared_export",
			EntityID: idString(id), After: map[string]any{"format": string(req.Format), "filters": req.Description}})
	})
	if err != nil {
		<-s.slots
		return 0, err
	}
	// The build outlives the request that started it.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), preparedMaxBuild)
	go func() {
		defer cancel()
		defer func() { <-s.slots }()
		s.build(bctx, id, actor.Email, req.ExportRequest)
	}()
	return id, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// build writes the export to a temporary file, then stores it and marks the
// row ready, or marks it failed with the reason in words.
func (s *AuditExports) build(ctx context.Context, id int64, exportedBy string, req ExportRequest) {
	stop := s.heartbeat(ctx, id)
	err := s.buildFile(ctx, id, exportedBy, req)
	stop()
	if err == nil {
		return
	}
	msg := dealgate.ErrorMessage(err)
	if dealgate.ErrorCode(err) == dealgate.EINTERNAL {
		msg = "The export failed. Try again; if it fails again, tell an administrator."
	}
	if _, ferr := s.DB.Queries().FinishPreparedExport(context.WithoutCancel(ctx), sqlc.FinishPreparedExportParams{
		ID: id, State: string(dealgate.PreparedFailed), Error: truncate(msg, 2000), Now: ptrTime(s.DB.Now())}); ferr != nil {
		err = errors.Join(err, ferr)
	}
	if s.Log != nil {
		s.Log.Error("prepared export failed", "id", id, "err", err)
	}
}

// buildFile runs the export into a temporary file and stores the file in
// chunks, marking the row ready in the same transaction.
func (s *AuditExports) buildFile(ctx context.Context, id int64, exportedBy string, req ExportRequest) error {
	tmp, err := os.CreateTemp("", "dealgate-prepared-*")
	if err != nil {
		return dealgate.Internal(err)
	}
	defer func() { _ = tmp.Close(); _ = os.Remove(tmp.Name()) }()
	res, err := s.runHeld(ctx, exportedBy, req, func(export.Meta) (io.Writer, error) { return tmp, nil })
	if err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return dealgate.Internal(err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return dealgate.Internal(err)
	}
	return s.DB.InTx(ctx, func(tx *Tx) error {
		buf := make([]byte, preparedChunk)
		for n := int32(0); ; n++ {
			k, rerr := io.ReadFull(tmp, buf)
			if k > 0 {
				if err := tx.Q.InsertPreparedChunk(ctx, sqlc.InsertPreparedChunkParams{ExportID: id, N: n, Data: buf[:k]}); err != nil {
					return fmt.Errorf("store export chunk: %w", err)
				}
			}
			if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
				break
			}
			if rerr != nil {
				return rerr
			}
		}
		_, err := tx.Q.FinishPreparedExport(ctx, sqlc.FinishPreparedExportParams{ID: id, State: string(dealgate.PreparedReady),
			Filename: export.FileName("audit", res.Meta, string(req.Format)), ContentType: req.Format.ContentType(),
			SizeBytes: size, RowsWritten: res.Proof.Rows, Now: &tx.Now})
		return err
	})
}

// heartbeat beats for export id until the returned stop is called.
func (s *AuditExports) heartbeat(ctx context.Context, id int64) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(preparedHeartbeat)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				_ = s.DB.Queries().BeatPreparedExport(ctx, sqlc.BeatPreparedExportParams{ID: id, Now: s.DB.Now()})
			}
		}
	}()
	return func() { close(done) }
}

// Prepared returns a prepared export of actor's. Another user's is
// ENOTFOUND: its existence is not revealed.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *AuditExports) Prepared(ctx context.Context, actor *dealgate.User, id int64) (dealgate.PreparedExport, error) {
	if err := dealgate.Authorize(actor, dealgate.ActAuditView); err != nil {
		return dealgate.PreparedExport{}, err
	}
	r, err := s.DB.Queries().GetPreparedExport(ctx, id)
	if err != nil || r.UserID != actor.ID || r.ExpiresAt.Before(s.DB.Now()) {
		if err == nil || isNotFound(translate(err)) {
			return dealgate.PreparedExport{}, dealgate.Errorf(dealgate.ENOTFOUND,
				"This export is not here: it was downloaded already, it expired, or it is someone else's.")
		}
		return dealgate.PreparedExport{}, translate(fmt.Errorf("read prepared export: %w", err))
	}
	p := dealgate.PreparedExport{ID: r.ID, UserID: r.UserID, Kind: r.Kind, Format: r.Format, Query: r.Query, Description: r.Description,
		State: dealgate.PreparedState(r.State), Filename: r.Filename, ContentType: r.ContentType, Size: r.SizeBytes, Rows: r.RowsWritten,
		Error: r.Error, CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt, ExpiresAt: r.ExpiresAt}
	if st, why := dealgate.PreparedStateAt(p.State, r.HeartbeatAt, s.DB.Now()); st != p.State {
		p.State, p.Error = st, why
	}
	return p, nil
}

// DownloadPrepared writes a ready export of actor's to the writer open
// returns (called once, with the export, before the first byte), chunk by
// chunk, then deletes it: a prepared file is downloaded once. The download
// is an audit event (audit.export_downloaded), with the deletion.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID (not ready), EINTERNAL.
func (s *AuditExports) DownloadPrepared(ctx context.Context, actor *dealgate.User, id int64, open func(dealgate.PreparedExport) (io.Writer, error)) error {
	p, err := s.Prepared(ctx, actor, id)
	if err != nil {
		return err
	}
	if p.State != dealgate.PreparedReady {
		return dealgate.Errorf(dealgate.EINVALID, "This export is not ready to download.")
	}
	w, err := open(p)
	if err != nil {
		return err
	}
	q := s.DB.Queries()
	for n, sent := int32(0), int64(0); sent < p.Size; n++ {
		data, err := q.PreparedChunk(ctx, sqlc.PreparedChunkParams{ExportID: id, N: n})
		if err != nil {
			return translate(fmt.Errorf("read export chunk %d: %w", n, err))
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
		sent += int64(len(data))
	}
	return s.DB.InTx(context.WithoutCancel(ctx), func(tx *Tx) error {
		if n, err := tx.Q.DeletePreparedExport(ctx, id); err != nil || n == 0 {
			return err // downloaded at the same time elsewhere: deleted there
		}
		return tx.auditAs(ctx, actor, dealgate.AuditEvent{Action: "audit.export_downloaded", EntityType: "prepared_export",
			EntityID: idString(id), After: map[string]any{"format": p.Format, "bytes": p.Size, "rows": p.Rows}})
	})
}

// PurgePreparedExports deletes expired prepared exports (the maintenance
// job's pass); their chunks go with them.
func (db *DB) PurgePreparedExports(ctx context.Context) (int64, error) {
	n, err := db.Queries().DeleteExpiredPreparedExports(ctx, db.Now())
	if err != nil {
		return 0, translate(fmt.Errorf("purge prepared exports: %w", err))
	}
	return n, nil
}
