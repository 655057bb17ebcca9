package dealgate

import "slices"
import "strings"
import "sync"
import "time"

// Role is a duty a person holds; a person may hold several.
type Role string

const (
	RoleAdmin   Role = "admin"   // manages users, settings, taxonomy and exports
	RoleChair   Role = "chair"   // a member who also opens reviews and records decisions
	RoleMember  Role = "member"  // reviews, comments, declares conflicts, votes
	RoleCounsel Role = "counsel" // keeps the register, submits deals
	RoleAuditor Role = "auditor" // reads everything, changes nothing, exports
)

var roleLabels = labels[Role]{
	{RoleAdmin, "Admin"},
	{RoleChair, "Committee chair"},
	{RoleMember, "Committee member"},
	{RoleCounsel, "Counsel"},
	{RoleAuditor, "Auditor"},
}

// AllRoles lists every role in the order screens show them.
var AllRoles = roleLabels.values()

// ParseRole returns the role named s, or EINVALID.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(AllRoles, r) {
		return r, nil
	}
	return "", Errorf(EINVALID, "%q is not a role; choose admin, chair, member, counsel or auditor", s)
}

// Label is the role as people read it.
func (r Role) Label() string { return roleLabels.of(r) }

func (r Role) String() string { return string(r) }

// UserStatus says whether an account may sign in.
type UserStatus string

const (
	UserActive      UserStatus = "active"
	UserDeactivated UserStatus = "deactivated"
)

var userStatusLabels = labels[UserStatus]{
	{UserActive, "Active"},
	{UserDeactivated, "Deactivated"},
}

// Label is the status as the user pages show it.
func (s UserStatus) Label() string { return userStatusLabels.of(s) }

// User is a person with an account.
type User struct {
	ID          int64
	Email       string
	Name        string
	Roles       []Role
	Status      UserStatus
	TimeZone    string // IANA name, e.g. "Europe/London"
	TOTPEnabled bool
	// NotifyEmail is the account's e-mail switch: when off, no notification
	// e-mail is sent whatever the per-event choices say.
	NotifyEmail bool
	// UnreadNotifications is how many notifications the user has not read
	// (up to 100), as read with the session for the header's bell; 0 when
	// the user was loaded otherwise.
	UnreadNotifications int
	// SessionEpoch increases whenever every session of the user must end
	// (deactivation, password change, second-factor reset).
	SessionEpoch int64
	CreatedAt    time.Time
	LastSignInAt *time.Time
	UpdatedAt    time.Time
	Version      int64 // optimistic concurrency
}

// Has reports whether u holds role r. A nil user holds nothing.
func (u *User) Has(r Role) bool {
	return u != nil && slices.Contains(u.Roles, r)
}

// Active reports whether u may use Dealgate.
func (u *User) Active() bool { return u != nil && u.Status == UserActive }

// Location returns u's time zone, UTC when unset or unknown.
func (u *User) Location() *time.Location {
	if u == nil || u.TimeZone == "" {
		return time.UTC
	}
	return LoadLocation(u.TimeZone)
}

// locations caches time zones by name. A zone's rules are fixed for the
// life of the process (time.LoadLocation reads tzdata once per call, from
// disk), so caching them is always right; unknown names are not cached.
var locations sync.Map // string → *time.Location

// LoadLocation returns the named time zone, read once per process, or UTC
// when the name is unknown.
func LoadLocation(name string) *time.Location {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	locations.Store(name, loc)
	return loc
}

// AccountAction is an admin's confirmable action on an account, as the
// account's page offers it.
type AccountAction string

const (
	AccountDeactivate     AccountAction = "deactivate"
	AccountReactivate     AccountAction = "reactivate"
	AccountResetPassword  AccountAction = "reset-password"
	AccountResetTwoFactor AccountAction = "reset-two-factor"
)

// Applies reports whether a can be done to u as it is: only an active
// account is deactivated or sent a password link, only a deactivated one
// reactivated, only one with a second factor reset.
func (a AccountAction) Applies(u *User) bool {
	switch a {
	case AccountDeactivate, AccountResetPassword:
		return u.Active()
	case AccountReactivate:
		return u != nil && !u.Active()
	case AccountResetTwoFactor:
		return u != nil && u.TOTPEnabled
	}
	return false
}
