package postgres

// The committee review's store. Reviews' methods are the use cases: each
// authorises with the policy, runs in one transaction, and every change to
// a deal's review (opening it, votes, recusals, the decision, the start of
// negotiation) first locks the deal row (LockDeal: SELECT … FOR UPDATE), as
// new versions and withdrawals do. So one deal's votes, decisions and
// versions are serialised: a decision always sees every committed vote and
// the current version, and a vote or a decision never rests on a version a
// concurrent material change superseded.
//
// Files: review.go (rules, declarations, opening, votes, decisions),
// review_read.go (the review page, the dashboard, clearance),
// review_negotiation.go (the negotiation gate).

import "context"
import "encoding/json"
import "fmt"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Reviews is the committee review service.
type Reviews struct {
	DB    *DB
	Deals *Deals
	// tx, when set, runs every use case inside this transaction (see Within).
	tx *Tx
	// families keeps counterparties' corporate families (party IDs) under
	// the register change counter, which every change to a party bumps: the
	// review page and a vote by a member with declared interests need one,
	// and reading it costs four statements.
	families *versionCache[int64, []int64]
	caches   reviewCaches // review_cache.go
}

// Within returns the service bound to a transaction the caller holds (the
// demo loader): its use cases run in tx, with the same checks and audit
// events, and commit or roll back with it.
func (s *Reviews) Within(tx *Tx) *Reviews {
	c := *s
	c.tx = tx
	return &c
}

// NewReviews returns the review service on db, reading deals through deals.
func NewReviews(db *DB, deals *Deals) *Reviews {
	return &Reviews{DB: db, Deals: deals, families: &versionCache[int64, []int64]{}, caches: newReviewCaches()}
}

// familyIDs is tx.FamilyIDs(partyID), served from the instance's cache when
// it holds the family at the request's register change counter.
func (s *Reviews) familyIDs(ctx context.Context, tx *Tx, partyID int64) ([]int64, error) {
	rc := int64(-1) // inside a caller's transaction: its changes are not committed
	if s.tx == nil {
		var err error
		if rc, err = registerCounter(ctx, tx); err != nil {
			return nil, err
		}
	}
	return s.families.load(ctx, tx, rc, partyID, loader[[]int64]{read: func() ([]int64, error) { return tx.FamilyIDs(ctx, partyID) }})
}

// ---------------------------------------------------------------------------
// Committee rules

// Rules returns the committee's rules and its members, for the settings page.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Reviews) Rules(ctx context.Context, actor *dealgate.User) (dealgate.CommitteeRules, []dealgate.CommitteeMember, error) {
	type out struct {
		r  dealgate.CommitteeRules
		ms []dealgate.CommitteeMember
	}
	o, err := authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActSettingsManage, func(tx *Tx) (out, error) {
		r, err := tx.committeeRules(ctx)
		if err != nil {
			return out{}, err
		}
		ms, err := tx.committeeMembers(ctx)
		return out{r, ms}, err
	})
	return o.r, o.ms, err
}

// UpdateRules saves the committee's rules the admin opened at version.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (fields), ECONFLICT (stale).
func (s *Reviews) UpdateRules(ctx context.Context, actor *dealgate.User, version int64, f dealgate.CommitteeRulesForm) (dealgate.CommitteeRules, error) {
	return authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActSettingsManage, func(tx *Tx) (dealgate.CommitteeRules, error) {
		current, err := tx.Q.LockCommitteeRules(ctx)
		if err != nil {
			return dealgate.CommitteeRules{}, err
		}
		before, err := tx.committeeRules(ctx)
		if err != nil {
			return before, err
		}
		if current != version {
			return before, dealgate.StaleError("committee rules", current)
		}
		r, err := f.Rules()
		if err != nil {
			return before, err
		}
		err = tx.Q.UpdateCommitteeRules(ctx, sqlc.UpdateCommitteeRulesParams{
			Quorum: int32(r.Quorum), Majority: string(r.Majority), ConflictUnanimous: r.ConflictUnanimous,
			ReviewDays: int32(r.ReviewDays), ClearanceDays: int32(r.ClearanceDays), ReminderDays: int32(r.ReminderDays),
			AutoOpen: r.AutoOpen, HideVotes: r.HideVotes, Now: &tx.Now,
		})
		if err != nil {
			return before, fmt.Errorf("update committee rules: %w", err)
		}
		after, err := tx.committeeRules(ctx)
		if err != nil {
			return after, err
		}
		return after, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "committee.rules_updated", EntityType: dealgate.EntityCommitteeRules, EntityID: "committee",
			Before: before.Snapshot(), After: after.Snapshot(),
		})
	})
}

