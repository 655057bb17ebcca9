package jobs_test

import "context"
import "fmt"
import "net/url"
import "strconv"
import "strings"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/jobs"
import "github.com/dealgate/dealgate/internal/jobs/jobstest"
import "github.com/dealgate/dealgate/internal/mail"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/smtptest"

// startMail starts one instance's River client on db, sending to srv
// over SMTP; a failed send is retried after backoff.
func startMail(t *testing.T, db *postgres.DB, srv *smtptest.Server, backoff time.Duration) {
	t.Helper()
	s, err := mail.ParseURL("smtp://127.0.0.1:" + srv.Port() + "?from=Dealgate%20%3Cdealgate@example.com%3E&tls=none")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://dealgate.example.com")
	jobstest.Start(t, jobs.Config{DB: db, Screenings: postgres.NewScreenings(db, postgres.NewRegister(db)),
		Sender: &mail.SMTP{Settings: s, Timeout: 10 * time.Second}, BaseURL: base, Workers: 4,
		MailBackoff: func(int) time.Duration { return backoff }})
}

// waitOutbox waits until no mail is pending or being sent.
func waitOutbox(t *testing.T, db *postgres.DB) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var left int
		if err := db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE state IN ('pending', 'sending')`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mails still unsent", left)
		}
	}
}

// inviteMember invites a committee member, which queues their invitation mail.
func inviteMember(t *testing.T, users *postgres.Users, admin *dealgate.User, name, email string) {
	t.Helper()
	nu := dealgate.NewUser{Name: name, Email: email, Roles: []dealgate.Role{dealgate.RoleMember}, TimeZone: "UTC"}
	if _, _, err := users.Invite(context.Background(), admin, nu); err != nil {
		t.Fatal(err)
	}
}

func mailAdmin(t *testing.T, db *postgres.DB) (*postgres.Users, *dealgate.User) {
	t.Helper()
	users := postgres.NewUsers(db)
	admin, err := users.CreateUserWithPassword(context.Background(), dealgate.NewUser{Name: "Ada Admin", Email: "ada@example.com",
		Roles: []dealgate.Role{dealgate.RoleAdmin}, TimeZone: "UTC"}, "a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	return users, admin
}

func TestMailIsDeliveredOverSMTPWithItsLinkAndRetried(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	srv := smtptest.Start(t)
	users, admin := mailAdmin(t, db)
	u, link, err := users.Invite(ctx, admin, dealgate.NewUser{Name: "Bea Member", Email: "bea@example.com",
		Roles: []dealgate.Role{dealgate.RoleMember}, TimeZone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	// The link is sealed at rest in the outbox.
	var stored string
	if err := db.Pool.QueryRow(ctx, `SELECT link FROM mail_outbox`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, link.Token) {
		t.Fatal("the password link is stored in plain text")
	}
	// The server refuses the first attempt; River retries it.
	srv.FailNext(1)
	startMail(t, db, srv, 200*time.Millisecond)
	waitOutbox(t, db)
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != u.Email || m.From != "dealgate@example.com" || m.Subject != "You are invited to Dealgate" {
		t.Errorf("message: to %v from %q subject %q", m.To, m.From, m.Subject)
	}
	if want := "https://dealgate.example.com/password/" + link.Token; !strings.Contains(m.Body, want) {
		t.Errorf("body lacks %s:\n%s", want, m.Body)
	}
	var state, body string
	var attempts int
	var sealed *string
	_ = db.Pool.QueryRow(ctx, `SELECT state, attempts, body, link FROM mail_outbox`).Scan(&state, &attempts, &body, &sealed)
	if state != "sent" || attempts != 2 || body != "" || sealed != nil {
		t.Errorf("outbox row after sending: %s, %d attempts, body %q, link %v", state, attempts, body, sealed)
	}
	// River records the job's completion just after the work returns.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var jobState string
		var attempt int
		_ = db.Pool.QueryRow(ctx, `SELECT state, attempt FROM river_job WHERE kind = 'mail_send'`).Scan(&jobState, &attempt)
		if jobState == "completed" && attempt == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job: %s after %d attempts", jobState, attempt)
		}
	}
}

func TestMailGivesUpAfterBoundedRetries(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	srv := smtptest.Start(t)
	users, admin := mailAdmin(t, db)
	inviteMember(t, users, admin, "Cy", "cy@example.com")
	srv.FailNext(postgres.MaxMailAttempts + 5)
	startMail(t, db, srv, 10*time.Millisecond)
	waitOutbox(t, db)
	var state string
	var attempts int
	_ = db.Pool.QueryRow(ctx, `SELECT state, attempts FROM mail_outbox`).Scan(&state, &attempts)
	if state != "failed" || attempts != postgres.MaxMailAttempts {
		t.Errorf("after every retry: %s, %d attempts", state, attempts)
	}
}

func TestMailIsSentOnceByTwoInstances(t *testing.T) {
	t.Parallel()
	url := pgtest.NewURL(t)
	ctx := context.Background()
	open := func() *postgres.DB {
		db, err := postgres.Open(ctx, url, postgres.Options{MaxConns: 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		return db
	}
	one, two := open(), open()
	srv := smtptest.Start(t)
	users, admin := mailAdmin(t, one)
	const n = 60
	for i := range n {
		if _, _, err := users.Invite(ctx, admin, dealgate.NewUser{Name: "Person " + strconv.Itoa(i), Email: fmt.Sprintf("p%d@example.com", i),
			Roles: []dealgate.Role{dealgate.RoleMember}, TimeZone: "UTC"}); err != nil {
			t.Fatal(err)
		}
	}
	// Two instances, each with its own pool and River client.
	startMail(t, one, srv, time.Second)
	startMail(t, two, srv, time.Second)
	waitOutbox(t, one)
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.To[0]]++
	}
	if len(seen) != n {
		t.Fatalf("%d recipients; want %d", len(seen), n)
	}
	for to, k := range seen {
		if k != 1 {
			t.Errorf("%s got %d copies", to, k)
		}
	}
	var left int
	_ = one.Pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE state <> 'sent'`).Scan(&left)
	if left != 0 {
		t.Errorf("%d mails not marked sent", left)
	}
}

// TestMailInterruptedMidSendIsNotSentAgain: a mail an attempt marked
// 'sending' and never reported on (its process died) may have gone out;
// River runs its job again, and it is recorded failed, not sent twice.
func TestMailInterruptedMidSendIsNotSentAgain(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	srv := smtptest.Start(t)
	users, admin := mailAdmin(t, db)
	inviteMember(t, users, admin, "Dee", "dee@example.com")
	if _, err := db.Pool.Exec(ctx, `UPDATE mail_outbox SET state = 'sending', attempts = 1`); err != nil {
		t.Fatal(err)
	}
	startMail(t, db, srv, 10*time.Millisecond)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var state string
		_ = db.Pool.QueryRow(ctx, `SELECT state FROM mail_outbox`).Scan(&state)
		if state == "failed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox row %s", state)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("an interrupted mail was sent again: %d messages", n)
	}
}
