package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/postgres/sqlc"
)

// Users is the identity service: accounts, sign-in, second factor, password
// links and throttling. Every method authorises first, then does its work and
// writes its audit events in one transaction. Build it with NewUsers and
// adjust the exported fields before use.
type Users struct {
	db *DB
	// SecondFactorRoles must use a second factor (configuration; in production
	// dealgate.DefaultSecondFactorRoles). Nil: nobody must.
	SecondFactorRoles []dealgate.Role
	// Issuer names Dealgate in authenticator apps.
	Issuer string
	// AccountThrottle and ClientThrottle limit failed attempts per account
	// (typed email) and per client address.
	AccountThrottle, ClientThrottle dealgate.ThrottlePolicy
	// ResetTTL is how long invitation and password links stay valid.
	ResetTTL time.Duration
}

// NewUsers returns the identity service with the domain's defaults.
func NewUsers(db *DB) *Users {
	return &Users{
		db:              db,
		Issuer:          "Dealgate",
		AccountThrottle: dealgate.AccountThrottle,
		ClientThrottle:  dealgate.ClientThrottle,
		ResetTTL:        dealgate.PasswordResetTTL,
	}
}

// --- reading ----------------------------------------------------------------

// ByID returns the user with this ID without authorising anyone: for the
// session middleware, which has already authenticated the request and must
// compare the session's epoch with the user's and check the user is active.
// Errors: ENOTFOUND, EINTERNAL.
func (s *Users) ByID(ctx context.Context, id int64) (*dealgate.User, error) {
	row, err := s.db.Queries().GetUserByID(ctx, id)
	if err != nil {
		return nil, userNoRows(err, "No such user.")
	}
	return toUser(row), nil
}

// Get returns one user to an admin, or to the user themselves.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINTERNAL.
func (s *Users) Get(ctx context.Context, actor *dealgate.User, id int64) (*dealgate.User, error) {
	if err := dealgate.AuthorizeUserRead(actor, id); err != nil {
		return nil, err
	}
	return s.ByID(ctx, id)
}

// userSorts maps dealgate.UserSorts to SQL, each backed by an index.
var userSorts = map[string]string{
	"name":            "lower(name)",
	"email":           "lower(email)",
	"created_at":      "created_at",
	"last_sign_in_at": "last_sign_in_at",
	"status":          "status",
}

// List returns a page of users matching f, with the total, for admins.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (unknown role or status filter,
// fields "role", "status", "q"), EINTERNAL.
func (s *Users) List(ctx context.Context, actor *dealgate.User, f dealgate.UserFilter) (dealgate.Page[*dealgate.User], error) {
	page := dealgate.Page[*dealgate.User]{Items: []*dealgate.User{}}
	if err := dealgate.Authorize(actor, dealgate.ActUserManage); err != nil {
		return page, err
	}
	if err := f.Normalize(); err != nil {
		return page, err
	}
	page.Page, page.PerPage = f.Page, f.PerPage
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Query != "" {
		p := arg("%" + escapeLike(strings.ToLower(f.Query)) + "%")
		where = append(where, "(lower(name) LIKE "+p+" OR lower(email) LIKE "+p+")")
	}
	if f.Role != "" {
		where = append(where, "roles @> ARRAY["+arg(string(f.Role))+"::text]")
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(string(f.Status)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	dir := "ASC"
	if strings.HasPrefix(f.Sort, "-") {
		dir = "DESC"
	}
	order := userSorts[strings.TrimPrefix(f.Sort, "-")] + " " + dir + " NULLS LAST, id " + dir
	if err := s.db.Pool.QueryRow(ctx, "SELECT count(*) FROM users"+cond, args...).Scan(&page.Total); err != nil {
		return page, translate(fmt.Errorf("count users: %w", err))
	}
	sql := "SELECT " + userColumns + " FROM users" + cond + " ORDER BY " + order +
		" LIMIT " + arg(f.PerPage) + " OFFSET " + arg(f.Offset())
	rows, err := s.db.Pool.Query(ctx, sql, args...)
	if err != nil {
		return page, translate(fmt.Errorf("list users: %w", err))
	}
	found, err := pgx.CollectRows(rows, pgx.RowToStructByName[sqlc.User])
	if err != nil {
		return page, translate(fmt.Errorf("list users: %w", err))
	}
	for _, r := range found {
		page.Items = append(page.Items, toUser(r))
	}
	return page, nil
}

// userColumns are the columns of sqlc.User, for queries built at run time.
const userColumns = `id, email, name, roles, status, time_zone, password_hash, totp_secret,
	totp_enabled, totp_last_step, notify_email, notify_digest, session_epoch, created_at,
	updated_at, last_sign_in_at, version`

// --- creating -----------------------------------------------------------------

// Invite creates an account for an admin. It has no password: the returned
// one-time link lets the person choose one (valid for ResetTTL).
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (fields "name", "email" — also
// when another account has the email —, "roles", "time_zone"), EINTERNAL.
func (s *Users) Invite(ctx context.Context, actor *dealgate.User, in dealgate.NewUser) (*dealgate.User, dealgate.PasswordResetLink, error) {
	var link dealgate.PasswordResetLink
	if err := dealgate.Authorize(actor, dealgate.ActUserManage); err != nil {
		return nil, link, err
	}
	if err := in.Validate(); err != nil {
		return nil, link, err
	}
	var user *dealgate.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := lockActor(ctx, tx, actor, dealgate.ActUserManage); err != nil {
			return err
		}
		row, err := tx.insertUser(ctx, in, "")
		if err != nil {
			return err
		}
		link, err = s.issueLink(ctx, tx, row.ID, "invite", &actor.ID)
		if err != nil {
			return err
		}
		user = toUser(row)
		after := userSnapshot(row)
		after["password_link"] = "invite"
		after["password_link_expires_at"] = link.ExpiresAt
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "user.created", EntityType: "user", EntityID: userEntityID(row.ID), After: after,
		}))
	})
	if err != nil {
		return nil, dealgate.PasswordResetLink{}, err
	}
	return user, link, nil
}

