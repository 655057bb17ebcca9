package postgres

import "context"
import "fmt"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// StartNegotiation records that counsel started negotiating a deal they
// opened at version. It is refused unless the deal is cleared to negotiate
// (an unexpired approving decision on a version that still counts); the
// refusal is itself an audit event, committed although nothing else changes.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN, EINVALID (not cleared;
// already recorded), ECONFLICT (stale).
func (s *Deals) StartNegotiation(ctx context.Context, actor *dealgate.User, id, version int64) (dealgate.Clearance, error) {
	type out struct {
		c       dealgate.Clearance
		refusal error
	}
	o, err := inBound(ctx, s.DB, s.tx, func(tx *Tx) (out, error) {
		d, err := tx.lockDeal(ctx, actor, id, version, dealgate.DealEdit)
		if err != nil {
			return out{}, err
		}
		c, err := tx.clearance(ctx, d)
		if err != nil {
			return out{}, err
		}
		if c.NegotiationStarted != nil {
			return out{c: c}, dealgate.Errorf(dealgate.EINVALID, "The start of negotiation is already recorded.")
		}
		if !c.Cleared {
			// Commit the refusal's audit event, and nothing else.
			return out{c, dealgate.Errorf(dealgate.EINVALID, "%s, so the start of negotiation was not recorded.", c.Reason)},
				tx.auditAs(ctx, actor, dealgate.AuditEvent{
					Action: "deal.negotiation_refused", EntityType: dealgate.EntityDeal, EntityID: idString(id),
					After: map[string]any{"reason": c.Reason, "deal_version": d.CurrentVersion},
				})
		}
		err = tx.Q.InsertNegotiation(ctx, sqlc.InsertNegotiationParams{
			DealID: id, DealVersion: int32(d.CurrentVersion), DecisionID: c.Decision.ID, StartedOn: tx.today(),
			RecordedBy: actorID(actor), Now: tx.Now,
		})
		if err != nil {
			return out{}, fmt.Errorf("record negotiation: %w", err)
		}
		if err := tx.Q.TouchDeal(ctx, sqlc.TouchDealParams{ID: id, Now: tx.Now}); err != nil {
			return out{}, err
		}
		c.NegotiationStarted = &tx.Now
		members, err := tx.reviewMembers(ctx, c.Decision.ReviewID)
		if err != nil {
			return out{}, err
		}
		if _, err := tx.notify(ctx, actor, negotiationNotice(d, c.Decision.ReviewID, members)); err != nil {
			return out{}, err
		}
		return out{c: c}, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "deal.negotiation_started", EntityType: dealgate.EntityDeal, EntityID: idString(id),
			After: map[string]any{"deal_version": d.CurrentVersion, "decision": c.Decision.Outcome.Label(), "conditions": c.Conditions},
		})
	})
	if err == nil {
		err = o.refusal
	}
	return o.c, err
}
