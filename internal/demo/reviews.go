package demo

// The demo's committee reviews, written through the review service as the
// committee would: a review in every state. Milo Member declared an
// interest in Azurine Corporation, so he is recused automatically from the
// Azurine failover deal, which the committee approved with conditions (it
// is cleared to negotiate). Frontier's hosting deal with Nimbus is in
// review, with Mina's flag, a discussion and a question to counsel awaiting
// an answer. A deal reviewed and then withdrawn has a closed
// review, and a new submission waits in the chair's queue.

import "context"
import "fmt"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

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

// reviewLoader holds what the demo reviews are built from: the services on
// the loader's transaction and the demo committee.
type reviewLoader struct {
	tx                       *postgres.Tx
	deals                    *postgres.Deals
	reviews                  *postgres.Reviews
	chair, mina, milo, colin *dealgate.User
}

func loadReviews(ctx context.Context, tx *postgres.Tx) error {
	deals := postgres.NewDeals(nil, postgres.NewRegister(nil)).Within(tx)
	l := reviewLoader{tx: tx, deals: deals, reviews: postgres.NewReviews(nil, deals).Within(tx)}
	for _, u := range []struct {
		email string
		to    **dealgate.User
	}{{"chair@dealgate.example", &l.chair}, {"member@dealgate.example", &l.mina}, {"member2@dealgate.example", &l.milo}, {"counsel2@dealgate.example", &l.colin}} {
		user, err := demoUser(ctx, tx, u.email)
		if err != nil {
			return err
		}
		*u.to = user
	}
	if _, err := l.reviews.Declare(ctx, l.milo, "Azurine Corporation", "My brother is a director of Azurine Corporation."); err != nil {
		return fmt.Errorf("declaration: %w", err)
	}
	if err := l.decidedWithRecusal(ctx); err != nil {
		return err
	}
	if err := l.openAndFlagged(ctx); err != nil {
		return err
	}
	return l.withdrawnAndQueued(ctx)
}

func (l reviewLoader) deal(ctx context.Context, title string) (dealgate.Deal, error) {
	var id int64
	if err := l.tx.QueryRow(ctx, `SELECT id FROM deal WHERE title = $1`, title).Scan(&id); err != nil {
		return dealgate.Deal{}, fmt.Errorf("deal %q: %w", title, err)
	}
	return l.deals.Deal(ctx, l.chair, id)
}

// open opens a review of the deal with the given title.
func (l reviewLoader) open(ctx context.Context, title string) (dealgate.Deal, dealgate.Review, error) {
	d, err := l.deal(ctx, title)
	if err != nil {
		return d, dealgate.Review{}, err
	}
	r, err := l.reviews.OpenReview(ctx, l.chair, d.ID, d.Version, "")
	return d, r, err
}

func (l reviewLoader) vote(ctx context.Context, u *dealgate.User, r dealgate.Review, c dealgate.VoteChoice, conditions, rationale string) error {
	_, err := l.reviews.Vote(ctx, u, r.ID, dealgate.VoteInput{Choice: c, Conditions: conditions, Rationale: rationale})
	return err
}

// decidedWithRecusal: the Azurine failover, approved with conditions, with
// one member recused by a declared interest and one by his own choice.
func (l reviewLoader) decidedWithRecusal(ctx context.Context) error {
	azurine, r, err := l.open(ctx, "Inference hosting failover with Azurine Cloud")
	if err != nil {
		return err
	}
	const conditions = "No exclusivity over inference hosting; the failover region serves Lumen's own models only."
	for _, step := range []error{
		l.vote(ctx, l.mina, r, dealgate.VoteApproveConditions, conditions, "Failover with our existing partner keeps us within the Azurine agreement, if it stays non-exclusive."),
		l.vote(ctx, l.chair, r, dealgate.VoteApprove, "", "Resilience is worth it and the clause allows it."),
		l.reviews.Recuse(ctx, l.colin, r.ID, "I negotiated the original Azurine agreement."),
	} {
		if step != nil {
			return step
		}
	}
	if _, err := l.reviews.Decide(ctx, l.chair, r.ID, azurine.CurrentVersion, dealgate.DecisionInput{
		Outcome: dealgate.OutcomeApprovedConditions, Conditions: conditions,
		Memo: "Approved as a non-exclusive failover. Milo Member was recused by his declared interest in Azurine Corporation; Colin Counsel recused himself.",
	}); err != nil {
		return fmt.Errorf("decision: %w %v", err, dealgate.ErrorFields(err))
	}
	return nil
}

// openAndFlagged: Frontier's agent hosting with Nimbus, which Mina has
// flagged, with a discussion and an open request for information.
func (l reviewLoader) openAndFlagged(ctx context.Context) error {
	_, r, err := l.open(ctx, "Frontier agent hosting with Nimbus Web Services")
	if err != nil {
		return err
	}
	if err := l.vote(ctx, l.mina, r, dealgate.VoteFlag, "", "Azurine's agreement gives it exclusivity over agent hosting (section 4.2); Nimbus would breach it."); err != nil {
		return err
	}
	c, err := l.reviews.Comment(ctx, l.milo, r.ID, nil, "Does section 4.2 cover hosting of agents we build for customers, or only our own?")
	if err != nil {
		return err
	}
	if _, err := l.reviews.Comment(ctx, l.mina, r.ID, &c.ID, "Both: 'agent hosting' in the taxonomy includes customer agents."); err != nil {
		return err
	}
	_, err = l.reviews.AskInformation(ctx, l.chair, r.ID, "Would Nimbus accept a non-exclusive arrangement, limited to regions Azurine does not serve?")
	return err
}

// withdrawnAndQueued: a deal withdrawn while in review, and one waiting in
// the chair's queue.
func (l reviewLoader) withdrawnAndQueued(ctx context.Context) error {
	for i, dd := range reviewDemoDeals {
		if err := loadDeal(ctx, l.tx, l.deals, 50+i, dd); err != nil {
			return fmt.Errorf("deal %q: %w %v", dd.in.Title, err, dealgate.ErrorFields(err))
		}
	}
	burst, r, err := l.open(ctx, reviewDemoDeals[0].in.Title)
	if err != nil {
		return err
	}
	if err := l.vote(ctx, l.chair, r, dealgate.VoteAbstain, "", "Waiting for Azurine's answer before I take a view."); err != nil {
		return err
	}
	_, err = l.deals.Withdraw(ctx, l.colin, burst.ID, burst.Version, "Azurine matched the offer within our existing agreement; no new deal is needed.")
	return err
}
