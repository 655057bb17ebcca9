package config

import "os"
import "path/filepath"
import "strings"
import "testing"
import "time"

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != ":8080" || c.Env != "development" || c.LogFormat != "text" || !c.AutoMigrate ||
		c.DBMaxConns != 10 || c.ShutdownTimeout != 15*time.Second || c.BaseURL.String() != "http://localhost:8080" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.HTTPS() || c.Production() {
		t.Fatal("defaults must be plain development")
	}
}

func TestLoadProductionDefaultsToJSONLogs(t *testing.T) {
	c, err := Load(env(map[string]string{"DEALGATE_ENV": "production", "DEALGATE_BASE_URL": "https://dealgate.example.com", "DEALGATE_SECRET_KEY": testKey}))
	if err != nil {
		t.Fatal(err)
	}
	if c.LogFormat != "json" || !c.HTTPS() {
		t.Fatalf("got %+v", c)
	}
}

func TestLoadRejectsBadValuesNamingTheVariable(t *testing.T) {
	cases := map[string]string{
		"DATABASE_URL":                       "mysql://x",
		"DEALGATE_ENV":                       "staging",
		"DEALGATE_LISTEN_ADDR":               "8080",
		"DEALGATE_BASE_URL":                  "localhost:8080",
		"DEALGATE_LOG_LEVEL":                 "loud",
		"DEALGATE_LOG_FORMAT":                "xml",
		"DEALGATE_DB_MAX_CONNS":              "0",
		"DEALGATE_AUTO_MIGRATE":              "maybe",
		"DEALGATE_TRUSTED_PROXIES":           "10.0.0.0/8, not-a-cidr",
		"DEALGATE_MAX_BODY_BYTES":            "12",
		"DEALGATE_SHUTDOWN_TIMEOUT":          "forever",
		"DEALGATE_SESSION_LIFETIME":          "5s",
		"DEALGATE_SECOND_FACTOR_ROLES":       "admin,wizard",
		"DEALGATE_SECRET_KEY":                "c2hvcnQ=",
		"DEALGATE_SECRET_KEY_FILE":           "/nonexistent/dealgate.key",
		"DEALGATE_AUDIT_CHECKPOINT_DIR":      "/nonexistent/checkpoints",
		"DEALGATE_AUDIT_CHECKPOINT_INTERVAL": "1s",
	}
	for name, value := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(env(map[string]string{name: value}))
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("got %v, want an error naming %s", err, name)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error must be one line: %q", err)
			}
		})
	}
}

func TestLoadProductionRequiresHTTPS(t *testing.T) {
	_, err := Load(env(map[string]string{"DEALGATE_ENV": "production"}))
	if err == nil || !strings.Contains(err.Error(), "DEALGATE_BASE_URL") {
		t.Fatalf("got %v", err)
	}
}

func TestLoadTrustedProxies(t *testing.T) {
	c, err := Load(env(map[string]string{"DEALGATE_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[1].String() != "192.168.1.7/32" {
		t.Fatalf("got %v", c.TrustedProxies)
	}
}

func TestSecondFactorRolesDefaultByEnvironment(t *testing.T) {
	dev, err := Load(env(nil))
	if err != nil || len(dev.SecondFactorRoles) != 0 {
		t.Fatalf("development: %v %v", dev.SecondFactorRoles, err)
	}
	prod, err := Load(env(map[string]string{"DEALGATE_ENV": "production", "DEALGATE_BASE_URL": "https://x.example", "DEALGATE_SECRET_KEY": testKey}))
	if err != nil || len(prod.SecondFactorRoles) != 2 || prod.SecondFactorRoles[0] != "admin" || prod.SecondFactorRoles[1] != "chair" {
		t.Fatalf("production: %v %v", prod.SecondFactorRoles, err)
	}
	none, err := Load(env(map[string]string{"DEALGATE_ENV": "production", "DEALGATE_BASE_URL": "https://x.example", "DEALGATE_SECOND_FACTOR_ROLES": "none", "DEALGATE_SECRET_KEY": testKey}))
	if err != nil || len(none.SecondFactorRoles) != 0 {
		t.Fatalf("none: %v %v", none.SecondFactorRoles, err)
	}
}

// testKey is a fixed 32-byte key, base64.
const testKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

func TestSecretKeyRequiredInProductionDefaultInDevelopment(t *testing.T) {
	_, err := Load(env(map[string]string{"DEALGATE_ENV": "production", "DEALGATE_BASE_URL": "https://x.example"}))
	if err == nil || !strings.Contains(err.Error(), "DEALGATE_SECRET_KEY: required in production") {
		t.Fatalf("production without a key: %v", err)
	}
	dev, err := Load(env(nil))
	if err != nil || dev.Secrets == nil || dev.SecretsSource != "the public development key" {
		t.Fatalf("development: %v %+v", err, dev)
	}
	withKey, err := Load(env(map[string]string{"DEALGATE_SECRET_KEY": testKey}))
	if err != nil || withKey.Secrets.CurrentID() == dev.Secrets.CurrentID() {
		t.Fatalf("configured key: %v", err)
	}
	file := filepath.Join(t.TempDir(), "secret.key")
	if err := os.WriteFile(file, []byte("# current\n"+testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fromFile, err := Load(env(map[string]string{"DEALGATE_SECRET_KEY_FILE": file}))
	if err != nil || fromFile.Secrets.CurrentID() != withKey.Secrets.CurrentID() || fromFile.SecretsSource != file {
		t.Fatalf("key file: %v", err)
	}
	if _, err := Load(env(map[string]string{"DEALGATE_SECRET_KEY_FILE": file, "DEALGATE_SECRET_KEY": testKey})); err == nil {
		t.Fatal("both a key and a key file accepted")
	}
	_, err = Load(env(map[string]string{"DEALGATE_SECRET_KEY": "c2hvcnQ="}))
	if err == nil || strings.Contains(err.Error(), "c2hvcnQ") {
		t.Fatalf("a bad key must be refused without being echoed: %v", err)
	}
}
