package server_test

import "context"
import "net/http"
import "net/url"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

func TestNotificationsBellListAndPreferences(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	u := mustUser(t, app, "mina@example.com", dealgate.RoleMember)
	c := app.newClient()
	app.signInAs(c, "mina@example.com", testPassword)
	if n := app.getWith(c, "/").doc(t).Find(`[data-testid="bell-count"]`).Length(); n != 0 {
		t.Fatalf("bell count shown with nothing unread")
	}
	for range 2 {
		if _, err := app.db.Pool.Exec(context.Background(), `INSERT INTO notification (recipient_id, event, title, link, in_app, created_at)
			VALUES ($1, 'review_assigned', 'Review opened: Fixture', '/committee', true, now())`, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	doc := app.getWith(c, "/").doc(t)
	if got := doc.Find(`[data-testid="bell-count"]`).Text(); got != "2" {
		t.Fatalf("bell count %q, want 2", got)
	}
	if label, _ := doc.Find(`[data-testid="bell"]`).Attr("aria-label"); label != "Notifications, 2 unread" {
		t.Errorf("bell label %q", label)
	}
	list := app.getWith(c, "/notifications").doc(t)
	if n := list.Find(`[data-testid="notification"]`).Length(); n != 2 {
		t.Fatalf("%d notifications listed", n)
	}
	open, _ := list.Find(`[data-testid="notification"] form`).First().Attr("action")
	r := app.postForm(c, open, nil, "/notifications")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/committee" {
		t.Fatalf("open: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	upTo, _ := app.getWith(c, "/notifications").doc(t).Find(`[data-testid="read-all-form"] input[name="up_to"]`).Attr("value")
	if r := app.postForm(c, "/notifications/read-all", url.Values{"up_to": {upTo}}, "/notifications"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("read all: %d", r.StatusCode)
	}
	if n := app.getWith(c, "/notifications").doc(t).Find(`[data-testid="bell-count"]`).Length(); n != 0 {
		t.Errorf("bell still counts after marking all read")
	}

	// Preferences: a bad choice is 422 with the typed choices kept.
	form := url.Values{}
	for _, e := range dealgate.AllNotifyEvents {
		form.Set(dealgate.NotifyPrefsField(e), string(dealgate.ChannelApp))
	}
	form.Set(dealgate.NotifyPrefsField(dealgate.NotifyVoteReminder), "pigeon")
	bad := app.postForm(c, "/account/notifications", form, "/account/notifications")
	bd := bad.doc(t)
	if bad.StatusCode != http.StatusUnprocessableEntity || bd.Find(`[data-testid="error-summary"]`).Length() != 1 {
		t.Fatalf("bad preferences: %d", bad.StatusCode)
	}
	if _, checked := bd.Find(`#notify_review_assigned-2`).Attr("checked"); !checked {
		t.Error("typed choice not kept")
	}
	form.Set(dealgate.NotifyPrefsField(dealgate.NotifyVoteReminder), string(dealgate.ChannelEmail))
	if r := app.postForm(c, "/account/notifications", form, "/account/notifications"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save preferences: %d %s", r.StatusCode, r.body)
	}
	saved := app.getWith(c, "/account/notifications").doc(t)
	if _, checked := saved.Find(`#notify_vote_reminder-3`).Attr("checked"); !checked {
		t.Error("saved choice not shown")
	}
}

func TestPasswordLinkPageSaysWhetherMailWasSent(t *testing.T) {
	t.Parallel()
	for _, smtp := range []bool{false, true} {
		env := map[string]string{}
		if smtp {
			env["DEALGATE_SMTP_URL"] = "smtp://127.0.0.1:2525?from=dealgate@example.com&tls=none"
		}
		app := newTestApp(t, env)
		mustUser(t, app, "ada@example.com", dealgate.RoleAdmin)
		admin := app.newClient()
		app.signInAs(admin, "ada@example.com", testPassword)
		r := app.postForm(admin, "/admin/users", url.Values{"name": {"New Person"}, "email": {"new@example.com"}, "roles": {"member"}, "time_zone": {"UTC"}}, "/admin/users/new")
		doc := r.doc(t)
		shown := doc.Find(`[data-testid="message-highlight"]`).Length() == 1
		text := doc.Find("main").Text()
		switch {
		case smtp && (shown || !strings.Contains(text, "on its way to new@example.com")):
			t.Errorf("with SMTP: link shown %v, text %q", shown, text)
		case !smtp && (!shown || !strings.Contains(text, "no e-mail was sent")):
			t.Errorf("without SMTP: link shown %v, text %q", shown, text)
		}
		var queued int
		_ = app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE to_address = 'new@example.com'`).Scan(&queued)
		if queued != 1 {
			t.Errorf("smtp %v: %d mails queued, want 1", smtp, queued)
		}
	}
}

// TestEmptyNotificationsPromiseOnlyWhatIsSent: with nothing listed, the page
// says what the viewer's roles are actually told about. A pending vote is
// reminded of only when nearly due, so those who vote get the list of their
// pending reviews rather than a promise of a notice for each awaited vote.
func TestEmptyNotificationsPromiseOnlyWhatIsSent(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	for _, role := range []string{"chair", "member", "counsel", "admin", "auditor"} {
		doc := app.getWith(p.clients[role], "/notifications").doc(t)
		empty := doc.Find(`[data-testid="empty-state"]`)
		text := empty.Text()
		if strings.Contains(text, "when a vote of yours is awaited") {
			t.Errorf("%s: promises a notice for every awaited vote: %q", role, text)
		}
		href, linked := empty.Find(`a`).Attr("href")
		voter := role == "chair" || role == "member"
		if linked != voter || voter && !strings.Contains(text, "nearly due") {
			t.Errorf("%s: pending-votes link %v (%q): %q", role, linked, href, text)
		}
		if linked {
			if r := app.getWith(p.clients[role], href); r.StatusCode != http.StatusOK {
				t.Errorf("%s: %s answers %d", role, href, r.StatusCode)
			}
		}
		if (role == "counsel") != strings.Contains(text, "your deals") {
			t.Errorf("%s: %q", role, text)
		}
	}
}
