package postgres

import "context"
import "fmt"
import "slices"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// ---------------------------------------------------------------------------
// Agreements

// CreateAgreement adds an agreement.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (fields).
func (s *Register) CreateAgreement(ctx context.Context, actor *dealgate.User, in dealgate.AgreementInput) (dealgate.Agreement, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Agreement, error) {
		return tx.CreateAgreement(ctx, actor, in)
	})
}

// UpdateAgreement changes an agreement the user opened at version. On a
// stale version it returns the current agreement with ECONFLICT, so the
// form can show what changed.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Register) UpdateAgreement(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.AgreementInput) (dealgate.Agreement, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Agreement, error) {
		return tx.UpdateAgreement(ctx, actor, id, version, in)
	})
}

// Agreement returns one agreement (without clauses; see Clauses).
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) Agreement(ctx context.Context, actor *dealgate.User, id int64) (dealgate.Agreement, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Agreement, error) {
		return tx.agreement(ctx, id)
	})
}

// ExpireLapsedAgreements records as expired every active agreement whose
// expiry date has passed, one audit event each; reads already show them
// expired (dealgate.EffectiveStatus), this makes the record follow. Run it
// daily from a job; it acts as the system.
// Errors: EINTERNAL.
func (s *Register) ExpireLapsedAgreements(ctx context.Context) (int, error) {
	return inTx(ctx, s.DB, func(tx *Tx) (int, error) {
		ids, err := tx.Q.LapsedAgreementIDs(ctx, tx.today())
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			before, err := tx.agreement(ctx, id)
			if err != nil {
				return 0, err
			}
			if err := tx.Q.MarkAgreementExpired(ctx, sqlc.MarkAgreementExpiredParams{ID: id, Now: tx.Now}); err != nil {
				return 0, err
			}
			after, err := tx.agreement(ctx, id)
			if err != nil {
				return 0, err
			}
			if err := tx.Audit(ctx, dealgate.AuditEvent{
				Action: "agreement.expired", EntityType: dealgate.EntityAgreement, EntityID: idString(id), Before: before, After: after,
			}); err != nil {
				return 0, err
			}
		}
		return len(ids), nil
	})
}

// CreateAgreement adds an agreement; the caller has authorised actor.
func (tx *Tx) CreateAgreement(ctx context.Context, actor *dealgate.User, in dealgate.AgreementInput) (dealgate.Agreement, error) {
	return tx.createAgreement(ctx, actor, in, &dealgate.Validation{})
}

// createAgreement is CreateAgreement with the problems a form already found in v: the
// input is validated once, into v.
func (tx *Tx) createAgreement(ctx context.Context, actor *dealgate.User, in dealgate.AgreementInput, v *dealgate.Validation) (dealgate.Agreement, error) {
	in.ValidateInto(v, tx.today())
	// Arguments run in order: the references are checked into v, then v reports.
	if err := firstErr(tx.checkAgreementRefs(ctx, in, v), v.Err()); err != nil {
		return dealgate.Agreement{}, err
	}
	p := agreementParams(in)
	id, err := tx.Q.InsertAgreement(ctx, sqlc.InsertAgreementParams{
		Title: p.Title, PartyID: p.PartyID, Kind: p.Kind, Binding: p.Binding, Status: p.Status, SignedOn: p.SignedOn,
		EffectiveOn: p.EffectiveOn, ExpiresOn: p.ExpiresOn, ValueMinor: p.ValueMinor, Currency: p.Currency,
		OwnerID: p.OwnerID, Summary: p.Summary, Notes: p.Notes, Now: tx.Now,
	})
	if err != nil {
		return dealgate.Agreement{}, fmt.Errorf("insert agreement: %w", err)
	}
	return readAudited(ctx, tx, actor, "agreement.created", dealgate.EntityAgreement, id, nil, tx.agreement)
}

// UpdateAgreement changes an agreement; the caller has authorised actor.
func (tx *Tx) UpdateAgreement(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.AgreementInput) (dealgate.Agreement, error) {
	return tx.updateAgreement(ctx, actor, id, version, in, &dealgate.Validation{})
}

