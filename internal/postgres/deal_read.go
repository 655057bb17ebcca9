package postgres

import "context"
import "encoding/json"
import "fmt"
import "strconv"
import "strings"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Deal returns one deal with its shares, if actor may see it.
// Errors: EUNAUTHORIZED, ENOTFOUND (no such deal, or one actor may not see).
func (s *Deals) Deal(ctx context.Context, actor *dealgate.User, id int64) (dealgate.Deal, error) {
	return dealRead(ctx, s, func(tx *Tx) (dealgate.Deal, error) {
		return tx.authorizeDeal(ctx, actor, id, dealgate.DealRead)
	})
}

// DealFor returns one deal if actor may do op to it: the forms that change a
// deal load it this way, so a form is never shown to someone who may not send it.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN.
func (s *Deals) DealFor(ctx context.Context, actor *dealgate.User, id int64, op dealgate.DealOp) (dealgate.Deal, error) {
	return dealRead(ctx, s, func(tx *Tx) (dealgate.Deal, error) {
		return tx.authorizeDeal(ctx, actor, id, op)
	})
}

// DealOverview returns the deal, its versions, attachments and history (from
// the audit trail), clearance and open requests, and what actor may do with
// it, read afresh (the deal page reads it through DealPage, cached).
// Errors: EUNAUTHORIZED, ENOTFOUND.
func (s *Deals) DealOverview(ctx context.Context, actor *dealgate.User, id int64) (dealgate.DealOverview, error) {
	return dealRead(ctx, s, func(tx *Tx) (dealgate.DealOverview, error) {
		return tx.dealOverview(ctx, actor, id)
	})
}

func (tx *Tx) dealOverview(ctx context.Context, actor *dealgate.User, id int64) (dealgate.DealOverview, error) {
	d, err := tx.authorizeDeal(ctx, actor, id, dealgate.DealRead)
	if err != nil {
		return dealgate.DealOverview{}, err
	}
	o := dealgate.DealOverview{Deal: d, Today: tx.today()}
	rel := d.Relation(actor)
	o.CanEdit = dealgate.AuthorizeDeal(actor, rel, dealgate.DealEdit) == nil && d.Status != dealgate.DealWithdrawn
	o.CanManage = dealgate.AuthorizeDeal(actor, rel, dealgate.DealManage) == nil && d.Status != dealgate.DealWithdrawn
	if o.Versions, err = tx.dealVersions(ctx, id); err != nil {
		return o, err
	}
	if o.Attachments, err = tx.dealAttachments(ctx, id); err != nil {
		return o, err
	}
	if o.History, err = tx.dealHistory(ctx, id, o.Attachments); err != nil {
		return o, err
	}
	if o.Clearance, err = tx.clearance(ctx, d); err != nil {
		return o, err
	}
	if o.OpenRFIs, err = tx.openRFIs(ctx, d); err != nil { // review_discussion.go
		return o, err
	}
	o.Review, err = tx.latestReview(ctx, d)
	return o, err
}

