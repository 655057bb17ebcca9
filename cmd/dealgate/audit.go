package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dealgate/dealgate/internal/checkpoint"
	"github.com/dealgate/dealgate/internal/config"
	"github.com/dealgate/dealgate/internal/dealgate"
	"github.com/dealgate/dealgate/internal/export"
)

// fileList is a repeatable flag.
type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }

func cmdAudit(ctx context.Context, args []string, env Env) error {
	fs := newFlags(env, "audit", "audit verify [--checkpoint FILE…] [--public-key FILE] | audit verify --export FILE | audit checkpoint [--out DIR] | audit keygen DIR",
		"audit verify walks the audit trail's hash chain, recomputing every hash from the stored\n"+
			"events. Exit 0 prints the event count and head hash, and how many newer events are not\n"+
			"sealed into the chain yet; exit 1 names the first broken link.\n"+
			"With --checkpoint (repeatable; extra arguments are more files) it also proves that the chain\n"+
			"still extends each signed checkpoint, which catches a rewrite of the chain's tail and head.\n"+
			"Checkpoints are checked against --public-key, by default the public half of\n"+
			"DEALGATE_AUDIT_SIGNING_KEY_FILE.\n"+
			"audit verify --export FILE re-checks a CSV or JSON Lines export offline, without the database:\n"+
			"every line's hash is recomputed, the links between consecutive events and the order are checked,\n"+
			"and the proof at the end must match (an edited, deleted or reordered line fails, exit 1). It prints\n"+
			"the last event's hash and the chain head to compare with the database or a signed checkpoint.\n"+
			"audit checkpoint seals the events committed so far, verifies the chain and signs its head\n"+
			"(sequence, hash, time) with the Ed25519 key in DEALGATE_AUDIT_SIGNING_KEY_FILE, to standard\n"+
			"output or a file in --out DIR.\n"+
			"audit keygen DIR writes a new key pair: DIR/audit-signing.key (private, mode 0600) and\n"+
			"DIR/audit-signing.pub (public). Keep the private key off the database host.")
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	var checkpoints fileList
	var publicKey, outDir, exportFile string
	switch sub {
	case "verify":
		fs.StringVar(&exportFile, "export", "", "verify this CSV or JSON Lines export offline instead of the database")
		fs.Var(&checkpoints, "checkpoint", "a signed checkpoint file the chain must still extend (repeatable)")
		fs.StringVar(&publicKey, "public-key", "", "the public key checkpoints must be signed with (PEM)")
	case "checkpoint":
		fs.StringVar(&outDir, "out", "", "write the checkpoint into this directory instead of standard output")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case sub == "verify" && exportFile != "":
		if fs.NArg() > 0 || len(checkpoints) > 0 {
			return exitError{2, "audit verify --export FILE takes no other files"}
		}
		return auditVerifyExport(exportFile, env)
	case sub == "verify":
		checkpoints = append(checkpoints, fs.Args()...)
	case sub == "checkpoint" && fs.NArg() == 0:
	case sub == "keygen" && fs.NArg() == 1:
		return auditKeygen(fs.Arg(0), env)
	default:
		fs.Usage()
		return exitError{2, "audit: expected verify, checkpoint or keygen DIR"}
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}

	var trusted ed25519.PublicKey
	var priv ed25519.PrivateKey
	switch {
	case sub == "checkpoint":
		if cfg.AuditSigningKeyFile == "" {
			return exitError{1, "audit checkpoint: set DEALGATE_AUDIT_SIGNING_KEY_FILE (make a key with `dealgate audit keygen DIR`)"}
		}
		if priv, err = checkpoint.LoadPrivateKey(cfg.AuditSigningKeyFile); err != nil {
			return exitError{1, "audit checkpoint: " + err.Error()}
		}
	case len(checkpoints) > 0:
		src := publicKey
		if src == "" {
			src = cfg.AuditSigningKeyFile
		}
		if src == "" {
			return exitError{2, "audit verify --checkpoint: give --public-key FILE or set DEALGATE_AUDIT_SIGNING_KEY_FILE"}
		}
		if trusted, err = checkpoint.LoadPublicKey(src); err != nil {
			return exitError{1, "audit verify: " + err.Error()}
		}
	}
	var cps []checkpoint.Checkpoint
	for _, f := range checkpoints {
		b, err := os.ReadFile(f)
		if err != nil {
			return exitError{1, "audit verify: " + err.Error()}
		}
		c, err := checkpoint.Parse(b, trusted)
		if err != nil {
			return exitError{1, fmt.Sprintf("audit verify: checkpoint %s refused: %v", f, err)}
		}
		cps = append(cps, c)
	}

	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "checkpoint" {
		// Sign a head that covers every event committed so far.
		if err := db.WaitAuditSealed(ctx); err != nil {
			return err
		}
	}
	rep, err := db.VerifyAuditCheckpoints(ctx, cps)
	if err != nil {
		return err
	}
	if !rep.OK() {
		return exitError{1, fmt.Sprintf("audit chain BROKEN at event %d: %s (%d events verified before it)", rep.BrokenAt, rep.Reason, rep.Count)}
	}
	if sub == "checkpoint" {
		return auditSignCheckpoint(priv, outDir, rep, env)
	}
	fmt.Fprintf(env.Stdout, "audit chain intact: %d events, head %d %s\n", rep.Count, rep.HeadSeq, hex.EncodeToString(rep.HeadHash))
	if rep.Pending > 0 {
		fmt.Fprintf(env.Stdout, "%d newer event(s) not sealed yet (the oldest at %s): not covered by this check\n",
			rep.Pending, rep.OldestPending.UTC().Format(time.RFC3339))
	}
	if len(cps) > 0 {
		fmt.Fprintf(env.Stdout, "the chain extends all %d checkpoint(s)\n", len(cps))
	}
	return nil
}

