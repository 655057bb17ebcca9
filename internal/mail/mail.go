// Package mail sends Dealgate's e-mail: over SMTP (github.com/wneessen/go-mail)
// when DEALGATE_SMTP_URL is set, or into the log when it is not. It knows
// nothing of the outbox; the mail job (internal/jobs) hands it one message
// at a time.
package mail

import "context"
import "fmt"
import "log/slog"
import "net/mail"
import "net/url"
import "regexp"
import "strconv"
import "strings"
import "time"

import gomail "github.com/wneessen/go-mail"

// Message is one mail to one person, as plain text.
type Message struct {
	To, ToName string
	Subject    string
	Body       string
}

// Sender sends one message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// TLS says how the SMTP connection is protected.
type TLS string

const (
	TLSImplicit      TLS = "implicit"      // smtps://: TLS from the first byte (port 465)
	TLSStartTLS      TLS = "starttls"      // smtp:// (default): STARTTLS required, refused without it
	TLSOpportunistic TLS = "opportunistic" // ?tls=opportunistic: STARTTLS when the server offers it
	TLSNone          TLS = "none"          // ?tls=none: plain text, for a relay on the same host
)

// Settings is a parsed DEALGATE_SMTP_URL. The password lives only in the
// environment and in memory: it is never stored in the database.
type Settings struct {
	Host     string
	Port     int
	Username string
	Password string
	From     *mail.Address
	TLS      TLS
}

// ParseURL reads smtp://user:pass@host:587?from=Dealgate%20<dealgate@example.com>
// (STARTTLS required; tls=opportunistic or tls=none relax it) or
// smtps://user:pass@host:465?from=… (implicit TLS). from is required.
func ParseURL(raw string) (*Settings, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("not a URL") // never echo the URL: it may hold a password
	}
	s := &Settings{Host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.Port, s.TLS = 587, TLSStartTLS
	case "smtps":
		s.Port, s.TLS = 465, TLSImplicit
	default:
		return nil, fmt.Errorf("must start smtp:// or smtps://")
	}
	if s.Host == "" {
		return nil, fmt.Errorf("needs a host")
	}
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil || s.Port < 1 || s.Port > 65535 {
			return nil, fmt.Errorf("port must be a number from 1 to 65535")
		}
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	q := u.Query()
	if s.From, err = mail.ParseAddress(q.Get("from")); err != nil {
		return nil, fmt.Errorf("needs ?from= with the sender's address, e.g. from=dealgate@example.com")
	}
	switch t := TLS(strings.ToLower(q.Get("tls"))); t {
	case "":
	case TLSStartTLS, TLSOpportunistic, TLSNone:
		if s.TLS == TLSImplicit {
			return nil, fmt.Errorf("smtps:// always uses TLS; drop ?tls=")
		}
		s.TLS = t
	default:
		return nil, fmt.Errorf("tls must be starttls, opportunistic or none")
	}
	return s, nil
}

// String describes the settings without the password, for logs.
func (s *Settings) String() string {
	return fmt.Sprintf("%s:%d (tls %s, from %s)", s.Host, s.Port, s.TLS, s.From.Address)
}

// SMTP sends over SMTP, one connection per message.
type SMTP struct {
	Settings *Settings
	Timeout  time.Duration
}

// Send sends m.
func (c *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	msg.FromMailAddress(c.Settings.From)
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	cl, err := gomail.NewClient(c.Settings.Host, c.options()...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := cl.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp send: %w", err)
	}
	return nil
}

func (c *SMTP) options() []gomail.Option {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(c.Settings.Port), gomail.WithTimeout(timeout)}
	switch c.Settings.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if c.Settings.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(c.Settings.Username), gomail.WithPassword(c.Settings.Password))
	}
	return opts
}

// Log writes each message to the log instead of sending it (when
// DEALGATE_SMTP_URL is unset). A password link's token is redacted, as in
// the access log: without mail the admin screen shows the link instead.
type Log struct {
	Log *slog.Logger
}

var passwordToken = regexp.MustCompile(`/password/[A-Za-z0-9_\-]+`)

// Send logs m.
func (l *Log) Send(_ context.Context, m Message) error {
	l.Log.Info("mail not sent: DEALGATE_SMTP_URL is unset; written here instead", "to", m.To, "subject", m.Subject,
		"body", passwordToken.ReplaceAllString(m.Body, "/password/REDACTED"))
	return nil
}
