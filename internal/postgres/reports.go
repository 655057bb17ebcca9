package postgres

import "context"
import "encoding/json"
import "fmt"
import "io"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Reports are the committee's reports: the decision register and a deal's
// decision packet. They are small (one row per decision, one deal), so they
// read on the main pool in one transaction that also writes the export's
// audit event.
type Reports struct {
	DB *DB
}

// NewReports returns the reports service on db.
func NewReports(db *DB) *Reports { return &Reports{DB: db} }

// MaxDecisionRegisterRows bounds one export of the decision register.
const MaxDecisionRegisterRows = 100000

// DecisionRegister returns a page of the decisions recorded in the period,
// oldest first.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Reports) DecisionRegister(ctx context.Context, actor *dealgate.User, f dealgate.DecisionReportFilter) (dealgate.Page[dealgate.DecisionRecord], error) {
	return authorized(ctx, s.DB, actor, dealgate.ActExport, func(tx *Tx) (dealgate.Page[dealgate.DecisionRecord], error) {
		f.PageRequest = f.PageRequest.Normalize()
		out := dealgate.Page[dealgate.DecisionRecord]{Page: f.Page, PerPage: f.PerPage}
		n, err := tx.Q.CountDecisionRegister(ctx, sqlc.CountDecisionRegisterParams{FromAt: timeOrNil(f.From), ToAt: timeOrNil(f.To)})
		if err != nil {
			return out, fmt.Errorf("count decisions: %w", err)
		}
		out.Total = int(n)
		lim := int32(f.PerPage)
		out.Items, err = tx.decisionRecords(ctx, f, int32(f.Offset()), &lim)
		return out, err
	})
}

// ExportDecisionRegister writes every decision of the period in format
// (CSV, XLSX or PDF) to the writer open returns for the export's
// description. The export is an audit event (decisions.exported: the
// period, the format and the rows), committed with the reads, so a failed
// export records nothing.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (a format the register is not
// offered in; more than MaxDecisionRegisterRows decisions), EINTERNAL.
func (s *Reports) ExportDecisionRegister(ctx context.Context, actor *dealgate.User, f dealgate.DecisionReportFilter, format export.Format, zone *time.Location, open func(export.Meta) (io.Writer, error)) (int, error) {
	if format != export.CSV && format != export.XLSX && format != export.PDF {
		return 0, dealgate.Errorf(dealgate.EINVALID, "The decision register is offered as CSV, XLSX or PDF.")
	}
	return authorized(ctx, s.DB, actor, dealgate.ActExport, func(tx *Tx) (int, error) {
		lim := int32(MaxDecisionRegisterRows + 1)
		recs, err := tx.decisionRecords(ctx, f, 0, &lim)
		if err != nil {
			return 0, err
		}
		if len(recs) > MaxDecisionRegisterRows {
			return 0, dealgate.Errorf(dealgate.EINVALID, "The period holds more than %d decisions; choose a shorter one.", MaxDecisionRegisterRows)
		}
		meta := export.Meta{From: f.From, To: f.To, Zone: zone, ExportedBy: actor.Email, ExportedAt: tx.Now.UTC().Truncate(time.Second)}
		w, err := open(meta)
		if err != nil {
			return 0, err
		}
		if err := export.WriteDecisionRegister(w, format, meta, recs); err != nil {
			return 0, dealgate.Internal(fmt.Errorf("write decision register: %w", err))
		}
		return len(recs), tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "decisions.exported", EntityType: "report", EntityID: "decisions",
			After: map[string]any{"format": string(format), "period": meta.Period(), "rows": len(recs)},
		})
	})
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// decisionRecords reads decisions of f's period, from offset, at most lim
// (nil: all).
func (tx *Tx) decisionRecords(ctx context.Context, f dealgate.DecisionReportFilter, offset int32, lim *int32) ([]dealgate.DecisionRecord, error) {
	rows, err := tx.Q.DecisionRegister(ctx, sqlc.DecisionRegisterParams{FromAt: timeOrNil(f.From), ToAt: timeOrNil(f.To), Off: offset, Lim: lim})
	if err != nil {
		return nil, fmt.Errorf("decision register: %w", err)
	}
	out := make([]dealgate.DecisionRecord, 0, len(rows))
	for _, r := range rows {
		rec, err := decisionRecord(r)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// decisionRecord maps one row of the register.
func decisionRecord(r sqlc.DecisionRegisterRow) (dealgate.DecisionRecord, error) {
	var c dealgate.DealContent
	if err := json.Unmarshal(r.Content, &c); err != nil {
		return dealgate.DecisionRecord{}, fmt.Errorf("decision %d content: %w", r.ID, err)
	}
	var t dealgate.Tally
	if err := json.Unmarshal(r.Tally, &t); err != nil {
		return dealgate.DecisionRecord{}, fmt.Errorf("decision %d tally: %w", r.ID, err)
	}
	rec := dealgate.DecisionRecord{
		DecisionID: r.ID, DealID: r.DealID, DealVersion: int(r.DealVersion), Round: int(r.Round), Title: c.Title,
		Counterparty: r.Counterparty, Value: c.Value, Verdict: dealgate.ScreeningState(r.Verdict),
		For: t.Approvals(), Against: t.Flag, Abstained: t.Abstain, Recused: t.Recused,
		Outcome: dealgate.DecisionOutcome(r.Outcome), Conditions: r.Conditions, DecidedBy: r.DecidedBy,
		SubmittedAt: r.SubmittedAt, DecidedAt: r.DecidedAt,
	}
	for _, cat := range c.Categories {
		rec.Categories = append(rec.Categories, cat.Name)
	}
	if r.NegotiationRecordedAt != nil && r.NegotiationDecidedAt != nil {
		n := &dealgate.NegotiationRecord{RecordedAt: *r.NegotiationRecordedAt, DealVersion: int(*r.NegotiationVersion)}
		if r.NegotiationStartedOn != nil {
			n.StartedOn = *r.NegotiationStartedOn
		}
		n.Decision.DecidedAt, n.Decision.ExpiresAt = *r.NegotiationDecidedAt, r.NegotiationExpiresAt
		n.Decision.Outcome = dealgate.DecisionOutcome(*r.NegotiationOutcome)
		n.Decision.DealVersion = int(*r.NegotiationDecisionVersion)
		rec.Negotiation = n
	}
	return rec, nil
}
