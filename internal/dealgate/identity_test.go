package dealgate_test

import "errors"
import "strings"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

func TestNewUserValidate(t *testing.T) {
	t.Parallel()
	ok := dealgate.NewUser{
		Name: "  Ada Admin ", Email: " Ada@Example.org ", TimeZone: "Europe/Paris",
		Roles: []dealgate.Role{"member", "ADMIN", "member"},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid user refused: %v", err)
	}
	if ok.Name != "Ada Admin" || ok.Email != "Ada@Example.org" {
		t.Errorf("not trimmed: %q %q", ok.Name, ok.Email)
	}
	if len(ok.Roles) != 2 || ok.Roles[0] != dealgate.RoleAdmin || ok.Roles[1] != dealgate.RoleMember {
		t.Errorf("roles not normalised: %v", ok.Roles)
	}

	cases := []struct {
		name  string
		in    dealgate.NewUser
		field string
	}{
		{"empty name", dealgate.NewUser{Name: " ", Email: "a@b.org", Roles: []dealgate.Role{"member"}, TimeZone: "UTC"}, "name"},
		{"long name", dealgate.NewUser{Name: strings.Repeat("n", 201), Email: "a@b.org", Roles: []dealgate.Role{"member"}, TimeZone: "UTC"}, "name"},
		{"control in name", dealgate.NewUser{Name: "Ada\x00", Email: "a@b.org", Roles: []dealgate.Role{"member"}, TimeZone: "UTC"}, "name"},
		{"no email", dealgate.NewUser{Name: "Ada", Email: "", Roles: []dealgate.Role{"member"}, TimeZone: "UTC"}, "email"},
		{"no at", dealgate.NewUser{Name: "Ada", Email: "ada.example.org", Roles: []dealgate.Role{"member"}, TimeZone: "UTC"}, "email"},
		{"display name", dealgate.NewUser{Name: "Ada", Email: "Ada <ada@example.org>", Roles: []dealgate.Role{"member"}, TimeZone: "UTC"}, "email"},
		{"no dot in domain", dealgate.NewUser{Name: "Ada", Email: "ada@localhost", Roles: []dealgate.Role{"member"}, TimeZone: "UTC"}, "email"},
		{"two ats", dealgate.NewUser{Name: "Ada", Email: "a@b@c.org", Roles: []dealgate.Role{"member"}, TimeZone: "UTC"}, "email"},
		{"long email", dealgate.NewUser{Name: "Ada", Email: strings.Repeat("a", 250) + "@b.org", Roles: []dealgate.Role{"member"}, TimeZone: "UTC"}, "email"},
		{"no roles", dealgate.NewUser{Name: "Ada", Email: "a@b.org", TimeZone: "UTC"}, "roles"},
		{"unknown role", dealgate.NewUser{Name: "Ada", Email: "a@b.org", Roles: []dealgate.Role{"member", "king"}, TimeZone: "UTC"}, "roles"},
		{"no zone", dealgate.NewUser{Name: "Ada", Email: "a@b.org", Roles: []dealgate.Role{"member"}}, "time_zone"},
		{"unknown zone", dealgate.NewUser{Name: "Ada", Email: "a@b.org", Roles: []dealgate.Role{"member"}, TimeZone: "Mars/Olympus"}, "time_zone"},
		{"local zone", dealgate.NewUser{Name: "Ada", Email: "a@b.org", Roles: []dealgate.Role{"member"}, TimeZone: "Local"}, "time_zone"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := tc.in
			err := in.Validate()
			if dealgate.ErrorCode(err) != dealgate.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
			if msg := dealgate.ErrorFields(err)[tc.field]; msg == "" {
				t.Fatalf("no message on %q: %v", tc.field, dealgate.ErrorFields(err))
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	const email, name = "countess@example.org", "Ada Lovelace"
	cases := []struct {
		pw   string
		want string // part of the message; "" for accepted
	}{
		{"correct horse battery staple", ""},
		{"demo-password-2026", ""},
		{"Tr0ub4dor&3-xylophone", ""},
		{"short-pw", "at least 12 characters"},
		{"ünïcödé-ok", "at least 12 characters"}, // 10 characters, 14 bytes
		{strings.Repeat("x", 257) + "ab", "at most 256"},
		{"password1234", "commonly used"},
		{"Password2026!", "commonly used"},
		{"P@ssw0rd-2026", "commonly used"},
		{"qwertyuiop123", "commonly used"},
		{"123456789012", "commonly used"},
		{"baseball-baseball", "repeating"},
		{"dragonfly!!!", "commonly used"},
		{"Dealgate2026!", "commonly used"},
		{"countess@example.org", "email address"},
		{"COUNTESS@EXAMPLE.ORG!", "email address"},
		{"my-count-ess-pw!", "email address"},
		{"xx-Ada Lovelace-xx", "name"},
		{"Lovelace2026!!", "name"},
		{"aaaaaaaaaaaaaaaa", "repeating"},
		{"abababababababab", "repeating"},
		{"zq9!zq9!zq9!zq9!", "repeating"},
		{"bad\x00password-here", "cannot be used"},
	}
	for _, tc := range cases {
		err := dealgate.CheckPassword(tc.pw, email, name)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q refused: %v", tc.pw, err)
			}
			continue
		}
		if dealgate.ErrorCode(err) != dealgate.EINVALID {
			t.Errorf("%q: got %v, want EINVALID", tc.pw, err)
			continue
		}
		msg := dealgate.ErrorFields(err)["password"]
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%q: message %q, want it to mention %q", tc.pw, msg, tc.want)
		}
	}
	if err := dealgate.CheckPasswordField("new_password", "short", email, name); dealgate.ErrorFields(err)["new_password"] == "" {
		t.Errorf("CheckPasswordField did not use its field: %v", err)
	}
}