// CreateUserWithPassword creates an active account with a password, as the
// system: for `dealgate user create` and bootstrapping the first admin. It
// authorises no one (whoever runs the command line holds the database
// anyway) but applies the same rules as everywhere else, weak passwords
// included.
// Errors: EINVALID (fields "name", "email", "roles", "time_zone", "password"),
// EINTERNAL.
func (s *Users) CreateUserWithPassword(ctx context.Context, in dealgate.NewUser, password string) (*dealgate.User, error) {
	hash, err := prepareUserWithPassword(ctx, &in, password)
	if err != nil {
		return nil, err
	}
	var user *dealgate.User
	err = s.db.InTx(ctx, func(tx *Tx) error {
		user, err = tx.createUserWithHash(ctx, in, hash)
		return err
	})
	return user, err
}

// CreateUserWithPassword is Users.CreateUserWithPassword inside an existing
// transaction, for the demo data loader.
// Errors: EINVALID, EINTERNAL.
func (tx *Tx) CreateUserWithPassword(ctx context.Context, in dealgate.NewUser, password string) (*dealgate.User, error) {
	hash, err := prepareUserWithPassword(ctx, &in, password)
	if err != nil {
		return nil, err
	}
	return tx.createUserWithHash(ctx, in, hash)
}

func prepareUserWithPassword(ctx context.Context, in *dealgate.NewUser, password string) (string, error) {
	if err := in.Validate(); err != nil {
		return "", err
	}
	if err := dealgate.CheckPassword(password, in.Email, in.Name); err != nil {
		return "", err
	}
	hash, err := HashPassword(ctx, password)
	if err != nil {
		return "", dealgate.Internal(err)
	}
	return hash, nil
}

func (tx *Tx) createUserWithHash(ctx context.Context, in dealgate.NewUser, hash string) (*dealgate.User, error) {
	row, err := tx.insertUser(ctx, in, hash)
	if err != nil {
		return nil, err
	}
	after := userSnapshot(row)
	after["password_set"] = true
	if err := tx.Audit(ctx, dealgate.AuditEvent{
		Action: "user.created", EntityType: "user", EntityID: userEntityID(row.ID), After: after,
	}); err != nil {
		return nil, err
	}
	return toUser(row), nil
}

func (tx *Tx) insertUser(ctx context.Context, in dealgate.NewUser, hash string) (sqlc.User, error) {
	row, err := tx.Q.InsertUser(ctx, sqlc.InsertUserParams{
		Email: in.Email, Name: in.Name, Roles: roleStrings(in.Roles), Status: string(dealgate.UserActive),
		TimeZone: in.TimeZone, PasswordHash: hash, NotifyEmail: in.NotifyEmail, NotifyDigest: in.NotifyDigest,
		Now: tx.Now,
	})
	if isEmailTaken(err) {
		return row, emailTaken()
	}
	if err != nil {
		return row, fmt.Errorf("insert user: %w", err)
	}
	return row, nil
}