// latestReview is the deal's latest review round, or nil (a draft, or no
// review opened yet).
func (tx *Tx) latestReview(ctx context.Context, d dealgate.Deal) (*dealgate.DealReview, error) {
	if d.Status == dealgate.DealDraft {
		return nil, nil
	}
	rows, err := tx.Q.LatestReviewOfDeal(ctx, d.ID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	r := rows[0]
	return &dealgate.DealReview{ID: r.ID, Round: int(r.Round), Version: int(r.DealVersion),
		State: dealgate.ReviewState(r.State), DueOn: r.DueOn}, nil
}

// Versions returns a deal's versions, oldest first.
// Errors: EUNAUTHORIZED, ENOTFOUND.
func (s *Deals) Versions(ctx context.Context, actor *dealgate.User, id int64) (dealgate.Deal, []dealgate.DealVersion, error) {
	type result struct {
		d  dealgate.Deal
		vs []dealgate.DealVersion
	}
	r, err := dealRead(ctx, s, func(tx *Tx) (result, error) {
		d, err := tx.authorizeDeal(ctx, actor, id, dealgate.DealRead)
		if err != nil {
			return result{}, err
		}
		vs, err := tx.dealVersions(ctx, id)
		return result{d, vs}, err
	})
	return r.d, r.vs, err
}

// History returns the newest audit events about a deal and its attachments:
// whoever may see the deal may read its history.
// Errors: EUNAUTHORIZED, ENOTFOUND.
func (s *Deals) History(ctx context.Context, actor *dealgate.User, id int64) ([]dealgate.AuditEvent, error) {
	return dealRead(ctx, s, func(tx *Tx) ([]dealgate.AuditEvent, error) {
		if _, err := tx.authorizeDeal(ctx, actor, id, dealgate.DealRead); err != nil {
			return nil, err
		}
		atts, err := tx.dealAttachments(ctx, id)
		if err != nil {
			return nil, err
		}
		return tx.dealHistory(ctx, id, atts)
	})
}

// FormContext returns what the deal form needs besides the deal: the current
// taxonomy for the category picker (nil when none is published yet).
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Deals) FormContext(ctx context.Context, actor *dealgate.User) (*dealgate.Taxonomy, error) {
	return dealReadAuthorized(ctx, s, actor, dealgate.ActDealView, func(tx *Tx) (*dealgate.Taxonomy, error) {
		id, err := tx.Q.CurrentTaxonomyVersionID(ctx)
		if isNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return s.Register.published.get(ctx, tx, id)
	})
}

// authorizeDeal loads a deal with its shares and checks that actor may do op.
func (tx *Tx) authorizeDeal(ctx context.Context, actor *dealgate.User, id int64, op dealgate.DealOp) (dealgate.Deal, error) {
	if err := dealgate.Authorize(actor, dealgate.ActDealView); err != nil {
		return dealgate.Deal{}, err
	}
	d, err := tx.deal(ctx, id)
	if err != nil {
		return dealgate.Deal{}, err
	}
	if err := dealgate.AuthorizeDeal(actor, d.Relation(actor), op); err != nil {
		return dealgate.Deal{}, err
	}
	return d, nil
}

// lockDeal locks and loads a deal in one statement, checks that actor may do
// op and that the deal is still at the version the user opened. On a stale
// version it returns the current deal with ECONFLICT.
func (tx *Tx) lockDeal(ctx context.Context, actor *dealgate.User, id, version int64, op dealgate.DealOp) (dealgate.Deal, error) {
	d, err := tx.lockDealAnyVersion(ctx, actor, id, op)
	if err == nil && d.Version != version {
		return d, dealgate.StaleError("deal", d.Version)
	}
	return d, err
}

// lockDealAnyVersion locks a deal for a change that does not depend on the
// content the user saw (sharing, attachments), and checks that actor may do op.
func (tx *Tx) lockDealAnyVersion(ctx context.Context, actor *dealgate.User, id int64, op dealgate.DealOp) (dealgate.Deal, error) {
	if err := dealgate.Authorize(actor, dealgate.ActDealView); err != nil {
		return dealgate.Deal{}, err
	}
	row, err := tx.Q.LockDealRow(ctx, id)
	if err != nil {
		return dealgate.Deal{}, orNotFound(err, "deal")
	}
	d, err := tx.dealWithShares(ctx, sqlc.GetDealsByIDsRow(row))
	if err != nil {
		return dealgate.Deal{}, err
	}
	if err := dealgate.AuthorizeDeal(actor, d.Relation(actor), op); err != nil {
		return dealgate.Deal{}, err
	}
	if d.Status == dealgate.DealWithdrawn && op != dealgate.DealRead {
		return d, dealgate.Errorf(dealgate.EFORBIDDEN, "This deal was withdrawn; it is read-only.")
	}
	return d, nil
}

func (tx *Tx) deal(ctx context.Context, id int64) (dealgate.Deal, error) {
	rows, err := tx.Q.GetDealsByIDs(ctx, []int64{id})
	if err != nil {
		return dealgate.Deal{}, fmt.Errorf("load deal: %w", err)
	}
	if len(rows) == 0 {
		return dealgate.Deal{}, notFound("deal")
	}
	return tx.dealWithShares(ctx, rows[0])
}

