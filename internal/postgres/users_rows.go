package postgres

import "context"
import "errors"
import "fmt"
import "slices"
import "strconv"

import "github.com/jackc/pgx/v5/pgconn"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// --- helpers ------------------------------------------------------------------------

func toUser(r sqlc.User) *dealgate.User {
	roles := make([]dealgate.Role, len(r.Roles))
	for i, s := range r.Roles {
		roles[i] = dealgate.Role(s)
	}
	return &dealgate.User{
		ID: r.ID, Email: r.Email, Name: r.Name, Roles: roles, Status: dealgate.UserStatus(r.Status),
		TimeZone: r.TimeZone, TOTPEnabled: r.TotpEnabled, NotifyEmail: r.NotifyEmail,
		SessionEpoch: r.SessionEpoch, CreatedAt: r.CreatedAt, LastSignInAt: r.LastSignInAt, UpdatedAt: r.UpdatedAt,
		Version: r.Version,
	}
}

func roleStrings(roles []dealgate.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// saveUser writes every editable column of u and bumps its version.
func (tx *Tx) saveUser(ctx context.Context, u sqlc.User) (sqlc.User, error) {
	saved, err := tx.Q.UpdateUser(ctx, sqlc.UpdateUserParams{
		Email: u.Email, Name: u.Name, Roles: u.Roles, Status: u.Status, TimeZone: u.TimeZone,
		PasswordHash: u.PasswordHash, TotpSecret: u.TotpSecret, TotpEnabled: u.TotpEnabled,
		TotpLastStep: u.TotpLastStep, NotifyEmail: u.NotifyEmail,
		SessionEpoch: u.SessionEpoch, UpdatedAt: tx.Now, ID: u.ID,
	})
	if isEmailTaken(err) {
		return saved, emailTaken()
	}
	if err != nil {
		return saved, fmt.Errorf("update user %d: %w", u.ID, err)
	}
	return saved, nil
}

// userSnapshot is what the audit trail records of an account: never the
// password hash or the second-factor secret.
func userSnapshot(u sqlc.User) map[string]any {
	return map[string]any{
		"id": u.ID, "email": u.Email, "name": u.Name, "roles": u.Roles, "status": u.Status,
		"time_zone": u.TimeZone, "totp_enabled": u.TotpEnabled, "notify_email": u.NotifyEmail,
		"version": u.Version,
	}
}

// changedUserFields returns the before and after values of the snapshot keys
// whose values differ, leaving out skip and the version.
func changedUserFields(before, after map[string]any, skip ...string) (map[string]any, map[string]any) {
	b, a := map[string]any{}, map[string]any{}
	for k, v := range after {
		if k == "version" || slices.Contains(skip, k) {
			continue
		}
		if fmt.Sprint(before[k]) != fmt.Sprint(v) {
			b[k], a[k] = before[k], v
		}
	}
	return b, a
}

func userEntityID(id int64) string { return strconv.FormatInt(id, 10) }

// lockActor re-reads the actor inside tx and authorises a against that fresh
// row, so someone deactivated or demoted a moment ago cannot act.
func lockActor(ctx context.Context, tx *Tx, actor *dealgate.User, a dealgate.Action) (sqlc.User, error) {
	row, err := tx.Q.GetUserByIDForShare(ctx, actor.ID)
	if isNotFound(err) {
		return row, dealgate.Errorf(dealgate.EUNAUTHORIZED, "Sign in to continue.")
	}
	if err != nil {
		return row, fmt.Errorf("load actor: %w", err)
	}
	return row, dealgate.Authorize(toUser(row), a)
}

// lockSelf locks the actor's own row for a self-service change.
func lockSelf(ctx context.Context, tx *Tx, actor *dealgate.User) (sqlc.User, error) {
	row, err := tx.Q.GetUserByIDForUpdate(ctx, actor.ID)
	if isNotFound(err) {
		return row, dealgate.Errorf(dealgate.EUNAUTHORIZED, "Sign in to continue.")
	}
	if err != nil {
		return row, fmt.Errorf("load user: %w", err)
	}
	return row, dealgate.Authorize(toUser(row), dealgate.ActSignedIn)
}

// activeAdmins locks and returns the active admins' IDs, for the last-admin
// rule (dealgate.CheckAdminRemoval).
func (tx *Tx) activeAdmins(ctx context.Context) func() ([]int64, error) {
	return func() ([]int64, error) {
		ids, err := tx.Q.LockActiveAdmins(ctx)
		if err != nil {
			return nil, fmt.Errorf("lock admins: %w", err)
		}
		return ids, nil
	}
}

func staleUser() error {
	return dealgate.Errorf(dealgate.ECONFLICT, "Someone else changed this account since you opened it. Reload the page and make your change again.")
}

func invalidField(field, msg string) error {
	return &dealgate.Error{Code: dealgate.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}

func emailTaken() error {
	return invalidField("email", "Another account already uses this email address.")
}

func isEmailTaken(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "users_email_key"
}

// userNoRows turns "no rows" into ENOTFOUND with msg, and other errors into
// translated ones.
func userNoRows(err error, msg string) error {
	if isNotFound(err) {
		return &dealgate.Error{Code: dealgate.ENOTFOUND, Message: msg, Err: err}
	}
	return translate(err)
}