func (tx *Tx) committeeRules(ctx context.Context) (dealgate.CommitteeRules, error) {
	r, err := tx.Q.GetCommitteeRules(ctx)
	if err != nil {
		return dealgate.CommitteeRules{}, fmt.Errorf("committee rules: %w", err)
	}
	return dealgate.CommitteeRules{
		Quorum: int(r.Quorum), Majority: dealgate.Majority(r.Majority), ConflictUnanimous: r.ConflictUnanimous,
		ReviewDays: int(r.ReviewDays), ClearanceDays: int(r.ClearanceDays), ReminderDays: int(r.ReminderDays),
		AutoOpen: r.AutoOpen, HideVotes: r.HideVotes, UpdatedAt: r.UpdatedAt, Version: r.Version,
	}, nil
}

func (tx *Tx) committeeMembers(ctx context.Context) ([]dealgate.CommitteeMember, error) {
	rows, err := tx.Q.ListCommitteeMembers(ctx)
	if err != nil {
		return nil, fmt.Errorf("committee members: %w", err)
	}
	out := make([]dealgate.CommitteeMember, len(rows))
	for i, r := range rows {
		out[i] = dealgate.CommitteeMember{ID: r.ID, Name: r.Name, Email: r.Email}
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Declarations of interest

// Declarations returns actor's declared interests.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Reviews) Declarations(ctx context.Context, actor *dealgate.User) ([]dealgate.Declaration, error) {
	return authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewVote, func(tx *Tx) ([]dealgate.Declaration, error) {
		return tx.declarations(ctx, actor.ID)
	})
}

// Declare adds a party (by name or alias) to actor's declared interests.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (party, note), ECONFLICT
// (already declared).
func (s *Reviews) Declare(ctx context.Context, actor *dealgate.User, partyName, note string) (dealgate.Declaration, error) {
	return authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewVote, func(tx *Tx) (dealgate.Declaration, error) {
		var v dealgate.Validation
		note = dealgate.CleanText(note)
		if len([]rune(note)) > 2000 {
			v.Add("note", "Keep the note to 2,000 characters or fewer")
		}
		p, err := tx.FindPartyByName(ctx, partyName)
		switch {
		case isNotFound(err):
			v.Add("party", "Enter the name or an alias of a party in the register")
		case err != nil:
			return dealgate.Declaration{}, err
		}
		if err := v.Err(); err != nil {
			return dealgate.Declaration{}, err
		}
		err = tx.Q.InsertDeclaration(ctx, sqlc.InsertDeclarationParams{UserID: actor.ID, PartyID: p.ID, Note: note, Now: tx.Now})
		if dealgate.ErrorCode(translate(err)) == dealgate.ECONFLICT {
			return dealgate.Declaration{}, &dealgate.Error{Code: dealgate.EINVALID, Message: "You already declared " + p.Name + ".",
				Fields: map[string]string{"party": "You already declared " + p.Name}}
		}
		if err != nil {
			return dealgate.Declaration{}, err
		}
		d := dealgate.Declaration{PartyID: p.ID, PartyName: p.Name, Note: note, CreatedAt: tx.Now}
		return d, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "interest.declared", EntityType: dealgate.EntityInterests, EntityID: idString(actor.ID),
			After: map[string]any{"party": p.Name, "note": note},
		})
	})
}

// Undeclare removes a party from actor's declared interests.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Reviews) Undeclare(ctx context.Context, actor *dealgate.User, partyID int64) error {
	_, err := authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewVote, func(tx *Tx) (struct{}, error) {
		p, err := tx.party(ctx, partyID)
		if err != nil {
			return struct{}{}, orNotFound(err, "declaration")
		}
		n, err := tx.Q.DeleteDeclaration(ctx, sqlc.DeleteDeclarationParams{UserID: actor.ID, PartyID: partyID})
		if err != nil {
			return struct{}{}, err
		}
		if n == 0 {
			return struct{}{}, notFound("declaration")
		}
		return struct{}{}, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "interest.withdrawn", EntityType: dealgate.EntityInterests, EntityID: idString(actor.ID),
			Before: map[string]any{"party": p.Name},
		})
	})
	return err
}

