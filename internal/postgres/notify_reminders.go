package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dealgate/dealgate/internal/dealgate"
)

// ReminderResult is what one reminder pass wrote.
type ReminderResult struct {
	Reviews   int // open reviews in the reminder window
	Reminders int // reminders to members who have not voted
	Overdue   int // reminders to chairs about overdue reviews
}

// SendReminders writes today's reminders: to each member of an open review
// due (or whose deal's negotiation date falls) within the committee's
// reminder days who may vote and has no vote that counts (none, or only on
// a superseded version), and to every chair for each overdue review. A
// review paused by an open request for information reminds nobody: its
// clock stands still until counsel answer. Each
// reminder carries a key per review, person and day, so running the pass
// again, or on two instances at once, reminds each person once a day. One
// transaction per review. Reminders are notifications, not changes to a
// record, so they write no audit event.
func (s *Notifications) SendReminders(ctx context.Context) (ReminderResult, error) {
	var res ReminderResult
	type todo struct {
		ids   []int64
		today time.Time
	}
	t, err := inTx(ctx, s.DB, func(tx *Tx) (todo, error) {
		rules, err := tx.committeeRules(ctx)
		if err != nil {
			return todo{}, err
		}
		rows, err := tx.Q.ReviewsForReminders(ctx, tx.today().AddDate(0, 0, rules.ReminderDays))
		if err != nil {
			return todo{}, fmt.Errorf("reviews for reminders: %w", err)
		}
		t := todo{today: tx.today()}
		for _, r := range rows {
			t.ids = append(t.ids, r.ID)
		}
		return t, nil
	})
	if err != nil {
		return res, err
	}
	for _, id := range t.ids {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		r, err := inTx(ctx, s.DB, func(tx *Tx) (ReminderResult, error) { return tx.remindReview(ctx, id, t.today) })
		if err != nil {
			return res, fmt.Errorf("reminders for review %d: %w", id, err)
		}
		res.Reviews++
		res.Reminders += r.Reminders
		res.Overdue += r.Overdue
	}
	return res, nil
}

// remindReview writes review id's reminders for today.
func (tx *Tx) remindReview(ctx context.Context, id int64, today time.Time) (ReminderResult, error) {
	var res ReminderResult
	r, err := tx.review(ctx, id)
	if err != nil || r.State != dealgate.ReviewOpen {
		return res, err
	}
	// A request asked since the pass chose the review pauses it too.
	if paused, err := tx.Q.ReviewPaused(ctx, id); err != nil || paused {
		return res, err
	}
	d, err := tx.deal(ctx, r.DealID)
	if err != nil {
		return res, err
	}
	st, err := tx.loadReviewState(ctx, reviewState{review: r, deal: d})
	if err != nil {
		return res, err
	}
	due := r.DueOn.Format("2 January 2006")
	day := today.Format(time.DateOnly)
	var waiting []int64
	for _, m := range dealgate.NotYetVoted(st.members, st.votes, func(v int) bool { return !st.superseded[v] }) {
		waiting = append(waiting, m.UserID)
	}
	rid, did := r.ID, d.ID
	res.Reminders, err = tx.notify(ctx, nil, dealgate.Notice{
		Event: dealgate.NotifyVoteReminder, Recipients: waiting, DealID: &did, ReviewID: &rid,
		Title: "Your vote is awaited: " + d.Content.Title,
		Body:  "The review of " + d.Content.Title + " is due on " + due + " and you have not voted on the current version.",
		Link:  reviewLink(rid), DedupeKey: fmt.Sprintf("vote_reminder:%d:%s", rid, day),
	})
	if err != nil || !r.DueOn.Before(today) {
		return res, err
	}
	chairs, err := tx.Q.ActiveChairIDs(ctx)
	if err != nil {
		return res, fmt.Errorf("chairs: %w", err)
	}
	res.Overdue, err = tx.notify(ctx, nil, dealgate.Notice{
		Event: dealgate.NotifyReviewOverdue, Recipients: chairs, DealID: &did, ReviewID: &rid,
		Title: "Review overdue: " + d.Content.Title,
		Body:  "The review of " + d.Content.Title + " was due on " + due + " and has no decision.",
		Link:  reviewLink(rid), DedupeKey: fmt.Sprintf("review_overdue:%d:%s", rid, day),
	})
	return res, err
}
