package demo

// The demo's committee reviews, written through the review service as the
// committee would: a review in every state. Milo Member declared an
// interest in Azurine Corporation, so he is recused automatically from the
// Azurine failover deal, which the committee approved with conditions (it
// is cleared to negotiate). Frontier's hosting deal with Nimbus is in
// review, with Mina's flag, a discussion and a question to counsel awaiting
// an answer. A deal reviewed and then withdrawn has a closed
// review, and a new submission waits in the chair's queue.

import (
	"context"
	"fmt"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/postgres"
)

var reviewDemoDeals = []demoDeal{
	{
		author: "counsel2@dealgate.example", submit: true, negotiate: 30, categories: []string{"training-compute"},
		in: dealgate.DealInput{
			Title: "Burst training compute from Nimbus Web Services", Counterparty: "NWS",
			Description: "Short-term GPU capacity for a training run.", Rationale: "Capacity shortfall this quarter.",
			Value: "8000000", Currency: "USD", Worldwide: true, Sponsor: "Head of Research Infrastructure",
		},
	},
	{
		author: "counsel@dealgate.example", submit: true, negotiate: 40, categories: []string{"inference-hosting"},
		in: dealgate.DealInput{
			Title: "Edge inference pilot with Nimbus Web Services", Counterparty: "Nimbus Web Services",
			Description: "A three-month pilot of inference at Nimbus's edge sites.", Rationale: "Latency for agent tools.",
			Value: "1500000", Currency: "USD", Regions: []string{"EU"}, Sponsor: "Head of Reliability",
		},
	},
}

func loadReviews(ctx context.Context, tx *postgres.Tx) error {
	deals := postgres.NewDeals(nil, postgres.NewRegister(nil)).Within(tx)
	reviews := postgres.NewReviews(nil, deals).Within(tx)
	users := map[string]*dealgate.User{}
	for _, email := range []string{"chair@dealgate.example", "member@dealgate.example", "member2@dealgate.example", "counsel2@dealgate.example"} {
		u, err := demoUser(ctx, tx, email)
		if err != nil {
			return err
		}
		users[email] = u
	}
	chair, mina, milo, colin := users["chair@dealgate.example"], users["member@dealgate.example"], users["member2@dealgate.example"], users["counsel2@dealgate.example"]
	if _, err := reviews.Declare(ctx, milo, "Azurine Corporation", "My brother is a director of Azurine Corporation."); err != nil {
		return fmt.Errorf("declaration: %w", err)
	}
	dealID := func(title string) (dealgate.Deal, error) {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM deal WHERE title = $1`, title).Scan(&id); err != nil {
			return dealgate.Deal{}, fmt.Errorf("deal %q: %w", title, err)
		}
		return deals.Deal(ctx, chair, id)
	}
	open := func(d dealgate.Deal) (dealgate.Review, error) {
		return reviews.OpenReview(ctx, chair, d.ID, d.Version, "")
	}
	vote := func(u *dealgate.User, r dealgate.Review, c dealgate.VoteChoice, conditions, rationale string) error {
		_, err := reviews.Vote(ctx, u, r.ID, dealgate.VoteInput{Choice: c, Conditions: conditions, Rationale: rationale})
		return err
	}

	// Decided, with a recusal: the Azurine failover, approved with conditions.
	azurine, err := dealID("Inference hosting failover with Azurine Cloud")
	if err != nil {
		return err
	}
	r, err := open(azurine)
	if err != nil {
		return err
	}
	const conditions = "No exclusivity over inference hosting; the failover region serves Lumen's own models only."
	for _, step := range []error{
		vote(mina, r, dealgate.VoteApproveConditions, conditions, "Failover with our existing partner keeps us within the Azurine agreement, if it stays non-exclusive."),
		vote(chair, r, dealgate.VoteApprove, "", "Resilience is worth it and the clause allows it."),
		reviews.Recuse(ctx, colin, r.ID, "I negotiated the original Azurine agreement."),
	} {
		if step != nil {
			return step
		}
	}
	if _, err := reviews.Decide(ctx, chair, r.ID, azurine.CurrentVersion, dealgate.DecisionInput{
		Outcome: dealgate.OutcomeApprovedConditions, Conditions: conditions,
		Memo: "Approved as a non-exclusive failover. Milo Member was recused by his declared interest in Azurine Corporation; Colin Counsel recused himself.",
	}); err != nil {
		return fmt.Errorf("decision: %w %v", err, dealgate.ErrorFields(err))
	}

	// Open: Frontier's agent hosting with Nimbus, Mina has flagged it.
	frontier, err := dealID("Frontier agent hosting with Nimbus Web Services")
	if err != nil {
		return err
	}
	if r, err = open(frontier); err != nil {
		return err
	}
	if err := vote(mina, r, dealgate.VoteFlag, "", "Azurine's agreement gives it exclusivity over agent hosting (section 4.2); Nimbus would breach it."); err != nil {
		return err
	}
	c, err := reviews.Comment(ctx, milo, r.ID, nil, "Does section 4.2 cover hosting of agents we build for customers, or only our own?")
	if err != nil {
		return err
	}
	if _, err := reviews.Comment(ctx, mina, r.ID, &c.ID, "Both: 'agent hosting' in the taxonomy includes customer agents."); err != nil {
		return err
	}
	if _, err := reviews.AskInformation(ctx, chair, r.ID, "Would Nimbus accept a non-exclusive arrangement, limited to regions Azurine does not serve?"); err != nil {
		return err
	}

	// Closed (withdrawn in review), and one waiting in the queue.
	for i, dd := range reviewDemoDeals {
		if err := loadDeal(ctx, tx, deals, 50+i, dd); err != nil {
			return fmt.Errorf("deal %q: %w %v", dd.in.Title, err, dealgate.ErrorFields(err))
		}
	}
	burst, err := dealID(reviewDemoDeals[0].in.Title)
	if err != nil {
		return err
	}
	if r, err = open(burst); err != nil {
		return err
	}
	if err := vote(chair, r, dealgate.VoteAbstain, "", "Waiting for Azurine's answer before I take a view."); err != nil {
		return err
	}
	_, err = deals.Withdraw(ctx, colin, burst.ID, burst.Version, "Azurine matched the offer within our existing agreement; no new deal is needed.")
	return err
}
