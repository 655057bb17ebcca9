package config

import "github.com/dealgate/dealgate/internal/mail"

// loadMailSettings reads DEALGATE_SMTP_URL into c.SMTP (nil when unset:
// mail is then written to the log).
func loadMailSettings(get getFunc, bad badFunc, c *Config) {
	raw := get("DEALGATE_SMTP_URL", "")
	if raw == "" {
		return
	}
	s, err := mail.ParseURL(raw)
	if err != nil {
		bad("DEALGATE_SMTP_URL", "%v", err) // never the URL: it may hold a password
		return
	}
	c.SMTP = s
}