// --- admin edits ----------------------------------------------------------------

// Update applies an admin's edit of name, email, roles, time zone and
// notification preferences. A role change is audited as user.roles_changed,
// anything else as user.profile_updated; an edit that changes nothing
// writes nothing. Admins cannot remove their own admin role, nor the last
// active admin's.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (fields "name", "email",
// "roles", "time_zone"), ENOTFOUND, ECONFLICT (in.Version is stale),
// EINTERNAL.
func (s *Users) Update(ctx context.Context, actor *dealgate.User, in dealgate.UserUpdate) (*dealgate.User, error) {
	if err := dealgate.Authorize(actor, dealgate.ActUserManage); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var user *dealgate.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := lockActor(ctx, tx, actor, dealgate.ActUserManage); err != nil {
			return err
		}
		old, err := loadUserForEdit(ctx, tx, in.ID, in.Version)
		if err != nil {
			return err
		}
		next := old
		next.Name, next.Email, next.Roles, next.TimeZone = in.Name, in.Email, roleStrings(in.Roles), in.TimeZone
		next.NotifyEmail, next.NotifyDigest = in.NotifyEmail, in.NotifyDigest
		rolesChanged := !slices.Equal(old.Roles, next.Roles)
		wasAdmin, isAdmin := slices.Contains(old.Roles, "admin"), slices.Contains(next.Roles, "admin")
		if wasAdmin && !isAdmin {
			if err := dealgate.CheckAdminRemoval(actor, old.ID, true, false, tx.activeAdmins(ctx)); err != nil {
				return err
			}
		}
		before, after := changedUserFields(userSnapshot(old), userSnapshot(next), "roles")
		if !rolesChanged && len(after) == 0 {
			user = toUser(old)
			return nil
		}
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return err
		}
		user = toUser(saved)
		if rolesChanged {
			if err := tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
				Action: "user.roles_changed", EntityType: "user", EntityID: userEntityID(old.ID),
				Before: map[string]any{"roles": old.Roles, "version": old.Version},
				After:  map[string]any{"roles": saved.Roles, "version": saved.Version},
			})); err != nil {
				return err
			}
		}
		if len(after) > 0 {
			before["version"], after["version"] = old.Version, saved.Version
			return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
				Action: "user.profile_updated", EntityType: "user", EntityID: userEntityID(old.ID),
				Before: before, After: after,
			}))
		}
		return nil
	})
	return user, err
}

// Deactivate stops an account: it can no longer sign in, every session of it
// ends at once (the session epoch moves on) and its open password links are
// void. Admins cannot deactivate themselves.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (own account, last admin),
// ENOTFOUND, ECONFLICT (stale version, or already deactivated), EINTERNAL.
func (s *Users) Deactivate(ctx context.Context, actor *dealgate.User, id, version int64) (*dealgate.User, error) {
	if err := dealgate.Authorize(actor, dealgate.ActUserManage); err != nil {
		return nil, err
	}
	var user *dealgate.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := lockActor(ctx, tx, actor, dealgate.ActUserManage); err != nil {
			return err
		}
		old, err := loadUserForEdit(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if old.Status == string(dealgate.UserDeactivated) {
			return dealgate.Errorf(dealgate.ECONFLICT, "This account is already deactivated.")
		}
		if err := dealgate.CheckAdminRemoval(actor, old.ID, slices.Contains(old.Roles, "admin"), true, tx.activeAdmins(ctx)); err != nil {
			return err
		}
		next := old
		next.Status = string(dealgate.UserDeactivated)
		next.SessionEpoch++
		if err := tx.Q.DeleteUnusedPasswordResetTokens(ctx, old.ID); err != nil {
			return fmt.Errorf("void password links: %w", err)
		}
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return err
		}
		user = toUser(saved)
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "user.deactivated", EntityType: "user", EntityID: userEntityID(old.ID),
			Before: map[string]any{"status": old.Status, "version": old.Version},
			After:  map[string]any{"status": saved.Status, "version": saved.Version, "sessions_ended": true},
		}))
	})
	return user, err
}

