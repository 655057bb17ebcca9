package postgres

import "context"
import "errors"
import "fmt"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"
import "github.com/dealgate/dealgate/internal/screening"

// AgreementPage is everything the agreement's page shows: the agreement,
// its clauses (retired ones too) and documents, the open deals its clauses
// have findings on that the viewer may see, the latest re-screening job,
// and its timeline (the agreement's, its clauses' and its documents' audit
// events, newest first).
type AgreementPage struct {
	Agreement dealgate.Agreement
	Clauses   []dealgate.Clause // shared with the cache: read only
	Documents []dealgate.Document
	Touching  []Touching
	Job       *Job
	History   []dealgate.AuditEvent
	// Derived is shared by the requests served this page from the cache.
	Derived *dealgate.Derived
}

// agreementPageWholeKey is what a cached agreement page depends on besides
// the deal list stamp it is kept under: the agreement, the viewer (who may
// see which touching deal), the register change counter (the agreement,
// its clauses and their history), the timeline's length and the day.
type agreementPageWholeKey struct {
	id, viewer, register int64
	historyLimit         int
	day                  int64
}

// The page's statements, sent together in one batch (one round trip). Each
// reads by the agreement's ID, so none waits for another's result.
const (
	agreementPageAgreementSQL = `
		SELECT a.id, a.title, a.party_id, p.name, p.kind, a.kind, a.binding, a.status,
		       a.signed_on, a.effective_on, a.expires_on, a.value_minor, a.currency, a.owner_id,
		       coalesce(u.name, ''), a.summary, a.notes, a.created_at, a.updated_at, a.version
		FROM agreement a
		JOIN party p ON p.id = a.party_id
		LEFT JOIN users u ON u.id = a.owner_id
		WHERE a.id = $1`
	agreementPageDocumentsSQL = `
		SELECT id, agreement_id, filename, content_type, size_bytes, sha256, uploaded_at, uploaded_by
		FROM agreement_document WHERE agreement_id = $1 ORDER BY id`
	// The open deals touching the agreement (as OpenDealsTouchingAgreement)
	// with the viewer's relation to each (as DealRelations), for the policy.
	agreementPageTouchingSQL = `
		SELECT d.id, d.title, v.number, f.clause_id, c.section, f.severity, f.relation,
		       d.status, d.author_id, coalesce(s.access, '')::text
		FROM screening_finding f
		JOIN clause c ON c.id = f.clause_id
		JOIN deal_version v ON v.screening_id = f.screening_id
		JOIN deal d ON d.id = v.deal_id AND d.current_version = v.number
		LEFT JOIN deal_share s ON s.deal_id = d.id AND s.user_id = $2
		WHERE f.agreement_id = $1 AND d.status = 'submitted'
		ORDER BY CASE f.severity WHEN 'conflict' THEN 0 WHEN 'caution' THEN 1 ELSE 2 END, d.title, d.id, f.clause_id
		LIMIT 200`
	// As LatestRescreenJob (queries/screening.sql): the newest re-screening
	// job River holds.
	agreementPageJobSQL = `
		SELECT id, COALESCE((args->>'register_change')::bigint, 0)::bigint,
		    (CASE state WHEN 'running' THEN 'running' WHEN 'completed' THEN 'done'
		        WHEN 'retryable' THEN 'failed' WHEN 'discarded' THEN 'failed' WHEN 'cancelled' THEN 'failed'
		        ELSE 'pending' END)::text,
		    created_at, finalized_at,
		    COALESCE((metadata->'output'->>'deals')::int, 0)::int,
		    COALESCE((metadata->'output'->>'changed')::int, 0)::int
		FROM river_job WHERE kind = 'rescreen' ORDER BY id DESC LIMIT 1`
	// The timeline, as ListAuditEventsForEntities (actor_name too: a user's
	// new name moves the deal list stamp the page is kept under) for the agreement, every
	// clause it has had and every document it holds ($3 to $5: their
	// entity types).
	agreementPageHistorySQL = `
		WITH refs (entity_type, entity_id) AS (
			SELECT $3::text, $1::bigint::text
			UNION ALL SELECT $4::text, c.id::text FROM clause c WHERE c.agreement_id = $1
			UNION ALL SELECT $5::text, d.id::text FROM agreement_document d WHERE d.agreement_id = $1
		)
		SELECT e.id, e.occurred_at, e.actor_id, e.actor_label, e.action, e.entity_type, e.entity_id,
		       e.before, e.after, e.request_id, e.client_ip, coalesce(u.name, '')::text AS actor_name
		FROM refs r
		CROSS JOIN LATERAL (
			SELECT a.id, a.occurred_at, a.actor_id, a.actor_label, a.action, a.entity_type, a.entity_id,
			       a.before, a.after, a.request_id, a.client_ip
			FROM audit_event a
			WHERE a.entity_type = r.entity_type AND a.entity_id = r.entity_id
			ORDER BY a.id DESC LIMIT $2
		) e
		LEFT JOIN users u ON u.id = e.actor_id
		ORDER BY e.id DESC
		LIMIT $2`
)

