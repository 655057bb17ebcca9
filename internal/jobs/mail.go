package jobs

import "context"
import "errors"
import "log/slog"
import "net/url"
import "strings"
import "time"

import "github.com/riverqueue/river"

import "github.com/dealgate/dealgate/internal/mail"
import "github.com/dealgate/dealgate/internal/postgres"

// Mail sends one mail of the outbox (postgres.MailJob). A failed send is
// retried by River after postgres.MailBackoff, up to MaxMailAttempts; see
// postgres.Outbox for why no mail is sent twice.
type Mail struct {
	river.WorkerDefaults[postgres.MailJob]
	Outbox  *postgres.Outbox
	Sender  mail.Sender
	BaseURL *url.URL
	Log     *slog.Logger
	// Backoff is the wait after the attempt-th failed send; nil:
	// postgres.MailBackoff.
	Backoff func(attempt int) time.Duration
}

// Timeout bounds one send (the SMTP client has its own, shorter, timeouts).
func (w *Mail) Timeout(*river.Job[postgres.MailJob]) time.Duration { return 2 * time.Minute }

// NextRetry schedules the next attempt after a failed send.
func (w *Mail) NextRetry(job *river.Job[postgres.MailJob]) time.Time {
	backoff := postgres.MailBackoff
	if w.Backoff != nil {
		backoff = w.Backoff
	}
	return time.Now().Add(backoff(job.Attempt))
}

// Work sends the mail and records the outcome.
func (w *Mail) Work(ctx context.Context, job *river.Job[postgres.MailJob]) error {
	m, ok, err := w.Outbox.Start(ctx, job.Args.MailID)
	if errors.Is(err, postgres.ErrMailInterrupted) {
		w.Log.Error("mail: interrupted while sending; not sent again", "mail", job.Args.MailID)
		return river.JobCancel(err)
	}
	if err != nil || !ok {
		return err
	}
	sendErr := w.Sender.Send(ctx, mail.Message{To: m.To, ToName: m.ToName, Subject: m.Subject, Body: w.body(m)})
	// Record the outcome even when ctx ends now: the send happened.
	rec := context.WithoutCancel(ctx)
	if sendErr != nil {
		giveUp := job.Attempt >= job.MaxAttempts
		if err := w.Outbox.Failed(rec, m, sendErr, giveUp); err != nil {
			w.Log.Error("mail: record failure", "mail", m.ID, "err", err)
		}
		if giveUp {
			w.Log.Error("mail: given up", "mail", m.ID, "attempts", m.Attempts, "err", sendErr)
		}
		return sendErr
	}
	if err := w.Outbox.Sent(rec, m); err != nil {
		// Not an error for River: a retry would find the mail 'sending'
		// and record it failed, though it went out.
		w.Log.Error("mail: sent but not marked sent", "mail", m.ID, "err", err)
	}
	return nil
}

// body is the mail's text with its link added and made absolute. A path
// in the app at the end of a line of the text (a digest's reviews) is made
// absolute too; the link is not repeated when the text already ends with it.
func (w *Mail) body(m postgres.OutboundMail) string {
	base := "http://localhost:8080"
	if w.BaseURL != nil {
		base = strings.TrimSuffix(w.BaseURL.String(), "/")
	}
	body := absoluteLinks(m.Body, base)
	if m.Link == "" || strings.HasSuffix(m.Body, " "+m.Link) {
		return body
	}
	return body + "\n\n" + base + m.Link + "\n"
}

// absoluteLinks prefixes base to each path in the app (a word starting
// with one "/") that ends a line of body.
func absoluteLinks(body, base string) string {
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		k := strings.LastIndexByte(l, ' ')
		if k < 0 {
			continue
		}
		if p := l[k+1:]; strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") {
			lines[i] = l[:k+1] + base + p
		}
	}
	return strings.Join(lines, "\n")
}

// RemindersJob writes the daily reminders (a periodic job).
type RemindersJob struct{}

// Kind names the job in River.
func (RemindersJob) Kind() string { return "reminders" }

// Reminders writes the daily reminder digests. It runs hourly; each digest
// is keyed by event, person and day, so only the first pass of a day writes
// it, whichever instance runs it.
type Reminders struct {
	river.WorkerDefaults[RemindersJob]
	Notifications *postgres.Notifications
	Log           *slog.Logger
}

// Timeout bounds one pass.
func (j *Reminders) Timeout(*river.Job[RemindersJob]) time.Duration { return 10 * time.Minute }

// Work runs one pass; a failure is retried by River.
func (j *Reminders) Work(ctx context.Context, _ *river.Job[RemindersJob]) error {
	res, err := j.Notifications.SendReminders(ctx)
	if err != nil {
		return err
	}
	if res.Reminders+res.Overdue > 0 {
		j.Log.Info("reminders written", "reviews", res.Reviews, "awaited_votes", res.Awaited, "vote_digests", res.Reminders,
			"overdue_reviews", res.OverdueReviews, "overdue_digests", res.Overdue)
	}
	return nil
}
