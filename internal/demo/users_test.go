package demo_test

import "context"
import "slices"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

func TestDemoUsersStepIdempotent(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	users := postgres.NewUsers(db)
	// An admin made on the command line before the demo is kept as it is.
	if _, err := users.CreateUserWithPassword(ctx, dealgate.NewUser{
		Name: "Ada Admin", Email: "ADMIN@dealgate.example", Roles: []dealgate.Role{dealgate.RoleAdmin}, TimeZone: "UTC",
	}, "my-own-secure-phrase-99"); err != nil {
		t.Fatal(err)
	}
	res, err := demo.Load(ctx, db, false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Applied, "0002_users") {
		t.Fatalf("applied %v", res.Applied)
	}
	again, err := demo.Load(ctx, db, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Applied) != 0 || !slices.Contains(again.Skipped, "0002_users") {
		t.Fatalf("second load %+v", again)
	}
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(demo.DemoUsers) {
		t.Fatalf("%d users, want %d", n, len(demo.DemoUsers))
	}
	roles := map[dealgate.Role]bool{}
	for _, d := range demo.DemoUsers {
		res, err := users.SignIn(ctx, d.Email, demo.DemoPassword)
		switch {
		case d.Email == "admin@dealgate.example":
			if dealgate.ErrorCode(err) != dealgate.EUNAUTHORIZED {
				t.Errorf("existing admin's password replaced: %v", err)
			}
		case d.Status == dealgate.UserDeactivated:
			if dealgate.ErrorCode(err) != dealgate.EUNAUTHORIZED {
				t.Errorf("%s: deactivated demo user signed in: %v", d.Email, err)
			}
		case err != nil:
			t.Errorf("%s: %v", d.Email, err)
		default:
			for _, r := range res.User.Roles {
				roles[r] = true
			}
		}
	}
	for _, r := range dealgate.AllRoles {
		if r != dealgate.RoleAdmin && !roles[r] {
			t.Errorf("no demo user signs in as %s", r)
		}
	}
	if err := dealgate.CheckPassword(demo.DemoPassword, "", ""); err != nil {
		t.Errorf("demo password breaks the policy: %v", err)
	}
}

func TestDemoRefusedInProduction(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	if _, err := demo.Load(context.Background(), db, true); err != demo.ErrProduction {
		t.Fatalf("got %v", err)
	}
}
