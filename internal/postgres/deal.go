package postgres

// The deal intake's store. Deals' methods are the use cases: each runs in one
// InTx, loads the deal (FOR UPDATE when it changes it) and asks the policy
// (dealgate.AuthorizeDeal) before anything else, resolves the names and IDs
// the form sent, validates once with the domain's DealInput.Validate, makes
// the change and writes its audit event in the same transaction.
//
// Files: deal.go (drafts, submission, versions, withdrawal), deal_share.go
// (sharing, attachments), deal_read.go (reads, history, "My deals").

import "context"
import "encoding/json"
import "fmt"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Deals is the deal intake service.
type Deals struct {
	DB *DB
	// Register supplies the party and taxonomy reads deals share with it
	// (including its cache of published taxonomy versions).
	Register *Register
	// MaterialValuePercent is how far the estimated value may move before a
	// new version is material; 0 means dealgate.DefaultMaterialValuePercent.
	MaterialValuePercent int
	// Screenings screens each new version in the transaction that creates
	// it (see screening.go).
	Screenings *Screenings
	// tx, when set, runs every use case inside this transaction (see Within).
	tx *Tx
	// pages caches deal pages under their page stamps (deal_page.go).
	pages *versionCache[dealPageKey, DealPage]
	// lists caches deal list pages under the deal list stamp (deal_list_cache.go).
	lists *versionCache[dealListKey, dealgate.Page[dealgate.DealListItem]]
}

// Within returns the service bound to a transaction the caller holds (the
// demo loader): its use cases run in tx, with the same checks and audit
// events, and commit or roll back with it.
func (s *Deals) Within(tx *Tx) *Deals {
	c := *s
	c.tx = tx
	return &c
}

// dealRead runs the read-only fn in the service's transaction, or without
// one (see readTx).
func dealRead[T any](ctx context.Context, s *Deals, fn func(tx *Tx) (T, error)) (T, error) {
	if s.tx != nil {
		return fn(s.tx)
	}
	return readTx(ctx, s.DB, fn)
}

// dealReadAuthorized runs the read-only fn once actor may perform act.
func dealReadAuthorized[T any](ctx context.Context, s *Deals, actor *dealgate.User, act dealgate.Action, fn func(tx *Tx) (T, error)) (T, error) {
	if err := dealgate.Authorize(actor, act); err != nil {
		var zero T
		return zero, err
	}
	return dealRead(ctx, s, fn)
}

// NewDeals returns the deal service on db, sharing reg's caches and limits.
func NewDeals(db *DB, reg *Register) *Deals {
	return &Deals{DB: db, Register: reg, Screenings: NewScreenings(db, reg), pages: newDealPageCache(),
		lists: &versionCache[dealListKey, dealgate.Page[dealgate.DealListItem]]{}}
}

// screen screens the version just frozen, after its audit event.
func (s *Deals) screen(ctx context.Context, tx *Tx, actor *dealgate.User, d dealgate.Deal, err error, c dealgate.DealContent) (dealgate.Deal, error) {
	if err != nil || s.Screenings == nil {
		return d, err
	}
	return d, s.Screenings.ScreenSubmitted(ctx, tx, actor, d.ID, d.CurrentVersion, c)
}

// MaterialPercent is the value change, in per cent, beyond which a new
// version is material.
func (s *Deals) MaterialPercent() int {
	if s.MaterialValuePercent > 0 {
		return s.MaterialValuePercent
	}
	return dealgate.DefaultMaterialValuePercent
}

// Today is the service's calendar day (UTC): what "after today" and "days
// until the negotiation" are measured from.
func (s *Deals) Today() time.Time {
	if s.tx != nil {
		return s.tx.today()
	}
	return dealgate.DateOf(s.DB.Now().UTC())
}

