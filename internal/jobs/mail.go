package jobs

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/dealgate/dealgate/internal/mail"
	"github.com/dealgate/dealgate/internal/postgres"
)

// Mail delivers the outbox: every Interval it claims due mail (a batch at
// a time, FOR UPDATE SKIP LOCKED, claim committed first), sends each
// message, and marks it sent, or schedules a retry with backoff. Several
// instances run it at once and each mail is sent by one of them; see
// postgres.Outbox for the one at-least-once edge.
type Mail struct {
	Outbox   *postgres.Outbox
	Sender   mail.Sender
	BaseURL  *url.URL // links in mail are made absolute with it
	Log      *slog.Logger
	Interval time.Duration
}

// mailBatch is how many mails one claim takes.
const mailBatch = 20

// Run delivers until ctx ends.
func (j *Mail) Run(ctx context.Context) {
	every(ctx, j.Interval, func(ctx context.Context) { j.Once(ctx) })
}

// Once delivers every mail due now and reports how many it sent.
func (j *Mail) Once(ctx context.Context) int {
	sent := 0
	for {
		batch, err := j.Outbox.Claim(ctx, mailBatch)
		if err != nil {
			if ctx.Err() == nil {
				j.Log.Error("mail: claim", "err", err)
			}
			return sent
		}
		for _, m := range batch {
			if j.deliver(ctx, m) {
				sent++
			}
		}
		if len(batch) < mailBatch {
			return sent
		}
	}
}

// deliver sends one claimed mail and records the outcome.
func (j *Mail) deliver(ctx context.Context, m postgres.OutboundMail) bool {
	err := j.Sender.Send(ctx, mail.Message{To: m.To, ToName: m.ToName, Subject: m.Subject, Body: j.body(m)})
	// Record the outcome even when ctx ends now: the send happened.
	rec := context.WithoutCancel(ctx)
	if err != nil {
		gaveUp, ferr := j.Outbox.Failed(rec, m, err)
		switch {
		case ferr != nil:
			j.Log.Error("mail: record failure", "mail", m.ID, "err", ferr)
		case gaveUp:
			j.Log.Error("mail: given up", "mail", m.ID, "attempts", m.Attempts, "err", err)
		default:
			j.Log.Warn("mail: send failed; will retry", "mail", m.ID, "attempts", m.Attempts, "err", err)
		}
		return false
	}
	ok, err := j.Outbox.Sent(rec, m)
	if err != nil {
		j.Log.Error("mail: sent but not marked; it may be sent again", "mail", m.ID, "err", err)
	} else if !ok {
		j.Log.Warn("mail: sent after its claim went stale; another instance may send it again", "mail", m.ID)
	}
	return true
}

// body is the mail's text with its link made absolute.
func (j *Mail) body(m postgres.OutboundMail) string {
	if m.Link == "" {
		return m.Body
	}
	base := "http://localhost:8080"
	if j.BaseURL != nil {
		base = strings.TrimSuffix(j.BaseURL.String(), "/")
	}
	return m.Body + "\n\n" + base + m.Link + "\n"
}

// Reminders writes the daily reminders. It runs every Interval (hourly);
// each reminder is keyed by review, person and day, so only the first pass
// of a day writes it, whichever instance runs it.
type Reminders struct {
	Notifications *postgres.Notifications
	Log           *slog.Logger
	Interval      time.Duration
}

// Run writes reminders until ctx ends.
func (j *Reminders) Run(ctx context.Context) {
	every(ctx, j.Interval, j.Once)
}

// Once runs one pass; failures are logged and retried next pass.
func (j *Reminders) Once(ctx context.Context) {
	res, err := j.Notifications.SendReminders(ctx)
	if err != nil {
		if ctx.Err() == nil {
			j.Log.Error("reminders", "err", err)
		}
		return
	}
	if res.Reminders+res.Overdue > 0 {
		j.Log.Info("reminders written", "reviews", res.Reviews, "vote_reminders", res.Reminders, "overdue", res.Overdue)
	}
}