// Reactivate lets a deactivated account sign in again with its password.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT (stale version, or
// already active), EINTERNAL.
func (s *Users) Reactivate(ctx context.Context, actor *dealgate.User, id, version int64) (*dealgate.User, error) {
	if err := dealgate.Authorize(actor, dealgate.ActUserManage); err != nil {
		return nil, err
	}
	var user *dealgate.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := lockActor(ctx, tx, actor, dealgate.ActUserManage); err != nil {
			return err
		}
		old, err := loadUserForEdit(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if old.Status == string(dealgate.UserActive) {
			return dealgate.Errorf(dealgate.ECONFLICT, "This account is already active.")
		}
		next := old
		next.Status = string(dealgate.UserActive)
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return err
		}
		user = toUser(saved)
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "user.reactivated", EntityType: "user", EntityID: userEntityID(old.ID),
			Before: map[string]any{"status": old.Status, "version": old.Version},
			After:  map[string]any{"status": saved.Status, "version": saved.Version},
		}))
	})
	return user, err
}

// IssuePasswordReset makes a one-time link for an active account to set a
// new password, valid for ResetTTL, and voids the account's earlier links.
// The current password keeps working until the link is used. The token is
// returned once, to be shown or sent; only its hash is stored.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID (deactivated
// account), EINTERNAL.
func (s *Users) IssuePasswordReset(ctx context.Context, actor *dealgate.User, id int64) (dealgate.PasswordResetLink, error) {
	var link dealgate.PasswordResetLink
	if err := dealgate.Authorize(actor, dealgate.ActUserManage); err != nil {
		return link, err
	}
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := lockActor(ctx, tx, actor, dealgate.ActUserManage); err != nil {
			return err
		}
		row, err := tx.Q.GetUserByIDForUpdate(ctx, id)
		if err != nil {
			return userNoRows(err, "No such user.")
		}
		if row.Status != string(dealgate.UserActive) {
			return dealgate.Errorf(dealgate.EINVALID, "Reactivate the account before issuing a password link.")
		}
		purpose := "reset"
		if row.PasswordHash == "" {
			purpose = "invite"
		}
		link, err = s.issueLink(ctx, tx, row.ID, purpose, &actor.ID)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "user.password_reset_issued", EntityType: "user", EntityID: userEntityID(row.ID),
			After: map[string]any{"purpose": purpose, "expires_at": link.ExpiresAt},
		}))
	})
	if err != nil {
		return dealgate.PasswordResetLink{}, err
	}
	return link, nil
}

// ResetSecondFactor removes an account's second factor and recovery codes
// for an admin (a lost phone) and ends its sessions. If the account's roles
// require a second factor, the person must set up a new one at next sign-in.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT (stale version, or
// no second factor), EINTERNAL.
func (s *Users) ResetSecondFactor(ctx context.Context, actor *dealgate.User, id, version int64) (*dealgate.User, error) {
	if err := dealgate.Authorize(actor, dealgate.ActUserManage); err != nil {
		return nil, err
	}
	var user *dealgate.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		if _, err := lockActor(ctx, tx, actor, dealgate.ActUserManage); err != nil {
			return err
		}
		old, err := loadUserForEdit(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if !old.TotpEnabled && old.TotpSecret == nil {
			return dealgate.Errorf(dealgate.ECONFLICT, "This account has no second factor to reset.")
		}
		saved, err := tx.clearSecondFactor(ctx, old)
		if err != nil {
			return err
		}
		user = toUser(saved)
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "user.totp_reset", EntityType: "user", EntityID: userEntityID(old.ID),
			Before: map[string]any{"totp_enabled": old.TotpEnabled, "version": old.Version},
			After:  map[string]any{"totp_enabled": false, "version": saved.Version, "sessions_ended": true},
		}))
	})
	return user, err
}

// --- self-service -----------------------------------------------------------------