// CreateDraft saves a new draft, incomplete if need be, authored by actor.
// token is the form's one-time token, claimed in the same transaction, so
// a double click or a resubmitted page creates one draft.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (fields), ECONFLICT (token used).
func (s *Deals) CreateDraft(ctx context.Context, actor *dealgate.User, token string, in dealgate.DealInput) (dealgate.Deal, error) {
	return authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActDealDraft, func(tx *Tx) (dealgate.Deal, error) {
		if err := tx.claimSubmission(ctx, token); err != nil {
			return dealgate.Deal{}, err
		}
		c, _, err := s.validate(ctx, tx, actor, in, dealgate.CheckDraft)
		if err != nil {
			return dealgate.Deal{}, err
		}
		content, err := json.Marshal(c)
		if err != nil {
			return dealgate.Deal{}, err
		}
		id, err := tx.Q.InsertDeal(ctx, sqlc.InsertDealParams{
			AuthorID: actor.ID, Title: c.Title, CounterpartyID: refID(c.Counterparty), NegotiationOn: c.NegotiationStart,
			Content: content, Now: tx.Now,
		})
		if err != nil {
			return dealgate.Deal{}, fmt.Errorf("insert deal: %w", err)
		}
		d, err := tx.deal(ctx, id)
		if err != nil {
			return d, err
		}
		return d, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "deal.created", EntityType: dealgate.EntityDeal, EntityID: idString(id), After: d.Snapshot(),
		})
	})
}

// UpdateDraft saves the draft the user opened at version.
// Errors: EUNAUTHORIZED, ENOTFOUND (no such deal, or not visible), EFORBIDDEN,
// EINVALID (fields; or the deal is no longer a draft), ECONFLICT (stale).
func (s *Deals) UpdateDraft(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.DealInput) (dealgate.Deal, error) {
	return inBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.Deal, error) {
		before, err := tx.lockDeal(ctx, actor, id, version, dealgate.DealEdit)
		if err != nil {
			return before, err
		}
		if before.Status != dealgate.DealDraft {
			return before, notDraft()
		}
		c, _, err := s.validate(ctx, tx, actor, in, dealgate.CheckDraft)
		if err != nil {
			return before, err
		}
		if err := tx.writeDraft(ctx, id, c); err != nil {
			return before, err
		}
		return tx.auditDeal(ctx, actor, "deal.updated", before)
	})
}

// DeleteDraft deletes a draft, its shares and attachments; the audit event
// keeps what it said.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN (not the author), EINVALID
// (submitted deals are withdrawn, not deleted), ECONFLICT (stale).
func (s *Deals) DeleteDraft(ctx context.Context, actor *dealgate.User, id, version int64) error {
	_, err := inBound(ctx, s.DB, s.tx, func(tx *Tx) (struct{}, error) {
		before, err := tx.lockDeal(ctx, actor, id, version, dealgate.DealManage)
		if err != nil {
			return struct{}{}, err
		}
		if before.Status != dealgate.DealDraft {
			return struct{}{}, dealgate.Errorf(dealgate.EINVALID, "Only drafts can be deleted; withdraw a submitted deal instead.")
		}
		if err := tx.Q.DeleteDeal(ctx, id); err != nil {
			return struct{}{}, fmt.Errorf("delete deal: %w", err)
		}
		return struct{}{}, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "deal.deleted", EntityType: dealgate.EntityDeal, EntityID: idString(id), Before: before.Snapshot(),
		})
	})
	return err
}

// Submit saves the form's content into the draft the user opened at version
// and, when it is complete, freezes it as version 1 with the taxonomy
// version in force, ready for screening and review. An incomplete deal is
// refused with every field's problem and nothing changes. A second
// submission (two clicks, two tabs) finds the deal no longer at version and
// is refused with ECONFLICT: one version is created.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN, EINVALID, ECONFLICT.
func (s *Deals) Submit(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.DealInput) (dealgate.Deal, error) {
	return inBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.Deal, error) {
		before, err := tx.lockDeal(ctx, actor, id, version, dealgate.DealEdit)
		if err != nil {
			return before, err
		}
		if before.Status != dealgate.DealDraft {
			return before, dealgate.Errorf(dealgate.ECONFLICT, "This deal was already submitted, so it was not submitted again.")
		}
		c, tax, err := s.validate(ctx, tx, actor, in, dealgate.CheckSubmit)
		if err != nil {
			return before, err
		}
		if err := tx.freezeVersion(ctx, actor, id, 1, c, tax, "", nil); err != nil {
			return before, err
		}
		d, err := tx.auditDeal(ctx, actor, "deal.submitted", before)
		if d, err = s.screen(ctx, tx, actor, d, err, c); err != nil {
			return d, err
		}
		return d, tx.autoOpenReview(ctx, id) // when the committee's rules say so (review.go)
	})
}