// updateAgreement is UpdateAgreement with the problems a form already found in v: the
// input is validated once, into v.
func (tx *Tx) updateAgreement(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.AgreementInput, v *dealgate.Validation) (dealgate.Agreement, error) {
	current, err := tx.Q.LockAgreement(ctx, id)
	if err != nil {
		return dealgate.Agreement{}, orNotFound(err, "agreement")
	}
	before, err := tx.agreement(ctx, id)
	if err != nil {
		return before, err
	}
	if current != version {
		return before, dealgate.StaleError("agreement", current)
	}
	in.ValidateInto(v, tx.today())
	if err := firstErr(tx.checkAgreementRefs(ctx, in, v), v.Err()); err != nil {
		return dealgate.Agreement{}, err
	}
	p := agreementParams(in)
	p.ID, p.Now = id, tx.Now
	if err := tx.Q.UpdateAgreement(ctx, p); err != nil {
		return dealgate.Agreement{}, fmt.Errorf("update agreement: %w", err)
	}
	return readAudited(ctx, tx, actor, "agreement.updated", dealgate.EntityAgreement, id, before, tx.agreement)
}

func agreementParams(in dealgate.AgreementInput) sqlc.UpdateAgreementParams {
	p := sqlc.UpdateAgreementParams{
		Title: in.Title, PartyID: in.PartyID, Kind: string(in.Kind), Binding: in.Binding, Status: string(in.Status),
		SignedOn: in.SignedOn, EffectiveOn: in.EffectiveOn, ExpiresOn: in.ExpiresOn, OwnerID: in.OwnerID,
		Summary: in.Summary, Notes: in.Notes,
	}
	if in.Value != nil {
		p.ValueMinor, p.Currency = &in.Value.Minor, &in.Value.Currency
	}
	return p
}

func (tx *Tx) checkAgreementRefs(ctx context.Context, in dealgate.AgreementInput, v *dealgate.Validation) error {
	if in.PartyID > 0 {
		if _, err := tx.Q.GetParty(ctx, in.PartyID); err != nil {
			if !isNotFound(err) {
				return err
			}
			v.Add("party_id", "Choose a party from the register")
		}
	}
	if in.OwnerID != nil {
		ok, err := tx.Q.UserExists(ctx, *in.OwnerID)
		if err != nil {
			return err
		}
		if !ok {
			v.Add("owner_id", "Choose the owner from the list of users")
		}
	}
	return nil
}

func (tx *Tx) agreement(ctx context.Context, id int64) (dealgate.Agreement, error) {
	r, err := tx.Q.GetAgreement(ctx, id)
	if err != nil {
		return dealgate.Agreement{}, orNotFound(err, "agreement")
	}
	return agreementFromRow(r, tx.Now), nil
}

// agreementFromRow converts an agreement row, its status judged at now.
func agreementFromRow(r sqlc.GetAgreementRow, now time.Time) dealgate.Agreement {
	a := dealgate.Agreement{
		ID: r.ID, Title: r.Title, Party: dealgate.PartyRef{ID: r.PartyID, Name: r.PartyName, Kind: dealgate.PartyKind(r.PartyKind)},
		Kind: dealgate.AgreementKind(r.Kind), Binding: r.Binding, RecordedStatus: dealgate.AgreementStatus(r.Status),
		SignedOn: r.SignedOn, EffectiveOn: r.EffectiveOn, ExpiresOn: r.ExpiresOn, OwnerID: r.OwnerID, OwnerName: r.OwnerName,
		Summary: r.Summary, Notes: r.Notes, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version,
	}
	a.Status = dealgate.EffectiveStatus(a.RecordedStatus, a.ExpiresOn, now)
	if r.ValueMinor != nil && r.Currency != nil {
		a.Value = &dealgate.Money{Minor: *r.ValueMinor, Currency: *r.Currency}
	}
	return a
}

// ---------------------------------------------------------------------------
// Clauses

// CreateClause adds a clause to an agreement.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (agreement), EINVALID (fields).
func (s *Register) CreateClause(ctx context.Context, actor *dealgate.User, agreementID int64, in dealgate.ClauseInput) (dealgate.Clause, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Clause, error) {
		return tx.CreateClause(ctx, actor, agreementID, in)
	})
}

