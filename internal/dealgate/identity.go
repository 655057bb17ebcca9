package dealgate

import _ "embed"
import "fmt"
import "net/mail"
import "net/netip"
import "slices"
import "strings"
import "sync"
import "time"

// The IANA database is compiled in, so time zones validate the same on
// a minimal container image without /usr/share/zoneinfo.
import _ "time/tzdata"
import "unicode"
import "unicode/utf8"

// Limits on identity fields. The migration's CHECKs enforce the same ones.
const (
	EmailMaxLen    = 254 // RFC 5321 path limit
	NameMaxLen     = 200
	TimeZoneMaxLen = 64
	PasswordMinLen = 12  // characters, not bytes
	PasswordMaxLen = 256 // long enough for any passphrase, short enough to hash cheaply
	// AuditKeyMaxLen bounds the email used as the entity ID of failed
	// sign-ins and as a throttle key (audit_event.entity_id is at most 200).
	AuditKeyMaxLen = 200
)

// DefaultTimeZone is offered to new accounts.
const DefaultTimeZone = "Europe/London"

// --- accounts ---------------------------------------------------------------

// NewUser is what an admin (or the command line) provides to create an account.
type NewUser struct {
	Name        string
	Email       string
	Roles       []Role
	TimeZone    string
	NotifyEmail bool
}

// Validate trims and normalises n in place and reports every problem as one
// EINVALID with fields "name", "email", "roles" and "time_zone".
func (n *NewUser) Validate() error {
	var v Validation
	n.Name = ValidateName(&v, "name", n.Name)
	n.Email = ValidateEmail(&v, "email", n.Email)
	n.Roles = ValidateRoles(&v, "roles", n.Roles)
	n.TimeZone = ValidateTimeZone(&v, "time_zone", n.TimeZone)
	return v.Err()
}

// UserUpdate is an admin's edit of an account: the same details as a new
// account's, validated the same way (NewUser.Validate). Version is the
// version the admin's form was rendered from; a stale one is ECONFLICT.
type UserUpdate struct {
	ID      int64
	Version int64
	NewUser
}

// ProfileUpdate is what people may change about themselves.
type ProfileUpdate struct {
	Version     int64
	Name        string
	TimeZone    string
	NotifyEmail bool
}

// Validate trims p in place; EINVALID per field ("name", "time_zone").
func (p *ProfileUpdate) Validate() error {
	var v Validation
	p.Name = ValidateName(&v, "name", p.Name)
	p.TimeZone = ValidateTimeZone(&v, "time_zone", p.TimeZone)
	return v.Err()
}

// ValidateName checks a person's name and returns it trimmed.
func ValidateName(v *Validation, field, name string) string {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case !validText(name):
		v.Add(field, "Use letters, digits, spaces and punctuation only.")
	case n == 0:
		v.Add(field, "Enter a name.")
	case n > NameMaxLen:
		v.Add(field, fmt.Sprintf("Use at most %d characters (this has %d).", NameMaxLen, n))
	}
	return name
}

// ValidateEmail checks an email address and returns it trimmed. Case is kept
// as typed; uniqueness and sign-in ignore it.
func ValidateEmail(v *Validation, field, email string) string {
	email = strings.TrimSpace(email)
	if email == "" {
		v.Add(field, "Enter an email address.")
		return email
	}
	if !validText(email) {
		v.Add(field, "Enter an email address like name@example.com.")
		return email
	}
	if n := utf8.RuneCountInString(email); n > EmailMaxLen {
		v.Add(field, fmt.Sprintf("Use at most %d characters (this has %d).", EmailMaxLen, n))
		return email
	}
	if !emailOK(email) {
		v.Add(field, "Enter an email address like name@example.com.")
	}
	return email
}

// emailOK accepts a bare addr-spec (no display name, no comments, no quoted
// local part, no IP literal) whose domain has at least one dot.
func emailOK(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if local == "" || len(local) > 64 || strings.ContainsAny(local, "\"\\ ") {
		return false
	}
	if strings.HasPrefix(domain, "[") || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	return true
}

