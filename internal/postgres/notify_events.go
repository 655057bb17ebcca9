package postgres

import "context"
import "fmt"

import "github.com/dealgate/dealgate/internal/dealgate"

// The notices each change sends through tx.notify, worded in one place.

func reviewOpenedNotice(d dealgate.Deal, reviewID int64, members []int64, due string) dealgate.Notice {
	return dealgate.Notice{
		Event: dealgate.NotifyReviewAssigned, Recipients: members, DealID: &d.ID, ReviewID: &reviewID,
		Title: "Review opened: " + d.Content.Title,
		Body:  fmt.Sprintf("You are assigned to review version %d of %s, due on %s.", d.CurrentVersion, d.Content.Title, due),
		Link:  reviewLink(reviewID),
	}
}

// dealCounsel returns the counsel who can act on deal id: its author and
// those it is shared with for editing. Each can answer the committee's
// requests, so each is told of them and of the decision.
func (tx *Tx) dealCounsel(ctx context.Context, id int64) ([]int64, error) {
	ids, err := tx.Q.DealCounselIDs(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("deal's counsel: %w", err)
	}
	return ids, nil
}

func informationRequestedNotice(d dealgate.Deal, reviewID int64, question string, counsel []int64) dealgate.Notice {
	return dealgate.Notice{
		Event: dealgate.NotifyInformationRequested, Recipients: counsel, DealID: &d.ID, ReviewID: &reviewID,
		Title: "Information requested: " + d.Content.Title,
		Body:  "The committee asks: " + clip(question, 1500),
		Link:  dealLink(d.ID),
	}
}

func informationAnsweredNotice(d dealgate.Deal, reviewID int64, members []int64) dealgate.Notice {
	return dealgate.Notice{
		Event: dealgate.NotifyInformationAnswered, Recipients: members, DealID: &d.ID, ReviewID: &reviewID,
		Title: "Counsel answered: " + d.Content.Title,
		Body:  "Counsel answered the committee's request for information on " + d.Content.Title + ".",
		Link:  reviewLink(reviewID),
	}
}

func decisionNotice(d dealgate.Deal, dec dealgate.Decision, counsel, members []int64) dealgate.Notice {
	return dealgate.Notice{
		Event: dealgate.NotifyDecisionRecorded, Recipients: append(counsel, members...), DealID: &d.ID, ReviewID: &dec.ReviewID,
		Title: dec.Outcome.Label() + ": " + d.Content.Title,
		Body:  fmt.Sprintf("The committee decided on version %d of %s: %s.", dec.DealVersion, d.Content.Title, dec.Outcome.Label()),
		Link:  dealLink(d.ID),
	}
}

// notifyDecision tells the deal's counsel and the review's members of the
// decision.
func (tx *Tx) notifyDecision(ctx context.Context, actor *dealgate.User, d dealgate.Deal, dec dealgate.Decision, members []int64) error {
	counsel, err := tx.dealCounsel(ctx, d.ID)
	if err != nil {
		return err
	}
	_, err = tx.notify(ctx, actor, decisionNotice(d, dec, counsel, members))
	return err
}

func negotiationNotice(d dealgate.Deal, reviewID int64, members []int64) dealgate.Notice {
	return dealgate.Notice{
		Event: dealgate.NotifyNegotiationStarted, Recipients: members, DealID: &d.ID, ReviewID: &reviewID,
		Title: "Negotiation started: " + d.Content.Title,
		Body:  "Counsel recorded that negotiation of " + d.Content.Title + " started.",
		Link:  dealLink(d.ID),
	}
}

// notifyVerdictChanged tells the members of the deal's open review, if it
// has one, that re-screening changed the verdict of its current version.
func (tx *Tx) notifyVerdictChanged(ctx context.Context, dealID int64, before, after dealgate.ScreeningState) error {
	if before == "" || before == dealgate.ScreeningAwaiting {
		return nil // the first verdict, not a change
	}
	reviewID, err := tx.Q.OpenReviewOfDeal(ctx, dealID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	d, err := tx.deal(ctx, dealID)
	if err != nil {
		return err
	}
	members, err := tx.reviewMembers(ctx, reviewID)
	if err != nil {
		return err
	}
	_, err = tx.notify(ctx, nil, dealgate.Notice{
		Event: dealgate.NotifyVerdictChanged, Recipients: members, DealID: &dealID, ReviewID: &reviewID,
		Title: "Screening changed: " + d.Content.Title,
		Body:  "A change to the register moved the screening of " + d.Content.Title + " from " + before.Label() + " to " + after.Label() + ".",
		Link:  reviewLink(reviewID),
	})
	return err
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// queuePasswordMail queues the mail carrying a one-time password link
// (an invitation or a reset) to the account's owner.
func (tx *Tx) queuePasswordMail(ctx context.Context, email, name string, link dealgate.PasswordResetLink, invite bool) error {
	subject, lead := "Set a new Dealgate password", "An administrator made you a link to set a new password for Dealgate."
	if invite {
		subject, lead = "You are invited to Dealgate", "An administrator added you to Dealgate. Choose your password with this link."
	}
	body := lead + " It works once and expires on " + link.ExpiresAt.UTC().Format("2 January 2006 at 15:04 UTC") + "."
	return tx.queueMail(ctx, nil, email, name, subject, body, "/password/"+link.Token)
}