func (tx *Tx) declarations(ctx context.Context, userID int64) ([]dealgate.Declaration, error) {
	rows, err := tx.Q.ListDeclarations(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("declarations: %w", err)
	}
	out := make([]dealgate.Declaration, len(rows))
	for i, r := range rows {
		out[i] = dealgate.Declaration{PartyID: r.PartyID, PartyName: r.PartyName, Note: r.Note, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Opening a review

// OpenForm returns the deal whose review the chair is about to open and the
// default due date.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Reviews) OpenForm(ctx context.Context, actor *dealgate.User, dealID int64) (dealgate.Deal, time.Time, error) {
	type out struct {
		d   dealgate.Deal
		due time.Time
	}
	o, err := authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewChair, func(tx *Tx) (out, error) {
		d, err := tx.authorizeDeal(ctx, actor, dealID, dealgate.DealRead)
		if err != nil {
			return out{}, err
		}
		r, err := tx.committeeRules(ctx)
		if err != nil {
			return out{}, err
		}
		return out{d, dealgate.DefaultDueDate(tx.today(), d.Content.NegotiationStart, r.ReviewDays)}, nil
	})
	return o.d, o.due, err
}

// OpenReview opens the next review round of a submitted deal the chair
// opened at version, due on dueOn ("" for the default), and assigns every
// committee member but the deal's submitter.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID (due_on; not
// submitted; already in review or decided), ECONFLICT (stale).
func (s *Reviews) OpenReview(ctx context.Context, actor *dealgate.User, dealID, version int64, dueOn string) (dealgate.Review, error) {
	return authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewChair, func(tx *Tx) (dealgate.Review, error) {
		d, err := tx.lockDeal(ctx, actor, dealID, version, dealgate.DealRead)
		if err != nil {
			return dealgate.Review{}, err
		}
		var due time.Time
		if dueOn == "" {
			r, err := tx.committeeRules(ctx)
			if err != nil {
				return dealgate.Review{}, err
			}
			due = dealgate.DefaultDueDate(tx.today(), d.Content.NegotiationStart, r.ReviewDays)
		} else if due, err = dealgate.ParseDueDate(dueOn, tx.today()); err != nil {
			return dealgate.Review{}, err
		}
		return tx.openReview(ctx, actor, d, due)
	})
}

// openReview opens a review of d (locked by the caller) due on due.
func (tx *Tx) openReview(ctx context.Context, actor *dealgate.User, d dealgate.Deal, due time.Time) (dealgate.Review, error) {
	if d.Status != dealgate.DealSubmitted {
		return dealgate.Review{}, dealgate.Errorf(dealgate.EINVALID, "Only a submitted deal is reviewed.")
	}
	if _, err := tx.Q.OpenReviewOfDeal(ctx, d.ID); err == nil {
		return dealgate.Review{}, dealgate.Errorf(dealgate.EINVALID, "This deal is already in review.")
	} else if !isNotFound(err) {
		return dealgate.Review{}, err
	}
	if latest, err := tx.Q.LatestDecisionOfDeal(ctx, d.ID); err == nil && int(latest.DealVersion) == d.CurrentVersion {
		return dealgate.Review{}, dealgate.Errorf(dealgate.EINVALID, "The committee has already decided on the current version; a new version starts a new round.")
	} else if err != nil && !isNotFound(err) {
		return dealgate.Review{}, err
	}
	round, err := tx.Q.NextReviewRound(ctx, d.ID)
	if err != nil {
		return dealgate.Review{}, err
	}
	id, err := tx.Q.InsertReview(ctx, sqlc.InsertReviewParams{
		DealID: d.ID, Round: round, DealVersion: int32(d.CurrentVersion), DueOn: due, OpenedBy: actorID(actor), Now: tx.Now,
	})
	if err != nil {
		return dealgate.Review{}, fmt.Errorf("insert review: %w", err)
	}
	members, err := tx.committeeMembers(ctx)
	if err != nil {
		return dealgate.Review{}, err
	}
	var names []string
	var assigned []int64
	for _, m := range members {
		if m.ID == d.AuthorID {
			continue // the submitter never votes
		}
		if err := tx.Q.InsertReviewMember(ctx, sqlc.InsertReviewMemberParams{ReviewID: id, UserID: m.ID}); err != nil {
			return dealgate.Review{}, fmt.Errorf("assign member: %w", err)
		}
		names = append(names, m.Name)
		assigned = append(assigned, m.ID)
	}
	r, err := tx.review(ctx, id)
	if err != nil {
		return r, err
	}
	after := r.Snapshot()
	after["members"] = names
	if _, err := tx.notify(ctx, actor, reviewOpenedNotice(d, id, assigned, due.Format("2 January 2006"))); err != nil {
		return r, err
	}
	return r, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: "review.opened", EntityType: dealgate.EntityReview, EntityID: idString(id), After: after,
	})
}

