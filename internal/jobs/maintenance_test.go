package jobs_test

import "context"
import "io"
import "log/slog"
import "strconv"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/jobs"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// Cheap password hashing for the package's tests, set once before any runs
// (parallel tests must not write it).
func init() { postgres.PasswordParams = postgres.TestPasswordParams }

func TestMaintenanceRecordsLapsedAgreementsAsExpired(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	users, reg := postgres.NewUsers(db), postgres.NewRegister(db)
	admin, err := users.CreateUserWithPassword(ctx, dealgate.NewUser{Name: "Ada Admin", Email: "ada@example.com", Roles: []dealgate.Role{dealgate.RoleAdmin}, TimeZone: "UTC"}, "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	party, err := reg.CreateParty(ctx, admin, dealgate.PartyInput{Name: "Strato Cloud", Kind: dealgate.PartyCloudProvider})
	if err != nil {
		t.Fatal(err)
	}
	expires := dealgate.DateOf(time.Now().AddDate(0, 0, 1))
	a, err := reg.CreateAgreement(ctx, admin, dealgate.AgreementInput{Title: "Short lease", PartyID: party.ID,
		Kind: dealgate.AgreementCloudServices, Binding: true, Status: dealgate.StatusActive, ExpiresOn: &expires})
	if err != nil {
		t.Fatal(err)
	}
	// Two days later the agreement has lapsed.
	db.Now = func() time.Time { return time.Now().AddDate(0, 0, 2) }
	m := &jobs.Maintenance{DB: db, Users: users, Register: reg, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	m.Once(ctx)
	m.Once(ctx) // idempotent
	var recorded string
	if err := db.Pool.QueryRow(ctx, `SELECT status FROM agreement WHERE id = $1`, a.ID).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if recorded != string(dealgate.StatusExpired) {
		t.Fatalf("recorded status %q", recorded)
	}
	var events int
	_ = db.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_event WHERE entity_type = 'agreement' AND entity_id = $1 AND action LIKE '%expired%'`, strconv.FormatInt(a.ID, 10)).Scan(&events)
	if events != 1 {
		t.Fatalf("%d expiry events, want 1", events)
	}
}