// NewVersion records a change to a submitted deal as its next version, with
// a required change note. A material change (see dealgate.MaterialChanges)
// marks every earlier version superseded: their screening, votes and
// clearance no longer count.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN, EINVALID (fields, change_note;
// a draft or withdrawn deal), ECONFLICT (stale).
func (s *Deals) NewVersion(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.DealInput, changeNote string) (dealgate.Deal, error) {
	return inBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.Deal, error) {
		before, err := tx.lockDeal(ctx, actor, id, version, dealgate.DealEdit)
		if err != nil {
			return before, err
		}
		if before.Status != dealgate.DealSubmitted {
			return before, dealgate.Errorf(dealgate.EINVALID, "Only a submitted deal that is not withdrawn gets new versions.")
		}
		note, noteErr := dealgate.ValidateReason("change_note", "a change note saying what changed and why", changeNote)
		c, tax, err := s.validate(ctx, tx, actor, in, dealgate.CheckSubmit)
		if err = mergeInvalid(err, noteErr); err != nil {
			return before, err
		}
		material := dealgate.MaterialChanges(before.Content, c, s.MaterialPercent())
		n := before.CurrentVersion + 1
		if err := tx.freezeVersion(ctx, actor, id, n, c, tax, note, material); err != nil {
			return before, err
		}
		if len(material) > 0 {
			n32 := int32(n)
			err := tx.Q.SupersedeDealVersions(ctx, sqlc.SupersedeDealVersionsParams{DealID: id, ByNumber: &n32, Now: &tx.Now})
			if err != nil {
				return before, fmt.Errorf("supersede versions: %w", err)
			}
		}
		d, err := tx.auditDeal(ctx, actor, "deal.version_created", before)
		if d, err = s.screen(ctx, tx, actor, d, err, c); err != nil {
			return d, err
		}
		return d, tx.autoOpenReview(ctx, id) // a new round, when the rules say so (review.go)
	})
}

// Withdraw withdraws a submitted deal with a reason; it stays visible and
// read-only.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN, EINVALID (reason; not
// withdrawable), ECONFLICT (stale).
func (s *Deals) Withdraw(ctx context.Context, actor *dealgate.User, id, version int64, reason string) (dealgate.Deal, error) {
	return inBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.Deal, error) {
		before, err := tx.lockDeal(ctx, actor, id, version, dealgate.DealEdit)
		if err != nil {
			return before, err
		}
		if !before.Status.Withdrawable() {
			return before, dealgate.Errorf(dealgate.EINVALID, "Only a submitted deal awaiting a decision can be withdrawn; delete a draft instead.")
		}
		reason, err := dealgate.ValidateReason("reason", "the reason for withdrawing the deal", reason)
		if err != nil {
			return before, err
		}
		if err := tx.Q.SetDealWithdrawn(ctx, sqlc.SetDealWithdrawnParams{ID: id, Reason: reason, Now: &tx.Now}); err != nil {
			return before, fmt.Errorf("withdraw deal: %w", err)
		}
		if err := tx.closeOpenReview(ctx, actor, id); err != nil { // review.go
			return before, err
		}
		return tx.auditDeal(ctx, actor, "deal.withdrawn", before)
	})
}

// Check reports what would stop in from being submitted (EINVALID with
// every field's problem), changing nothing: the form's inline check.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID.
func (s *Deals) Check(ctx context.Context, actor *dealgate.User, in dealgate.DealInput) error {
	_, err := authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActDealDraft, func(tx *Tx) (struct{}, error) {
		look, err := s.lookup(ctx, tx, in)
		if err != nil {
			return struct{}{}, err
		}
		_, _, err = in.Validate(tx.Now, dealgate.CheckSubmit, look)
		return struct{}{}, err
	})
	return err
}

// lookup resolves the input's counterparty name and loads the current taxonomy.
func (s *Deals) lookup(ctx context.Context, tx *Tx, in dealgate.DealInput) (dealgate.DealLookup, error) {
	var look dealgate.DealLookup
	if p, err := tx.FindPartyByName(ctx, in.Counterparty); err == nil {
		ref := p.Ref()
		look.Party = &ref
	} else if !isNotFound(err) {
		return look, err
	}
	id, err := tx.Q.CurrentTaxonomyVersionID(ctx)
	if isNotFound(err) {
		return look, nil
	}
	if err != nil {
		return look, err
	}
	look.Taxonomy, err = s.Register.published.get(ctx, tx, id)
	return look, err
}

