// Package config reads Dealgate's settings from the environment, applies
// documented defaults and validates them once at start, so a bad value stops
// the program with one line naming the variable.
package config

import "fmt"
import "log/slog"
import "net/netip"
import "net/url"
import "os"
import "strconv"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/mail"
import "github.com/dealgate/dealgate/internal/secretbox"

// Config is every setting the program reads. README.md documents each one.
type Config struct {
	DatabaseURL     string         // DATABASE_URL
	ListenAddr      string         // DEALGATE_LISTEN_ADDR
	BaseURL         *url.URL       // DEALGATE_BASE_URL
	Env             string         // DEALGATE_ENV: development | production
	LogLevel        slog.Level     // DEALGATE_LOG_LEVEL: debug | info | warn | error
	LogFormat       string         // DEALGATE_LOG_FORMAT: text | json (default by Env)
	DBMaxConns      int32          // DEALGATE_DB_MAX_CONNS
	AutoMigrate     bool           // DEALGATE_AUTO_MIGRATE
	TrustedProxies  []netip.Prefix // DEALGATE_TRUSTED_PROXIES: comma-separated CIDRs
	MaxBodyBytes    int64          // DEALGATE_MAX_BODY_BYTES
	ShutdownTimeout time.Duration  // DEALGATE_SHUTDOWN_TIMEOUT
	ReadTimeout     time.Duration  // DEALGATE_READ_TIMEOUT
	WriteTimeout    time.Duration  // DEALGATE_WRITE_TIMEOUT
	IdleTimeout     time.Duration  // DEALGATE_IDLE_TIMEOUT
	// SessionIdleTimeout ends a session nobody used for this long;
	// SessionLifetime ends any session this long after sign-in.
	SessionIdleTimeout time.Duration   // DEALGATE_SESSION_IDLE_TIMEOUT
	SessionLifetime    time.Duration   // DEALGATE_SESSION_LIFETIME
	SecondFactorRoles  []dealgate.Role // DEALGATE_SECOND_FACTOR_ROLES
	MaxDocumentBytes   int64           // DEALGATE_MAX_DOCUMENT_BYTES
	// Secrets seals the secrets kept in the database (DEALGATE_SECRET_KEY or
	// DEALGATE_SECRET_KEY_FILE; the public development key outside
	// production when neither is set). SecretsSource says which.
	Secrets       *secretbox.Keyring
	SecretsSource string
	// Signed audit checkpoints (see internal/checkpoint).
	AuditSigningKeyFile     string        // DEALGATE_AUDIT_SIGNING_KEY_FILE
	AuditCheckpointDir      string        // DEALGATE_AUDIT_CHECKPOINT_DIR
	AuditCheckpointInterval time.Duration // DEALGATE_AUDIT_CHECKPOINT_INTERVAL
	// MaterialValuePercent is how far a deal's estimated value may move
	// before a new version is material (see config_deals.go).
	MaterialValuePercent int // DEALGATE_MATERIAL_VALUE_PERCENT
	// Audit exports run at most ExportConcurrency at once per instance, on
	// a pool of their own of ExportDBConns connections (config_exports.go).
	ExportConcurrency int   // DEALGATE_EXPORT_CONCURRENCY
	ExportDBConns     int32 // DEALGATE_EXPORT_DB_CONNS
	// JobWorkers is how many River jobs this instance works at once.
	JobWorkers int // DEALGATE_JOB_WORKERS
	// SMTP is where mail goes (DEALGATE_SMTP_URL); nil writes mail to the
	// log instead (config_mail.go).
	SMTP *mail.Settings
}

// Var documents one environment variable.
type Var struct {
	Name, Default, Help string
}

