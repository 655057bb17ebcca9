// Package demo loads the demonstration data set: a fictional retelling of the
// exclusivity dispute in shared/seed (a model lab, its long-time cloud
// partner and the rival cloud that won an agent-platform deal). Each feature
// adds a step when its tables appear, so the demo always shows everything
// the product does.
package demo

import "context"
import "errors"
import "fmt"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// Step is one named, self-contained part of the demo data. Steps run in
// order, each in its own transaction, and each at most once per database.
type Step struct {
	Name string
	Load func(ctx context.Context, tx *postgres.Tx) error
}

// Steps is the demo data set, oldest first. Never rename a step that has
// shipped: the name is how a database remembers it was loaded.
var Steps = []Step{
	{Name: "0001_story", Load: loadStory},
	{Name: "0002_users", Load: loadUsers},
	{Name: "0003_register", Load: loadRegister},
	{Name: "0004_deals", Load: loadDeals},
	{Name: "0005_reviews", Load: loadReviews},
}

// Result says what a load did.
type Result struct {
	Applied, Skipped []string
}

// ErrProduction refuses demo data in production.
var ErrProduction = errors.New("demo data is never loaded when DEALGATE_ENV=production")

// Load applies every step not yet applied. Running it twice changes nothing.
func Load(ctx context.Context, db *postgres.DB, production bool) (Result, error) {
	var res Result
	if production {
		return res, ErrProduction
	}
	for _, step := range Steps {
		applied := false
		err := db.InTx(ctx, func(tx *postgres.Tx) error {
			// The row lock makes two concurrent loaders apply a step once.
			tag, err := tx.Exec(ctx, `INSERT INTO demo_seed_step (name, applied_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, step.Name, tx.Now)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return nil
			}
			applied = true
			if err := step.Load(ctx, tx); err != nil {
				return err
			}
			return tx.Audit(ctx, dealgate.AuditEvent{
				Action: "demo.step_loaded", EntityType: "demo_seed_step", EntityID: step.Name,
				After: map[string]string{"step": step.Name},
			})
		})
		if err != nil {
			return res, fmt.Errorf("demo step %s: %w", step.Name, err)
		}
		if applied {
			res.Applied = append(res.Applied, step.Name)
		} else {
			res.Skipped = append(res.Skipped, step.Name)
		}
	}
	return res, nil
}

// loadStory records the premise of the demo. Later steps add the people,
// the register and the deals that retell it.
func loadStory(ctx context.Context, tx *postgres.Tx) error {
	return tx.Audit(ctx, dealgate.AuditEvent{
		Action: "demo.story_loaded", EntityType: "demo", EntityID: "story",
		After: map[string]string{
			"summary": "Lumen Labs, a model developer, holds an exclusivity agreement that makes Azurine Cloud " +
				"the exclusive host of its stateless model APIs, and a non-binding memorandum that lets it explore " +
				"other partners. It now proposes to make Nimbus Web Services the exclusive provider for Frontier, " +
				"an agent platform. The committee must decide before negotiation begins whether an agent platform " +
				"is a 'stateless model API'.",
		},
	})
}

// UsersLoaded reports whether the demo accounts are in this database, so
// `serve` can print the demo sign-ins.
func UsersLoaded(ctx context.Context, db *postgres.DB) bool {
	var ok bool
	err := db.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM demo_seed_step WHERE name = '0002_users')`).Scan(&ok)
	return err == nil && ok
}