// ValidateRoles checks that roles names at least one known role and returns
// them without duplicates, in the order of AllRoles.
func ValidateRoles(v *Validation, field string, roles []Role) []Role {
	var out []Role
	for _, r := range roles {
		p, err := ParseRole(string(r))
		if err != nil {
			v.Add(field, fmt.Sprintf("%q is not a role; choose from admin, chair, member, counsel and auditor.", truncate(string(r), 40)))
			return roles
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		v.Add(field, "Choose at least one role.")
		return roles
	}
	slices.SortFunc(out, func(a, b Role) int { return slices.Index(AllRoles, a) - slices.Index(AllRoles, b) })
	return out
}

// ParseRoles parses role names (from a form or a setting); EINVALID with
// field "roles" for an unknown one. An empty list is allowed here.
func ParseRoles(names []string) ([]Role, error) {
	var out []Role
	for _, s := range names {
		if strings.TrimSpace(s) == "" {
			continue
		}
		r, err := ParseRole(s)
		if err != nil {
			return nil, &Error{Code: EINVALID, Message: ErrorMessage(err), Fields: map[string]string{"roles": ErrorMessage(err)}}
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ValidateTimeZone checks an IANA time zone name and returns it trimmed.
func ValidateTimeZone(v *Validation, field, tz string) string {
	tz = strings.TrimSpace(tz)
	switch {
	case tz == "":
		v.Add(field, "Choose a time zone.")
	case len(tz) > TimeZoneMaxLen || !validText(tz) || tz == "Local":
		v.Add(field, "Choose a time zone from the list, e.g. Europe/London.")
	default:
		if _, err := time.LoadLocation(tz); err != nil {
			v.Add(field, fmt.Sprintf("%q is not a time zone; choose one from the list, e.g. Europe/London.", truncate(tz, 40)))
		}
	}
	return tz
}

// validText is valid UTF-8 without control characters.
func validText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// EmailKey is the form of a typed email that identifies a sign-in attempt:
// trimmed, lowercased, valid UTF-8 and at most AuditKeyMaxLen characters.
// It keys the per-account throttle and is the entity ID of failed sign-ins,
// whether or not an account has that email.
func EmailKey(email string) string {
	s := strings.ToLower(strings.TrimSpace(strings.ToValidUTF8(email, "\uFFFD")))
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > AuditKeyMaxLen {
		s = string([]rune(s)[:AuditKeyMaxLen])
	}
	return s
}

// ClientKey is the form of a client address that keys the per-client
// throttle: IPv4 addresses as they are, IPv6 addresses by their /64, which
// one subscriber usually holds whole. It returns "" for anything unparsable.
func ClientKey(ip string) string {
	a, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return ""
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ""
	}
	return p.String()
}

// --- passwords --------------------------------------------------------------

//go:embed commonpasswords.txt
var commonPasswordsFile string

// commonPasswords is the embedded list as a set, built on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 50000)
	for line := range strings.Lines(commonPasswordsFile) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[line] = struct{}{}
	}
	return set
})

// IsCommonPassword reports whether pw is one of the embedded common
// passwords, ignoring case, or one of them with only digits, symbols and
// spaces added before or after it ("Password2026!"), also when letters are
// swapped for look-alike digits and symbols ("P@ssw0rd-2026").
func IsCommonPassword(pw string) bool {
	set := commonPasswords()
	lower := strings.ToLower(pw)
	if _, ok := set[lower]; ok {
		return true
	}
	core := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	for _, c := range []string{core, unleet(core), unleet(lower)} {
		if len(c) < 3 {
			continue
		}
		if _, ok := set[c]; ok {
			return true
		}
		if c == "dealgate" {
			return true
		}
	}
	return false
}

var leet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s", "!", "i")

func unleet(s string) string { return leet.Replace(s) }

// repeatedUnit returns the shortest string that repeated makes s, or "" when
// s is not a repetition.
func repeatedUnit(s string) string {
	r := []rune(s)
	for n := 1; n <= len(r)/2; n++ {
		if len(r)%n != 0 {
			continue
		}
		unit := string(r[:n])
		if strings.Repeat(unit, len(r)/n) == s {
			return unit
		}
	}
	return ""
}

// sequences are runs people type instead of a password.
var sequences = []string{
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
	"zyxwvutsrqponmlkjihgfedcbazyxwvutsrqponmlkjihgfedcba",
	"01234567890123456789012345678901234567890123456789",
	"98765432109876543210987654321098765432109876543210",
	"qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjklzxcvbnm",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p1qaz2wsx3edc4rfv",
}

// PasswordProblem explains what is wrong with pw for the user with this
// email and name, or returns "" when pw is acceptable. The rules follow
// NIST SP 800-63B: length, not common, not about the user; no composition
// rules.
func PasswordProblem(pw, email, name string) string {
	if !utf8.ValidString(pw) || strings.ContainsRune(pw, 0) {
		return "The password contains characters that cannot be used."
	}
	n := utf8.RuneCountInString(pw)
	if n < PasswordMinLen {
		return fmt.Sprintf("Use at least %d characters (this has %d). A few unrelated words make a strong, memorable password.", PasswordMinLen, n)
	}
	if n > PasswordMaxLen {
		return fmt.Sprintf("Use at most %d characters.", PasswordMaxLen)
	}
	lower := strings.ToLower(pw)
	flat := alnum(lower)
	if e := strings.ToLower(strings.TrimSpace(email)); e != "" {
		local, _, _ := strings.Cut(e, "@")
		if strings.Contains(lower, e) || (len(alnum(local)) >= 4 && strings.Contains(flat, alnum(local))) {
			return "Do not use your email address in your password."
		}
	}
	if nm := strings.ToLower(strings.TrimSpace(name)); nm != "" {
		core := alnum(strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) }))
		if full := alnum(nm); len(full) >= 4 && strings.Contains(flat, full) {
			return "Do not use your name in your password."
		}
		for part := range strings.FieldsFuncSeq(nm, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len(part) >= 3 && (core == part || unleet(core) == part) {
				return "Do not use your name in your password."
			}
		}
	}
	if IsCommonPassword(pw) {
		return "This password is one of the most commonly used, so attackers try it first. Choose something less predictable."
	}
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < 5 || repeatedUnit(lower) != "" || repeatedUnit(flat) != "" {
		return "Avoid repeating the same characters or words: repetition is easy to guess."
	}
	for _, s := range sequences {
		if strings.Contains(s, lower) {
			return "Avoid simple sequences such as abcd or 1234."
		}
	}
	return ""
}