// autoOpenReview opens a review of a deal just submitted or given a new
// version when the committee's rules say reviews open by themselves and
// none is open. The caller holds the deal's lock.
func (tx *Tx) autoOpenReview(ctx context.Context, dealID int64) error {
	r, err := tx.committeeRules(ctx)
	if err != nil || !r.AutoOpen {
		return err
	}
	d, err := tx.deal(ctx, dealID)
	if err != nil {
		return err
	}
	if _, err := tx.Q.OpenReviewOfDeal(ctx, dealID); err == nil {
		return nil
	} else if !isNotFound(err) {
		return err
	}
	_, err = tx.openReview(ctx, nil, d, dealgate.DefaultDueDate(tx.today(), d.Content.NegotiationStart, r.ReviewDays))
	if dealgate.ErrorCode(err) == dealgate.EINVALID {
		return nil // already decided on this version
	}
	return err
}

// closeOpenReview closes the deal's open review, if any (the deal was
// withdrawn). The caller holds the deal's lock.
func (tx *Tx) closeOpenReview(ctx context.Context, actor *dealgate.User, dealID int64) error {
	id, err := tx.Q.OpenReviewOfDeal(ctx, dealID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := tx.Q.SetReviewState(ctx, sqlc.SetReviewStateParams{State: string(dealgate.ReviewClosed), Now: &tx.Now, ID: id}); err != nil {
		return err
	}
	return tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: "review.closed", EntityType: dealgate.EntityReview, EntityID: idString(id), After: map[string]any{"reason": "The deal was withdrawn"},
	})
}

func (tx *Tx) review(ctx context.Context, id int64) (dealgate.Review, error) {
	r, err := tx.Q.GetReview(ctx, id)
	if err != nil {
		return dealgate.Review{}, orNotFound(err, "review")
	}
	return dealgate.Review{
		ID: r.ID, DealID: r.DealID, Round: int(r.Round), DealVersion: int(r.DealVersion), State: dealgate.ReviewState(r.State),
		DueOn: r.DueOn, OpenedAt: r.OpenedAt, OpenedBy: r.OpenedByName, ClosedAt: r.ClosedAt,
	}, nil
}

// ---------------------------------------------------------------------------
// Votes, recusals and decisions

// lockReview loads a review and locks its deal, so that the caller's change
// is serialised with every other change to the deal's review and versions.
// It returns the review's state as of after the lock.
func (tx *Tx) lockReview(ctx context.Context, actor *dealgate.User, id int64) (reviewState, error) {
	r, err := tx.review(ctx, id)
	if err != nil {
		return reviewState{}, err
	}
	if _, err := tx.Q.LockDeal(ctx, r.DealID); err != nil {
		return reviewState{}, orNotFound(err, "review")
	}
	// Reload under the lock: a decision may have committed meanwhile.
	return tx.reviewState(ctx, actor, id)
}

func voteSnapshot(v dealgate.Vote) map[string]any {
	return map[string]any{"vote": v.Choice.Label(), "conditions": v.Conditions, "rationale": v.Rationale, "deal_version": v.DealVersion}
}

// Recuse records that actor recuses themselves from a review, with a reason.
// Errors: EUNAUTHORIZED, EFORBIDDEN (not assigned), ENOTFOUND, EINVALID
// (reason; already recused; the review is decided).
func (s *Reviews) Recuse(ctx context.Context, actor *dealgate.User, reviewID int64, reason string) error {
	_, err := authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewVote, func(tx *Tx) (struct{}, error) {
		st, err := tx.lockReview(ctx, actor, reviewID)
		if err != nil {
			return struct{}{}, err
		}
		if st.me(actor) == nil {
			return struct{}{}, dealgate.Errorf(dealgate.EFORBIDDEN, "You are not assigned to this review.")
		}
		if st.review.State != dealgate.ReviewOpen {
			return struct{}{}, dealgate.Errorf(dealgate.EINVALID, "This review is no longer open.")
		}
		reason, err := dealgate.ValidateReason("reason", "the reason you recuse yourself", reason)
		if err != nil {
			return struct{}{}, err
		}
		n, err := tx.Q.SetSelfRecused(ctx, sqlc.SetSelfRecusedParams{Now: &tx.Now, Reason: reason, ReviewID: reviewID, UserID: actor.ID})
		if err != nil {
			return struct{}{}, err
		}
		if n == 0 {
			return struct{}{}, dealgate.Errorf(dealgate.EINVALID, "You have already recused yourself from this review.")
		}
		return struct{}{}, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "review.recused", EntityType: dealgate.EntityReview, EntityID: idString(reviewID), After: map[string]any{"reason": reason},
		})
	})
	return err
}

