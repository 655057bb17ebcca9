package postgres

// Notifications: the transactional outbox. A change that tells people calls
// tx.notify once, inside its own transaction: one notification row per
// recipient (shown in the app when they want it) and one mail_outbox row
// when they want e-mail, with the River job that sends it. All commit or
// roll back with the change. The mail worker (internal/jobs/mail.go) sends
// each and marks it sent (notify_outbox.go); reminders are in
// notify_reminders.go.

import "context"
import "fmt"
import "strconv"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

var mailLinkColumn = sealedColumn{"mail_outbox", "link"}

func init() { sealedColumns = append(sealedColumns, mailLinkColumn) }

// notify writes n for each of its recipients but actor (nobody is told of
// their own change), as each recipient chose for the event. It reports how
// many notifications it wrote (a reminder whose key was used writes none).
func (tx *Tx) notify(ctx context.Context, actor *dealgate.User, n dealgate.Notice) (int, error) {
	ids := make([]int64, 0, len(n.Recipients))
	seen := map[int64]bool{}
	for _, id := range n.Recipients {
		if !seen[id] && (actor == nil || id != actor.ID) {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	rows, err := tx.Q.NotifyRecipients(ctx, sqlc.NotifyRecipientsParams{Event: string(n.Event), Ids: ids})
	if err != nil {
		return 0, fmt.Errorf("notification recipients: %w", err)
	}
	written := 0
	for _, r := range rows {
		ch := dealgate.NotifyChannel(r.Channel)
		var key *string
		if n.DedupeKey != "" {
			k := n.DedupeKey + ":" + strconv.FormatInt(r.ID, 10)
			key = &k
		}
		id, err := tx.Q.InsertNotification(ctx, sqlc.InsertNotificationParams{
			RecipientID: r.ID, Event: string(n.Event), DealID: n.DealID, ReviewID: n.ReviewID, Title: n.Title,
			Body: n.Body, Link: n.Link, InApp: ch.InApp(), Now: tx.Now, DedupeKey: key,
		})
		if isNotFound(err) {
			continue // this reminder was already written (another instance, or earlier today)
		}
		if err != nil {
			return written, fmt.Errorf("insert notification: %w", err)
		}
		written++
		if ch.Email() && r.NotifyEmail {
			if err := tx.queueMail(ctx, &id, r.Email, r.Name, n.Title, n.Body, n.Link); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// queueMail puts a mail in the outbox and queues the River job that sends
// it. link is a path in the app; it is sealed at rest, since a password
// link is a credential.
func (tx *Tx) queueMail(ctx context.Context, notificationID *int64, to, name, subject, body, link string) error {
	id, err := tx.Q.InsertMail(ctx, sqlc.InsertMailParams{NotificationID: notificationID, ToAddress: to, ToName: name,
		Subject: subject, Body: body, Now: tx.Now})
	if err != nil {
		return fmt.Errorf("queue mail: %w", err)
	}
	sealed := tx.sealSecret(mailLinkColumn, id, link)
	if err := tx.Q.SetMailLink(ctx, sqlc.SetMailLinkParams{Link: &sealed, ID: id}); err != nil {
		return err
	}
	return tx.enqueue(ctx, MailJob{MailID: id})
}

// reviewMembers returns the ids of the members assigned to a review.
func (tx *Tx) reviewMembers(ctx context.Context, reviewID int64) ([]int64, error) {
	ids, err := tx.Q.ReviewMemberIDs(ctx, reviewID)
	if err != nil {
		return nil, fmt.Errorf("review members: %w", err)
	}
	return ids, nil
}

func reviewLink(id int64) string { return "/reviews/" + strconv.FormatInt(id, 10) }
func dealLink(id int64) string   { return "/deals/" + strconv.FormatInt(id, 10) }

// Notifications is the in-app side: the bell, the list, marking read and
// each person's preferences.
type Notifications struct {
	DB *DB
}

// NewNotifications returns the notification service on db.
func NewNotifications(db *DB) *Notifications { return &Notifications{DB: db} }

// List returns a page of actor's notifications, newest first.
// Errors: EUNAUTHORIZED.
func (s *Notifications) List(ctx context.Context, actor *dealgate.User, p dealgate.PageRequest) (dealgate.Page[dealgate.Notification], error) {
	p = p.Normalize()
	return authorized(ctx, s.DB, actor, dealgate.ActSignedIn, func(tx *Tx) (dealgate.Page[dealgate.Notification], error) {
		page := dealgate.Page[dealgate.Notification]{Page: p.Page, PerPage: p.PerPage, Items: []dealgate.Notification{}}
		total, err := tx.Q.CountNotifications(ctx, actor.ID)
		if err != nil {
			return page, err
		}
		page.Total = int(total)
		rows, err := tx.Q.ListNotifications(ctx, sqlc.ListNotificationsParams{RecipientID: actor.ID, Skip: int32(p.Offset()), MaxRows: int32(p.PerPage)})
		if err != nil {
			return page, err
		}
		for _, r := range rows {
			page.Items = append(page.Items, dealgate.Notification{ID: r.ID, Event: dealgate.NotifyEvent(r.Event), DealID: r.DealID,
				ReviewID: r.ReviewID, Title: r.Title, Body: r.Body, Link: r.Link, CreatedAt: r.CreatedAt, ReadAt: r.ReadAt})
		}
		return page, nil
	})
}

// Open marks one of actor's notifications read and returns where it leads.
// Marking read is the reader's own view of their inbox, not a change to a
// record, so it is not an audit event.
// Errors: EUNAUTHORIZED, ENOTFOUND (also another person's notification).
func (s *Notifications) Open(ctx context.Context, actor *dealgate.User, id int64) (string, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActSignedIn, func(tx *Tx) (string, error) {
		link, err := tx.Q.MarkNotificationRead(ctx, sqlc.MarkNotificationReadParams{Now: &tx.Now, ID: id, RecipientID: actor.ID})
		return link, orNotFound(err, "notification")
	})
}

// MarkAllRead marks actor's notifications up to id upTo (the newest the
// page showed, so one that arrived meanwhile stays unread) read, and
// returns how many it marked. Not an audit event (see Open).
// Errors: EUNAUTHORIZED.
func (s *Notifications) MarkAllRead(ctx context.Context, actor *dealgate.User, upTo int64) (int, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActSignedIn, func(tx *Tx) (int, error) {
		n, err := tx.Q.MarkAllNotificationsRead(ctx, sqlc.MarkAllNotificationsReadParams{Now: &tx.Now, RecipientID: actor.ID, UpTo: upTo})
		return int(n), err
	})
}

// Prefs returns actor's notification preferences.
// Errors: EUNAUTHORIZED.
func (s *Notifications) Prefs(ctx context.Context, actor *dealgate.User) (dealgate.NotifyPrefs, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActSignedIn, func(tx *Tx) (dealgate.NotifyPrefs, error) {
		return tx.notifyPrefs(ctx, actor.ID)
	})
}

func (tx *Tx) notifyPrefs(ctx context.Context, userID int64) (dealgate.NotifyPrefs, error) {
	rows, err := tx.Q.ListNotifyPrefs(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("notification preferences: %w", err)
	}
	p := dealgate.NotifyPrefs{}
	for _, r := range rows {
		p[dealgate.NotifyEvent(r.Event)] = dealgate.NotifyChannel(r.Channel)
	}
	return p, nil
}

// UpdatePrefs saves actor's choice per event from the preferences form
// (read through value). Saving the same choices again changes nothing and
// writes no event; a change is the audit event user.notifications_updated
// with the choices before and after.
// Errors: EUNAUTHORIZED, EINVALID (a field per event).
func (s *Notifications) UpdatePrefs(ctx context.Context, actor *dealgate.User, value func(string) string) (dealgate.NotifyPrefs, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActSignedIn, func(tx *Tx) (dealgate.NotifyPrefs, error) {
		p, err := dealgate.ParseNotifyPrefs(value)
		if err != nil {
			return p, err
		}
		// Serialise one person's saves, so the audit's "before" is true.
		if _, err := tx.Q.LockUserRow(ctx, actor.ID); err != nil {
			return p, orNotFound(err, "user")
		}
		before, err := tx.notifyPrefs(ctx, actor.ID)
		if err != nil {
			return p, err
		}
		changed := false
		for _, e := range dealgate.AllNotifyEvents {
			if before.Channel(e) == p.Channel(e) {
				continue
			}
			changed = true
			if err := tx.Q.UpsertNotifyPref(ctx, sqlc.UpsertNotifyPrefParams{UserID: actor.ID, Event: string(e), Channel: string(p[e])}); err != nil {
				return p, fmt.Errorf("save preference: %w", err)
			}
		}
		if !changed {
			return p, nil
		}
		return p, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "user.notifications_updated", EntityType: dealgate.EntityUser, EntityID: idString(actor.ID),
			Before: before.Snapshot(), After: p.Snapshot(),
		})
	})
}

// The outbox's retry schedule: a failed send waits MailBackoff(attempts),
// and after MaxMailAttempts the mail is given up as failed.
const MaxMailAttempts = 8

// MailBackoff is how long a mail waits after its attempts-th failed send:
// from one minute, doubling, up to an hour.
func MailBackoff(attempts int) time.Duration {
	d := time.Minute << min(max(attempts, 1)-1, 6)
	return min(d, time.Hour)
}
