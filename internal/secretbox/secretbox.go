// Package secretbox seals the secrets Dealgate must keep in the database and
// read back (second-factor secrets today; SMTP passwords and webhook secrets
// as those features arrive) with AES-256-GCM under a key that lives outside
// the database (DEALGATE_SECRET_KEY or DEALGATE_SECRET_KEY_FILE).
//
// A sealed value is text: "dgs1." + key ID + "." + base64url(nonce ‖
// ciphertext ‖ tag). The key ID names the key that sealed it, so a keyring
// holding the current key and older ones opens values sealed under any of
// them while new values are sealed under the current one; rotation reseals
// every value under the current key. Each value is bound to where it is
// stored (the associated data, e.g. "users.totp_secret:42"), so a sealed
// value copied to another row or column does not open.
package secretbox

import "crypto/aes"
import "crypto/cipher"
import "crypto/rand"
import "crypto/sha256"
import "encoding/base64"
import "encoding/hex"
import "errors"
import "fmt"
import "strings"

// KeySize is the length of a key in bytes (AES-256).
const KeySize = 32

const prefix = "dgs1."

// ErrNotSealed says a stored value is not a sealed value (legacy plain text).
var ErrNotSealed = errors.New("secretbox: value is not sealed")

// ErrUnknownKey says a value was sealed under a key the keyring lacks.
var ErrUnknownKey = errors.New("secretbox: sealed under a key this keyring does not have")

// ErrOpen says a value does not open: edited, truncated or moved.
var ErrOpen = errors.New("secretbox: value does not open (edited, or stored elsewhere than where it was sealed)")

type key struct {
	id   string
	aead cipher.AEAD
}

// Keyring holds the current key, which seals, and older keys, which only
// open. The zero value is not usable; use New or Parse.
type Keyring struct {
	keys []key // keys[0] is current
}

// KeyID is the public name of a key: the first 8 hex digits of a hash of it.
func KeyID(k []byte) string {
	h := sha256.Sum256(append([]byte("dealgate secret key id\x00"), k...))
	return hex.EncodeToString(h[:4])
}

// New makes a keyring from raw keys, the current one first.
func New(keys ...[]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("no key")
	}
	r := &Keyring{}
	seen := map[string]bool{}
	for i, k := range keys {
		if len(k) != KeySize {
			return nil, fmt.Errorf("key %d is %d bytes, want %d", i+1, len(k), KeySize)
		}
		id := KeyID(k)
		if seen[id] {
			return nil, fmt.Errorf("key %d is listed twice", i+1)
		}
		seen[id] = true
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		r.keys = append(r.keys, key{id: id, aead: aead})
	}
	return r, nil
}

// Parse reads keys written as base64 (standard or URL alphabet, padding
// optional), separated by commas, spaces or newlines; lines starting with
// "#" are comments. The first key is the current one.
func Parse(text string) (*Keyring, error) {
	var keys [][]byte
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\r' }) {
			k, err := decodeKey(f)
			if err != nil {
				return nil, fmt.Errorf("key %d: %w", len(keys)+1, err)
			}
			keys = append(keys, k)
		}
	}
	return New(keys...)
}

func decodeKey(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != KeySize {
				return nil, fmt.Errorf("is %d bytes, want %d (make one with: dealgate keys generate)", len(k), KeySize)
			}
			return k, nil
		}
	}
	return nil, errors.New("is not base64 (make one with: dealgate keys generate)")
}

// Generate returns a new random key, encoded as Parse reads it.
func Generate() string {
	k := make([]byte, KeySize)
	_, _ = rand.Read(k)
	return base64.StdEncoding.EncodeToString(k)
}

// CurrentID is the ID of the key that seals.
func (r *Keyring) CurrentID() string { return r.keys[0].id }

// IDs lists every key's ID, the current one first.
func (r *Keyring) IDs() []string {
	ids := make([]string, len(r.keys))
	for i, k := range r.keys {
		ids[i] = k.id
	}
	return ids
}

// Seal encrypts plaintext under the current key, bound to where (the place
// it is stored, e.g. "users.totp_secret:42").
func (r *Keyring) Seal(plaintext []byte, where string) string {
	k := r.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := k.aead.Seal(nonce, nonce, plaintext, []byte(where))
	return prefix + k.id + "." + base64.RawURLEncoding.EncodeToString(out)
}

// Open decrypts a sealed value stored at where. It also reports the ID of
// the key that sealed it.
func (r *Keyring) Open(sealed, where string) (plaintext []byte, keyID string, err error) {
	rest, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return nil, "", ErrNotSealed
	}
	keyID, body, ok := strings.Cut(rest, ".")
	if !ok {
		return nil, "", ErrOpen
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return nil, keyID, ErrOpen
	}
	for _, k := range r.keys {
		if k.id != keyID {
			continue
		}
		n := k.aead.NonceSize()
		if len(raw) < n+k.aead.Overhead() {
			return nil, keyID, ErrOpen
		}
		pt, err := k.aead.Open(nil, raw[:n], raw[n:], []byte(where))
		if err != nil {
			return nil, keyID, ErrOpen
		}
		return pt, keyID, nil
	}
	return nil, keyID, ErrUnknownKey
}

// IsSealed reports whether a stored value is in the sealed format.
func IsSealed(s string) bool { return strings.HasPrefix(s, prefix) }

// developmentKey is the fixed key used outside production when none is
// configured, so that `make run` and the tests need no setup. It is public
// (it is in this source file), so it protects nothing: production refuses
// to start without a key of its own.
var developmentKey = sha256.Sum256([]byte("dealgate development secret key: not secret, never for production"))

// Development returns the keyring of the public development key.
func Development() *Keyring {
	r, err := New(developmentKey[:])
	if err != nil {
		panic(err)
	}
	return r
}
