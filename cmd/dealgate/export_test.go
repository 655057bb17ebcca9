package main

import "os"
import "path/filepath"
import "strings"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/pgtest"

func TestExportAuditAndVerifyExport(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": pgtest.NewURL(t)}
	if _, _, err := cli(t, env, "seed", "demo"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	today := time.Now().UTC().Format("2006-01-02")
	for _, f := range []string{"csv", "jsonl", "xlsx", "pdf"} {
		out := filepath.Join(dir, "audit."+f)
		msg, _, err := cli(t, env, "export", "audit", "--from", "2000-01-01", "--to", today, "--format", f, "-o", out)
		if err != nil || !strings.Contains(msg, "exported ") {
			t.Fatalf("%s: %q %v", f, msg, err)
		}
		if st, err := os.Stat(out); err != nil || st.Size() < 200 {
			t.Fatalf("%s: %v", f, err)
		}
	}
	for _, f := range []string{"csv", "jsonl"} {
		path := filepath.Join(dir, "audit."+f)
		msg, _, err := cli(t, env, "audit", "verify", "--export", path)
		if err != nil || !strings.Contains(msg, "audit export intact") {
			t.Fatalf("%s untouched: %q %v", f, msg, err)
		}
		data, _ := os.ReadFile(path)
		lines := strings.SplitAfter(string(data), "\n")
		first := 0
		if f == "csv" {
			first = 1
		}
		edited := append([]string(nil), lines...)
		edited[first+1] = strings.Replace(edited[first+1], "system", "mallory", 1)
		deleted := append(append([]string(nil), lines[:first+2]...), lines[first+3:]...)
		reordered := append([]string(nil), lines...)
		reordered[first+1], reordered[first+2] = reordered[first+2], reordered[first+1]
		for name, body := range map[string][]string{"edited": edited, "deleted": deleted, "reordered": reordered} {
			if strings.Join(body, "") == string(data) {
				t.Fatalf("%s %s: nothing changed", f, name)
			}
			bad := filepath.Join(dir, name+"."+f)
			if err := os.WriteFile(bad, []byte(strings.Join(body, "")), 0o600); err != nil {
				t.Fatal(err)
			}
			_, _, err := cli(t, env, "audit", "verify", "--export", bad)
			if ee, ok := err.(exitError); !ok || ee.code != 1 || !strings.Contains(ee.msg, "FAILS verification") {
				t.Errorf("%s %s line: %v", f, name, err)
			}
		}
	}
	// Bad arguments are refused with exit 2.
	if _, _, err := cli(t, env, "export", "audit", "--format", "doc", "-o", filepath.Join(dir, "x")); err == nil {
		t.Fatal("unknown format accepted")
	}
	// Each of the four exports is itself an audit event.
	msg, _, err := cli(t, env, "export", "audit", "--action", "audit.exported", "--format", "jsonl", "-o", filepath.Join(dir, "exports.jsonl"))
	if err != nil || !strings.Contains(msg, "exported 4 audit events") {
		t.Fatalf("export events: %q %v", msg, err)
	}
}
