package postgres

import "context"
import "fmt"
import "io"
import "strconv"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"
import "github.com/dealgate/dealgate/internal/screening"

// MaxPacketEvents bounds the audit events one decision packet lists.
const MaxPacketEvents = 2000

// DecisionPacket writes the decision packet of a deal as a PDF: its latest
// decision, or decisionID when not 0 (one of the deal's decisions). The
// packet's data is read in one snapshot, and handing it out is an audit
// event (deal.packet_exported) in the same transaction. open is called with
// the packet's description before anything is written.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (no such deal for actor, or
// no decision yet), EINTERNAL.
func (s *Reports) DecisionPacket(ctx context.Context, actor *dealgate.User, dealID, decisionID int64, zone *time.Location, open func(export.Meta) (io.Writer, error)) error {
	_, err := authorized(ctx, s.DB, actor, dealgate.ActDecisionPacket, func(tx *Tx) (struct{}, error) {
		d, err := tx.packetData(ctx, actor, dealID, decisionID)
		if err != nil {
			return struct{}{}, err
		}
		meta := export.Meta{Zone: zone, ExportedBy: actor.Email, ExportedAt: tx.Now.UTC().Truncate(time.Second),
			From: d.Version.CreatedAt, To: d.Decision.DecidedAt.Add(time.Nanosecond),
			Filters: []export.Filter{{Name: "Deal", Value: strconv.FormatInt(dealID, 10) + " " + d.Version.Content.Title},
				{Name: "Decision", Value: strconv.FormatInt(d.Decision.ID, 10) + " (" + d.Decision.Outcome.Label() + ")"}}}
		w, err := open(meta)
		if err != nil {
			return struct{}{}, err
		}
		if err := export.WriteDecisionPacket(w, meta, d); err != nil {
			return struct{}{}, dealgate.Internal(fmt.Errorf("write decision packet: %w", err))
		}
		return struct{}{}, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "deal.packet_exported", EntityType: dealgate.EntityDeal, EntityID: idString(dealID),
			After: map[string]any{"decision_id": d.Decision.ID, "deal_version": d.Decision.DealVersion, "format": "pdf",
				"events": len(d.Events)},
		})
	})
	return err
}

// packetData reads everything the packet shows, as of the decision.
func (tx *Tx) packetData(ctx context.Context, actor *dealgate.User, dealID, decisionID int64) (export.PacketData, error) {
	var d export.PacketData
	if _, err := tx.authorizeDeal(ctx, actor, dealID, dealgate.DealRead); err != nil {
		return d, err
	}
	decisions, err := tx.Q.DealDecisions(ctx, dealID)
	if err != nil {
		return d, fmt.Errorf("deal decisions: %w", err)
	}
	reviewID := int64(0)
	for _, r := range decisions {
		if decisionID == 0 || r.ID == decisionID {
			reviewID = r.ReviewID
			break
		}
	}
	if reviewID == 0 {
		return d, dealgate.Errorf(dealgate.ENOTFOUND, "This deal has no such decision yet.")
	}
	st, err := tx.reviewState(ctx, actor, reviewID)
	if err != nil {
		return d, err
	}
	if d.Decision, err = tx.decisionOfReview(ctx, reviewID); err != nil {
		return d, err
	}
	d.Deal, d.Round, d.Members, d.Votes, d.Superseded = st.deal, st.review.Round, st.members, st.votes, st.superseded
	versions, err := tx.dealVersions(ctx, dealID)
	if err != nil {
		return d, err
	}
	for _, v := range versions {
		if v.Number == d.Decision.DealVersion {
			d.Version = v
		}
	}
	if err := tx.packetScreening(ctx, &d); err != nil {
		return d, err
	}
	if err := tx.packetDefinitions(ctx, &d); err != nil {
		return d, err
	}
	return d, tx.packetEvents(ctx, &d)
}

// packetScreening reads the screening the committee decided on: the
// version's latest screening recorded by the time of the decision.
func (tx *Tx) packetScreening(ctx context.Context, d *export.PacketData) error {
	id, err := tx.Q.ScreeningAtDecision(ctx, sqlc.ScreeningAtDecisionParams{
		DealID: d.Deal.ID, DealVersion: int32(d.Decision.DealVersion), At: d.Decision.DecidedAt})
	if isNotFound(translate(err)) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("screening at decision: %w", err)
	}
	st, err := tx.storedScreening(ctx, id)
	if err != nil {
		return err
	}
	d.Screening = &export.PacketScreening{Verdict: string(st.Verdict), Taxonomy: st.TaxonomyLabel, ScreenedAt: st.ScreenedAt,
		Findings: st.Findings, InfoNotStored: st.InfoNotStored()}
	return nil
}

// packetDefinitions collects the definitions of the deal's categories and
// of those the findings relate them to, in the decision's taxonomy version.
func (tx *Tx) packetDefinitions(ctx context.Context, d *export.PacketData) error {
	taxID := d.Decision.TaxonomyVersionID
	if taxID == nil {
		taxID = d.Version.TaxonomyVersionID
	}
	if taxID == nil {
		return nil
	}
	tax, err := tx.Taxonomy(ctx, *taxID)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	add := func(id int64) {
		c, ok := tax.Category(id)
		if !ok || seen[id] {
			return
		}
		seen[id] = true
		d.Definitions = append(d.Definitions, dealgate.CategoryDefinition{Path: tax.PathString(id), Definition: c.Definition})
	}
	for _, id := range d.Version.Content.CategoryIDs() {
		add(id)
	}
	if d.Screening != nil {
		for _, f := range d.Screening.Findings {
			add(f.Category.Clause.ID)
			if f.Relation == screening.Related {
				add(f.Category.Common.ID)
			}
			if f.Category.Excluded != nil {
				add(f.Category.Excluded.ID)
			}
		}
	}
	return nil
}

// packetEvents reads the deal's audit events, and its reviews', with
// their chain links.
func (tx *Tx) packetEvents(ctx context.Context, d *export.PacketData) error {
	rows, err := tx.Q.DealChainedEvents(ctx, sqlc.DealChainedEventsParams{DealKey: idString(d.Deal.ID), DealID: d.Deal.ID, Lim: MaxPacketEvents + 1})
	if err != nil {
		return fmt.Errorf("deal events: %w", err)
	}
	if len(rows) > MaxPacketEvents {
		rows, d.EventsCut = rows[:MaxPacketEvents], true
	}
	for _, r := range rows {
		d.Events = append(d.Events, dealgate.ChainedEvent{Seq: r.Seq, Hash: r.Hash, AuditEvent: dealgate.AuditEvent{
			ID: r.ID, OccurredAt: r.OccurredAt, ActorLabel: r.ActorLabel, Action: r.Action, EntityType: r.EntityType, EntityID: r.EntityID}})
	}
	return nil
}
