package postgres_test

import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// An open request for information pauses the review: no vote reminder and
// no overdue reminder while it is open; once answered the due date moves
// by every started day it stayed open (audited) and reminders resume.
func TestRequestForInformationPausesTheClockAndReminders(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	notes := postgres.NewNotifications(e.db)
	d := e.submittedBy(t, e.counsel, "NWS", 1)
	r := e.open(t, d) // 1 December 10:00: due 9 December, negotiation 10 December, reminders from 3 days before
	q, err := e.reviews.AskInformation(e.ctx, e.chair, r.ID, "Who hosts the backups?")
	if err != nil {
		t.Fatal(err)
	}
	reminders := func(day int) {
		t.Helper()
		e.db.Now = func() time.Time { return time.Date(2026, 12, day, 6, 0, 0, 0, time.UTC) }
		if _, err := notes.SendReminders(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	reminders(7)  // in the window
	reminders(10) // past the due date
	for _, u := range []*dealgate.User{e.m1, e.m2, e.chair} {
		if rows, _, _ := e.notified(t, u, dealgate.NotifyVoteReminder); rows != 0 {
			t.Errorf("%s reminded to vote while the review is paused", u.Email)
		}
	}
	if rows, _, _ := e.notified(t, e.chair, dealgate.NotifyReviewOverdue); rows != 0 {
		t.Error("chair told the paused review is overdue")
	}
	o, err := e.reviews.Review(e.ctx, e.m1, r.ID)
	if since := dealgate.PausedSince(o.RFIs); err != nil || since == nil || !since.Equal(q.AskedAt) {
		t.Fatalf("paused since %v, want %v (%v)", since, q.AskedAt, err)
	}
	// Answered on 10 December at 06:00, 8 days and 20 hours after the
	// question: the due date moves by nine days, to 18 December.
	if err := e.reviews.AnswerInformation(e.ctx, e.counsel, d.ID, q.ID, "Our own data centre."); err != nil {
		t.Fatal(err)
	}
	o, err = e.reviews.Review(e.ctx, e.m1, r.ID)
	if err != nil || !o.Review.DueOn.Equal(time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)) || o.RFIs[0].DueMovedDays != 9 || dealgate.PausedSince(o.RFIs) != nil {
		t.Fatalf("after the answer: due %v, moved %d days, %v", o.Review.DueOn, o.RFIs[0].DueMovedDays, err)
	}
	var moved int
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT (after->>'due_date_moved_by_days')::int FROM audit_event WHERE action = 'review.information_answered'`).Scan(&moved); err != nil || moved != 9 {
		t.Errorf("audited move %d days, want 9 (%v)", moved, err)
	}
	// Reminders resume: the negotiation date (10 December) is near, the
	// moved due date is not past.
	reminders(10)
	for _, u := range []*dealgate.User{e.m1, e.m2} {
		if rows, _, _ := e.notified(t, u, dealgate.NotifyVoteReminder); rows != 1 {
			t.Errorf("%s: %d vote reminders after the answer, want 1", u.Email, rows)
		}
	}
	if rows, _, _ := e.notified(t, e.chair, dealgate.NotifyReviewOverdue); rows != 0 {
		t.Error("chair told the review is overdue before its moved due date")
	}
}

// Two requests open on the same days pause the clock once.
func TestOverlappingRequestsMoveTheDueDateOnce(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	d := e.submittedBy(t, e.counsel, "NWS", 1)
	r := e.open(t, d) // 1 December 10:00, due 9 December
	at := func(hours int) {
		e.db.Now = func() time.Time { return time.Date(2026, 12, 1, 10+hours, 0, 0, 0, time.UTC) }
	}
	a, err := e.reviews.AskInformation(e.ctx, e.chair, r.ID, "Who hosts the backups?")
	if err != nil {
		t.Fatal(err)
	}
	at(24)
	b, err := e.reviews.AskInformation(e.ctx, e.chair, r.ID, "Who may audit them?")
	if err != nil {
		t.Fatal(err)
	}
	at(48)
	if err := e.reviews.AnswerInformation(e.ctx, e.counsel, d.ID, a.ID, "We do."); err != nil {
		t.Fatal(err)
	}
	if o, _ := e.reviews.Review(e.ctx, e.m1, r.ID); !o.Review.DueOn.Equal(r.DueOn) {
		t.Errorf("due %v moved while a request is still open", o.Review.DueOn)
	}
	at(72)
	if err := e.reviews.AnswerInformation(e.ctx, e.counsel, d.ID, b.ID, "Only us."); err != nil {
		t.Fatal(err)
	}
	if o, _ := e.reviews.Review(e.ctx, e.m1, r.ID); !o.Review.DueOn.Equal(r.DueOn.AddDate(0, 0, 3)) {
		t.Errorf("due %v, want %v (paused three days once)", o.Review.DueOn, r.DueOn.AddDate(0, 0, 3))
	}
}