func TestCommonPasswordList(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{"123456", "password", "iloveyou", "qwerty123", "letmein", "monkey", "123qweasdzxc"} {
		if !dealgate.IsCommonPassword(pw) {
			t.Errorf("%q is not in the common list", pw)
		}
	}
	if dealgate.IsCommonPassword("vermilion-otter-parliament") {
		t.Error("a passphrase counted as common")
	}
}

func TestSecondFactorRequired(t *testing.T) {
	t.Parallel()
	chair := &dealgate.User{Roles: []dealgate.Role{dealgate.RoleChair, dealgate.RoleMember}, Status: dealgate.UserActive}
	member := &dealgate.User{Roles: []dealgate.Role{dealgate.RoleMember}, Status: dealgate.UserActive}
	if !dealgate.SecondFactorRequired(chair, dealgate.DefaultSecondFactorRoles) {
		t.Error("chair should need a second factor")
	}
	if dealgate.SecondFactorRequired(member, dealgate.DefaultSecondFactorRoles) {
		t.Error("member should not need a second factor")
	}
	if dealgate.SecondFactorRequired(chair, nil) || dealgate.SecondFactorRequired(nil, dealgate.AllRoles) {
		t.Error("nothing configured, or nobody, needs nothing")
	}
	if !dealgate.MustSetUpSecondFactor(chair, dealgate.DefaultSecondFactorRoles) {
		t.Error("chair without TOTP must set it up")
	}
	chair.TOTPEnabled = true
	if dealgate.MustSetUpSecondFactor(chair, dealgate.DefaultSecondFactorRoles) {
		t.Error("chair with TOTP is done")
	}
}

func TestThrottlePolicy(t *testing.T) {
	t.Parallel()
	p := dealgate.ThrottlePolicy{MaxFailures: 3, Window: 10 * time.Minute, Lockout: 5 * time.Minute}
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	var s dealgate.ThrottleState
	for i := range 2 {
		s = p.Reserve(s, t0.Add(time.Duration(i)*time.Minute))
		if s.RetryAfter(t0.Add(2*time.Minute)) != 0 {
			t.Fatalf("locked after %d failures", i+1)
		}
	}
	s = p.Reserve(s, t0.Add(2*time.Minute))
	if got := s.RetryAfter(t0.Add(2 * time.Minute)); got != 5*time.Minute {
		t.Fatalf("third failure: retry after %v, want 5m", got)
	}
	// The third attempt turned out right: the lock goes with it.
	if r := p.Release(s); r.RetryAfter(t0.Add(2*time.Minute)) != 0 || r.Failures != 2 {
		t.Fatalf("release: %+v", r)
	}
	if !p.ExpiresAt(s).Equal(t0.Add(10 * time.Minute)) {
		t.Errorf("expires %v", p.ExpiresAt(s))
	}
	// After the window, counting starts again.
	s = p.Reserve(s, t0.Add(11*time.Minute))
	if s.Failures != 1 || s.RetryAfter(t0.Add(11*time.Minute)) != 0 {
		t.Fatalf("new window: %+v", s)
	}
}