// Vars lists every variable with its default, in the order README shows them.
var Vars = []Var{
	{"DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dealgate?sslmode=disable", "PostgreSQL URL of the application database"},
	{"DEALGATE_LISTEN_ADDR", ":8080", "host:port the HTTP server listens on"},
	{"DEALGATE_BASE_URL", "http://localhost:8080", "public URL users reach the app at (links in mail; https enables HSTS and secure cookies)"},
	{"DEALGATE_ENV", "development", "development or production"},
	{"DEALGATE_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"DEALGATE_LOG_FORMAT", "text in development, json in production", "text or json"},
	{"DEALGATE_DB_MAX_CONNS", "10", "maximum connections in this instance's pool (1-500)"},
	{"DEALGATE_AUTO_MIGRATE", "true", "apply pending migrations when serve starts"},
	{"DEALGATE_TRUSTED_PROXIES", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed"},
	{"DEALGATE_MAX_BODY_BYTES", "1048576", "largest request body accepted, in bytes"},
	{"DEALGATE_SHUTDOWN_TIMEOUT", "15s", "how long in-flight requests may finish after SIGTERM"},
	{"DEALGATE_READ_TIMEOUT", "30s", "server read timeout (headers have 10s)"},
	{"DEALGATE_WRITE_TIMEOUT", "60s", "server write timeout"},
	{"DEALGATE_IDLE_TIMEOUT", "120s", "keep-alive idle timeout"},
	{"DEALGATE_SESSION_IDLE_TIMEOUT", "1h", "a session unused for this long ends"},
	{"DEALGATE_SESSION_LIFETIME", "12h", "any session ends this long after sign-in"},
	{"DEALGATE_MAX_DOCUMENT_BYTES", "20971520", "largest agreement document accepted, in bytes (1 KiB to 1 GiB)"},
	{"DEALGATE_SECOND_FACTOR_ROLES", "admin,chair in production, none in development", "comma-separated roles that must use two-step verification; \"none\" for nobody"},
	{"DEALGATE_SECRET_KEY", "the public development key outside production; required in production (or the file)", "base64 AES-256 keys sealing secrets at rest, current first, comma-separated"},
	{"DEALGATE_SECRET_KEY_FILE", "", "file holding the keys of DEALGATE_SECRET_KEY, one a line (instead of the variable)"},
	{"DEALGATE_AUDIT_SIGNING_KEY_FILE", "", "Ed25519 private key (PEM) that signs audit checkpoints"},
	{"DEALGATE_AUDIT_CHECKPOINT_DIR", "", "directory serve writes a signed audit checkpoint to on a schedule (needs the signing key)"},
	{"DEALGATE_AUDIT_CHECKPOINT_INTERVAL", "1h", "how often serve writes a checkpoint (1m to 720h)"},
	{"DEALGATE_MATERIAL_VALUE_PERCENT", "10", "a new deal version whose estimated value moves by more than this per cent is material (1-1000)"},
	{"DEALGATE_JOB_WORKERS", "4", "background jobs (mail, re-screening, reminders, upkeep) one instance works at once (1-100)"},
	{"DEALGATE_EXPORT_CONCURRENCY", "2", "audit exports running at once in one instance; one more is asked to try again shortly (1-50)"},
	{"DEALGATE_EXPORT_DB_CONNS", "2", "connections of the audit exports' own pool, apart from DEALGATE_DB_MAX_CONNS (1-50)"},
	{"DEALGATE_SMTP_URL", "", "where mail is sent: smtp://user:pass@host:587?from=dealgate@example.com (STARTTLS required; &tls=opportunistic or &tls=none relax it) or smtps://…:465; unset writes mail to the log"},
}

// Load reads the configuration through getenv and validates it.
func Load(getenv func(string) string) (*Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		DatabaseURL: get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dealgate?sslmode=disable"),
		ListenAddr:  get("DEALGATE_LISTEN_ADDR", ":8080"),
		Env:         get("DEALGATE_ENV", "development"),
	}
	var errs []string
	bad := func(name, format string, args ...any) {
		errs = append(errs, name+": "+fmt.Sprintf(format, args...))
	}

	c.readAddresses(get, bad)
	c.readLogging(get, bad)
	c.readLimits(get, bad)
	c.readTimeouts(get, bad)
	c.readSecrets(get, bad)
	loadDealSettings(get, bad, c)
	loadExportSettings(get, bad, c)
	loadMailSettings(get, bad, c)
	defRoles := ""
	if c.Env == "production" {
		defRoles = "admin,chair"
	}
	switch v := strings.ToLower(get("DEALGATE_SECOND_FACTOR_ROLES", defRoles)); v {
	case "", "none":
	default:
		for _, name := range strings.Split(v, ",") {
			r, err := dealgate.ParseRole(name)
			if err != nil {
				bad("DEALGATE_SECOND_FACTOR_ROLES", "%q is not a role (admin, chair, member, counsel, auditor)", strings.TrimSpace(name))
				continue
			}
			c.SecondFactorRoles = append(c.SecondFactorRoles, r)
		}
	}

	if len(errs) > 0 {
		return nil, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// getFunc reads a variable, trimmed, or def when it is unset; badFunc
// records a problem with a variable. Load's parts share them.
type (
	getFunc func(name, def string) string
	badFunc func(name, format string, args ...any)
)

// readAddresses reads where the database, the listener and the users are.
func (c *Config) readAddresses(get getFunc, bad badFunc) {
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		bad("DATABASE_URL", "must be a postgres:// URL with a host, e.g. postgres://user@127.0.0.1:5432/dealgate")
	}
	if c.Env != "development" && c.Env != "production" {
		bad("DEALGATE_ENV", "must be development or production, not %q", c.Env)
	}
	if _, port, ok := strings.Cut(c.ListenAddr, ":"); !ok || port == "" {
		bad("DEALGATE_LISTEN_ADDR", "must be host:port or :port, not %q", c.ListenAddr)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		bad("DEALGATE_LISTEN_ADDR", "port must be a number from 0 to 65535, not %q", port)
	}
	base := get("DEALGATE_BASE_URL", "http://localhost:8080")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		bad("DEALGATE_BASE_URL", "must be an http:// or https:// URL with no path, not %q", base)
	} else {
		u.Path = ""
		c.BaseURL = u
		if c.Env == "production" && u.Scheme != "https" {
			bad("DEALGATE_BASE_URL", "must use https:// in production")
		}
	}
}

// readLogging reads the log level and format.
func (c *Config) readLogging(get getFunc, bad badFunc) {
	switch lvl := strings.ToLower(get("DEALGATE_LOG_LEVEL", "info")); lvl {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("DEALGATE_LOG_LEVEL", "must be debug, info, warn or error, not %q", lvl)
	}
	defFormat := "text"
	if c.Env == "production" {
		defFormat = "json"
	}
	c.LogFormat = get("DEALGATE_LOG_FORMAT", defFormat)
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("DEALGATE_LOG_FORMAT", "must be text or json, not %q", c.LogFormat)
	}
}

