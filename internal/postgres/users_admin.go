package postgres

// An admin's actions on an account's standing: deactivate, reactivate,
// password link, second-factor reset. Each is a method of its own for
// programmatic callers, and ActOnAccount is the one call behind the
// buttons on an account's page.

import "context"
import "fmt"
import "slices"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// administer runs an admin's change a of account id in one transaction: the
// actor is authorised and re-read (someone demoted a moment ago cannot act),
// the account is locked and the version the admin opened is checked. refuse
// says why the account as it is cannot take the change, if it cannot.
func (s *Users) administer(ctx context.Context, actor *dealgate.User, id, version int64, a dealgate.AccountAction, refuse func(old sqlc.User) error) (*dealgate.User, error) {
	return authorized(ctx, s.db, actor, dealgate.ActUserManage, func(tx *Tx) (*dealgate.User, error) {
		old, err := lockAccount(ctx, tx, actor, id)
		if err != nil {
			return nil, err
		}
		if old.Version != version {
			return nil, staleUser()
		}
		if err := refuse(old); err != nil {
			return nil, err
		}
		saved, err := tx.changeAccount(ctx, actor, a, old)
		if err != nil {
			return nil, err
		}
		return toUser(saved), nil
	})
}

// changeAccount makes change a (not a password link) to the locked account
// old and audits it.
func (tx *Tx) changeAccount(ctx context.Context, actor *dealgate.User, a dealgate.AccountAction, old sqlc.User) (sqlc.User, error) {
	switch a {
	case dealgate.AccountDeactivate:
		return tx.deactivateUser(ctx, actor, old)
	case dealgate.AccountReactivate:
		return tx.reactivateUser(ctx, actor, old)
	case dealgate.AccountResetTwoFactor:
		return tx.resetSecondFactor(ctx, actor, old)
	}
	return old, dealgate.Errorf(dealgate.EINVALID, "There is no such action on an account.")
}

// conflictIf is ECONFLICT with msg when the account already is as a change
// would make it, else nil.
func conflictIf(already bool, msg string) error {
	if already {
		return dealgate.Errorf(dealgate.ECONFLICT, "%s", msg)
	}
	return nil
}

// lockAccount re-reads and authorises the admin (lockActor), then locks
// account id for a change.
func lockAccount(ctx context.Context, tx *Tx, actor *dealgate.User, id int64) (sqlc.User, error) {
	if _, err := lockActor(ctx, tx, actor, dealgate.ActUserManage); err != nil {
		return sqlc.User{}, err
	}
	row, err := tx.Q.GetUserByIDForUpdate(ctx, id)
	if err != nil {
		return row, userNoRows(err, "No such user.")
	}
	return row, nil
}

// ActOnAccount does an admin's confirmed action on account id, as the admin
// saw it at version. It returns the account as it is now with any error but
// ENOTFOUND and the refusals, and for a password reset the one-time link.
// An action the account no longer allows (a double submit, a change made
// meanwhile: see dealgate.AccountAction.Applies) is ECONFLICT and changes
// nothing. A password link does not depend on the version.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID (no version, own
// account, last admin), ECONFLICT, EINTERNAL.
func (s *Users) ActOnAccount(ctx context.Context, actor *dealgate.User, id, version int64, a dealgate.AccountAction) (UserLink, error) {
	return authorized(ctx, s.db, actor, dealgate.ActUserManage, func(tx *Tx) (UserLink, error) {
		old, err := lockAccount(ctx, tx, actor, id)
		if err != nil {
			return UserLink{}, err
		}
		res := UserLink{User: toUser(old)}
		if err := dealgate.CheckVersion(version); err != nil {
			return res, err
		}
		if !a.Applies(res.User) {
			return res, dealgate.NoLongerApplies("account")
		}
		if a == dealgate.AccountResetPassword {
			res.Link, err = s.issuePasswordReset(ctx, tx, actor, old)
			return res, err
		}
		if old.Version != version {
			return res, staleUser()
		}
		saved, err := tx.changeAccount(ctx, actor, a, old)
		if err == nil {
			res.User = toUser(saved)
		}
		return res, err
	})
}

// Deactivate stops an account: it can no longer sign in, every session of it
// ends at once (the session epoch moves on) and its open password links are
// void. Admins cannot deactivate themselves.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (own account, last admin),
// ENOTFOUND, ECONFLICT (stale version, or already deactivated), EINTERNAL.
func (s *Users) Deactivate(ctx context.Context, actor *dealgate.User, id, version int64) (*dealgate.User, error) {
	return s.administer(ctx, actor, id, version, dealgate.AccountDeactivate, func(old sqlc.User) error {
		return conflictIf(old.Status == string(dealgate.UserDeactivated), "This account is already deactivated.")
	})
}

