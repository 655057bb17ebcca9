package checkpoint

import "bytes"
import "crypto/ed25519"
import "crypto/sha256"
import "errors"
import "os"
import "path/filepath"
import "strings"
import "testing"
import "time"

func TestSignParseAndForgeries(t *testing.T) {
	dir := t.TempDir()
	privPEM, pubPEM, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	privPath, pubPath := filepath.Join(dir, "sign.pem"), filepath.Join(dir, "sign.pub")
	_ = os.WriteFile(privPath, privPEM, 0o600)
	_ = os.WriteFile(pubPath, pubPEM, 0o644)
	priv, err := LoadPrivateKey(privPath)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := LoadPublicKey(pubPath)
	if err != nil {
		t.Fatal(err)
	}
	if fromPriv, err := LoadPublicKey(privPath); err != nil || !bytes.Equal(fromPriv, pub) {
		t.Fatalf("public half of the private key: %v", err)
	}
	hash := sha256.Sum256([]byte("head"))
	at := time.Date(2026, 11, 30, 22, 0, 0, 0, time.UTC)
	file := Sign(priv, 42, hash[:], at)
	c, err := Parse(file, pub)
	if err != nil || c.Seq != 42 || !bytes.Equal(c.Hash, hash[:]) || !c.Time.Equal(at) {
		t.Fatalf("parse: %+v %v", c, err)
	}

	// Edited fields: the signature no longer matches.
	for _, edit := range []struct{ from, to string }{
		{"seq: 42", "seq: 41"},
		{"time: 2026-11-30T22:00:00Z", "time: 2026-11-30T23:00:00Z"},
		{"hash: " + string(file[strings.Index(string(file), "hash: ")+6:][:4]), "hash: 0000"},
	} {
		forged := bytes.Replace(file, []byte(edit.from), []byte(edit.to), 1)
		if bytes.Equal(forged, file) {
			t.Fatalf("edit %q did nothing", edit.from)
		}
		if _, err := Parse(forged, pub); !errors.Is(err, ErrBadSignature) {
			t.Errorf("edited %q: %v", edit.from, err)
		}
	}
	// A checkpoint signed by another key (a forger's own) is refused.
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	if _, err := Parse(Sign(otherPriv, 42, hash[:], at), pub); !errors.Is(err, ErrUntrustedKey) {
		t.Errorf("forger's key: %v", err)
	}
	// The trusted key swapped into a forger's file does not verify.
	forged := Sign(otherPriv, 99, hash[:], at)
	forged = bytes.Replace(forged, []byte(Checkpoint{Key: otherPriv.Public().(ed25519.PublicKey)}.body()[strings.Index(Checkpoint{Key: otherPriv.Public().(ed25519.PublicKey)}.body(), "key: "):]),
		[]byte(Checkpoint{Key: pub}.body()[strings.Index(Checkpoint{Key: pub}.body(), "key: "):]), 1)
	if _, err := Parse(forged, pub); !errors.Is(err, ErrBadSignature) {
		t.Errorf("forged file naming the trusted key: %v", err)
	}
	for _, junk := range []string{"", "hello", strings.Replace(string(file), "v1", "v2", 1)} {
		if _, err := Parse([]byte(junk), pub); err == nil {
			t.Errorf("junk %q parsed", junk)
		}
	}
	if FileName(42, at) != "audit-checkpoint-000000000042-20261130T220000Z.txt" {
		t.Error(FileName(42, at))
	}
}
