package credentials_test

import "bytes"
import "context"
import "strings"
import "testing"
import "time"

import "github.com/pquerna/otp"
import "github.com/pquerna/otp/totp"

import "github.com/dealgate/dealgate/internal/credentials"
import "github.com/dealgate/dealgate/internal/dealgate"

func TestPasswordHashVerifyRehash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := credentials.TestParams
	h, err := credentials.Hash(ctx, p, "correct horse battery staple")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q: %v", h, err)
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapl": false, "": false} {
		if ok, err := credentials.Verify(ctx, p, h, pw); ok != want || err != nil {
			t.Errorf("verify %q: %v %v", pw, ok, err)
		}
	}
	if ok, err := credentials.Verify(ctx, p, "", "anything"); ok || err != nil {
		t.Errorf("an account without a password matched: %v %v", ok, err)
	}
	if credentials.NeedsRehash(p, h) || !credentials.NeedsRehash(credentials.DefaultParams, h) {
		t.Error("rehash decision wrong")
	}
}

func TestTOTPMatchesOnceWithinDrift(t *testing.T) {
	t.Parallel()
	secret, err := credentials.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	enc := credentials.EncodeSecret(secret)
	if back, err := credentials.DecodeSecret(enc); err != nil || !bytes.Equal(back, secret) {
		t.Fatalf("secret round trip: %v", err)
	}
	now := time.Date(2027, 3, 12, 10, 0, 0, 0, time.UTC)
	opts := totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	code, err := totp.GenerateCodeCustom(enc, now.Add(-30*time.Second), opts)
	if err != nil {
		t.Fatal(err)
	}
	step, ok := credentials.MatchTOTP(enc, code, 0, now)
	if !ok || step != now.Unix()/30-1 {
		t.Fatalf("previous step's code: %d %v", step, ok)
	}
	if _, ok := credentials.MatchTOTP(enc, code, step, now); ok {
		t.Error("a used code matched again")
	}
	if _, ok := credentials.MatchTOTP(enc, code, 0, now.Add(2*time.Minute)); ok {
		t.Error("a code four steps old matched")
	}
	if got := credentials.NormalizeCode(" 123-456 "); got != "123456" {
		t.Errorf("normalised %q", got)
	}
	e, err := credentials.Enrolment("Dealgate", "ada@example.org", secret)
	if err != nil || !strings.HasPrefix(e.URL, "otpauth://totp/Dealgate:ada@example.org?") || !bytes.HasPrefix(e.QRPNG, []byte("\x89PNG")) {
		t.Errorf("enrolment %+v: %v", e, err)
	}
}

func TestRecoveryCodes(t *testing.T) {
	t.Parallel()
	codes, hashes, err := credentials.NewRecoveryCodes()
	if err != nil || len(codes) != dealgate.RecoveryCodeCount || len(hashes) != len(codes) {
		t.Fatalf("%d codes, %d hashes: %v", len(codes), len(hashes), err)
	}
	for i, c := range codes {
		n := credentials.NormalizeCode(strings.ToUpper(c))
		if len(n) != credentials.RecoveryCodeLen || !bytes.Equal(credentials.RecoveryCodeHash(n), hashes[i]) {
			t.Errorf("code %q does not match its hash", c)
		}
	}
}