// UpdateClause changes a clause the user opened at version. Categories the
// clause already covers stay acceptable even if retired since. On a stale
// version it returns the current clause with ECONFLICT.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Register) UpdateClause(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.ClauseInput) (dealgate.Clause, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Clause, error) {
		return tx.UpdateClause(ctx, actor, id, version, in)
	})
}

// RetireClause takes a clause out of force (it stays on record and in the
// audit trail). On a stale version it returns the current clause with ECONFLICT.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Register) RetireClause(ctx context.Context, actor *dealgate.User, id, version int64) (dealgate.Clause, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Clause, error) {
		return tx.setClauseRetired(ctx, actor, id, version, true)
	})
}

// RestoreClause undoes RetireClause.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Register) RestoreClause(ctx context.Context, actor *dealgate.User, id, version int64) (dealgate.Clause, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Clause, error) {
		return tx.setClauseRetired(ctx, actor, id, version, false)
	})
}

// Clause returns one clause.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) Clause(ctx context.Context, actor *dealgate.User, id int64) (dealgate.Clause, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Clause, error) {
		return tx.clause(ctx, id)
	})
}

// Clauses returns an agreement's clauses in the order they were added.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) Clauses(ctx context.Context, actor *dealgate.User, agreementID int64, includeRetired bool) ([]dealgate.Clause, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) ([]dealgate.Clause, error) {
		// A clause shows the register alone (its parties, its agreement,
		// its categories as last published), so an agreement's clauses are
		// cached under the register change counter (read_cache.go). They
		// are shared: callers only read them.
		counter, err := registerCounter(ctx, tx)
		if err != nil {
			return nil, err
		}
		key := clausesKey{agreementID: agreementID, includeRetired: includeRetired, day: tx.today().Unix()}
		return s.agreementClauses.load(ctx, tx, counter, key, loader[[]dealgate.Clause]{read: func() ([]dealgate.Clause, error) {
			if _, err := tx.Q.GetAgreement(ctx, agreementID); err != nil {
				return nil, orNotFound(err, "agreement")
			}
			ids, err := tx.Q.ClauseIDsForAgreement(ctx, sqlc.ClauseIDsForAgreementParams{AgreementID: agreementID, IncludeRetired: includeRetired})
			if err != nil {
				return nil, err
			}
			return tx.clauses(ctx, ids)
		}})
	})
}

// clausesKey is one agreement's clauses, with or without retired ones, on
// a day (their agreement's effective status depends on it).
type clausesKey struct {
	agreementID    int64
	includeRetired bool
	day            int64
}

// ClausesInForce returns every live clause of an active agreement whose
// window includes day: what a deal negotiated from day is screened against.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Register) ClausesInForce(ctx context.Context, actor *dealgate.User, day time.Time) ([]dealgate.Clause, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) ([]dealgate.Clause, error) {
		ids, err := tx.Q.ClauseIDsInForce(ctx, dealgate.DateOf(day))
		if err != nil {
			return nil, err
		}
		return tx.clauses(ctx, ids)
	})
}

// CreateClause adds a clause; the caller has authorised actor.
func (tx *Tx) CreateClause(ctx context.Context, actor *dealgate.User, agreementID int64, in dealgate.ClauseInput) (dealgate.Clause, error) {
	return tx.createClause(ctx, actor, agreementID, in, &dealgate.Validation{})
}

