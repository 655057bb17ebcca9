package demo

import "context"
import "fmt"
import "time"

import "github.com/dealgate/dealgate/internal/postgres"

// DefaultAuditEvents is the size the audit trail is tested at.
const DefaultAuditEvents = 2000000

// auditScaleBatch is how many events one transaction adds; the sealer links
// them into the chain afterwards, in batches.
const auditScaleBatch = 1000

// LoadAuditScale appends n generated audit events to the trail, spread over
// the past two years: sign-ins, deal, agreement, clause and party changes by
// 200 actors, with before and after snapshots naming their deal or
// agreement, so the audit browser's filters and the exports have realistic
// work. Events go in through the one audit table and are sealed into the
// chain like any other. Never use it in production.
func LoadAuditScale(ctx context.Context, db *postgres.DB, n int) (time.Duration, error) {
	start := time.Now()
	now := db.Now().UTC().Truncate(time.Second)
	from := now.AddDate(-2, 0, 0)
	step := now.Sub(from).Microseconds() / int64(max(n, 1))
	for done := 0; done < n; done += auditScaleBatch {
		size := min(auditScaleBatch, n-done)
		err := db.InTx(ctx, func(tx *postgres.Tx) error {
			_, err := tx.Exec(ctx, `
				INSERT INTO audit_event (occurred_at, actor_id, actor_label, action, entity_type, entity_id, before, after, request_id, client_ip)
				SELECT $1::timestamptz + make_interval(secs => (g * $2::bigint) / 1e6),
				       NULL,
				       CASE WHEN g % 17 = 0 THEN 'system' ELSE 'user' || (g % 200) || '@example.com' END,
				       (ARRAY['auth.signed_in', 'deal.updated', 'deal.submitted', 'deal_attachment.added',
				              'agreement.updated', 'clause.updated', 'party.updated', 'agreement_document.downloaded'])[g % 8 + 1],
				       (ARRAY['auth', 'deal', 'deal', 'deal_attachment', 'agreement', 'clause', 'party', 'agreement_document'])[g % 8 + 1],
				       (g % 5000 + 1)::text,
				       CASE WHEN g % 8 IN (1, 4, 5, 6) THEN jsonb_build_object(
				           'title', 'Record ' || (g % 5000 + 1), 'status', 'draft', 'version', g % 7 + 1,
				           'deal_id', CASE WHEN g % 8 = 3 THEN g % 1000 + 1 END,
				           'agreement_id', CASE WHEN g % 8 = 5 THEN g % 2000 + 1 END) END,
				       CASE WHEN g % 8 = 0 THEN NULL ELSE jsonb_build_object(
				           'title', 'Record ' || (g % 5000 + 1), 'status', (ARRAY['draft', 'submitted', 'active'])[g % 3 + 1],
				           'version', g % 7 + 2, 'note', 'Generated change ' || g,
				           'deal_id', CASE WHEN g % 8 = 3 THEN g % 1000 + 1 END,
				           'agreement_id', CASE WHEN g % 8 IN (5, 7) THEN g % 2000 + 1 END) END,
				       'scale-' || g, '10.0.' || (g % 250) || '.' || (g % 200)
				FROM generate_series($3::bigint, $4::bigint) g`, from, step, int64(done), int64(done+size-1))
			return err
		})
		if err != nil {
			return time.Since(start), fmt.Errorf("audit scale batch at %d: %w", done, err)
		}
	}
	if err := db.WaitAuditSealed(ctx); err != nil {
		return time.Since(start), fmt.Errorf("seal generated audit events: %w", err)
	}
	if _, err := db.Pool.Exec(ctx, `VACUUM (ANALYZE) audit_event, audit_seal`); err != nil {
		return time.Since(start), fmt.Errorf("vacuum analyze: %w", err)
	}
	return time.Since(start), nil
}