// validate resolves the input's counterparty and categories, checks it
// once with the domain's rules, and creates a proposed new counterparty in
// the register (with its own audit event). It returns the taxonomy it
// checked the categories against (nil when none is published), which a new
// version records.
func (s *Deals) validate(ctx context.Context, tx *Tx, actor *dealgate.User, in dealgate.DealInput, check dealgate.DealCheck) (dealgate.DealContent, *dealgate.Taxonomy, error) {
	look, err := s.lookup(ctx, tx, in)
	if err != nil {
		return dealgate.DealContent{}, nil, err
	}
	c, newParty, err := in.Validate(tx.Now, check, look)
	if err != nil || newParty == nil {
		return c, look.Taxonomy, err
	}
	if err := dealgate.Authorize(actor, dealgate.ActRegisterEdit); err != nil {
		return c, look.Taxonomy, err
	}
	p, err := tx.CreateParty(ctx, actor, *newParty)
	if err != nil {
		return c, look.Taxonomy, remapFields(err, map[string]string{"name": "counterparty", "aliases": "counterparty", "kind": "new_counterparty_kind"})
	}
	ref := p.Ref()
	c.Counterparty = &ref
	return c, look.Taxonomy, nil
}

// freezeVersion writes version n of the deal with tax, the taxonomy in force
// that validate checked it against, and makes it the deal's current content.
func (tx *Tx) freezeVersion(ctx context.Context, actor *dealgate.User, id int64, n int, c dealgate.DealContent, tax *dealgate.Taxonomy, note string, material []string) error {
	content, err := json.Marshal(c)
	if err != nil {
		return err
	}
	var taxID *int64
	if tax != nil {
		taxID = &tax.Version.ID
	}
	if material == nil {
		material = []string{}
	}
	err = tx.Q.InsertDealVersion(ctx, sqlc.InsertDealVersionParams{
		DealID: id, Number: int32(n), Content: content, CounterpartyID: c.Counterparty.ID, NegotiationOn: *c.NegotiationStart,
		ChangeNote: note, Material: material, TaxonomyVersionID: taxID, Now: tx.Now, CreatedBy: actorID(actor),
	})
	if err != nil {
		return fmt.Errorf("insert deal version: %w", err)
	}
	return tx.Q.SetDealSubmitted(ctx, sqlc.SetDealSubmittedParams{
		ID: id, CurrentVersion: int32(n), Now: tx.Now, Title: c.Title, CounterpartyID: refID(c.Counterparty),
		NegotiationOn: c.NegotiationStart, Content: content,
	})
}

func (tx *Tx) writeDraft(ctx context.Context, id int64, c dealgate.DealContent) error {
	content, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return tx.Q.UpdateDealContent(ctx, sqlc.UpdateDealContentParams{
		ID: id, Title: c.Title, CounterpartyID: refID(c.Counterparty), NegotiationOn: c.NegotiationStart, Content: content, Now: tx.Now,
	})
}

// auditDeal reloads the deal after a change and records action with the
// before and after values.
func (tx *Tx) auditDeal(ctx context.Context, actor *dealgate.User, action string, before dealgate.Deal) (dealgate.Deal, error) {
	after, err := tx.deal(ctx, before.ID)
	if err != nil {
		return after, err
	}
	return after, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: action, EntityType: dealgate.EntityDeal, EntityID: idString(before.ID), Before: before.Snapshot(), After: after.Snapshot(),
	})
}

func notDraft() error {
	return dealgate.Errorf(dealgate.ECONFLICT, "This deal has been submitted, so the draft can no longer be changed. Make a new version instead.")
}

func refID(p *dealgate.PartyRef) *int64 {
	if p == nil {
		return nil
	}
	id := p.ID
	return &id
}

// remapFields renames the field keys of an EINVALID error.
func remapFields(err error, to map[string]string) error {
	fields := dealgate.ErrorFields(err)
	if len(fields) == 0 {
		return err
	}
	moved := map[string]string{}
	for k, v := range fields {
		if n, ok := to[k]; ok {
			k = n
		}
		moved[k] = v
	}
	return &dealgate.Error{Code: dealgate.ErrorCode(err), Message: dealgate.ErrorMessage(err), Fields: moved}
}

// mergeInvalid joins the fields of two EINVALID errors; any other error wins.
func mergeInvalid(a, b error) error {
	for _, e := range []error{a, b} {
		if e != nil && dealgate.ErrorCode(e) != dealgate.EINVALID {
			return e
		}
	}
	var v dealgate.Validation
	for _, e := range []error{a, b} {
		for k, msg := range dealgate.ErrorFields(e) {
			v.Add(k, msg)
		}
	}
	return v.Err()
}