// createClause is CreateClause with the problems a form already found in v: the
// input is validated once, into v.
func (tx *Tx) createClause(ctx context.Context, actor *dealgate.User, agreementID int64, in dealgate.ClauseInput, v *dealgate.Validation) (dealgate.Clause, error) {
	// A share lock keeps the agreement's window stable while we check against it.
	if _, err := tx.Q.ShareLockAgreement(ctx, agreementID); err != nil {
		return dealgate.Clause{}, orNotFound(err, "agreement")
	}
	a, err := tx.agreement(ctx, agreementID)
	if err != nil {
		return dealgate.Clause{}, err
	}
	in.ValidateInto(v, a)
	if err := firstErr(tx.checkClauseRefs(ctx, in, nil, v), v.Err()); err != nil {
		return dealgate.Clause{}, err
	}
	p := clauseParams(in)
	id, err := tx.Q.InsertClause(ctx, sqlc.InsertClauseParams{
		AgreementID: agreementID, Kind: p.Kind, BeneficiaryID: p.BeneficiaryID, RestrictionScope: p.RestrictionScope,
		RestrictedKind: p.RestrictedKind, Worldwide: p.Worldwide, Regions: p.Regions, ValidFrom: p.ValidFrom,
		ValidUntil: p.ValidUntil, NoticeDays: p.NoticeDays, Section: p.Section, Text: p.Text, Now: tx.Now,
	})
	if err != nil {
		return dealgate.Clause{}, fmt.Errorf("insert clause: %w", err)
	}
	if err := tx.writeClauseLinks(ctx, id, in); err != nil {
		return dealgate.Clause{}, err
	}
	return readAudited(ctx, tx, actor, "clause.created", dealgate.EntityClause, id, nil, tx.clause)
}

// UpdateClause changes a clause; the caller has authorised actor.
func (tx *Tx) UpdateClause(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.ClauseInput) (dealgate.Clause, error) {
	return tx.updateClause(ctx, actor, id, version, in, &dealgate.Validation{})
}

// updateClause is UpdateClause with the problems a form already found in v: the
// input is validated once, into v.
func (tx *Tx) updateClause(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.ClauseInput, v *dealgate.Validation) (dealgate.Clause, error) {
	before, err := tx.lockClause(ctx, id, version)
	if err != nil {
		return before, err
	}
	if _, err := tx.Q.ShareLockAgreement(ctx, before.AgreementID); err != nil {
		return dealgate.Clause{}, err
	}
	a, err := tx.agreement(ctx, before.AgreementID)
	if err != nil {
		return dealgate.Clause{}, err
	}
	in.ValidateInto(v, a)
	if err := firstErr(tx.checkClauseRefs(ctx, in, &before, v), v.Err()); err != nil {
		return dealgate.Clause{}, err
	}
	p := clauseParams(in)
	p.ID, p.Now = id, tx.Now
	if err := tx.Q.UpdateClause(ctx, p); err != nil {
		return dealgate.Clause{}, fmt.Errorf("update clause: %w", err)
	}
	if err := tx.Q.DeleteClauseLinks(ctx, id); err != nil {
		return dealgate.Clause{}, err
	}
	if err := tx.writeClauseLinks(ctx, id, in); err != nil {
		return dealgate.Clause{}, err
	}
	return readAudited(ctx, tx, actor, "clause.updated", dealgate.EntityClause, id, before, tx.clause)
}

func (tx *Tx) setClauseRetired(ctx context.Context, actor *dealgate.User, id, version int64, retire bool) (dealgate.Clause, error) {
	before, err := tx.lockClause(ctx, id, version)
	if err != nil {
		return before, err
	}
	if (before.RetiredAt != nil) == retire {
		return before, nil
	}
	var at *time.Time
	action := "clause.restored"
	if retire {
		at, action = &tx.Now, "clause.retired"
	}
	if err := tx.Q.SetClauseRetired(ctx, sqlc.SetClauseRetiredParams{ID: id, RetiredAt: at, Now: tx.Now}); err != nil {
		return dealgate.Clause{}, err
	}
	return readAudited(ctx, tx, actor, action, dealgate.EntityClause, id, before, tx.clause)
}

func (tx *Tx) lockClause(ctx context.Context, id, version int64) (dealgate.Clause, error) {
	l, err := tx.Q.LockClause(ctx, id)
	if err != nil {
		return dealgate.Clause{}, orNotFound(err, "clause")
	}
	c, err := tx.clause(ctx, id)
	if err != nil {
		return c, err
	}
	if err := dealgate.CheckVersion(version); err != nil {
		return c, err
	}
	if l.Version != version {
		return c, dealgate.StaleError("clause", l.Version)
	}
	return c, nil
}

