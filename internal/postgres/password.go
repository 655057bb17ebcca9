package postgres

import "context"

import "github.com/dealgate/dealgate/internal/credentials"

// Argon2Params are the cost parameters of argon2id password hashes.
type Argon2Params = credentials.Argon2Params

// DefaultPasswordParams are the production parameters (see credentials.DefaultParams).
var DefaultPasswordParams = credentials.DefaultParams

// TestPasswordParams are cheap parameters for tests only: never in production.
var TestPasswordParams = credentials.TestParams

// PasswordParams are the parameters new hashes get. Tests may set it to
// TestPasswordParams, before any test runs (in TestMain or init). Stored
// hashes keep their own parameters and are upgraded at the next sign-in.
var PasswordParams = DefaultPasswordParams

// HashPassword returns the PHC string of pw under PasswordParams.
func HashPassword(ctx context.Context, pw string) (string, error) {
	return credentials.Hash(ctx, PasswordParams, pw)
}

// HashPasswordWith returns the PHC string of pw under p.
func HashPasswordWith(ctx context.Context, p Argon2Params, pw string) (string, error) {
	return credentials.Hash(ctx, p, pw)
}

// VerifyPassword reports whether pw matches the PHC string encoded, in
// constant time and as slowly for a missing hash as for a real one.
func VerifyPassword(ctx context.Context, encoded, pw string) (bool, error) {
	return credentials.Verify(ctx, PasswordParams, encoded, pw)
}

// NeedsRehash reports whether encoded was made with parameters other than
// PasswordParams.
func NeedsRehash(encoded string) bool { return credentials.NeedsRehash(PasswordParams, encoded) }