// UpdateProfile changes the signed-in user's own name, time zone and
// notification preferences.
// Errors: EUNAUTHORIZED, EFORBIDDEN (deactivated), EINVALID (fields "name",
// "time_zone"), ECONFLICT (in.Version is stale), EINTERNAL.
func (s *Users) UpdateProfile(ctx context.Context, actor *dealgate.User, in dealgate.ProfileUpdate) (*dealgate.User, error) {
	if err := dealgate.Authorize(actor, dealgate.ActSignedIn); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var user *dealgate.User
	err := s.db.InTx(ctx, func(tx *Tx) error {
		old, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return err
		}
		if old.Version != in.Version {
			return staleUser()
		}
		next := old
		next.Name, next.TimeZone, next.NotifyEmail, next.NotifyDigest = in.Name, in.TimeZone, in.NotifyEmail, in.NotifyDigest
		before, after := changedUserFields(userSnapshot(old), userSnapshot(next))
		if len(after) == 0 {
			user = toUser(old)
			return nil
		}
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return err
		}
		user = toUser(saved)
		before["version"], after["version"] = old.Version, saved.Version
		return tx.Audit(ctx, userActorEvent(actor, dealgate.AuditEvent{
			Action: "user.profile_updated", EntityType: "user", EntityID: userEntityID(old.ID),
			Before: before, After: after,
		}))
	})
	return user, err
}

// --- password links ---------------------------------------------------------------

// CheckPasswordResetToken returns the account a password link is for, without
// using the link, so the page can greet the person before they choose a
// password. No authorisation: the token is the credential.
// Errors: ENOTFOUND (unknown, used, replaced or expired link, or a
// deactivated account — one message for all), EINTERNAL.
func (s *Users) CheckPasswordResetToken(ctx context.Context, token string) (*dealgate.User, error) {
	h, ok := hashResetToken(token)
	if !ok {
		return nil, badLink()
	}
	q := s.db.Queries()
	tok, err := q.GetPasswordResetToken(ctx, h)
	if err != nil {
		return nil, userNoRows(err, badLink().Message)
	}
	if tok.UsedAt != nil || !s.db.Now().Before(tok.ExpiresAt) {
		return nil, badLink()
	}
	row, err := q.GetUserByID(ctx, tok.UserID)
	if err != nil {
		return nil, userNoRows(err, badLink().Message)
	}
	if row.Status != string(dealgate.UserActive) {
		return nil, badLink()
	}
	return toUser(row), nil
}

// UsePasswordReset sets a new password through a one-time link. The link is
// used up, the account's other links are void, every session of the account
// ends and its sign-in lock is lifted. The person is not signed in by this.
// Errors: ENOTFOUND (see CheckPasswordResetToken), EINVALID (field
// "new_password"), EINTERNAL.
func (s *Users) UsePasswordReset(ctx context.Context, token, newPassword string) (*dealgate.User, error) {
	u, err := s.CheckPasswordResetToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := dealgate.CheckPasswordField("new_password", newPassword, u.Email, u.Name); err != nil {
		return nil, err
	}
	hash, err := HashPassword(ctx, newPassword)
	if err != nil {
		return nil, dealgate.Internal(err)
	}
	h, _ := hashResetToken(token)
	var user *dealgate.User
	err = s.db.InTx(ctx, func(tx *Tx) error {
		tok, err := tx.Q.GetPasswordResetTokenForUpdate(ctx, h)
		if err != nil {
			return userNoRows(err, badLink().Message)
		}
		if tok.UsedAt != nil || !tx.Now.Before(tok.ExpiresAt) {
			return badLink()
		}
		old, err := tx.Q.GetUserByIDForUpdate(ctx, tok.UserID)
		if err != nil {
			return userNoRows(err, badLink().Message)
		}
		if old.Status != string(dealgate.UserActive) {
			return badLink()
		}
		if err := tx.Q.MarkPasswordResetTokenUsed(ctx, sqlc.MarkPasswordResetTokenUsedParams{Now: &tx.Now, ID: tok.ID}); err != nil {
			return fmt.Errorf("use password link: %w", err)
		}
		if err := tx.Q.DeleteUnusedPasswordResetTokens(ctx, old.ID); err != nil {
			return fmt.Errorf("void password links: %w", err)
		}
		if err := tx.Q.DeleteThrottle(ctx, accountKey(old.Email)); err != nil {
			return fmt.Errorf("lift sign-in lock: %w", err)
		}
		next := old
		next.PasswordHash = hash
		next.SessionEpoch++
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return err
		}
		user = toUser(saved)
		return tx.Audit(ctx, userActorEvent(user, dealgate.AuditEvent{
			Action: "user.password_reset_used", EntityType: "user", EntityID: userEntityID(old.ID),
			After: map[string]any{"purpose": tok.Purpose, "version": saved.Version, "sessions_ended": true},
		}))
	})
	return user, err
}