// CheckPassword returns nil when pw is acceptable for the user with this
// email and name, else EINVALID with the message on field "password".
func CheckPassword(pw, email, name string) error {
	return CheckPasswordField("password", pw, email, name)
}

// CheckPasswordField is CheckPassword for a form whose field has another name
// (e.g. "new_password").
func CheckPasswordField(field, pw, email, name string) error {
	if msg := PasswordProblem(pw, email, name); msg != "" {
		return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{field: msg}}
	}
	return nil
}

func alnum(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// --- second factor ------------------------------------------------------------

// DefaultSecondFactorRoles are the roles that must use a second factor in
// production unless configured otherwise: those who manage users and record
// committee decisions.
var DefaultSecondFactorRoles = []Role{RoleAdmin, RoleChair}

// SecondFactorRequired reports whether u must use a second factor because it
// holds one of the roles in requiredFor.
func SecondFactorRequired(u *User, requiredFor []Role) bool {
	if u == nil {
		return false
	}
	for _, r := range requiredFor {
		if u.Has(r) {
			return true
		}
	}
	return false
}

// MustSetUpSecondFactor reports whether u must set up a second factor before
// doing anything else: their roles require one and they have none yet.
func MustSetUpSecondFactor(u *User, requiredFor []Role) bool {
	return u != nil && !u.TOTPEnabled && SecondFactorRequired(u, requiredFor)
}

// TOTPEnrolment is a second factor being set up: the secret, as text for
// typing and as an otpauth:// URL and a QR code for scanning. It is pending
// until the user confirms it with a code.
type TOTPEnrolment struct {
	Secret string // base32, shown for manual entry
	URL    string // otpauth://totp/...
	QRPNG  []byte // a PNG of URL as a QR code
}

// RecoveryCodeCount is how many one-time recovery codes a user holds after
// setting up a second factor.
const RecoveryCodeCount = 10

// --- sign-in ----------------------------------------------------------------

// SignInResult says how far a sign-in got.
type SignInResult struct {
	User *User
	// SecondFactorPending: the password was right and the user has a second
	// factor; ask for a code and finish with SignInSecondFactor. Until then
	// the user is not signed in.
	SecondFactorPending bool
	// SetUpSecondFactor: the user is signed in but their roles require a
	// second factor they have not set up; send them to set it up.
	SetUpSecondFactor bool
}

// PasswordResetLink is a one-time link to set a password. Token goes in the
// link and is shown or sent once; only its hash is stored.
type PasswordResetLink struct {
	UserID    int64
	Token     string
	ExpiresAt time.Time
}

// PasswordResetTTL is how long a password link stays valid.
const PasswordResetTTL = 24 * time.Hour

// --- lists ------------------------------------------------------------------

// UserSorts are the columns the user list may be sorted by; a leading "-"
// sorts descending.
var UserSorts = []string{"name", "email", "created_at", "last_sign_in_at", "status"}

// UserFilter selects a page of users.
type UserFilter struct {
	Query  string     // part of the name or email, any case
	Role   Role       // "" for any role
	Status UserStatus // "" for any status
	Sort   string     // one of UserSorts, optionally prefixed by "-"; "" is "name"
	PageRequest
}

// Normalize clamps paging, falls back to sorting by name for an unknown sort,
// and returns EINVALID (fields "role", "status", "q") for filters that name
// nothing.
func (f *UserFilter) Normalize() error {
	var v Validation
	f.Query = strings.TrimSpace(f.Query)
	if utf8.RuneCountInString(f.Query) > 200 || !validText(f.Query) {
		v.Add("q", "Search for at most 200 characters of a name or email.")
	}
	if f.Role != "" {
		if r, err := ParseRole(string(f.Role)); err != nil {
			v.Add("role", "Choose a role from the list.")
		} else {
			f.Role = r
		}
	}
	if f.Status != "" && f.Status != UserActive && f.Status != UserDeactivated {
		v.Add("status", "Choose active or deactivated.")
	}
	if !slices.Contains(UserSorts, strings.TrimPrefix(f.Sort, "-")) {
		f.Sort = "name"
	}
	f.PageRequest = f.PageRequest.Normalize()
	return v.Err()
}