// Decide records the chair's decision on an open review. dealVersion is the
// deal version the chair saw: if a new version arrived since, the decision
// is refused (ECONFLICT) so it never rests on a version the chair did not
// see. The rules must be met (quorum, the majority or unanimity), counting
// only votes on versions that are not superseded. The decision records the
// deal version, its screening state and taxonomy version, and the tally.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID (fields; rules not
// met; review not open), ECONFLICT (new version).
func (s *Reviews) Decide(ctx context.Context, actor *dealgate.User, reviewID int64, dealVersion int, in dealgate.DecisionInput) (dealgate.Decision, error) {
	return authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewChair, func(tx *Tx) (dealgate.Decision, error) {
		st, err := tx.lockReview(ctx, actor, reviewID)
		if err != nil {
			return dealgate.Decision{}, err
		}
		if st.review.State != dealgate.ReviewOpen {
			return dealgate.Decision{}, dealgate.Errorf(dealgate.EINVALID, "This review is no longer open; it was already decided or closed.")
		}
		if st.deal.Status != dealgate.DealSubmitted {
			return dealgate.Decision{}, dealgate.Errorf(dealgate.EINVALID, "Only a submitted deal is decided.")
		}
		if dealVersion != st.deal.CurrentVersion {
			return dealgate.Decision{}, dealgate.Errorf(dealgate.ECONFLICT, "Counsel made version %d of the deal since you opened this page; read it before you decide.", st.deal.CurrentVersion)
		}
		in, err := in.Validate()
		if err != nil {
			return dealgate.Decision{}, err
		}
		if err := st.tally.Allows(in.Outcome); err != nil {
			return dealgate.Decision{}, err
		}
		ver, err := tx.Q.DealVersionState(ctx, sqlc.DealVersionStateParams{DealID: st.deal.ID, Number: int32(st.deal.CurrentVersion)})
		if err != nil {
			return dealgate.Decision{}, err
		}
		tally, err := json.Marshal(st.tally)
		if err != nil {
			return dealgate.Decision{}, err
		}
		var expires *time.Time
		if in.Outcome.Approving() {
			e := tx.Now.AddDate(0, 0, st.rules.ClearanceDays)
			expires = &e
		}
		// The screening verdict the decision rests on: the version's latest
		// screening (deal_version.screening_state, kept by the screening service).
		screening := &ver.ScreeningState
		_, err = tx.Q.InsertDecision(ctx, sqlc.InsertDecisionParams{
			ReviewID: reviewID, DealID: st.deal.ID, DealVersion: int32(st.deal.CurrentVersion), Outcome: string(in.Outcome),
			Memo: in.Memo, Conditions: in.Conditions, ScreeningState: screening, TaxonomyVersionID: ver.TaxonomyVersionID,
			Tally: tally, DecidedBy: actorID(actor), Now: tx.Now, ExpiresAt: expires,
		})
		if err != nil {
			return dealgate.Decision{}, fmt.Errorf("insert decision: %w", err)
		}
		if err := tx.Q.SetReviewState(ctx, sqlc.SetReviewStateParams{State: string(dealgate.ReviewDecided), Now: &tx.Now, ID: reviewID}); err != nil {
			return dealgate.Decision{}, err
		}
		d, err := tx.decisionOfReview(ctx, reviewID)
		if err != nil {
			return d, err
		}
		if err := tx.notifyDecision(ctx, actor, st.deal, d, memberIDs(st.members)); err != nil {
			return d, err
		}
		return d, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "review.decided", EntityType: dealgate.EntityReview, EntityID: idString(reviewID), After: decisionSnapshot(d),
		})
	})
}

func decisionSnapshot(d dealgate.Decision) map[string]any {
	m := map[string]any{
		"decision": d.Outcome.Label(), "memo": d.Memo, "conditions": d.Conditions, "deal": d.DealID, "deal_version": d.DealVersion,
		"tally": d.Tally.Summary(),
	}
	if d.ScreeningState != nil {
		m["screening"] = dealgate.ScreeningState(*d.ScreeningState).Label()
	}
	if d.TaxonomyVersionID != nil {
		m["taxonomy_version_id"] = *d.TaxonomyVersionID
	}
	if d.ExpiresAt != nil {
		m["clearance_expires"] = d.ExpiresAt.Format(time.RFC3339)
	}
	return m
}

func memberIDs(ms []dealgate.ReviewMember) []int64 {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.UserID
	}
	return ids
}