func TestTooManyCarriesRetryAfter(t *testing.T) {
	t.Parallel()
	err := error(dealgate.TooMany(14*time.Minute + 30*time.Second))
	if dealgate.ErrorCode(err) != dealgate.ETOOMANY {
		t.Fatalf("code %q", dealgate.ErrorCode(err))
	}
	wrapped := errors.Join(errors.New("context"), err)
	if got := dealgate.RetryAfter(wrapped); got != 14*time.Minute+30*time.Second {
		t.Fatalf("RetryAfter = %v", got)
	}
	if !strings.Contains(dealgate.ErrorMessage(err), "15 minutes") {
		t.Errorf("message %q", dealgate.ErrorMessage(err))
	}
	if dealgate.RetryAfter(dealgate.Errorf(dealgate.EINVALID, "x")) != 0 {
		t.Error("RetryAfter of another error")
	}
}

func TestEmailAndClientKeys(t *testing.T) {
	t.Parallel()
	if got := dealgate.EmailKey("  Ada@Example.ORG\x00 "); got != "ada@example.org" {
		t.Errorf("EmailKey = %q", got)
	}
	if got := dealgate.EmailKey(strings.Repeat("é", 300)); len([]rune(got)) != dealgate.AuditKeyMaxLen {
		t.Errorf("EmailKey not truncated: %d", len([]rune(got)))
	}
	if got := dealgate.EmailKey("\xff\xfe@x.org"); !strings.HasSuffix(got, "@x.org") || !strings.Contains(got, "\uFFFD") {
		t.Errorf("EmailKey of invalid UTF-8 = %q", got)
	}
	for in, want := range map[string]string{
		"203.0.113.9":               "203.0.113.9",
		"::ffff:203.0.113.9":        "203.0.113.9",
		"2001:db8:1:2:3:4:5:6":      "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1%eth0": "2001:db8:1:2::/64",
		"not an address":            "",
		"":                          "",
	} {
		if got := dealgate.ClientKey(in); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUserFilterNormalize(t *testing.T) {
	t.Parallel()
	f := dealgate.UserFilter{Sort: "password_hash", Role: "Chair"}
	if err := f.Normalize(); err != nil {
		t.Fatal(err)
	}
	if f.Sort != "name" || f.Role != dealgate.RoleChair || f.Page != 1 || f.PerPage != dealgate.DefaultPerPage {
		t.Errorf("normalised to %+v", f)
	}
	f = dealgate.UserFilter{Sort: "-last_sign_in_at"}
	if err := f.Normalize(); err != nil || f.Sort != "-last_sign_in_at" {
		t.Errorf("descending sort lost: %+v %v", f, err)
	}
	bad := dealgate.UserFilter{Role: "king", Status: "asleep"}
	err := bad.Normalize()
	if fields := dealgate.ErrorFields(err); fields["role"] == "" || fields["status"] == "" {
		t.Errorf("bad filters: %v", err)
	}
}

func TestParseRoles(t *testing.T) {
	t.Parallel()
	got, err := dealgate.ParseRoles([]string{" Chair", "admin", "", "chair"})
	if err != nil || len(got) != 2 || got[0] != dealgate.RoleChair || got[1] != dealgate.RoleAdmin {
		t.Fatalf("got %v %v", got, err)
	}
	_, err = dealgate.ParseRoles([]string{"admin", "root"})
	wantFieldCode(t, err, "roles")
}

func wantFieldCode(t *testing.T, err error, field string) {
	t.Helper()
	if dealgate.ErrorCode(err) != dealgate.EINVALID || dealgate.ErrorFields(err)[field] == "" {
		t.Fatalf("got %v, want EINVALID on %q", err, field)
	}
}
