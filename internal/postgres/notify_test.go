package postgres_test

import "errors"
import "strconv"
import "strings"
import "sync"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/jobs/jobstest"
import "github.com/dealgate/dealgate/internal/postgres"

// notified counts the notifications of an event to a user, and their mails.
func (e *reviewEnv) notified(t *testing.T, u *dealgate.User, event dealgate.NotifyEvent) (rows, inApp, mails int) {
	t.Helper()
	err := e.db.Pool.QueryRow(e.ctx, `
		SELECT count(*), count(*) FILTER (WHERE n.in_app), (SELECT count(*) FROM mail_outbox m JOIN notification k ON k.id = m.notification_id
		                                                    WHERE k.recipient_id = $1 AND k.event = $2)
		FROM notification n WHERE n.recipient_id = $1 AND n.event = $2`, u.ID, string(event)).Scan(&rows, &inApp, &mails)
	if err != nil {
		t.Fatal(err)
	}
	return rows, inApp, mails
}

func prefsForm(m map[dealgate.NotifyEvent]dealgate.NotifyChannel) func(string) string {
	return func(field string) string {
		for _, e := range dealgate.AllNotifyEvents {
			if dealgate.NotifyPrefsField(e) == field {
				if c, ok := m[e]; ok {
					return string(c)
				}
				return string(dealgate.ChannelBoth)
			}
		}
		return ""
	}
}

var errRollBack = errors.New("roll back")

func TestNotificationsAreWrittenWithTheirEventAndNotOnRollback(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	d := e.submitted(t)
	// A review opened in a transaction that then rolls back tells nobody.
	err := e.db.InTx(e.ctx, func(tx *postgres.Tx) error {
		if _, err := e.reviews.Within(tx).OpenReview(e.ctx, e.chair, d.ID, d.Version, ""); err != nil {
			return err
		}
		return errRollBack
	})
	if !errors.Is(err, errRollBack) {
		t.Fatalf("rolled back open: %v", err)
	}
	var n, mails int
	_ = e.db.Pool.QueryRow(e.ctx, `SELECT (SELECT count(*) FROM notification), (SELECT count(*) FROM mail_outbox WHERE notification_id IS NOT NULL)`).Scan(&n, &mails)
	if n != 0 || mails != 0 {
		t.Fatalf("after rollback: %d notifications, %d mails", n, mails)
	}
	r := e.open(t, d)
	for _, u := range []*dealgate.User{e.m1, e.m2, e.m3, e.member} {
		if rows, inApp, mails := e.notified(t, u, dealgate.NotifyReviewAssigned); rows != 1 || inApp != 1 || mails != 1 {
			t.Errorf("%s: %d notifications (%d in app), %d mails", u.Email, rows, inApp, mails)
		}
	}
	// Nobody is told of their own change; counsel are not assigned.
	for _, u := range []*dealgate.User{e.chair, e.counsel} {
		if rows, _, _ := e.notified(t, u, dealgate.NotifyReviewAssigned); rows != 0 {
			t.Errorf("%s told of the review opening", u.Email)
		}
	}
	// The chair asks; counsel (the deal's author) are told, with the question.
	if _, err := e.reviews.AskInformation(e.ctx, e.chair, r.ID, "Who hosts the backups?"); err != nil {
		t.Fatal(err)
	}
	if rows, _, mails := e.notified(t, e.counsel, dealgate.NotifyInformationRequested); rows != 1 || mails != 1 {
		t.Errorf("counsel: %d requests, %d mails", rows, mails)
	}
	var link, title string
	_ = e.db.Pool.QueryRow(e.ctx, `SELECT link, title FROM notification WHERE event = 'information_requested'`).Scan(&link, &title)
	if link != "/deals/"+strconv.FormatInt(d.ID, 10) || title != "Information requested: "+d.Content.Title {
		t.Errorf("request notice: %q %q", link, title)
	}
}

