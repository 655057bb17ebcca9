package demo

// The demo's deals: one in every state, written through the deal service as
// counsel would (so every change has its audit event). The story's deal is
// Frontier's agent hosting with Nimbus Web Services, the rival cloud: it is
// submitted, then changed materially as version 2.

import "context"
import "fmt"
import "strconv"
import "strings"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// demoDeal is one deal of the demo. Days are counted from the day of loading.
type demoDeal struct {
	author     string // email
	in         dealgate.DealInput
	categories []string // keys
	negotiate  int      // days from today; 0 leaves the date empty
	submit     bool
	revise     func(in *dealgate.DealInput) string // a new version; returns the change note
	withdraw   string
	shareWith  string
	attachment string // a plain-text attachment's name
}

var demoDeals = []demoDeal{
	{
		author: "counsel@dealgate.example", submit: true, negotiate: 21, shareWith: "counsel2@dealgate.example",
		categories: []string{"agent-hosting", "agent-orchestration-and-management"}, attachment: "frontier-term-sheet.txt",
		in: dealgate.DealInput{
			Title: "Frontier agent hosting with Nimbus Web Services", Counterparty: "Nimbus Web Services",
			Description: "Nimbus Web Services becomes the exclusive third-party provider hosting and operating Frontier, " +
				"Lumen's platform for developing and managing autonomous agents, in its cloud regions.",
			Rationale: "Multi-cloud redundancy: Frontier should not depend on a single provider, and Nimbus offered " +
				"agent-hosting capacity and co-marketing that Azurine did not.",
			Value: "250000000", Currency: "USD", Worldwide: true, Sponsor: "VP, Agent Platforms",
		},
		revise: func(in *dealgate.DealInput) string {
			in.Value = "300000000"
			return "Nimbus raised its commitment after the first round of scoping; the value grows by a fifth."
		},
	},
	{
		author: "counsel@dealgate.example", submit: true, negotiate: 9, categories: []string{"inference-hosting"},
		in: dealgate.DealInput{
			Title: "Inference hosting failover with Azurine Cloud", Counterparty: "Azurine",
			Description: "A second region for inference of Lumen's hosted models, as failover.", Rationale: "Resilience.",
			Value: "12000000", Currency: "USD", Regions: []string{"EU", "UK"}, Sponsor: "Head of Reliability",
		},
	},
	{
		author: "counsel@dealgate.example", submit: true, negotiate: 60, categories: []string{"model-weights-licensing"},
		withdraw: "The reseller's compliance review failed; we will not pursue the licence this year.",
		in: dealgate.DealInput{
			Title: "Model weights licence for an Asia-Pacific reseller", Counterparty: "Nimbus Inc.",
			Description: "A licence of last year's model weights for resale.", Rationale: "Revenue in new markets.",
			Value: "4500000", Currency: "USD", Regions: []string{"APAC"}, Sponsor: "Partnerships lead",
		},
	},
	{
		author: "counsel@dealgate.example", categories: []string{"training-compute"},
		in: dealgate.DealInput{
			Title: "Training compute top-up (early draft)", Counterparty: "Nimbus Web Services",
			Description: "Extra GPU capacity for the next training run; sizing still open.", Currency: "USD",
		},
	},
	{
		author: "counsel2@dealgate.example", negotiate: 45,
		in: dealgate.DealInput{
			Title: "Agent evaluation tooling from Stratus Analytics", Counterparty: "Stratus Analytics",
			NewCounterparty: true, NewCounterpartyKind: dealgate.PartyOther, Currency: "USD",
			Description: "Evaluation and monitoring tools for agents built on Frontier.",
		},
	},
}

func loadDeals(ctx context.Context, tx *postgres.Tx) error {
	deals := postgres.NewDeals(nil, postgres.NewRegister(nil)).Within(tx)
	for i, dd := range demoDeals {
		if err := loadDeal(ctx, tx, deals, i, dd); err != nil {
			return fmt.Errorf("deal %q: %w %v", dd.in.Title, err, dealgate.ErrorFields(err))
		}
	}
	return nil
}

func loadDeal(ctx context.Context, tx *postgres.Tx, deals *postgres.Deals, i int, dd demoDeal) error {
	author, err := demoUser(ctx, tx, dd.author)
	if err != nil {
		return err
	}
	in := dd.in
	for _, key := range dd.categories {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM category WHERE key = $1`, key).Scan(&id); err != nil {
			return fmt.Errorf("category %s: %w", key, err)
		}
		in.CategoryIDs = append(in.CategoryIDs, strconv.FormatInt(id, 10))
	}
	today := deals.Today()
	if dd.negotiate > 0 {
		in.NegotiationStart = today.AddDate(0, 0, dd.negotiate).Format(dealgate.DateLayout)
		in.TermStart = today.AddDate(0, 3, 0).Format(dealgate.DateLayout)
		in.TermEnd = today.AddDate(3, 3, 0).Format(dealgate.DateLayout)
	}
	d, err := deals.CreateDraft(ctx, author, fmt.Sprintf("demo-deal-%02d-%s", i, strings.Repeat("0", 16)), in)
	if err != nil {
		return err
	}
	if dd.attachment != "" {
		text := "Term sheet: " + in.Title + "\n\n" + in.Description + "\n"
		if _, err := deals.AddAttachment(ctx, author, d.ID, fmt.Sprintf("demo-attachment-%02d-%s", i, strings.Repeat("0", 12)), dd.attachment, strings.NewReader(text)); err != nil {
			return err
		}
	}
	if dd.shareWith != "" {
		if d, err = deals.Share(ctx, author, d.ID, dealgate.ShareInput{Email: dd.shareWith, Access: dealgate.ShareRead}); err != nil {
			return err
		}
	}
	if !dd.submit {
		return nil
	}
	if d, err = deals.Submit(ctx, author, d.ID, d.Version, in); err != nil {
		return err
	}
	if dd.revise != nil {
		note := dd.revise(&in)
		if d, err = deals.NewVersion(ctx, author, d.ID, d.Version, in, note); err != nil {
			return err
		}
	}
	if dd.withdraw != "" {
		_, err = deals.Withdraw(ctx, author, d.ID, d.Version, dd.withdraw)
	}
	return err
}

// demoUser loads a demo account as the deal service needs it.
func demoUser(ctx context.Context, tx *postgres.Tx, email string) (*dealgate.User, error) {
	u := &dealgate.User{Email: email, Status: dealgate.UserActive}
	var roles []string
	if err := tx.QueryRow(ctx, `SELECT id, name, roles FROM users WHERE email = $1`, email).Scan(&u.ID, &u.Name, &roles); err != nil {
		return nil, fmt.Errorf("demo user %s: %w", email, err)
	}
	for _, r := range roles {
		u.Roles = append(u.Roles, dealgate.Role(r))
	}
	return u, nil
}