// auditSignCheckpoint signs the verified head rep to standard output or a
// file in outDir.
func auditSignCheckpoint(priv ed25519.PrivateKey, outDir string, rep dealgate.ChainReport, env Env) error {
	now := time.Now()
	file := checkpoint.Sign(priv, rep.HeadSeq, rep.HeadHash, now)
	if outDir == "" {
		_, err := env.Stdout.Write(file)
		return err
	}
	path, err := checkpoint.WriteFile(outDir, file, rep.HeadSeq, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "audit checkpoint: head %d %s signed into %s\n", rep.HeadSeq, hex.EncodeToString(rep.HeadHash), path)
	return nil
}

func auditKeygen(dir string, env Env) error {
	priv, pub, err := checkpoint.GenerateKey()
	if err != nil {
		return err
	}
	privPath, pubPath := filepath.Join(dir, "audit-signing.key"), filepath.Join(dir, "audit-signing.pub")
	f, err := os.OpenFile(privPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return exitError{1, "audit keygen: " + err.Error()}
	}
	if _, err := f.Write(priv); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(pubPath, pub, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "private key %s (set DEALGATE_AUDIT_SIGNING_KEY_FILE to it)\npublic key  %s (give it to whoever checks checkpoints)\n", privPath, pubPath)
	return nil
}

func auditVerifyExport(path string, env Env) error {
	f, err := os.Open(path)
	if err != nil {
		return exitError{1, "audit verify --export: " + err.Error()}
	}
	defer f.Close()
	v, err := export.Verify(f)
	if err != nil {
		return exitError{1, fmt.Sprintf("audit export %s FAILS verification: %v", path, err)}
	}
	p := v.Proof
	fmt.Fprintf(env.Stdout, "audit export intact (%s): %d events", v.Format, p.Rows)
	if p.Rows > 0 {
		fmt.Fprintf(env.Stdout, ", last event %d %s", p.LastSeq, hex.EncodeToString(p.LastHash))
	}
	fmt.Fprintf(env.Stdout, "\nchain head at export: %d %s\n", p.HeadSeq, hex.EncodeToString(p.HeadHash))
	return nil
}
