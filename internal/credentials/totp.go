package credentials

import "bytes"
import "crypto/rand"
import "crypto/sha256"
import "crypto/subtle"
import "encoding/base32"
import "fmt"
import "image/png"
import "slices"
import "strings"
import "time"

import "github.com/pquerna/otp"
import "github.com/pquerna/otp/totp"

import "github.com/dealgate/dealgate/internal/dealgate"

// totpOpts are what authenticator apps assume: 6 digits, 30 s, SHA-1.
var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var secretEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a fresh TOTP secret: 160 bits, as RFC 4226 recommends.
func NewSecret() ([]byte, error) {
	secret := make([]byte, 20)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	return secret, nil
}

// EncodeSecret is the stored form of a TOTP secret: base32, no padding.
func EncodeSecret(secret []byte) string { return secretEncoding.EncodeToString(secret) }

// DecodeSecret undoes EncodeSecret.
func DecodeSecret(s string) ([]byte, error) { return secretEncoding.DecodeString(s) }

// Enrolment returns what setting up an authenticator app shows: the secret,
// its otpauth:// URL for account at issuer, and a QR code of the URL.
func Enrolment(issuer, account string, secret []byte) (*dealgate.TOTPEnrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account, Secret: secret,
		Period: totpOpts.Period, Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm,
	})
	if err != nil {
		return nil, dealgate.Internal(fmt.Errorf("totp key: %w", err))
	}
	img, err := key.Image(256, 256)
	if err != nil {
		return nil, dealgate.Internal(fmt.Errorf("totp qr: %w", err))
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, dealgate.Internal(fmt.Errorf("totp qr png: %w", err))
	}
	return &dealgate.TOTPEnrolment{Secret: key.Secret(), URL: key.URL(), QRPNG: buf.Bytes()}, nil
}

// RecoveryCodeHash is what is stored of a normalised recovery code.
func RecoveryCodeHash(code string) []byte {
	h := sha256.Sum256([]byte(code))
	return h[:]
}

// MatchTOTP finds the time step, within one step of now either way (clock
// drift) and after lastStep (no replays), whose code is code.
func MatchTOTP(secret, code string, lastStep int64, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / int64(totpOpts.Period)
	for step := cur - 1; step <= cur+1; step++ {
		if step <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*int64(totpOpts.Period), 0), totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// NormalizeCode drops spaces and dashes and lowercases, so "123 456" and
// "ABCD-EFGH-..." are accepted as typed.
func NormalizeCode(code string) string {
	if len(code) > 64 {
		return ""
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return r
	}, code)
}

// RecoveryCodeLen is 16 base32 characters: 80 random bits.
const RecoveryCodeLen = 16

// NewRecoveryCodes returns RecoveryCodeCount codes as shown to the user
// ("abcd-efgh-ijkl-mnop") and the SHA-256 of each normalised code.
func NewRecoveryCodes() ([]string, [][]byte, error) {
	codes := make([]string, 0, dealgate.RecoveryCodeCount)
	hashes := make([][]byte, 0, dealgate.RecoveryCodeCount)
	for len(codes) < dealgate.RecoveryCodeCount {
		b := make([]byte, 10)
		if _, err := rand.Read(b); err != nil {
			return nil, nil, fmt.Errorf("recovery code: %w", err)
		}
		c := strings.ToLower(secretEncoding.EncodeToString(b)) // 16 characters
		h := RecoveryCodeHash(c)
		if slices.ContainsFunc(hashes, func(x []byte) bool { return bytes.Equal(x, h) }) {
			continue
		}
		codes = append(codes, c[0:4]+"-"+c[4:8]+"-"+c[8:12]+"-"+c[12:16])
		hashes = append(hashes, h)
	}
	return codes, hashes, nil
}
