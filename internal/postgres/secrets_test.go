package postgres_test

import "context"
import "strings"
import "testing"

import "github.com/pquerna/otp/totp"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/secretbox"

func storedTOTP(t *testing.T, e *identityEnv, id int64) string {
	t.Helper()
	var s string
	if err := e.db.Pool.QueryRow(context.Background(), `SELECT totp_secret FROM users WHERE id = $1`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTOTPSecretSealedAtRestAndRotated: the stored second-factor secret is
// sealed (no plain text in the table), a copy moved to another account does
// not open, and rotation to a new key reseals every value in one
// transaction, after which the old key is no longer needed.
func TestTOTPSecretSealedAtRestAndRotated(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	oldText := secretbox.Generate()
	oldKeys, _ := secretbox.Parse(oldText)
	e.db.Secrets = oldKeys
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	enr, err := e.users.BeginTOTP(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	stored := storedTOTP(t, e, m.ID)
	if !strings.HasPrefix(stored, "dgs1."+oldKeys.CurrentID()+".") || strings.Contains(stored, enr.Secret) {
		t.Fatalf("stored second-factor secret is not sealed: %q", stored)
	}
	m2, _ := confirmTOTP(t, e, m, enr.Secret)
	signIn := func() error {
		e.clock.Advance(31e9)
		code, _ := totp.GenerateCode(enr.Secret, e.clock.Now())
		if _, err := e.users.SignIn(ctx, "mina@example.org", testPassword); err != nil {
			return err
		}
		_, err := e.users.SignInSecondFactor(ctx, m2.ID, m2.SessionEpoch, code)
		return err
	}
	if err := signIn(); err != nil {
		t.Fatalf("sign in with a sealed secret: %v", err)
	}

	// A sealed value copied onto another account does not open there.
	other := e.mustCreate(t, "Otto Other", "otto@example.org", dealgate.RoleMember)
	if _, err := e.db.Pool.Exec(ctx, `UPDATE users SET totp_secret = $1 WHERE id = $2`, stored, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.users.BeginTOTP(ctx, other); dealgate.ErrorCode(err) != dealgate.EINTERNAL {
		t.Fatalf("a secret moved to another row opened: %v", err)
	}
	if _, err := e.db.Pool.Exec(ctx, `UPDATE users SET totp_secret = NULL WHERE id = $1`, other.ID); err != nil {
		t.Fatal(err)
	}

	// Rotation: the new key first, the old one still listed.
	newKey := secretbox.Generate()
	onlyNew, _ := secretbox.Parse(newKey)
	both, _ := secretbox.Parse(newKey + "," + oldText)
	e.db.Secrets = onlyNew
	if _, err := e.db.ResealSecrets(ctx, false); err == nil {
		t.Fatal("resealed without the old key")
	}
	if got := storedTOTP(t, e, m.ID); got != stored {
		t.Fatal("a failed rotation changed a value")
	}
	e.db.Secrets = both
	rep, err := e.db.ResealSecrets(ctx, false)
	if err != nil || rep.Resealed != 1 || rep.KeyID != onlyNew.CurrentID() {
		t.Fatalf("rotate: %+v %v", rep, err)
	}
	if again, err := e.db.ResealSecrets(ctx, false); err != nil || again.Resealed != 0 || again.Current != 1 {
		t.Fatalf("second rotation: %+v %v", again, err)
	}
	e.db.Secrets = onlyNew // the old key can go now
	if err := signIn(); err != nil {
		t.Fatalf("sign in after rotation: %v", err)
	}
	if n := len(auditActions(t, e.db, "secrets.resealed")); n != 1 {
		t.Errorf("%d secrets.resealed events, want 1", n)
	}
}

// TestPlainTOTPSecretSealedAtStart: a secret stored in plain text before
// sealing existed still works and is sealed by ResealSecrets(plainOnly).
func TestPlainTOTPSecretSealedAtStart(t *testing.T) {
	t.Parallel()
	e := newIdentity(t)
	ctx := context.Background()
	m := e.mustCreate(t, "Mina Member", "mina@example.org", dealgate.RoleMember)
	const plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if _, err := e.db.Pool.Exec(ctx, `UPDATE users SET totp_secret = $1 WHERE id = $2`, plain, m.ID); err != nil {
		t.Fatal(err)
	}
	enr, err := e.users.BeginTOTP(ctx, m)
	if err != nil || enr.Secret != plain {
		t.Fatalf("legacy pending secret: %v", err)
	}
	rep, err := e.db.ResealSecrets(ctx, true)
	if err != nil || rep.Sealed != 1 {
		t.Fatalf("seal plain: %+v %v", rep, err)
	}
	if s := storedTOTP(t, e, m.ID); !secretbox.IsSealed(s) || strings.Contains(s, plain) {
		t.Fatalf("still plain: %q", s)
	}
	if enr, err := e.users.BeginTOTP(ctx, m); err != nil || enr.Secret != plain {
		t.Fatalf("sealed legacy secret: %v", err)
	}
}