// issueLink voids userID's open links and makes a new one.
func (s *Users) issueLink(ctx context.Context, tx *Tx, userID int64, purpose string, by *int64) (dealgate.PasswordResetLink, error) {
	token, h, err := newResetToken()
	if err != nil {
		return dealgate.PasswordResetLink{}, dealgate.Internal(err)
	}
	if err := tx.Q.DeleteUnusedPasswordResetTokens(ctx, userID); err != nil {
		return dealgate.PasswordResetLink{}, fmt.Errorf("void password links: %w", err)
	}
	ttl := s.ResetTTL
	if ttl <= 0 {
		ttl = dealgate.PasswordResetTTL
	}
	expires := tx.Now.Add(ttl)
	if _, err := tx.Q.InsertPasswordResetToken(ctx, sqlc.InsertPasswordResetTokenParams{
		UserID: userID, TokenHash: h, Purpose: purpose, CreatedBy: by, Now: tx.Now, ExpiresAt: expires,
	}); err != nil {
		return dealgate.PasswordResetLink{}, fmt.Errorf("insert password link: %w", err)
	}
	return dealgate.PasswordResetLink{UserID: userID, Token: token, ExpiresAt: expires}, nil
}

var tokenEncoding = base64.RawURLEncoding

// newResetToken returns 256 random bits as URL-safe text, and the hash stored.
func newResetToken() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("password link token: %w", err)
	}
	t := tokenEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(t))
	return t, h[:], nil
}

// hashResetToken returns the stored form of a token, or false when it cannot be
// one of ours.
func hashResetToken(t string) ([]byte, bool) {
	if b, err := tokenEncoding.DecodeString(t); err != nil || len(b) != 32 {
		return nil, false
	}
	h := sha256.Sum256([]byte(t))
	return h[:], true
}

func badLink() *dealgate.Error {
	return dealgate.Errorf(dealgate.ENOTFOUND, "This password link is not valid: it has expired, has been used, or was replaced by a newer one. Ask an administrator for a new link.")
}

// --- maintenance ------------------------------------------------------------------

// PurgeResult says what PurgeExpired removed.
type PurgeResult struct {
	PasswordResetTokens int64
	Throttles           int64
}

// PurgeExpired deletes expired password links and throttle counters that no
// longer matter. Run it periodically (e.g. hourly); it is idempotent.
// Errors: EINTERNAL.
func (s *Users) PurgeExpired(ctx context.Context) (PurgeResult, error) {
	var res PurgeResult
	err := s.db.InTx(ctx, func(tx *Tx) error {
		var err error
		if res.PasswordResetTokens, err = tx.Q.PurgePasswordResetTokens(ctx, tx.Now); err != nil {
			return fmt.Errorf("purge password links: %w", err)
		}
		if res.Throttles, err = tx.Q.PurgeThrottles(ctx, tx.Now); err != nil {
			return fmt.Errorf("purge throttles: %w", err)
		}
		return nil
	})
	return res, err
}

// --- helpers ------------------------------------------------------------------------

func toUser(r sqlc.User) *dealgate.User {
	roles := make([]dealgate.Role, len(r.Roles))
	for i, s := range r.Roles {
		roles[i] = dealgate.Role(s)
	}
	return &dealgate.User{
		ID: r.ID, Email: r.Email, Name: r.Name, Roles: roles, Status: dealgate.UserStatus(r.Status),
		TimeZone: r.TimeZone, TOTPEnabled: r.TotpEnabled, NotifyEmail: r.NotifyEmail, NotifyDigest: r.NotifyDigest,
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
		TotpLastStep: u.TotpLastStep, NotifyEmail: u.NotifyEmail, NotifyDigest: u.NotifyDigest,
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
		"notify_digest": u.NotifyDigest, "version": u.Version,
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

// userActorEvent stamps e with actor as who did it.
func userActorEvent(actor *dealgate.User, e dealgate.AuditEvent) dealgate.AuditEvent {
	id := actor.ID
	e.ActorID, e.ActorLabel = &id, actor.Email
	return e
}

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

// loadUserForEdit locks user id for an admin's change and checks the version the
// admin saw.
func loadUserForEdit(ctx context.Context, tx *Tx, id, version int64) (sqlc.User, error) {
	row, err := tx.Q.GetUserByIDForUpdate(ctx, id)
	if err != nil {
		return row, userNoRows(err, "No such user.")
	}
	if row.Version != version {
		return row, staleUser()
	}
	return row, nil
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