// readLimits reads the pool size, migrations, trusted proxies and body limits.
func (c *Config) readLimits(get getFunc, bad badFunc) {
	if n, err := strconv.Atoi(get("DEALGATE_DB_MAX_CONNS", "10")); err != nil || n < 1 || n > 500 {
		bad("DEALGATE_DB_MAX_CONNS", "must be a whole number from 1 to 500")
	} else {
		c.DBMaxConns = int32(n)
	}
	if b, err := strconv.ParseBool(get("DEALGATE_AUTO_MIGRATE", "true")); err != nil {
		bad("DEALGATE_AUTO_MIGRATE", "must be true or false")
	} else {
		c.AutoMigrate = b
	}
	if v := get("DEALGATE_TRUSTED_PROXIES", ""); v != "" {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			p, err := netip.ParsePrefix(s)
			if err != nil {
				if a, aerr := netip.ParseAddr(s); aerr == nil {
					p = netip.PrefixFrom(a, a.BitLen())
				} else {
					bad("DEALGATE_TRUSTED_PROXIES", "%q is not a CIDR such as 10.0.0.0/8", s)
					continue
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p.Masked())
		}
	}
	if n, err := strconv.ParseInt(get("DEALGATE_MAX_BODY_BYTES", "1048576"), 10, 64); err != nil || n < 1024 || n > 1<<30 {
		bad("DEALGATE_MAX_BODY_BYTES", "must be a number of bytes from 1024 to 1073741824")
	} else {
		c.MaxBodyBytes = n
	}
	if n, err := strconv.ParseInt(get("DEALGATE_MAX_DOCUMENT_BYTES", strconv.Itoa(dealgate.DefaultMaxDocumentBytes)), 10, 64); err != nil || n < 1024 || n > 1<<30 {
		bad("DEALGATE_MAX_DOCUMENT_BYTES", "must be a number of bytes from 1024 to 1073741824")
	} else {
		c.MaxDocumentBytes = n
	}
}

