package postgres

// The register's form use cases: what a handler calls for an unsafe
// request, once. Each runs one transaction that claims a create form's
// one-time token (so it rolls back with a failed create), resolves the
// names typed in the form to IDs, validates once and reports every problem
// under the form's field names. It also returns what the form needs to be
// shown again (the clause's agreement), so the handler makes no other call.

import "context"
import "fmt"
import "io"
import "strings"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// partyLookup resolves a party's name or alias inside tx.
func (tx *Tx) partyLookup(ctx context.Context) dealgate.PartyLookup {
	return func(name string) (int64, error) {
		n := dealgate.NormalizePartyName(name)
		if n == "" {
			return 0, notFound("party")
		}
		id, err := tx.Q.PartyIDByNorm(ctx, n)
		return id, orNotFound(err, "party")
	}
}

// parseEditForm checks the version an edit form carries and parses the
// form with parse (a form's Input), resolving the names typed in it: the
// first steps of every edit form's use case. Problems go into v.
func parseEditForm[In any](ctx context.Context, tx *Tx, version int64, v *dealgate.Validation, parse func(*dealgate.Validation, dealgate.PartyLookup) (In, error)) (In, error) {
	if err := dealgate.CheckVersion(version); err != nil {
		var zero In
		return zero, err
	}
	return parse(v, tx.partyLookup(ctx))
}

// openEditForm loads the record an edit form changes (load), then checks
// the version and parses the form as parseEditForm does. The record comes
// back with every error but load's, so the form can be shown again.
func openEditForm[R, In any](ctx context.Context, tx *Tx, load func(context.Context, int64) (R, error), id, version int64, v *dealgate.Validation, parse func(*dealgate.Validation, dealgate.PartyLookup) (In, error)) (R, In, error) {
	current, err := load(ctx, id)
	if err != nil {
		var zero In
		return current, zero, err
	}
	in, err := parseEditForm(ctx, tx, version, v, parse)
	return current, in, err
}

// CreatePartyForm adds a party from its form, the parent company named.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (form fields), ECONFLICT.
func (s *Register) CreatePartyForm(ctx context.Context, actor *dealgate.User, f dealgate.PartyForm) (dealgate.Party, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Party, error) {
		var v dealgate.Validation
		in, err := f.Input(&v, tx.partyLookup(ctx))
		if err != nil {
			return dealgate.Party{}, err
		}
		p, err := tx.createParty(ctx, actor, in, &v)
		return p, dealgate.RenameFields(err, dealgate.PartyFormFields)
	})
}

// UpdatePartyForm changes a party the user opened at version from its
// form. It returns the party as it is now with any error but ENOTFOUND, so
// the form can be shown again (on ECONFLICT, with what changed).
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Register) UpdatePartyForm(ctx context.Context, actor *dealgate.User, id, version int64, f dealgate.PartyForm) (dealgate.Party, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Party, error) {
		var v dealgate.Validation
		current, in, err := openEditForm(ctx, tx, tx.party, id, version, &v, f.Input)
		if err != nil {
			return current, err
		}
		p, err := tx.updateParty(ctx, actor, id, version, in, &v)
		if p.ID == 0 {
			p = current
		}
		return p, dealgate.RenameFields(err, dealgate.PartyFormFields)
	})
}

// SetPartyRetiredForm retires (retire) or restores a party from its
// confirmation page, opened at version. It returns the party as it is now
// with any error but ENOTFOUND. A party already retired (or restored) is
// ECONFLICT: the action no longer applies, and nothing changes.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID (no version),
// ECONFLICT.
func (s *Register) SetPartyRetiredForm(ctx context.Context, actor *dealgate.User, id, version int64, retire bool) (dealgate.Party, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Party, error) {
		current, err := tx.party(ctx, id)
		if err != nil {
			return current, err
		}
		if err := dealgate.CheckVersion(version); err != nil {
			return current, err
		}
		if current.Retired() == retire {
			return current, dealgate.NoLongerApplies("party")
		}
		p, err := tx.setPartyRetired(ctx, actor, id, version, retire)
		if p.ID == 0 {
			p = current
		}
		return p, err
	})
}

