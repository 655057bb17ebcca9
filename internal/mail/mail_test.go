package mail_test

import "bytes"
import "context"
import "log/slog"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/mail"

func TestParseURL(t *testing.T) {
	t.Parallel()
	s, err := mail.ParseURL("smtp://bob:s3cret@mail.example.com?from=Dealgate%20%3Cdg@example.com%3E")
	if err != nil || s.Host != "mail.example.com" || s.Port != 587 || s.TLS != mail.TLSStartTLS || s.Username != "bob" || s.Password != "s3cret" || s.From.Address != "dg@example.com" {
		t.Fatalf("smtp: %+v %v", s, err)
	}
	if strings.Contains(s.String(), "s3cret") {
		t.Error("String shows the password")
	}
	s, err = mail.ParseURL("smtps://mail.example.com?from=dg@example.com")
	if err != nil || s.Port != 465 || s.TLS != mail.TLSImplicit {
		t.Fatalf("smtps: %+v %v", s, err)
	}
	s, err = mail.ParseURL("smtp://127.0.0.1:2525?from=dg@example.com&tls=none")
	if err != nil || s.Port != 2525 || s.TLS != mail.TLSNone {
		t.Fatalf("relay: %+v %v", s, err)
	}
	for _, bad := range []string{
		"http://mail.example.com?from=dg@example.com", "smtp://?from=dg@example.com", "smtp://mail.example.com",
		"smtp://mail.example.com:99999?from=dg@example.com", "smtp://mail.example.com?from=dg@example.com&tls=maybe",
		"smtps://mail.example.com?from=dg@example.com&tls=none", "smtp://bob:s3cret@mail.example.com",
	} {
		if _, err := mail.ParseURL(bad); err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestLogRedactsPasswordLinks(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := &mail.Log{Log: slog.New(slog.NewTextHandler(&buf, nil))}
	if err := l.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "Hi", Body: "Go to https://x.example/password/abc_DEF-123 now"}); err != nil {
		t.Fatal(err)
	}
	if out := buf.String(); strings.Contains(out, "abc_DEF-123") || !strings.Contains(out, "/password/REDACTED") || !strings.Contains(out, "a@example.com") {
		t.Errorf("log: %s", out)
	}
}