// dealWithShares is the deal of row with its shares.
func (tx *Tx) dealWithShares(ctx context.Context, row sqlc.GetDealsByIDsRow) (dealgate.Deal, error) {
	d, err := dealFromRow(row)
	if err != nil {
		return d.Deal, err
	}
	shares, err := tx.Q.ListDealShares(ctx, row.ID)
	if err != nil {
		return d.Deal, fmt.Errorf("load deal shares: %w", err)
	}
	d.Shares = make([]dealgate.DealShare, len(shares))
	for i, s := range shares {
		d.Shares[i] = dealgate.DealShare{UserID: s.UserID, Name: s.Name, Email: s.Email, Access: dealgate.ShareAccess(s.Access)}
	}
	return d.Deal, nil
}

func dealFromRow(r sqlc.GetDealsByIDsRow) (dealgate.DealListItem, error) {
	d := dealgate.DealListItem{Deal: dealgate.Deal{
		ID: r.ID, AuthorID: r.AuthorID, AuthorName: r.AuthorName, Status: dealgate.DealStatus(r.Status),
		CurrentVersion: int(r.CurrentVersion), SubmittedAt: r.SubmittedAt, WithdrawnAt: r.WithdrawnAt,
		WithdrawnReason: r.WithdrawnReason, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version,
	}, Screening: dealgate.ScreeningState(r.ScreeningState)}
	if err := json.Unmarshal(r.Content, &d.Content); err != nil {
		return d, fmt.Errorf("deal %d content: %w", r.ID, err)
	}
	return d, nil
}

func (tx *Tx) dealVersions(ctx context.Context, id int64) ([]dealgate.DealVersion, error) {
	rows, err := tx.Q.ListDealVersions(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load deal versions: %w", err)
	}
	out := make([]dealgate.DealVersion, len(rows))
	for i, r := range rows {
		v := dealgate.DealVersion{
			DealID: r.DealID, Number: int(r.Number), ChangeNote: r.ChangeNote, Material: r.Material,
			TaxonomyVersionID: r.TaxonomyVersionID, TaxonomyVersionNumber: int(r.TaxonomyNumber),
			Screening: dealgate.ScreeningState(r.ScreeningState), SupersededAt: r.SupersededAt,
			CreatedAt: r.CreatedAt, CreatedBy: r.CreatedBy, CreatedByName: r.CreatedByName,
		}
		if r.SupersededBy != nil {
			v.SupersededBy = int(*r.SupersededBy)
		}
		if err := json.Unmarshal(r.Content, &v.Content); err != nil {
			return nil, fmt.Errorf("deal %d version %d content: %w", id, r.Number, err)
		}
		out[i] = v
	}
	return out, nil
}

