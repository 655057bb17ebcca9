package postgres_test

import "bytes"
import "context"
import "fmt"
import "runtime"
import "strings"
import "sync"
import "testing"
import "time"

import "github.com/pquerna/otp/totp"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

func TestSignInSuccessRecordsSignInAndAudit(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := fromIP("203.0.113.9")
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	if m.LastSignInAt != nil {
		t.Fatal("new user has signed in")
	}
	res, err := e.users.SignIn(ctx, "  MINA@Example.org ", testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if res.SecondFactorPending || res.SetUpSecondFactor || res.User.ID != m.ID {
		t.Fatalf("result %+v", res)
	}
	if res.User.LastSignInAt == nil || !res.User.LastSignInAt.Equal(e.clock.Now()) {
		t.Fatalf("last sign-in %v, want %v", res.User.LastSignInAt, e.clock.Now())
	}
	if got := e.fresh(t, m); got.Version != m.Version {
		t.Fatalf("signing in bumped the version to %d", got.Version)
	}
	ev := auditActions(t, e.db, "auth.signed_in")
	if len(ev) != 1 || ev[0].EntityType != "user" || ev[0].EntityID != fmt.Sprint(m.ID) ||
		ev[0].ActorLabel != "mina@example.org" || ev[0].ClientIP != "203.0.113.9" {
		t.Fatalf("signed_in events %+v", ev)
	}
	if err := e.users.SignOut(ctx, res.User); err != nil {
		t.Fatal(err)
	}
	if ev := auditActions(t, e.db, "auth.signed_out"); len(ev) != 1 || ev[0].ActorLabel != "mina@example.org" {
		t.Fatalf("signed_out events %+v", ev)
	}
	// A chair without a second factor is signed in but must set one up.
	e.users.SecondFactorRoles = dealgate.DefaultSecondFactorRoles
	e.mustCreate(t, "Charles Chair", "chair@example.org", dealgate.RoleChair)
	res, err = e.users.SignIn(ctx, "chair@example.org", testPassword)
	if err != nil || !res.SetUpSecondFactor {
		t.Fatalf("chair: %+v %v", res, err)
	}
}

func TestSignInRehashesOlderHashes(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	old, err := postgres.HashPasswordWith(ctx, postgres.Argon2Params{Memory: 32, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Pool.Exec(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, old, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.SignIn(ctx, "mina@example.org", testPassword); err != nil {
		t.Fatal(err)
	}
	var now string
	if err := e.db.Pool.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, m.ID).Scan(&now); err != nil {
		t.Fatal(err)
	}
	if now == old || postgres.NeedsRehash(now) {
		t.Fatalf("hash not upgraded: %s", now)
	}
}

func TestSignInWrongPasswordAndUnknownEmailLookTheSame(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := fromIP("198.51.100.20")
	e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	_, wrong := e.users.SignIn(ctx, "mina@example.org", "not-my-password")
	_, unknown := e.users.SignIn(ctx, "Nobody@Example.org", "not-my-password")
	_, garbage := e.users.SignIn(ctx, "\xff\x00"+strings.Repeat("x", 500), "pw")
	for _, err := range []error{wrong, unknown, garbage} {
		wantCode(t, err, dealgate.EUNAUTHORIZED)
		if dealgate.ErrorMessage(err) != dealgate.ErrorMessage(wrong) || dealgate.ErrorFields(err) != nil {
			t.Fatalf("answers differ: %q vs %q", dealgate.ErrorMessage(err), dealgate.ErrorMessage(wrong))
		}
	}
	// Each failure is audited, and committed although the sign-in failed.
	ev := auditActions(t, e.db, "auth.sign_in_failed")
	if len(ev) != 3 {
		t.Fatalf("%d sign_in_failed events", len(ev))
	}
	if ev[0].EntityType != "auth" || ev[0].EntityID != "mina@example.org" || !strings.Contains(ev[0].After, "wrong_password") ||
		ev[0].ActorLabel != "anonymous" || ev[0].ClientIP != "198.51.100.20" {
		t.Fatalf("wrong password event %+v", ev[0])
	}
	if ev[1].EntityType != "auth" || ev[1].EntityID != "nobody@example.org" || !strings.Contains(ev[1].After, "unknown_email") {
		t.Fatalf("unknown email event %+v", ev[1])
	}
	if n := len([]rune(ev[2].EntityID)); n != dealgate.AuditKeyMaxLen {
		t.Fatalf("garbage email audited with %d characters", n)
	}
}

// TestSignInUnknownEmailRunsTheHashLikeWrongPassword asserts what makes a
// wrong password and an unknown email take alike: each runs exactly one
// argon2id hash under the current parameters. Each hash allocates its
// Memory KiB, so the bytes a sign-in allocates show how many hashes it ran
// (a count, not a wall-clock time, so a loaded machine cannot fail it). It
// is not parallel: it changes PasswordParams, and no parallel test
// allocates while it runs.
func TestSignInUnknownEmailRunsTheHashLikeWrongPassword(t *testing.T) {
	saved := postgres.PasswordParams
	postgres.PasswordParams = postgres.Argon2Params{Memory: 32 << 10, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	defer func() { postgres.PasswordParams = saved }()
	e := newIdentity(t)
	ctx := context.Background()
	e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	_, _ = e.users.SignIn(ctx, "ghost@example.org", "warm-up-the-dummy") // makes the dummy hash once
	hashBytes := uint64(postgres.PasswordParams.Memory) << 10
	for _, email := range []string{"mina@example.org", "ghost@example.org", "not an email at all"} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := e.users.SignIn(ctx, email, "a-wrong-guess-here")
		runtime.ReadMemStats(&after)
		wantCode(t, err, dealgate.EUNAUTHORIZED)
		if n := after.TotalAlloc - before.TotalAlloc; n < hashBytes || n >= 2*hashBytes {
			t.Errorf("sign-in as %q allocated %d bytes: want one hash of %d bytes, no more", email, n, hashBytes)
		}
	}
}

func TestSignInDeactivatedRefused(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	if _, err := e.users.Deactivate(ctx, e.admin, m.ID, m.Version); err != nil {
		t.Fatal(err)
	}
	_, err := e.users.SignIn(ctx, "mina@example.org", testPassword)
	wantCode(t, err, dealgate.EUNAUTHORIZED)
	ev := auditActions(t, e.db, "auth.sign_in_failed")
	if len(ev) != 1 || !strings.Contains(ev[0].After, "deactivated") {
		t.Fatalf("events %+v", ev)
	}
	if got := e.fresh(t, m); got.LastSignInAt != nil {
		t.Fatal("deactivated user recorded as signed in")
	}
}

func TestSignInThrottlePerAccount(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	// Each attempt from a different address: only the account throttle applies.
	for i := range 5 {
		_, err := e.users.SignIn(fromIP(fmt.Sprintf("192.0.2.%d", i+1)), "mina@example.org", "wrong-guess-number")
		wantCode(t, err, dealgate.EUNAUTHORIZED)
		e.clock.Advance(time.Minute)
	}
	// Locked for 15 minutes from the fifth failure, even with the right password.
	_, err := e.users.SignIn(fromIP("192.0.2.99"), "MINA@example.org", testPassword)
	wantCode(t, err, dealgate.ETOOMANY)
	if got := dealgate.RetryAfter(err); got != 14*time.Minute {
		t.Fatalf("retry after %v, want 14m", got)
	}
	if ev := auditActions(t, e.db, "auth.throttled"); len(ev) != 1 || ev[0].EntityID != "mina@example.org" || !strings.Contains(ev[0].After, `"retry_after_seconds": 840`) {
		t.Fatalf("throttled events %+v", ev)
	}
	// Unknown emails are throttled alike, so locking tells nothing.
	for range 5 {
		_, _ = e.users.SignIn(context.Background(), "ghost@example.org", "wrong-guess-number")
	}
	_, err = e.users.SignIn(context.Background(), "ghost@example.org", "wrong-guess-number")
	wantCode(t, err, dealgate.ETOOMANY)
	// Another account is unaffected.
	e.mustCreate(t, "Milo Member", "milo@example.org", dealgate.RoleMember)
	if _, err := e.users.SignIn(fromIP("192.0.2.99"), "milo@example.org", testPassword); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(14 * time.Minute)
	res, err := e.users.SignIn(fromIP("192.0.2.99"), "mina@example.org", testPassword)
	if err != nil || res.User.ID != m.ID {
		t.Fatalf("after the lockout: %v", err)
	}
	// Success forgives the account's failures: five more are allowed.
	for range 4 {
		_, err := e.users.SignIn(context.Background(), "mina@example.org", "wrong-guess-again")
		wantCode(t, err, dealgate.EUNAUTHORIZED)
	}
	if _, err := e.users.SignIn(context.Background(), "mina@example.org", testPassword); err != nil {
		t.Fatalf("fifth attempt after a success: %v", err)
	}
}

func TestSignInThrottlePerClient(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	attacker := fromIP("203.0.113.66")
	// Twenty failures against twenty accounts: no account reaches its limit.
	for i := range 20 {
		_, err := e.users.SignIn(attacker, fmt.Sprintf("victim%d@example.org", i), "password-spray-1")
		wantCode(t, err, dealgate.EUNAUTHORIZED)
	}
	_, err := e.users.SignIn(attacker, "mina@example.org", testPassword)
	wantCode(t, err, dealgate.ETOOMANY)
	if got := dealgate.RetryAfter(err); got != 15*time.Minute {
		t.Fatalf("retry after %v", got)
	}
	// IPv6 clients are throttled by /64.
	v6 := func(host string) context.Context { return fromIP("2001:db8:aa:bb:" + host) }
	for i := range 20 {
		_, _ = e.users.SignIn(v6(fmt.Sprintf("%x::1", i+1)), fmt.Sprintf("other%d@example.org", i), "password-spray-1")
	}
	_, err = e.users.SignIn(v6("ffff::1"), "mina@example.org", testPassword)
	wantCode(t, err, dealgate.ETOOMANY)
	// Everyone else is unaffected.
	if _, err := e.users.SignIn(fromIP("203.0.113.67"), "mina@example.org", testPassword); err != nil {
		t.Fatal(err)
	}
	// The window passes and the client may try again.
	e.clock.Advance(15 * time.Minute)
	if _, err := e.users.SignIn(attacker, "mina@example.org", testPassword); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// TestSignInParallelGuessesCannotExceedTheLimit fires many wrong guesses at
// once: failures are counted before the password is checked, so no more
// than the limit are ever checked.
func TestSignInParallelGuessesCannotExceedTheLimit(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.users.SignIn(fromIP(fmt.Sprintf("192.0.2.%d", i+1)), "mina@example.org", fmt.Sprintf("guess-number-%d", i))
			mu.Lock()
			codes[dealgate.ErrorCode(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[dealgate.EUNAUTHORIZED] != 5 || codes[dealgate.ETOOMANY] != 15 {
		t.Fatalf("answers %v, want 5 checked and 15 throttled", codes)
	}
	if n := len(auditActions(t, e.db, "auth.sign_in_failed")); n != 5 {
		t.Fatalf("%d failures audited", n)
	}
}

// --- second factor --------------------------------------------------------------

// confirmTOTP turns on the second factor of u with the current code.
func confirmTOTP(t *testing.T, e *identityEnv, u *dealgate.User, secret string) (*dealgate.User, []string) {
	t.Helper()
	code, err := totp.GenerateCode(secret, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	got, codes, err := e.users.ConfirmTOTP(context.Background(), u, code)
	if err != nil {
		t.Fatal(err)
	}
	return got, codes
}

func TestTOTPEnrolConfirmAndSignIn(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)

	enr, err := e.users.BeginTOTP(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(enr.Secret) != 32 || !strings.HasPrefix(enr.URL, "otpauth://totp/Dealgate:mina@example.org?") ||
		!bytes.HasPrefix(enr.QRPNG, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("enrolment %q %q %d bytes", enr.Secret, enr.URL, len(enr.QRPNG))
	}
	// A reload shows the same pending secret.
	again, err := e.users.BeginTOTP(ctx, m)
	if err != nil || again.Secret != enr.Secret {
		t.Fatalf("pending secret changed: %v", err)
	}
	// Pending is not enabled: the password alone still signs in.
	if res, err := e.users.SignIn(ctx, "mina@example.org", testPassword); err != nil || res.SecondFactorPending {
		t.Fatalf("pending second factor demanded: %+v %v", res, err)
	}
	_, _, err = e.users.ConfirmTOTP(ctx, m, "000000")
	wantField(t, err, dealgate.EINVALID, "code")

	m2, codes := confirmTOTP(t, e, m, enr.Secret)
	if !m2.TOTPEnabled || m2.SessionEpoch != m.SessionEpoch+1 || len(codes) != dealgate.RecoveryCodeCount {
		t.Fatalf("confirmed %+v, %d codes", m2, len(codes))
	}
	if n, _ := e.users.RecoveryCodesLeft(ctx, m2); n != 10 {
		t.Fatalf("%d recovery codes", n)
	}
	_, err = e.users.BeginTOTP(ctx, m2)
	wantCode(t, err, dealgate.ECONFLICT)

	// Password first, then the code.
	res, err := e.users.SignIn(ctx, "mina@example.org", testPassword)
	if err != nil || !res.SecondFactorPending {
		t.Fatalf("password step: %+v %v", res, err)
	}
	if n := len(auditActions(t, e.db, "auth.signed_in")); n != 1 {
		t.Fatalf("the password alone counted as a sign-in (%d events)", n)
	}
	_, err = e.users.SignInSecondFactor(ctx, m2.ID, m2.SessionEpoch, "123456")
	wantField(t, err, dealgate.EUNAUTHORIZED, "code")
	// The code used to confirm cannot be used again in the same step.
	code, _ := totp.GenerateCode(enr.Secret, e.clock.Now())
	_, err = e.users.SignInSecondFactor(ctx, m2.ID, m2.SessionEpoch, code)
	wantField(t, err, dealgate.EUNAUTHORIZED, "code")
	e.clock.Advance(30 * time.Second)
	code, _ = totp.GenerateCode(enr.Secret, e.clock.Now())
	done, err := e.users.SignInSecondFactor(ctx, m2.ID, m2.SessionEpoch, code[:3]+" "+code[3:])
	if err != nil || done.User.ID != m.ID || done.User.LastSignInAt == nil {
		t.Fatalf("code step: %+v %v", done, err)
	}
	// Replay of the accepted code is refused.
	_, err = e.users.SignInSecondFactor(ctx, m2.ID, m2.SessionEpoch, code)
	wantField(t, err, dealgate.EUNAUTHORIZED, "code")
	// So is the previous step's code, though still within the clock skew.
	e.clock.Advance(30 * time.Second)
	prev, _ := totp.GenerateCode(enr.Secret, e.clock.Now().Add(-30*time.Second))
	_, err = e.users.SignInSecondFactor(ctx, m2.ID, m2.SessionEpoch, prev)
	wantField(t, err, dealgate.EUNAUTHORIZED, "code")

	// A recovery code works once, in any case and spacing.
	rc := strings.ToUpper(strings.ReplaceAll(codes[3], "-", " "))
	if _, err := e.users.SignInSecondFactor(ctx, m2.ID, m2.SessionEpoch, rc); err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	_, err = e.users.SignInSecondFactor(ctx, m2.ID, m2.SessionEpoch, codes[3])
	wantField(t, err, dealgate.EUNAUTHORIZED, "code")
	if n, _ := e.users.RecoveryCodesLeft(ctx, m2); n != 9 {
		t.Fatalf("%d recovery codes left", n)
	}
	signedIn := auditActions(t, e.db, "auth.signed_in")
	if len(signedIn) != 3 || !strings.Contains(signedIn[1].After, "password+totp") || !strings.Contains(signedIn[2].After, "password+recovery_code") {
		t.Fatalf("signed_in events %+v", signedIn)
	}
	failed := auditActions(t, e.db, "auth.sign_in_failed")
	if len(failed) != 5 || !strings.Contains(failed[0].After, "second_factor") {
		t.Fatalf("failed events %+v", failed)
	}
	if len(auditActions(t, e.db, "user.totp_enabled")) != 1 {
		t.Fatal("totp_enabled not audited")
	}
}

func TestSecondFactorGuessesAreThrottled(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	enr, err := e.users.BeginTOTP(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	m, _ = confirmTOTP(t, e, m, enr.Secret)
	// The right password each time does not reset the count of wrong codes.
	for i := range 5 {
		if res, err := e.users.SignIn(ctx, "mina@example.org", testPassword); err != nil || !res.SecondFactorPending {
			t.Fatalf("password step %d: %v", i, err)
		}
		_, err := e.users.SignInSecondFactor(ctx, m.ID, m.SessionEpoch, fmt.Sprintf("%06d", i))
		wantCode(t, err, dealgate.EUNAUTHORIZED)
	}
	e.clock.Advance(30 * time.Second)
	code, _ := totp.GenerateCode(enr.Secret, e.clock.Now())
	_, err = e.users.SignInSecondFactor(ctx, m.ID, m.SessionEpoch, code)
	wantCode(t, err, dealgate.ETOOMANY)
	_, err = e.users.SignIn(ctx, "mina@example.org", testPassword)
	wantCode(t, err, dealgate.ETOOMANY)
}

func TestSecondFactorStepEndsWhenTheEpochMoves(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	enr, err := e.users.BeginTOTP(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	confirmTOTP(t, e, m, enr.Secret)
	res, err := e.users.SignIn(ctx, "mina@example.org", testPassword)
	if err != nil || !res.SecondFactorPending {
		t.Fatalf("password step: %+v %v", res, err)
	}
	// Meanwhile the user signs out everywhere (or an admin deactivates them).
	if _, err := e.users.SignOutEverywhere(ctx, res.User); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * time.Second)
	code, _ := totp.GenerateCode(enr.Secret, e.clock.Now())
	_, err = e.users.SignInSecondFactor(ctx, res.User.ID, res.User.SessionEpoch, code)
	wantCode(t, err, dealgate.EUNAUTHORIZED)
	if dealgate.ErrorFields(err) != nil {
		t.Fatalf("a stale pending sign-in blamed the code: %v", err)
	}
	_, err = e.users.SignInSecondFactor(ctx, 987654, 0, code)
	wantCode(t, err, dealgate.EUNAUTHORIZED)
}

func TestRemoveAndResetSecondFactor(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	enr, err := e.users.BeginTOTP(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	m, codes := confirmTOTP(t, e, m, enr.Secret)

	_, err = e.users.RemoveTOTP(ctx, m, "", "")
	wantField(t, err, dealgate.EINVALID, "current_password")
	_, err = e.users.RemoveTOTP(ctx, m, "not-my-password", "")
	wantField(t, err, dealgate.EINVALID, "current_password")
	_, err = e.users.RemoveTOTP(ctx, m, "", "999999")
	wantField(t, err, dealgate.EINVALID, "code")
	// Required for the role: cannot be removed by the user.
	e2 := *e.users
	e2.SecondFactorRoles = []dealgate.Role{dealgate.RoleMember}
	_, err = e2.RemoveTOTP(ctx, m, testPassword, "")
	wantCode(t, err, dealgate.EFORBIDDEN)

	// A recovery code is enough.
	off, err := e.users.RemoveTOTP(ctx, m, "", codes[0])
	if err != nil {
		t.Fatal(err)
	}
	if off.TOTPEnabled || off.SessionEpoch != m.SessionEpoch+1 {
		t.Fatalf("after removal %+v", off)
	}
	if n, _ := e.users.RecoveryCodesLeft(ctx, off); n != 0 {
		t.Fatalf("%d recovery codes survive", n)
	}
	if res, err := e.users.SignIn(ctx, "mina@example.org", testPassword); err != nil || res.SecondFactorPending {
		t.Fatalf("sign in without second factor: %+v %v", res, err)
	}
	_, err = e.users.RemoveTOTP(ctx, off, testPassword, "")
	wantCode(t, err, dealgate.ECONFLICT)

	// An admin resets a lost device; the user's sessions end.
	enr, err = e.users.BeginTOTP(ctx, off)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	on, _ := confirmTOTP(t, e, off, enr.Secret)
	reset, err := e.users.ResetSecondFactor(ctx, e.admin, on.ID, on.Version)
	if err != nil {
		t.Fatal(err)
	}
	if reset.TOTPEnabled || reset.SessionEpoch != on.SessionEpoch+1 {
		t.Fatalf("after reset %+v", reset)
	}
	_, err = e.users.ResetSecondFactor(ctx, e.admin, on.ID, reset.Version)
	wantCode(t, err, dealgate.ECONFLICT)
	if len(auditActions(t, e.db, "user.totp_removed")) != 1 || len(auditActions(t, e.db, "user.totp_reset")) != 1 {
		t.Fatal("removal or reset not audited")
	}
}

func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	got, err := e.users.SignOutEverywhere(ctx, m)
	if err != nil || got.SessionEpoch != m.SessionEpoch+1 {
		t.Fatalf("%+v %v", got, err)
	}
	_, err = e.users.SignOutEverywhere(ctx, nil)
	wantCode(t, err, dealgate.EUNAUTHORIZED)
}
