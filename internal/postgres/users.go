package postgres

import "context"
import "fmt"
import "slices"
import "strconv"
import "strings"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

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
	totp_enabled, totp_last_step, notify_email, session_epoch, created_at,
	updated_at, last_sign_in_at, version`

// --- creating -----------------------------------------------------------------

// Invite creates an account for an admin. It has no password: the returned
// one-time link lets the person choose one (valid for ResetTTL).
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (fields "name", "email" — also
// when another account has the email —, "roles", "time_zone"), EINTERNAL.
func (s *Users) Invite(ctx context.Context, actor *dealgate.User, in dealgate.NewUser) (*dealgate.User, dealgate.PasswordResetLink, error) {
	res, err := authorized(ctx, s.db, actor, dealgate.ActUserManage, func(tx *Tx) (UserLink, error) {
		if err := in.Validate(); err != nil {
			return UserLink{}, err
		}
		if _, err := lockActor(ctx, tx, actor, dealgate.ActUserManage); err != nil {
			return UserLink{}, err
		}
		row, err := tx.insertUser(ctx, in, "")
		if err != nil {
			return UserLink{}, err
		}
		link, err := s.issueLink(ctx, tx, row.ID, "invite", &actor.ID)
		if err != nil {
			return UserLink{}, err
		}
		if err := tx.queuePasswordMail(ctx, row.Email, row.Name, link, true); err != nil {
			return UserLink{}, err
		}
		after := userSnapshot(row)
		after["password_link"] = "invite"
		after["password_link_expires_at"] = link.ExpiresAt
		return UserLink{User: toUser(row), Link: link}, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "user.created", EntityType: "user", EntityID: userEntityID(row.ID), After: after,
		})
	})
	if err != nil {
		return nil, dealgate.PasswordResetLink{}, err
	}
	return res.User, res.Link, nil
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
	return inTx(ctx, s.db, func(tx *Tx) (*dealgate.User, error) {
		return tx.createUserWithHash(ctx, in, hash)
	})
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
	if err := tx.auditAs(ctx, nil, dealgate.AuditEvent{
		Action: "user.created", EntityType: "user", EntityID: userEntityID(row.ID), After: after,
	}); err != nil {
		return nil, err
	}
	return toUser(row), nil
}

func (tx *Tx) insertUser(ctx context.Context, in dealgate.NewUser, hash string) (sqlc.User, error) {
	row, err := tx.Q.InsertUser(ctx, sqlc.InsertUserParams{
		Email: in.Email, Name: in.Name, Roles: roleStrings(in.Roles), Status: string(dealgate.UserActive),
		TimeZone: in.TimeZone, PasswordHash: hash, NotifyEmail: in.NotifyEmail,
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

// UserLink is an account with the one-time password link just made for it
// (shown once): an invitation's or a password reset's outcome.
type UserLink struct {
	User *dealgate.User
	Link dealgate.PasswordResetLink
}

// Update applies an admin's edit of name, email, roles, time zone and
// notification preferences. A role change is audited as user.roles_changed,
// anything else as user.profile_updated; an edit that changes nothing
// writes nothing. Admins cannot remove their own admin role, nor the last
// active admin's.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (fields "name", "email",
// "roles", "time_zone"), ENOTFOUND, ECONFLICT (in.Version is stale),
// EINTERNAL. With any error but ENOTFOUND and the refusals it returns the
// account as it is now, so the form can be shown again.
func (s *Users) Update(ctx context.Context, actor *dealgate.User, in dealgate.UserUpdate) (*dealgate.User, error) {
	return authorized(ctx, s.db, actor, dealgate.ActUserManage, func(tx *Tx) (*dealgate.User, error) {
		if _, err := lockActor(ctx, tx, actor, dealgate.ActUserManage); err != nil {
			return nil, err
		}
		old, err := tx.Q.GetUserByIDForUpdate(ctx, in.ID)
		if err != nil {
			return nil, userNoRows(err, "No such user.")
		}
		current := toUser(old) // as it is now, for a form shown again
		if err := checkUserVersion(old, in.Version); err != nil {
			return current, err
		}
		if err := in.Validate(); err != nil {
			return current, err
		}
		next := old
		next.Name, next.Email, next.Roles, next.TimeZone = in.Name, in.Email, roleStrings(in.Roles), in.TimeZone
		next.NotifyEmail = in.NotifyEmail
		rolesChanged := !slices.Equal(old.Roles, next.Roles)
		if slices.Contains(old.Roles, "admin") && !slices.Contains(next.Roles, "admin") {
			if err := dealgate.CheckAdminRemoval(actor, old.ID, true, false, tx.activeAdmins(ctx)); err != nil {
				return current, err
			}
		}
		before, after := changedUserFields(userSnapshot(old), userSnapshot(next), "roles")
		if !rolesChanged && len(after) == 0 {
			return current, nil
		}
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return current, err
		}
		if rolesChanged {
			if err := tx.auditAs(ctx, actor, dealgate.AuditEvent{
				Action: "user.roles_changed", EntityType: "user", EntityID: userEntityID(old.ID),
				Before: map[string]any{"roles": old.Roles, "version": old.Version},
				After:  map[string]any{"roles": saved.Roles, "version": saved.Version},
			}); err != nil {
				return current, err
			}
		}
		return toUser(saved), tx.auditProfile(ctx, actor, old, saved, before, after)
	})
}

// checkUserVersion compares the version a form carries with the account's.
func checkUserVersion(u sqlc.User, version int64) error {
	if err := dealgate.CheckVersion(version); err != nil {
		return err
	}
	if u.Version != version {
		return staleUser()
	}
	return nil
}

// auditProfile writes user.profile_updated with the fields that changed
// from old to saved (before, after), when any did.
func (tx *Tx) auditProfile(ctx context.Context, actor *dealgate.User, old, saved sqlc.User, before, after map[string]any) error {
	if len(after) == 0 {
		return nil
	}
	before["version"], after["version"] = old.Version, saved.Version
	return tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: "user.profile_updated", EntityType: "user", EntityID: userEntityID(old.ID), Before: before, After: after,
	})
}

// --- self-service -----------------------------------------------------------------

// UpdateProfile changes the signed-in user's own name, time zone and
// notification preferences.
// Errors: EUNAUTHORIZED, EFORBIDDEN (deactivated), EINVALID (fields "name",
// "time_zone"), ECONFLICT (in.Version is stale: with the account as it is
// now), EINTERNAL.
func (s *Users) UpdateProfile(ctx context.Context, actor *dealgate.User, in dealgate.ProfileUpdate) (*dealgate.User, error) {
	return authorized(ctx, s.db, actor, dealgate.ActSignedIn, func(tx *Tx) (*dealgate.User, error) {
		if err := in.Validate(); err != nil {
			return nil, err
		}
		old, err := lockSelf(ctx, tx, actor)
		if err != nil {
			return nil, err
		}
		if err := checkUserVersion(old, in.Version); err != nil {
			return toUser(old), err // as it is now, for the form shown again
		}
		next := old
		next.Name, next.TimeZone, next.NotifyEmail = in.Name, in.TimeZone, in.NotifyEmail
		before, after := changedUserFields(userSnapshot(old), userSnapshot(next))
		if len(after) == 0 {
			return toUser(old), nil
		}
		saved, err := tx.saveUser(ctx, next)
		if err != nil {
			return nil, err
		}
		return toUser(saved), tx.auditProfile(ctx, actor, old, saved, before, after)
	})
}
