// Package credentials holds the pure logic of passwords and second factors:
// argon2id hashing and verification, TOTP codes, recovery codes and the
// enrolment QR code. It touches no database: the users service in
// internal/postgres stores what these functions make.
package credentials

import "context"
import "crypto/rand"
import "crypto/subtle"
import "encoding/base64"
import "fmt"
import "runtime"
import "strconv"
import "strings"
import "sync"

import "golang.org/x/crypto/argon2"

// Argon2Params are the cost parameters of argon2id password hashes.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams: 64 MiB, one pass, two lanes (RFC 9106's
// memory-constrained choice, above OWASP's 46 MiB/1/1). One hash takes
// 55-80 ms on the two-core machines Dealgate is built and tested on.
var DefaultParams = Argon2Params{Memory: 64 * 1024, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}

// TestParams are cheap parameters for tests only: never in production.
var TestParams = Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// hashSlots bounds concurrent hashing: each hash holds Memory KiB, and a burst
// of sign-ins must not exhaust the server's memory.
var hashSlots = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

func acquireHashSlot(ctx context.Context) error {
	select {
	case hashSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func releaseHashSlot() { <-hashSlots }

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of pw under p:
// $argon2id$v=19$m=65536,t=1,p=2$<salt>$<hash>, base64 without padding.
func Hash(ctx context.Context, p Argon2Params, pw string) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	if err := acquireHashSlot(ctx); err != nil {
		return "", err
	}
	defer releaseHashSlot()
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// phc is a parsed argon2id PHC string.
type phc struct {
	params    Argon2Params
	salt, key []byte
}

func parsePHC(s string) (phc, bool) {
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return phc{}, false
	}
	var h phc
	for kv := range strings.SplitSeq(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return phc{}, false
		}
		switch k {
		case "m":
			h.params.Memory = uint32(n)
		case "t":
			h.params.Time = uint32(n)
		case "p":
			if n > 255 {
				return phc{}, false
			}
			h.params.Threads = uint8(n)
		default:
			return phc{}, false
		}
	}
	var err error
	if h.salt, err = b64.DecodeString(parts[4]); err != nil {
		return phc{}, false
	}
	if h.key, err = b64.DecodeString(parts[5]); err != nil {
		return phc{}, false
	}
	// Bounds keep a corrupted row from costing unbounded memory or time.
	if h.params.Memory < 8 || h.params.Memory > 1<<20 || h.params.Time < 1 || h.params.Time > 16 ||
		h.params.Threads < 1 || len(h.salt) < 8 || len(h.key) < 16 || len(h.key) > 64 {
		return phc{}, false
	}
	h.params.SaltLen, h.params.KeyLen = uint32(len(h.salt)), uint32(len(h.key))
	return h, true
}

// VerifyPassword reports whether pw matches the PHC string encoded, comparing
// in constant time. An empty or malformed hash (an invited account that has
// not chosen a password yet) never matches, but costs as much as one that
// does (under current, the parameters new hashes get), so the answer's
// timing reveals nothing about the account.
func Verify(ctx context.Context, current Argon2Params, encoded, pw string) (bool, error) {
	h, ok := parsePHC(encoded)
	if !ok {
		if _, err := verifyDummy(ctx, current, pw); err != nil {
			return false, err
		}
		return false, nil
	}
	if err := acquireHashSlot(ctx); err != nil {
		return false, err
	}
	defer releaseHashSlot()
	key := argon2.IDKey([]byte(pw), h.salt, h.params.Time, h.params.Memory, h.params.Threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// current.
func NeedsRehash(current Argon2Params, encoded string) bool {
	h, ok := parsePHC(encoded)
	return !ok || h.params != current
}

// dummyHashes holds one hash per parameter set, made on first use, that
// unknown accounts are checked against so that they take as long as known ones.
var dummyHashes sync.Map // Argon2Params -> string

func verifyDummy(ctx context.Context, p Argon2Params, pw string) (bool, error) {
	enc, ok := dummyHashes.Load(p)
	if !ok {
		h, err := Hash(ctx, p, "dealgate dummy password: never matches a real one")
		if err != nil {
			return false, err
		}
		enc, _ = dummyHashes.LoadOrStore(p, h)
	}
	if h, ok := parsePHC(enc.(string)); ok {
		if err := acquireHashSlot(ctx); err != nil {
			return false, err
		}
		defer releaseHashSlot()
		argon2.IDKey([]byte(pw), h.salt, h.params.Time, h.params.Memory, h.params.Threads, uint32(len(h.key)))
	}
	return false, nil
}