func TestNotificationPreferences(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	notes := postgres.NewNotifications(e.db)
	if _, err := notes.UpdatePrefs(e.ctx, e.m1, func(string) string { return "sometimes" }); dealgate.ErrorFields(err)[dealgate.NotifyPrefsField(dealgate.NotifyReviewAssigned)] == "" {
		t.Fatalf("nonsense choice: %v", err)
	}
	if _, err := notes.UpdatePrefs(e.ctx, e.m1, prefsForm(map[dealgate.NotifyEvent]dealgate.NotifyChannel{dealgate.NotifyReviewAssigned: dealgate.ChannelApp})); err != nil {
		t.Fatal(err)
	}
	// Saving the same choices again changes nothing and is not audited again.
	if _, err := notes.UpdatePrefs(e.ctx, e.m1, prefsForm(map[dealgate.NotifyEvent]dealgate.NotifyChannel{dealgate.NotifyReviewAssigned: dealgate.ChannelApp})); err != nil {
		t.Fatal(err)
	}
	if n := e.auditCount(t, "user.notifications_updated"); n != 1 {
		t.Errorf("%d preference events, want 1", n)
	}
	if _, err := notes.UpdatePrefs(e.ctx, e.m2, prefsForm(map[dealgate.NotifyEvent]dealgate.NotifyChannel{dealgate.NotifyReviewAssigned: dealgate.ChannelEmail})); err != nil {
		t.Fatal(err)
	}
	p, err := notes.Prefs(e.ctx, e.m2)
	if err != nil || p.Channel(dealgate.NotifyReviewAssigned) != dealgate.ChannelEmail || p.Channel(dealgate.NotifyDecisionRecorded) != dealgate.ChannelBoth {
		t.Fatalf("m2 prefs: %v %v", p, err)
	}
	// m3 takes no notification e-mail at all (the account's switch).
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE users SET notify_email = false WHERE id = $1`, e.m3.ID); err != nil {
		t.Fatal(err)
	}
	e.open(t, e.submitted(t))
	for _, c := range []struct {
		u                  *dealgate.User
		rows, inApp, mails int
	}{{e.m1, 1, 1, 0}, {e.m2, 1, 0, 1}, {e.m3, 1, 1, 0}, {e.member, 1, 1, 1}} {
		if rows, inApp, mails := e.notified(t, c.u, dealgate.NotifyReviewAssigned); rows != c.rows || inApp != c.inApp || mails != c.mails {
			t.Errorf("%s: %d rows, %d in app, %d mails; want %d, %d, %d", c.u.Email, rows, inApp, mails, c.rows, c.inApp, c.mails)
		}
	}
	// m2's e-mail-only notice is not in their list.
	page, err := notes.List(e.ctx, e.m2, dealgate.PageRequest{})
	if err != nil || page.Total != 0 {
		t.Errorf("m2's list: %+v %v", page, err)
	}
}

func TestNotificationListIsTheRecipientsOwn(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	notes := postgres.NewNotifications(e.db)
	r := e.open(t, e.submitted(t))
	page, err := notes.List(e.ctx, e.m1, dealgate.PageRequest{Page: 1, PerPage: 10})
	if err != nil || page.Total != 1 || len(page.Items) != 1 || page.Items[0].ReadAt != nil {
		t.Fatalf("m1's list: %+v %v", page, err)
	}
	id := page.Items[0].ID
	if _, err := notes.Open(e.ctx, e.m2, id); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("m2 opens m1's notification: %v", err)
	}
	if _, err := notes.List(e.ctx, nil, dealgate.PageRequest{}); dealgate.ErrorCode(err) != dealgate.EUNAUTHORIZED {
		t.Errorf("anonymous list: %v", err)
	}
	link, err := notes.Open(e.ctx, e.m1, id)
	if err != nil || link != "/reviews/"+strconv.FormatInt(r.ID, 10) {
		t.Fatalf("open: %q %v", link, err)
	}
	if _, err := notes.Open(e.ctx, e.m1, id); err != nil {
		t.Errorf("open again: %v", err)
	}
	page, _ = notes.List(e.ctx, e.m1, dealgate.PageRequest{})
	if page.Items[0].ReadAt == nil {
		t.Error("opened notification still unread")
	}
	// Mark all read marks up to the newest the page showed, not later ones.
	if _, err := notes.MarkAllRead(e.ctx, e.m2, 0); err != nil {
		t.Fatal(err)
	}
	var unread int
	_ = e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM notification WHERE recipient_id = $1 AND read_at IS NULL`, e.m2.ID).Scan(&unread)
	if unread != 1 {
		t.Errorf("m2 unread after marking up to 0: %d", unread)
	}
	if n, err := notes.MarkAllRead(e.ctx, e.m2, 1<<40); err != nil || n != 1 {
		t.Errorf("mark all: %d %v", n, err)
	}
	// Marking read is not an audit event.
	if n := e.auditCount(t, "notification.read"); n != 0 {
		t.Errorf("%d read events", n)
	}
}