// readTimeouts reads the server's and the sessions' durations.
func (c *Config) readTimeouts(get getFunc, bad badFunc) {
	dur := func(name, def string, dst *time.Duration) {
		d, err := time.ParseDuration(get(name, def))
		if err != nil || d <= 0 || d > time.Hour {
			bad(name, "must be a duration such as 15s or 2m, up to 1h")
			return
		}
		*dst = d
	}
	dur("DEALGATE_SHUTDOWN_TIMEOUT", "15s", &c.ShutdownTimeout)
	dur("DEALGATE_READ_TIMEOUT", "30s", &c.ReadTimeout)
	dur("DEALGATE_WRITE_TIMEOUT", "60s", &c.WriteTimeout)
	dur("DEALGATE_IDLE_TIMEOUT", "120s", &c.IdleTimeout)
	dur("DEALGATE_SESSION_IDLE_TIMEOUT", "1h", &c.SessionIdleTimeout)
	longDur := func(name, def string, dst *time.Duration) {
		d, err := time.ParseDuration(get(name, def))
		if err != nil || d < time.Minute || d > 30*24*time.Hour {
			bad(name, "must be a duration such as 12h, from 1m to 720h")
			return
		}
		*dst = d
	}
	longDur("DEALGATE_SESSION_LIFETIME", "12h", &c.SessionLifetime)
	longDur("DEALGATE_AUDIT_CHECKPOINT_INTERVAL", "1h", &c.AuditCheckpointInterval)
}

// readSecrets reads the key that seals secrets at rest and where signed audit
// checkpoints go.
func (c *Config) readSecrets(get getFunc, bad badFunc) {
	keyText, keyFile := get("DEALGATE_SECRET_KEY", ""), get("DEALGATE_SECRET_KEY_FILE", "")
	switch {
	case keyText != "" && keyFile != "":
		bad("DEALGATE_SECRET_KEY", "set it or DEALGATE_SECRET_KEY_FILE, not both")
	case keyText != "":
		if r, err := secretbox.Parse(keyText); err != nil {
			bad("DEALGATE_SECRET_KEY", "%v", err) // never the key itself
		} else {
			c.Secrets, c.SecretsSource = r, "DEALGATE_SECRET_KEY"
		}
	case keyFile != "":
		if b, err := os.ReadFile(keyFile); err != nil {
			bad("DEALGATE_SECRET_KEY_FILE", "cannot read %s: %v", keyFile, err)
		} else if r, err := secretbox.Parse(string(b)); err != nil {
			bad("DEALGATE_SECRET_KEY_FILE", "%s: %v", keyFile, err)
		} else {
			c.Secrets, c.SecretsSource = r, keyFile
		}
	case c.Env == "production":
		bad("DEALGATE_SECRET_KEY", "required in production (or DEALGATE_SECRET_KEY_FILE): make a key with `dealgate keys generate`")
	default:
		c.Secrets, c.SecretsSource = secretbox.Development(), "the public development key"
	}
	c.AuditSigningKeyFile = get("DEALGATE_AUDIT_SIGNING_KEY_FILE", "")
	c.AuditCheckpointDir = get("DEALGATE_AUDIT_CHECKPOINT_DIR", "")
	if c.AuditCheckpointDir != "" {
		if c.AuditSigningKeyFile == "" {
			bad("DEALGATE_AUDIT_CHECKPOINT_DIR", "needs DEALGATE_AUDIT_SIGNING_KEY_FILE to sign the checkpoints")
		} else if st, err := os.Stat(c.AuditCheckpointDir); err != nil || !st.IsDir() {
			bad("DEALGATE_AUDIT_CHECKPOINT_DIR", "%s is not a directory", c.AuditCheckpointDir)
		}
	}
}

// Production reports whether the program runs in production.
func (c *Config) Production() bool { return c.Env == "production" }

// HTTPS reports whether users reach the app over HTTPS.
func (c *Config) HTTPS() bool { return c.BaseURL != nil && c.BaseURL.Scheme == "https" }
