package demo

import "context"
import "errors"
import "fmt"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// DemoPassword signs in every demo account. It is public: demo data is never
// loaded in production (see Load).
const DemoPassword = "demo-password-2026"

// DemoUser is one demo account; `make run` prints them.
type DemoUser struct {
	Name   string
	Email  string
	Roles  []dealgate.Role
	Status dealgate.UserStatus
	Note   string // what the account shows in the demo
}

// DemoUsers are the people of the demo: one per role, a second member and
// counsel so that recusal and "not your own deal" can be shown, and one
// deactivated account.
var DemoUsers = []DemoUser{
	{"Ada Admin", "admin@dealgate.example", []dealgate.Role{dealgate.RoleAdmin}, dealgate.UserActive, "manages users, settings and exports"},
	{"Charles Chair", "chair@dealgate.example", []dealgate.Role{dealgate.RoleChair, dealgate.RoleMember}, dealgate.UserActive, "opens reviews and records decisions"},
	{"Mina Member", "member@dealgate.example", []dealgate.Role{dealgate.RoleMember}, dealgate.UserActive, "reviews and votes"},
	{"Milo Member", "member2@dealgate.example", []dealgate.Role{dealgate.RoleMember}, dealgate.UserActive, "reviews and votes"},
	{"Cora Counsel", "counsel@dealgate.example", []dealgate.Role{dealgate.RoleCounsel}, dealgate.UserActive, "keeps the register and submits deals"},
	{"Colin Counsel", "counsel2@dealgate.example", []dealgate.Role{dealgate.RoleCounsel, dealgate.RoleMember}, dealgate.UserActive, "counsel who also sits on the committee"},
	{"Audrey Auditor", "auditor@dealgate.example", []dealgate.Role{dealgate.RoleAuditor}, dealgate.UserActive, "reads everything and exports"},
	{"Derek Departed", "former@dealgate.example", []dealgate.Role{dealgate.RoleMember}, dealgate.UserDeactivated, "deactivated: cannot sign in"},
}

// loadUsers creates the demo accounts, skipping any email that already has
// an account (e.g. an admin created with `dealgate user create`).
func loadUsers(ctx context.Context, tx *postgres.Tx) error {
	for _, d := range DemoUsers {
		if _, err := tx.Q.GetUserByEmail(ctx, d.Email); err == nil {
			continue
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("find %s: %w", d.Email, err)
		}
		u, err := tx.CreateUserWithPassword(ctx, dealgate.NewUser{
			Name: d.Name, Email: d.Email, Roles: d.Roles, TimeZone: dealgate.DefaultTimeZone, NotifyEmail: true,
		}, DemoPassword)
		if err != nil {
			return fmt.Errorf("create %s: %w", d.Email, err)
		}
		if d.Status == dealgate.UserDeactivated {
			if _, err := tx.Exec(ctx, `UPDATE users SET status = 'deactivated', session_epoch = session_epoch + 1, version = version + 1 WHERE id = $1`, u.ID); err != nil {
				return fmt.Errorf("deactivate %s: %w", d.Email, err)
			}
			if err := tx.Audit(ctx, dealgate.AuditEvent{
				Action: "user.deactivated", EntityType: "user", EntityID: fmt.Sprint(u.ID),
				Before: map[string]any{"status": "active"}, After: map[string]any{"status": "deactivated"},
			}); err != nil {
				return err
			}
		}
	}
	return nil
}