func TestReminderSelection(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	notes := postgres.NewNotifications(e.db)
	// "both" submits: the submitter is never assigned, never reminded.
	d := e.submittedBy(t, e.both, "NWS", 1)
	r := e.open(t, d) // due 9 December, negotiation 10 December, reminders from 3 days before
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, vote(dealgate.VoteApprove)); err != nil {
		t.Fatal(err)
	}
	if err := e.reviews.Recuse(e.ctx, e.m2, r.ID, "Former employer"); err != nil {
		t.Fatal(err)
	}
	// A decided review reminds nobody.
	dd := e.submitted(t)
	decided := e.open(t, dd)
	for _, u := range []*dealgate.User{e.m1, e.m2} {
		if _, err := e.reviews.Vote(e.ctx, u, decided.ID, vote(dealgate.VoteApprove)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.reviews.Decide(e.ctx, e.chair, decided.ID, dd.CurrentVersion, dealgate.DecisionInput{Outcome: dealgate.OutcomeApproved, Memo: "Yes."}); err != nil {
		t.Fatal(err)
	}
	// Before the window: nothing.
	if res, err := notes.SendReminders(e.ctx); err != nil || res.Reminders+res.Overdue != 0 {
		t.Fatalf("before the window: %+v %v", res, err)
	}
	e.db.Now = func() time.Time { return time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC) }
	// Two instances at once, and again: each person is reminded once today.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := notes.SendReminders(e.ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if _, err := notes.SendReminders(e.ctx); err != nil {
		t.Fatal(err)
	}
	want := map[int64]bool{e.chair.ID: true, e.m3.ID: true, e.member.ID: true}
	for _, u := range []*dealgate.User{e.chair, e.m1, e.m2, e.m3, e.member, e.both, e.counsel} {
		rows, _, mails := e.notified(t, u, dealgate.NotifyVoteReminder)
		if w := want[u.ID]; (w && (rows != 1 || mails != 1)) || (!w && rows != 0) {
			t.Errorf("%s: %d reminders, %d mails (want reminded: %v)", u.Email, rows, mails, w)
		}
	}
	var onDecided int
	_ = e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM notification WHERE event = 'vote_reminder' AND (review_id = $1 OR body ~ $2)`,
		decided.ID, " /reviews/"+strconv.FormatInt(decided.ID, 10)+"(\n|$)").Scan(&onDecided)
	if onDecided != 0 {
		t.Errorf("%d reminders list the decided review", onDecided)
	}
	if rows, _, _ := e.notified(t, e.chair, dealgate.NotifyReviewOverdue); rows != 0 {
		t.Error("overdue reminder before the due date")
	}
	// After the due date the chair hears that it is overdue, once that day.
	e.db.Now = func() time.Time { return time.Date(2026, 12, 10, 6, 0, 0, 0, time.UTC) }
	for range 2 {
		if _, err := notes.SendReminders(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if rows, _, mails := e.notified(t, e.chair, dealgate.NotifyReviewOverdue); rows != 1 || mails != 1 {
		t.Errorf("chair overdue: %d, %d mails", rows, mails)
	}
	if rows, _, _ := e.notified(t, e.m3, dealgate.NotifyReviewOverdue); rows != 0 {
		t.Error("a member heard that the review is overdue")
	}
	// Once m3 votes, m3 is no longer reminded.
	if _, err := e.reviews.Vote(e.ctx, e.m3, r.ID, vote(dealgate.VoteAbstain)); err != nil {
		t.Fatal(err)
	}
	e.db.Now = func() time.Time { return time.Date(2026, 12, 11, 6, 0, 0, 0, time.UTC) }
	if _, err := notes.SendReminders(e.ctx); err != nil {
		t.Fatal(err)
	}
	if rows, _, _ := e.notified(t, e.m3, dealgate.NotifyVoteReminder); rows != 2 {
		t.Errorf("m3: %d reminders in all, want 2 (none after voting)", rows)
	}
	if rows, _, _ := e.notified(t, e.member, dealgate.NotifyVoteReminder); rows != 3 {
		t.Errorf("member: %d reminders over three days, want 3", rows)
	}
}

// digest returns u's notification of event with its mail's body ("" when
// none), failing unless there is exactly one.
func (e *reviewEnv) digest(t *testing.T, u *dealgate.User, event dealgate.NotifyEvent) (title, body, link, mailBody string) {
	t.Helper()
	err := e.db.Pool.QueryRow(e.ctx, `SELECT n.title, n.body, n.link, coalesce((SELECT m.body FROM mail_outbox m WHERE m.notification_id = n.id), '')
		FROM notification n WHERE n.recipient_id = $1 AND n.event = $2`, u.ID, string(event)).Scan(&title, &body, &link, &mailBody)
	if err != nil {
		t.Fatalf("%s's %s: %v", u.Email, event, err)
	}
	return title, body, link, mailBody
}

// lists reports whether a digest's body lists review r (a line ending in its link).
func lists(body string, r dealgate.Review) bool {
	for _, l := range strings.Split(body, "\n") {
		if strings.HasSuffix(l, " /reviews/"+strconv.FormatInt(r.ID, 10)) {
			return true
		}
	}
	return false
}

// Vote reminders are one digest per person per day: a member waiting on
// three reviews gets one notification and one mail listing all three, and
// a second pass that day (even after another review enters the window)
// writes nothing. Declared interests, votes and the submitter still decide
// who waits on what.
func TestVoteRemindersAreOneDailyDigest(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	notes := postgres.NewNotifications(e.db)
	// m3's declared interest in Azurine's parent recuses them from rz.
	if _, err := e.reviews.Declare(e.ctx, e.m3, "Azurine Corporation", ""); err != nil {
		t.Fatal(err)
	}
	r1 := e.open(t, e.submittedBy(t, e.counsel, "NWS", 1)) // all due 9 December
	r2 := e.open(t, e.submittedBy(t, e.counsel, "NWS", 2))
	r3 := e.open(t, e.submittedBy(t, e.counsel, "NWS", 3))
	rz := e.open(t, e.submittedBy(t, e.counsel, "Azurine", 4))
	if _, err := e.reviews.Vote(e.ctx, e.m1, r1.ID, vote(dealgate.VoteApprove)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reviews.Vote(e.ctx, e.member, rz.ID, vote(dealgate.VoteFlag)); err != nil {
		t.Fatal(err)
	}
	e.db.Now = func() time.Time { return time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC) }
	res, err := notes.SendReminders(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Waiting: chair, m2, both on all four; m1 on r2, r3, rz; m3 on r1-r3;
	// member on r1-r3.
	if want := (postgres.ReminderResult{Reviews: 4, Awaited: 21, Reminders: 6}); res != want {
		t.Errorf("first pass: %+v, want %+v", res, want)
	}
	for _, c := range []struct {
		u      *dealgate.User
		listed []dealgate.Review
		not    []dealgate.Review
	}{
		{e.member, []dealgate.Review{r1, r2, r3}, []dealgate.Review{rz}},
		{e.m3, []dealgate.Review{r1, r2, r3}, []dealgate.Review{rz}},
		{e.m1, []dealgate.Review{r2, r3, rz}, []dealgate.Review{r1}},
	} {
		if rows, inApp, mails := e.notified(t, c.u, dealgate.NotifyVoteReminder); rows != 1 || inApp != 1 || mails != 1 {
			t.Errorf("%s: %d notifications (%d in app), %d mails; want one of each", c.u.Email, rows, inApp, mails)
			continue
		}
		title, body, link, mailBody := e.digest(t, c.u, dealgate.NotifyVoteReminder)
		if title != "Your vote is awaited on 3 reviews" || link != "/committee/reviews?state=open&mine=pending" || mailBody != body {
			t.Errorf("%s: %q, link %q, mail body %q", c.u.Email, title, link, mailBody)
		}
		for _, r := range c.listed {
			if !lists(body, r) {
				t.Errorf("%s's digest does not list review %d:\n%s", c.u.Email, r.ID, body)
			}
		}
		for _, r := range c.not {
			if lists(body, r) {
				t.Errorf("%s's digest lists review %d:\n%s", c.u.Email, r.ID, body)
			}
		}
		if !strings.Contains(body, "due 9 December 2026") {
			t.Errorf("%s's digest lacks the due date:\n%s", c.u.Email, body)
		}
	}
	if rows, _, _ := e.notified(t, e.counsel, dealgate.NotifyVoteReminder); rows != 0 {
		t.Error("the submitter was reminded")
	}
	// A second pass the same day writes nothing, though a fifth review has
	// entered the window since.
	var before, mailsBefore int
	count := func(n, m *int) {
		_ = e.db.Pool.QueryRow(e.ctx, `SELECT (SELECT count(*) FROM notification), (SELECT count(*) FROM mail_outbox)`).Scan(n, m)
	}
	count(&before, &mailsBefore)
	e.open(t, e.submittedBy(t, e.counsel, "NWS", 5))
	count(&before, &mailsBefore) // the opening's own notices
	res, err = notes.SendReminders(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var after, mailsAfter int
	count(&after, &mailsAfter)
	if res.Reminders != 0 || res.Overdue != 0 || res.Reviews != 5 || after != before || mailsAfter != mailsBefore {
		t.Errorf("second pass: %+v; notifications %d -> %d, mails %d -> %d", res, before, after, mailsBefore, mailsAfter)
	}
}

// The chairs' overdue reminder is one digest a day listing every overdue
// review, and only those.
func TestOverdueRemindersAreOneDailyDigest(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	notes := postgres.NewNotifications(e.db)
	ra := e.open(t, e.submittedBy(t, e.counsel, "NWS", 1)) // due 9 December
	rb := e.open(t, e.submittedBy(t, e.counsel, "NWS", 2))
	e.db.Now = func() time.Time { return time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC) }
	rc := e.open(t, e.submittedBy(t, e.counsel, "NWS", 3)) // due later
	e.db.Now = func() time.Time { return time.Date(2026, 12, 10, 6, 0, 0, 0, time.UTC) }
	for range 2 {
		if _, err := notes.SendReminders(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	if rows, _, mails := e.notified(t, e.chair, dealgate.NotifyReviewOverdue); rows != 1 || mails != 1 {
		t.Fatalf("chair: %d overdue digests, %d mails; want 1", rows, mails)
	}
	title, body, _, _ := e.digest(t, e.chair, dealgate.NotifyReviewOverdue)
	if title != "2 reviews are overdue" || !lists(body, ra) || !lists(body, rb) || lists(body, rc) {
		t.Errorf("overdue digest %q:\n%s", title, body)
	}
}

func TestVerdictChangedByRescreeningTellsTheReviewers(t *testing.T) {
	t.Parallel()
	e := newScreeningEnv(t)
	chair := regUser(t, e.db, "chair@example.test", dealgate.RoleChair)
	d := e.submitted(t)
	if _, err := postgres.NewReviews(e.db, e.deals).OpenReview(e.ctx, chair, d.ID, d.Version, ""); err != nil {
		t.Fatal(err)
	}
	jobstest.RunRescreens(t, e.deals.Screenings)
	in := e.exclusivity.Input()
	in.CategoryIDs = []int64{e.apis, e.hosting}
	if _, err := e.reg.UpdateClause(e.ctx, e.admin, e.exclusivity.ID, e.exclusivity.Version, in); err != nil {
		t.Fatal(err)
	}
	if _, r := jobstest.RunRescreens(t, e.deals.Screenings); r.Changed != 1 {
		t.Fatalf("re-screening: %+v", r)
	}
	var member, counsel int
	var title string
	_ = e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FILTER (WHERE recipient_id = $1), count(*) FILTER (WHERE recipient_id = $2), max(title)
		FROM notification WHERE event = 'verdict_changed'`, e.member.ID, e.counsel.ID).Scan(&member, &counsel, &title)
	if member != 1 || counsel != 0 || !strings.HasPrefix(title, "Screening changed: ") {
		t.Errorf("verdict change: member %d, counsel %d, %q", member, counsel, title)
	}
}