func clauseParams(in dealgate.ClauseInput) sqlc.UpdateClauseParams {
	regions := in.Regions
	if regions == nil {
		regions = []string{}
	}
	return sqlc.UpdateClauseParams{
		Kind: string(in.Kind), BeneficiaryID: in.BeneficiaryID, RestrictionScope: string(in.Scope),
		RestrictedKind: strPtr(string(in.RestrictedKind)), Worldwide: in.Worldwide, Regions: regions,
		ValidFrom: in.ValidFrom, ValidUntil: in.ValidUntil, NoticeDays: int32Ptr(in.NoticeDays),
		Section: in.Section, Text: in.Text,
	}
}

// checkClauseRefs checks that the parties exist and that the categories are
// live in the current published taxonomy (or, when editing, already on the
// clause: retiring a category never forces an edit of the clauses on it).
func (tx *Tx) checkClauseRefs(ctx context.Context, in dealgate.ClauseInput, existing *dealgate.Clause, v *dealgate.Validation) error {
	var parties []int64
	if in.BeneficiaryID > 0 {
		parties = append(parties, in.BeneficiaryID)
	}
	parties = append(append(parties, in.RestrictedPartyIDs...), in.ExceptionPartyIDs...)
	found, err := tx.Q.ExistingPartyIDs(ctx, parties)
	if err != nil {
		return err
	}
	missing := func(ids []int64) bool {
		return slices.ContainsFunc(ids, func(id int64) bool { return !slices.Contains(found, id) })
	}
	if in.BeneficiaryID > 0 && missing([]int64{in.BeneficiaryID}) {
		v.Add("beneficiary_id", "Choose the beneficiary from the register")
	}
	if missing(in.RestrictedPartyIDs) {
		v.Add("restricted_party_ids", "Choose restricted parties from the register")
	}
	if missing(in.ExceptionPartyIDs) {
		v.Add("exception_party_ids", "Choose exceptions from the register")
	}
	live, err := tx.Q.LiveCategoryIDs(ctx, append(slices.Clone(in.CategoryIDs), in.ExcludedCategoryIDs...))
	if err != nil {
		return err
	}
	var had []int64
	if existing != nil {
		for _, c := range append(slices.Clone(existing.Categories), existing.ExcludedCategories...) {
			had = append(had, c.ID)
		}
	}
	usable := func(ids []int64) bool {
		return !slices.ContainsFunc(ids, func(id int64) bool { return !slices.Contains(live, id) && !slices.Contains(had, id) })
	}
	if !usable(in.CategoryIDs) {
		v.Add("category_ids", "Choose categories from the current published taxonomy")
	}
	if !usable(in.ExcludedCategoryIDs) {
		v.Add("excluded_category_ids", "Choose excluded categories from the current published taxonomy")
	}
	return nil
}

func (tx *Tx) writeClauseLinks(ctx context.Context, id int64, in dealgate.ClauseInput) error {
	links := []struct {
		ids      []int64
		excluded bool
	}{{in.CategoryIDs, false}, {in.ExcludedCategoryIDs, true}}
	for _, l := range links {
		if len(l.ids) == 0 {
			continue
		}
		if err := tx.Q.InsertClauseCategories(ctx, sqlc.InsertClauseCategoriesParams{ClauseID: id, CategoryIds: l.ids, Excluded: l.excluded}); err != nil {
			return fmt.Errorf("link clause categories: %w", err)
		}
	}
	roles := []struct {
		ids  []int64
		role string
	}{{in.RestrictedPartyIDs, "restricted"}, {in.ExceptionPartyIDs, "exception"}}
	for _, r := range roles {
		if len(r.ids) == 0 {
			continue
		}
		if err := tx.Q.InsertClauseParties(ctx, sqlc.InsertClausePartiesParams{ClauseID: id, PartyIds: r.ids, Role: r.role}); err != nil {
			return fmt.Errorf("link clause parties: %w", err)
		}
	}
	return nil
}

func (tx *Tx) clause(ctx context.Context, id int64) (dealgate.Clause, error) {
	cs, err := tx.clauses(ctx, []int64{id})
	if err != nil {
		return dealgate.Clause{}, err
	}
	if len(cs) == 0 {
		return dealgate.Clause{}, notFound("clause")
	}
	return cs[0], nil
}