func (tx *Tx) deactivateUser(ctx context.Context, actor *dealgate.User, old sqlc.User) (sqlc.User, error) {
	if err := dealgate.CheckAdminRemoval(actor, old.ID, slices.Contains(old.Roles, "admin"), true, tx.activeAdmins(ctx)); err != nil {
		return old, err
	}
	next := old
	next.Status = string(dealgate.UserDeactivated)
	next.SessionEpoch++
	if err := tx.Q.DeleteUnusedPasswordResetTokens(ctx, old.ID); err != nil {
		return old, fmt.Errorf("void password links: %w", err)
	}
	return tx.saveAccount(ctx, actor, "user.deactivated", old, next, map[string]any{"status": old.Status},
		map[string]any{"status": next.Status, "sessions_ended": true})
}

// Reactivate lets a deactivated account sign in again with its password.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT (stale version, or
// already active), EINTERNAL.
func (s *Users) Reactivate(ctx context.Context, actor *dealgate.User, id, version int64) (*dealgate.User, error) {
	return s.administer(ctx, actor, id, version, dealgate.AccountReactivate, func(old sqlc.User) error {
		return conflictIf(old.Status == string(dealgate.UserActive), "This account is already active.")
	})
}

func (tx *Tx) reactivateUser(ctx context.Context, actor *dealgate.User, old sqlc.User) (sqlc.User, error) {
	next := old
	next.Status = string(dealgate.UserActive)
	return tx.saveAccount(ctx, actor, "user.reactivated", old, next, map[string]any{"status": old.Status},
		map[string]any{"status": next.Status})
}

// saveAccount saves next over old and audits action with before and after,
// each with its version.
func (tx *Tx) saveAccount(ctx context.Context, actor *dealgate.User, action string, old, next sqlc.User, before, after map[string]any) (sqlc.User, error) {
	saved, err := tx.saveUser(ctx, next)
	if err != nil {
		return saved, err
	}
	before["version"], after["version"] = old.Version, saved.Version
	return saved, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: action, EntityType: "user", EntityID: userEntityID(old.ID), Before: before, After: after,
	})
}

// IssuePasswordReset makes a one-time link for an active account to set a
// new password, valid for ResetTTL, and voids the account's earlier links.
// The current password keeps working until the link is used. The token is
// returned once, to be shown or sent; only its hash is stored.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID (deactivated
// account), EINTERNAL.
func (s *Users) IssuePasswordReset(ctx context.Context, actor *dealgate.User, id int64) (dealgate.PasswordResetLink, error) {
	link, err := authorized(ctx, s.db, actor, dealgate.ActUserManage, func(tx *Tx) (dealgate.PasswordResetLink, error) {
		row, err := lockAccount(ctx, tx, actor, id)
		if err != nil {
			return dealgate.PasswordResetLink{}, err
		}
		return s.issuePasswordReset(ctx, tx, actor, row)
	})
	if err != nil {
		return dealgate.PasswordResetLink{}, err
	}
	return link, nil
}

func (s *Users) issuePasswordReset(ctx context.Context, tx *Tx, actor *dealgate.User, row sqlc.User) (dealgate.PasswordResetLink, error) {
	if row.Status != string(dealgate.UserActive) {
		return dealgate.PasswordResetLink{}, dealgate.Errorf(dealgate.EINVALID, "Reactivate the account before issuing a password link.")
	}
	purpose := "reset"
	if row.PasswordHash == "" {
		purpose = "invite"
	}
	link, err := s.issueLink(ctx, tx, row.ID, purpose, &actor.ID)
	if err != nil {
		return link, err
	}
	if err := tx.queuePasswordMail(ctx, row.Email, row.Name, link, purpose == "invite"); err != nil {
		return link, err
	}
	return link, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: "user.password_reset_issued", EntityType: "user", EntityID: userEntityID(row.ID),
		After: map[string]any{"purpose": purpose, "expires_at": link.ExpiresAt},
	})
}

// ResetSecondFactor removes an account's second factor and recovery codes
// for an admin (a lost phone) and ends its sessions. If the account's roles
// require a second factor, the person must set up a new one at next sign-in.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT (stale version, or
// no second factor), EINTERNAL.
func (s *Users) ResetSecondFactor(ctx context.Context, actor *dealgate.User, id, version int64) (*dealgate.User, error) {
	return s.administer(ctx, actor, id, version, dealgate.AccountResetTwoFactor, func(old sqlc.User) error {
		return conflictIf(!old.TotpEnabled && old.TotpSecret == nil, "This account has no second factor to reset.")
	})
}

func (tx *Tx) resetSecondFactor(ctx context.Context, actor *dealgate.User, old sqlc.User) (sqlc.User, error) {
	saved, err := tx.clearSecondFactor(ctx, old)
	if err != nil {
		return saved, err
	}
	return saved, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: "user.totp_reset", EntityType: "user", EntityID: userEntityID(old.ID),
		Before: map[string]any{"totp_enabled": old.TotpEnabled, "version": old.Version},
		After:  map[string]any{"totp_enabled": false, "version": saved.Version, "sessions_ended": true},
	})
}