// CreateAgreementForm adds an agreement from its form, owned by actor, at
// most once per form: once is the form's one-time token.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (form fields, or a missing
// token), ECONFLICT (the form was already submitted).
func (s *Register) CreateAgreementForm(ctx context.Context, actor *dealgate.User, once string, f dealgate.AgreementForm) (dealgate.Agreement, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Agreement, error) {
		if err := tx.claimSubmission(ctx, once); err != nil {
			return dealgate.Agreement{}, err
		}
		var v dealgate.Validation
		in, err := f.Input(&v, tx.partyLookup(ctx))
		if err != nil {
			return dealgate.Agreement{}, err
		}
		in.OwnerID = actorID(actor)
		if in.PartyID > 0 && !f.SaveDuplicate && strings.TrimSpace(in.Title) != "" {
			starts := in.EffectiveOn
			if starts == nil {
				starts = in.SignedOn
			}
			dup, err := tx.Q.LikelyDuplicateAgreement(ctx, sqlc.LikelyDuplicateAgreementParams{PartyID: in.PartyID, Title: strings.TrimSpace(in.Title), StartsOn: starts, EndsOn: in.ExpiresOn})
			switch {
			case err == nil:
				v.Add("title", fmt.Sprintf("An agreement with this party, a similar title and overlapping dates is already in the register: “%s”. "+
					"Check that this is not the same agreement; to add it anyway, tick “This is a different agreement” and save again.", dup.Title))
			case !isNotFound(err):
				return dealgate.Agreement{}, err
			}
		}
		a, err := tx.createAgreement(ctx, actor, in, &v)
		return a, dealgate.RenameFields(err, dealgate.AgreementFormFields, dealgate.AgreementFormOrder...)
	})
}

// UpdateAgreementForm changes an agreement the user opened at version from
// its form; the owner stays. It returns the agreement as it is now with any
// error but ENOTFOUND.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Register) UpdateAgreementForm(ctx context.Context, actor *dealgate.User, id, version int64, f dealgate.AgreementForm) (dealgate.Agreement, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Agreement, error) {
		var v dealgate.Validation
		current, in, err := openEditForm(ctx, tx, tx.agreement, id, version, &v, f.Input)
		if err != nil {
			return current, err
		}
		in.OwnerID = current.OwnerID
		a, err := tx.updateAgreement(ctx, actor, id, version, in, &v)
		if a.ID == 0 {
			a = current
		}
		return a, dealgate.RenameFields(err, dealgate.AgreementFormFields, dealgate.AgreementFormOrder...)
	})
}

// ClauseResult is a clause form's outcome: the clause and its agreement,
// which a form shown again needs.
type ClauseResult struct {
	Clause    dealgate.Clause
	Agreement dealgate.Agreement
}

// CreateClauseForm adds a clause to an agreement from its form, at most
// once per form: once is the form's one-time token.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (agreement), EINVALID (form
// fields, or a missing token), ECONFLICT (the form was already submitted).
func (s *Register) CreateClauseForm(ctx context.Context, actor *dealgate.User, agreementID int64, once string, f dealgate.ClauseForm) (ClauseResult, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (ClauseResult, error) {
		var res ClauseResult
		var err error
		if res.Agreement, err = tx.agreement(ctx, agreementID); err != nil {
			return res, err
		}
		if err := tx.claimSubmission(ctx, once); err != nil {
			return res, err
		}
		var v dealgate.Validation
		in, err := f.Input(&v, tx.partyLookup(ctx))
		if err != nil {
			return res, err
		}
		res.Clause, err = tx.createClause(ctx, actor, agreementID, in, &v)
		return res, dealgate.RenameFields(err, dealgate.ClauseFormFields, dealgate.ClauseFormOrder...)
	})
}

// UpdateClauseForm changes a clause the user opened at version from its
// form. It returns the clause as it is now with any error but ENOTFOUND.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Register) UpdateClauseForm(ctx context.Context, actor *dealgate.User, id, version int64, f dealgate.ClauseForm) (ClauseResult, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (ClauseResult, error) {
		var res ClauseResult
		var err error
		if res.Clause, err = tx.clause(ctx, id); err != nil {
			return res, err
		}
		if res.Agreement, err = tx.agreement(ctx, res.Clause.AgreementID); err != nil {
			return res, err
		}
		var v dealgate.Validation
		in, err := parseEditForm(ctx, tx, version, &v, f.Input)
		if err != nil {
			return res, err
		}
		cl, err := tx.updateClause(ctx, actor, id, version, in, &v)
		if cl.ID != 0 {
			res.Clause = cl
		}
		return res, dealgate.RenameFields(err, dealgate.ClauseFormFields, dealgate.ClauseFormOrder...)
	})
}

// AddDocumentForm stores a document uploaded with an agreement's form, at
// most once per form: once is the form's one-time token (see AddDocument).
// Errors: as AddDocument's, and ECONFLICT (the form was already submitted).
func (s *Register) AddDocumentForm(ctx context.Context, actor *dealgate.User, agreementID int64, once, filename string, r io.Reader) (dealgate.Document, error) {
	return s.addDocument(ctx, actor, agreementID, filename, r, func(tx *Tx) error { return tx.claimSubmission(ctx, once) })
}