// AgreementPage reads what the agreement's page shows, historyLimit
// events of timeline at most: the clauses from the cache kept under the
// register change counter (read_cache.go) when it holds them, everything
// else in one batch. Who may see each touching deal is decided afresh.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) AgreementPage(ctx context.Context, actor *dealgate.User, id int64, historyLimit int) (AgreementPage, error) {
	if err := dealgate.AuthorizeHistory(actor, dealgate.EntityRef{Type: dealgate.EntityAgreement},
		dealgate.EntityRef{Type: dealgate.EntityClause}, dealgate.EntityRef{Type: dealgate.EntityDocument}); err != nil {
		return AgreementPage{}, err
	}
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (AgreementPage, error) {
		counter, err := registerCounter(ctx, tx)
		if err != nil {
			return AgreementPage{}, err
		}
		// The whole page, kept under the deal list stamp (it moves with the
		// touching deals' screenings, the documents and the re-screening
		// job's progress: migration 000049) and the register counter.
		stamp, err := dealListStamp(ctx, tx)
		if err != nil {
			return AgreementPage{}, err
		}
		if counter < 0 {
			stamp = -1
		}
		historyLimit = min(max(historyLimit, 1), 500)
		whole := agreementPageWholeKey{id: id, viewer: actor.ID, register: counter, historyLimit: historyLimit, day: tx.today().Unix()}
		return s.agreementPagesWhole.load(ctx, tx, stamp, whole, loader[AgreementPage]{
			read: func() (AgreementPage, error) { return s.agreementPage(ctx, tx, actor, id, counter, historyLimit) },
			kept: func(p *AgreementPage) { p.Derived = dealgate.NewDerived() },
		})
	})
}

// agreementPage reads the agreement's page, its clauses from the cache when
// this instance holds them at counter.
func (s *Register) agreementPage(ctx context.Context, tx *Tx, actor *dealgate.User, id, counter int64, historyLimit int) (AgreementPage, error) {
	key := clausesKey{agreementID: id, includeRetired: true, day: tx.today().Unix()}
	clauses, cached := s.agreementClauses.get(counter, key)
	p, err := tx.agreementPageBatch(ctx, actor, id, historyLimit)
	if err != nil {
		return AgreementPage{}, err
	}
	if !cached {
		ids, err := tx.Q.ClauseIDsForAgreement(ctx, sqlc.ClauseIDsForAgreementParams{AgreementID: id, IncludeRetired: true})
		if err != nil {
			return AgreementPage{}, err
		}
		if clauses, err = tx.clauses(ctx, ids); err != nil {
			return AgreementPage{}, err
		}
		s.agreementClauses.put(counter, key, clauses)
	}
	p.Clauses = clauses
	return p, nil
}

// agreementPageBatch sends the page's statements in one batch and reads
// their results in order.
func (tx *Tx) agreementPageBatch(ctx context.Context, actor *dealgate.User, id int64, historyLimit int) (AgreementPage, error) {
	var p AgreementPage
	var touching []touchingRow
	b := &pgx.Batch{}
	b.Queue(agreementPageAgreementSQL, id).QueryRow(func(row pgx.Row) error {
		a, err := scanPageAgreement(row, tx)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("agreement")
		}
		p.Agreement = a
		return err
	})
	b.Queue(agreementPageDocumentsSQL, id).Query(func(rows pgx.Rows) error {
		docs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[sqlc.AgreementDocument])
		p.Documents = make([]dealgate.Document, len(docs))
		for i, d := range docs {
			p.Documents[i] = documentFromRow(d)
		}
		return err
	})
	b.Queue(agreementPageTouchingSQL, id, actor.ID).Query(func(rows pgx.Rows) (err error) {
		touching, err = pgx.CollectRows(rows, pgx.RowToStructByPos[touchingRow])
		return err
	})
	b.Queue(agreementPageJobSQL).QueryRow(func(row pgx.Row) error {
		var j sqlc.LatestRescreenJobRow
		err := row.Scan(&j.ID, &j.RegisterChange, &j.State, &j.CreatedAt, &j.FinishedAt, &j.Deals, &j.Changed)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		p.Job = jobOf(j)
		return err
	})
	b.Queue(agreementPageHistorySQL, id, historyLimit,
		dealgate.EntityAgreement, dealgate.EntityClause, dealgate.EntityDocument).Query(func(rows pgx.Rows) (err error) {
		p.History, err = pgx.CollectRows(rows, scanNamedAuditEvent)
		return err
	})
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		var de *dealgate.Error
		if errors.As(err, &de) {
			return AgreementPage{}, err
		}
		return AgreementPage{}, fmt.Errorf("agreement page: %w", err)
	}
	for _, r := range touching {
		rel := dealgate.DealRelation{Status: dealgate.DealStatus(r.Status), Author: r.AuthorID == actor.ID,
			Share: dealgate.ShareAccess(r.ShareAccess)}
		if dealgate.AuthorizeDeal(actor, rel, dealgate.DealRead) != nil {
			continue
		}
		p.Touching = append(p.Touching, Touching{DealID: r.DealID, Title: r.Title, Version: int(r.Number), ClauseID: r.ClauseID,
			Section: r.Section, Severity: screening.Severity(r.Severity), Relation: screening.Relation(r.Relation)})
	}
	return p, nil
}

// touchingRow is a row of agreementPageTouchingSQL.
type touchingRow struct {
	DealID      int64
	Title       string
	Number      int32
	ClauseID    int64
	Section     string
	Severity    string
	Relation    string
	Status      string
	AuthorID    int64
	ShareAccess string
}

func scanPageAgreement(row pgx.Row, tx *Tx) (dealgate.Agreement, error) {
	var r sqlc.GetAgreementRow
	if err := row.Scan(&r.ID, &r.Title, &r.PartyID, &r.PartyName, &r.PartyKind, &r.Kind, &r.Binding, &r.Status,
		&r.SignedOn, &r.EffectiveOn, &r.ExpiresOn, &r.ValueMinor, &r.Currency, &r.OwnerID,
		&r.OwnerName, &r.Summary, &r.Notes, &r.CreatedAt, &r.UpdatedAt, &r.Version); err != nil {
		return dealgate.Agreement{}, err
	}
	return agreementFromRow(r, tx.Now), nil
}