// clauses loads clauses with their categories and parties, ordered by
// agreement and then clause ID.
func (tx *Tx) clauses(ctx context.Context, ids []int64) ([]dealgate.Clause, error) {
	if len(ids) == 0 {
		return []dealgate.Clause{}, nil
	}
	rows, err := tx.Q.GetClauses(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load clauses: %w", err)
	}
	cats, err := tx.Q.ClauseCategories(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load clause categories: %w", err)
	}
	parties, err := tx.Q.ClauseParties(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load clause parties: %w", err)
	}
	out := make([]dealgate.Clause, len(rows))
	index := make(map[int64]int, len(rows))
	for i, r := range rows {
		index[r.ID] = i
		c := dealgate.Clause{
			ID: r.ID, AgreementID: r.AgreementID, Kind: dealgate.ClauseKind(r.Kind),
			Beneficiary: dealgate.PartyRef{ID: r.BeneficiaryID, Name: r.BeneficiaryName, Kind: dealgate.PartyKind(r.BeneficiaryKind)},
			Categories:  []dealgate.CategoryRef{}, ExcludedCategories: []dealgate.CategoryRef{},
			Scope:             dealgate.RestrictionScope(r.RestrictionScope),
			RestrictedParties: []dealgate.PartyRef{}, Exceptions: []dealgate.PartyRef{},
			Worldwide: r.Worldwide, Regions: r.Regions, ValidFrom: r.ValidFrom, ValidUntil: r.ValidUntil,
			NoticeDays: intPtr(r.NoticeDays), Section: r.Section, Text: r.Text, RetiredAt: r.RetiredAt,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version,
		}
		out[i] = tx.withAgreement(c, r.RestrictedKind, r.AgreementTitle, r.AgreementStatus, r.AgreementBinding, r.AgreementEffectiveOn, r.AgreementExpiresOn)
	}
	for _, r := range cats {
		if i, ok := index[r.ClauseID]; ok {
			addClauseCategory(&out[i], r.Excluded, dealgate.CategoryRef{ID: r.CategoryID, Key: r.Key, Name: r.Name, Retired: r.Retired})
		}
	}
	for _, r := range parties {
		if i, ok := index[r.ClauseID]; ok {
			addClauseParty(&out[i], r.Role, dealgate.PartyRef{ID: r.PartyID, Name: r.Name, Kind: dealgate.PartyKind(r.Kind)})
		}
	}
	return out, nil
}

// withAgreement completes a clause mapped from a row (the register's and
// screening's queries return different row types) with its restricted kind
// and what it carries of its agreement. The status is the one in effect at
// tx.Now, so an agreement past its expiry reads expired.
func (tx *Tx) withAgreement(c dealgate.Clause, restrictedKind *string, title, status string, binding bool, effectiveOn, expiresOn *time.Time) dealgate.Clause {
	if restrictedKind != nil {
		c.RestrictedKind = dealgate.PartyKind(*restrictedKind)
	}
	c.AgreementTitle, c.AgreementBinding = title, binding
	c.AgreementEffectiveOn, c.AgreementExpiresOn = effectiveOn, expiresOn
	c.AgreementStatus = dealgate.EffectiveStatus(dealgate.AgreementStatus(status), expiresOn, tx.Now)
	return c
}

// addClauseCategory files a category row under the clause's exclusions or
// its categories.
func addClauseCategory(c *dealgate.Clause, excluded bool, ref dealgate.CategoryRef) {
	if excluded {
		c.ExcludedCategories = append(c.ExcludedCategories, ref)
	} else {
		c.Categories = append(c.Categories, ref)
	}
}

// addClauseParty files a party row under the clause's exceptions or its
// restricted parties, by its role.
func addClauseParty(c *dealgate.Clause, role string, ref dealgate.PartyRef) {
	if role == "exception" {
		c.Exceptions = append(c.Exceptions, ref)
	} else {
		c.RestrictedParties = append(c.RestrictedParties, ref)
	}
}
