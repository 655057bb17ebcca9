// Package checkpoint signs and checks audit-chain checkpoints: the head
// sequence number and hash of the audit chain at a moment, signed with an
// Ed25519 key kept outside the database. Someone able to rewrite the chain
// from some event onward, head row included, makes a chain that verifies on
// its own; it no longer extends a checkpoint signed before the rewrite, and
// without the private key they cannot sign a new one.
//
// A checkpoint is a short text file:
//
//	dealgate audit checkpoint v1
//	seq: 1234
//	hash: <64 hex digits>
//	time: 2026-11-30T22:00:00Z
//	key: <base64 Ed25519 public key>
//	signature: <base64 Ed25519 signature of the lines above, each ending in \n>
package checkpoint

import "bytes"
import "crypto/ed25519"
import "crypto/rand"
import "crypto/x509"
import "encoding/base64"
import "encoding/hex"
import "encoding/pem"
import "errors"
import "fmt"
import "os"
import "path/filepath"
import "strconv"
import "strings"
import "time"

const header = "dealgate audit checkpoint v1"

// Checkpoint is one signed head of the audit chain.
type Checkpoint struct {
	Seq  int64
	Hash []byte // 32 bytes
	Time time.Time
	Key  ed25519.PublicKey // the key that signed it
}

func (c Checkpoint) body() string {
	return fmt.Sprintf("%s\nseq: %d\nhash: %s\ntime: %s\nkey: %s\n", header, c.Seq, hex.EncodeToString(c.Hash),
		c.Time.UTC().Format(time.RFC3339), base64.StdEncoding.EncodeToString(c.Key))
}

// Sign returns the checkpoint file of head (seq, hash) at time t.
func Sign(priv ed25519.PrivateKey, seq int64, hash []byte, t time.Time) []byte {
	c := Checkpoint{Seq: seq, Hash: hash, Time: t.UTC().Truncate(time.Second), Key: priv.Public().(ed25519.PublicKey)}
	body := c.body()
	sig := ed25519.Sign(priv, []byte(body))
	return []byte(body + "signature: " + base64.StdEncoding.EncodeToString(sig) + "\n")
}

// ErrUntrustedKey says a checkpoint is signed by a key other than the
// trusted one: forged, or from another installation.
var ErrUntrustedKey = errors.New("checkpoint is signed by a key that is not the trusted one")

// ErrBadSignature says a checkpoint's contents do not match its signature.
var ErrBadSignature = errors.New("checkpoint signature does not match its contents: it was edited or forged")

// Parse reads a checkpoint file and checks its signature against trusted.
func Parse(file []byte, trusted ed25519.PublicKey) (Checkpoint, error) {
	var c Checkpoint
	lines := strings.Split(strings.TrimRight(string(file), "\n"), "\n")
	if len(lines) != 6 || lines[0] != header {
		return c, errors.New("not a dealgate audit checkpoint (v1)")
	}
	field := func(i int, name string) (string, error) {
		v, ok := strings.CutPrefix(lines[i], name+": ")
		if !ok {
			return "", fmt.Errorf("line %d: want %q", i+1, name)
		}
		return v, nil
	}
	var vals [5]string
	for i, name := range []string{"seq", "hash", "time", "key", "signature"} {
		v, err := field(i+1, name)
		if err != nil {
			return c, err
		}
		vals[i] = v
	}
	var err error
	if c.Seq, err = strconv.ParseInt(vals[0], 10, 64); err != nil || c.Seq < 0 {
		return c, errors.New("bad seq")
	}
	if c.Hash, err = hex.DecodeString(vals[1]); err != nil || len(c.Hash) != 32 {
		return c, errors.New("bad hash")
	}
	if c.Time, err = time.Parse(time.RFC3339, vals[2]); err != nil {
		return c, errors.New("bad time")
	}
	key, err := base64.StdEncoding.DecodeString(vals[3])
	if err != nil || len(key) != ed25519.PublicKeySize {
		return c, errors.New("bad key")
	}
	c.Key = key
	sig, err := base64.StdEncoding.DecodeString(vals[4])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return c, errors.New("bad signature")
	}
	if !bytes.Equal(c.Key, trusted) {
		return c, ErrUntrustedKey
	}
	if c.body() != strings.Join(lines[:5], "\n")+"\n" || !ed25519.Verify(trusted, []byte(c.body()), sig) {
		return c, ErrBadSignature
	}
	return c, nil
}

// GenerateKey returns a new private key as PEM (PKCS #8) and its public key
// as PEM (PKIX).
func GenerateKey() (privPEM, pubPEM []byte, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), nil
}

// LoadPrivateKey reads an Ed25519 private key (PEM, PKCS #8) from path.
func LoadPrivateKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s: not a PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an Ed25519 key", path)
	}
	return priv, nil
}

// LoadPublicKey reads an Ed25519 public key from path: PEM (PKIX), or a
// private key file, whose public half is used.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, fmt.Errorf("%s: not a PEM key", path)
	}
	if block.Type == "PRIVATE KEY" {
		priv, err := LoadPrivateKey(path)
		if err != nil {
			return nil, err
		}
		return priv.Public().(ed25519.PublicKey), nil
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an Ed25519 key", path)
	}
	return pub, nil
}

// FileName is the name a scheduled checkpoint of head seq gets.
func FileName(seq int64, t time.Time) string {
	return fmt.Sprintf("audit-checkpoint-%012d-%s.txt", seq, t.UTC().Format("20060102T150405Z"))
}

// WriteFile writes a signed checkpoint into dir under FileName, atomically
// (a temporary file renamed into place), readable by its owner and group.
func WriteFile(dir string, file []byte, seq int64, t time.Time) (string, error) {
	f, err := os.CreateTemp(dir, ".checkpoint-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(file); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Chmod(0o640); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	path := filepath.Join(dir, FileName(seq, t))
	return path, os.Rename(f.Name(), path)
}