func (tx *Tx) dealHistory(ctx context.Context, id int64, atts []dealgate.DealAttachment) ([]dealgate.AuditEvent, error) {
	ids := make([]string, len(atts))
	for i, a := range atts {
		ids[i] = idString(a.ID)
	}
	rows, err := tx.Q.DealHistory(ctx, sqlc.DealHistoryParams{DealID: idString(id), AttachmentIds: ids, MaxEvents: 100})
	if err != nil {
		return nil, fmt.Errorf("deal history: %w", err)
	}
	out := make([]dealgate.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = dealgate.AuditEvent{
			ID: r.ID, OccurredAt: r.OccurredAt, ActorID: r.ActorID, ActorLabel: r.ActorLabel, ActorName: r.ActorName, Action: r.Action,
			EntityType: r.EntityType, EntityID: r.EntityID, RequestID: r.RequestID, ClientIP: r.ClientIP,
		}
		if r.Before != nil {
			out[i].Before = json.RawMessage(r.Before)
		}
		if r.After != nil {
			out[i].After = json.RawMessage(r.After)
		}
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// "My deals"

var dealSorts = map[string]string{
	"negotiation": "d.negotiation_on",
	"title":       "lower(d.title)",
	"status":      "d.status",
	"updated_at":  "d.updated_at",
}

// listDeals reads a page of the deal list for viewer me (see ListDeals) in
// one statement, plus the clearances of its submitted deals.
func (tx *Tx) listDeals(ctx context.Context, me int64, f dealgate.DealFilter) (dealgate.Page[dealgate.DealListItem], error) {
	page := dealgate.Page[dealgate.DealListItem]{Items: []dealgate.DealListItem{}, Page: f.Page, PerPage: f.PerPage}
	countSQL, pageSQL, args := dealListSQL(f, me, tx.today())
	rows, err := tx.Query(ctx, dealListRowsSQL(countSQL, pageSQL), args...)
	if err != nil {
		return page, fmt.Errorf("list deals: %w", err)
	}
	for rows.Next() {
		d, err := scanDealListItem(rows, &page.Total)
		if err != nil {
			rows.Close()
			return page, fmt.Errorf("list deals: %w", err)
		}
		page.Items = append(page.Items, d)
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("list deals: %w", err)
	}
	if len(page.Items) == 0 { // no row carried the count: an empty list, or a page past its end
		if err := tx.QueryRow(ctx, countSQL, args[:len(args)-2]...).Scan(&page.Total); err != nil {
			return page, fmt.Errorf("count deals: %w", err)
		}
	}
	if page.Total > dealCountCap {
		page.Total, page.TotalIsEstimate = dealCountCap, true
	}
	return page, tx.listClearances(ctx, page.Items) // review_read.go
}

// dealListRowsSQL is the list page's one statement: the page's deals, in
// order, with the (capped) count of the whole list on every row. The count
// is uncorrelated, so it runs once. A row carries only what the list shows
// (see scanDealListItem): decoding every deal's whole content cost half the
// list's CPU.
func dealListRowsSQL(countSQL, pageSQL string) string {
	return `SELECT d.id, d.author_id, u.name, d.status, d.title, d.counterparty_id, d.content -> 'counterparty' ->> 'name',
       d.negotiation_on, d.current_version, d.submitted_at, d.withdrawn_at, d.withdrawn_reason, d.created_at,
       d.updated_at, d.version, coalesce(v.screening_state, '')::text, (` + countSQL + `)
FROM unnest(ARRAY(` + pageSQL + `)) WITH ORDINALITY AS p (id, ord)
JOIN deal d ON d.id = p.id
JOIN users u ON u.id = d.author_id
LEFT JOIN deal_version v ON v.deal_id = d.id AND v.number = d.current_version
ORDER BY p.ord`
}

// scanDealListItem reads one row of dealListRowsSQL, and the list's count
// into total. Of the content, a list item holds what the list shows: the
// title, the counterparty's ID and name, and the negotiation start (the deal
// row's own columns, written with the content).
func scanDealListItem(rows pgx.Rows, total *int) (dealgate.DealListItem, error) {
	var d dealgate.DealListItem
	var partyID *int64
	var partyName *string
	var version int32
	var screening string
	err := rows.Scan(&d.ID, &d.AuthorID, &d.AuthorName, &d.Status, &d.Content.Title, &partyID, &partyName,
		&d.Content.NegotiationStart, &version, &d.SubmittedAt, &d.WithdrawnAt, &d.WithdrawnReason, &d.CreatedAt,
		&d.UpdatedAt, &d.Version, &screening, total)
	if partyID != nil {
		d.Content.Counterparty = &dealgate.PartyRef{ID: *partyID}
		if partyName != nil {
			d.Content.Counterparty.Name = *partyName
		}
	}
	d.CurrentVersion, d.Screening = int(version), dealgate.ScreeningState(screening)
	return d, err
}

// ExplainListDeals returns the plan of the statement ListDeals runs for
// actor and f (EXPLAIN ANALYZE when analyze), for tests and tuning.
func (s *Deals) ExplainListDeals(ctx context.Context, actor *dealgate.User, f dealgate.DealFilter, analyze bool) (string, error) {
	return dealReadAuthorized(ctx, s, actor, dealgate.ActDealView, func(tx *Tx) (string, error) {
		f = f.Normalize()
		f.AllDeals = f.AllDeals && dealgate.SeesSubmittedDeals(actor)
		countSQL, pageSQL, args := dealListSQL(f, actor.ID, tx.today())
		opts := "EXPLAIN "
		if analyze {
			opts = "EXPLAIN (ANALYZE, BUFFERS) "
		}
		rows, err := tx.Query(ctx, opts+dealListRowsSQL(countSQL, pageSQL), args...)
		if err != nil {
			return "", err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		return strings.Join(lines, "\n"), err
	})
}

// dealCountCap is how far the deal list counts exactly.
const dealCountCap = 5000

// dealListSQL builds the count and page statements of the deal list; the
// page's arguments are the count's plus the limit and offset. A user's own
// deals and those shared with them are two branches of a UNION ALL (a deal
// is never shared with its author), each read from its own index: the
// author's covering indexes answer the first without touching the table.
func dealListSQL(f dealgate.DealFilter, me int64, today time.Time) (countSQL, pageSQL string, args []any) {
	q := dealListQuery(f, today)
	from := "deal d"
	if f.AllDeals {
		q.where = append(q.where, "d.status <> 'draft'")
		from += q.whereSQL()
	} else {
		cols := "SELECT d.id, d.status, d.title, d.negotiation_on, d.updated_at FROM "
		var extra string
		for _, w := range q.where {
			extra += " AND " + w
		}
		from = "(" + cols + "deal d WHERE d.author_id = " + q.once("me", me) + extra +
			" UNION ALL " + cols + "deal_share s JOIN deal d ON d.id = s.deal_id WHERE s.user_id = " + q.once("me", me) + extra + ") d"
	}
	// Counting every one of 80,000 submitted deals costs more than it tells:
	// past dealCountCap the list says "more than" (Page.TotalIsEstimate).
	countSQL = "SELECT count(*) FROM (SELECT 1 FROM " + from + " LIMIT " + strconv.Itoa(dealCountCap+1) + ") c"
	dir := " ASC" // drafts without a negotiation date come last, or first descending
	if f.Desc {
		dir = " DESC"
	}
	pageSQL = "SELECT d.id FROM " + from + " ORDER BY " + dealSorts[f.Sort] + dir + ", d.id" + dir +
		" LIMIT " + q.arg(f.PerPage) + " OFFSET " + q.arg(f.PageRequest().Offset())
	return countSQL, pageSQL, q.args
}

// dealListQuery collects the filter's conditions on deal d.
func dealListQuery(f dealgate.DealFilter, today time.Time) query {
	var q query
	if f.Status != "" {
		q.cond("d.status = %s", string(f.Status))
	}
	if f.Query != "" {
		q.cond("lower(d.title) LIKE %s", "%"+likeLiteral(strings.ToLower(f.Query))+"%")
	}
	day := today.Format(dealgate.DateLayout)
	switch f.Negotiation {
	case "soon":
		q.cond("d.negotiation_on BETWEEN %s::date AND %s::date + "+strconv.Itoa(dealgate.NegotiationSoonDays), day, day)
	case "past":
		q.cond("d.negotiation_on < %s::date", day)
	}
	return q
}

// dealRelations is what actor is to each deal of rows, read in one
// statement, as Deal.Relation would say.
func (tx *Tx) dealRelations(ctx context.Context, actor *dealgate.User, rows []sqlc.OpenDealsTouchingAgreementRow) (map[int64]dealgate.DealRelation, error) {
	out := map[int64]dealgate.DealRelation{}
	if len(rows) == 0 || actor == nil {
		return out, nil
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.DealID)
	}
	rels, err := tx.Q.DealRelations(ctx, sqlc.DealRelationsParams{ViewerID: actor.ID, Ids: ids})
	if err != nil {
		return nil, fmt.Errorf("deal relations: %w", err)
	}
	for _, r := range rels {
		out[r.ID] = dealgate.DealRelation{Status: dealgate.DealStatus(r.Status), Author: r.AuthorID == actor.ID,
			Share: dealgate.ShareAccess(r.ShareAccess)}
	}
	return out, nil
}
