package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/jobs"
	"github.com/dealgate/dealgate/internal/mail"
	"github.com/dealgate/dealgate/internal/pgtest"
	"github.com/dealgate/dealgate/internal/postgres"
	"github.com/dealgate/dealgate/internal/smtptest"
)

// mailJob is one instance's mail job on db, sending to srv over SMTP.
func mailJob(t *testing.T, db *postgres.DB, srv *smtptest.Server) *jobs.Mail {
	t.Helper()
	s, err := mail.ParseURL("smtp://127.0.0.1:" + srv.Port() + "?from=Dealgate%20%3Cdealgate@example.com%3E&tls=none")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://dealgate.example.com")
	return &jobs.Mail{Outbox: postgres.NewOutbox(db), Sender: &mail.SMTP{Settings: s, Timeout: 10 * time.Second}, BaseURL: base,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Interval: time.Second}
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
	job := mailJob(t, db, srv)
	// The server refuses the first attempt: the mail waits a minute.
	srv.FailNext(1)
	if n := job.Once(ctx); n != 0 {
		t.Fatalf("sent %d while the server refused", n)
	}
	if n := job.Once(ctx); n != 0 || len(srv.Messages()) != 0 {
		t.Fatalf("retried before the backoff: %d", n)
	}
	db.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if n := job.Once(ctx); n != 1 {
		t.Fatalf("sent %d after the backoff, want 1", n)
	}
	job.Once(ctx)
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
}

func TestMailGivesUpAfterBoundedRetries(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	srv := smtptest.Start(t)
	users, admin := mailAdmin(t, db)
	if _, _, err := users.Invite(ctx, admin, dealgate.NewUser{Name: "Cy", Email: "cy@example.com", Roles: []dealgate.Role{dealgate.RoleMember}, TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(postgres.MaxMailAttempts + 5)
	job := mailJob(t, db, srv)
	start := time.Now()
	for i := range postgres.MaxMailAttempts + 3 {
		db.Now = func() time.Time { return start.Add(time.Duration(i) * 2 * time.Hour) }
		job.Once(ctx)
	}
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
	var wg sync.WaitGroup
	sent := make([]int, 4)
	for i, db := range []*postgres.DB{one, two, one, two} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			job := mailJob(t, db, srv)
			for range 3 {
				sent[i] += job.Once(ctx)
			}
		}()
	}
	wg.Wait()
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.To[0]]++
	}
	if len(seen) != n || sent[0]+sent[1]+sent[2]+sent[3] != n {
		t.Fatalf("%d recipients, %v sent; want %d", len(seen), sent, n)
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
