package main

import "context"
import "encoding/hex"
import "flag"
import "fmt"
import "os"
import "path/filepath"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/checkpoint"
import "github.com/dealgate/dealgate/internal/config"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"

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
	switch sub {
	case "verify":
		return auditVerify(ctx, fs, args, env)
	case "checkpoint":
		return auditCheckpoint(ctx, fs, args, env)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if sub == "keygen" && fs.NArg() == 1 {
		return auditKeygen(fs.Arg(0), env)
	}
	return auditUsage(fs)
}

func auditUsage(fs *flag.FlagSet) error {
	fs.Usage()
	return exitError{2, "audit: expected verify, checkpoint or keygen DIR"}
}

// auditVerify is `audit verify`: the chain in the database, and the signed
// checkpoints it must still extend; or, with --export, an export file.
func auditVerify(ctx context.Context, fs *flag.FlagSet, args []string, env Env) error {
	var checkpoints fileList
	var publicKey, exportFile string
	fs.StringVar(&exportFile, "export", "", "verify this CSV or JSON Lines export offline instead of the database")
	fs.Var(&checkpoints, "checkpoint", "a signed checkpoint file the chain must still extend (repeatable)")
	fs.StringVar(&publicKey, "public-key", "", "the public key checkpoints must be signed with (PEM)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if exportFile != "" {
		if fs.NArg() > 0 || len(checkpoints) > 0 {
			return exitError{2, "audit verify --export FILE takes no other files"}
		}
		return auditVerifyExport(exportFile, env)
	}
	checkpoints = append(checkpoints, fs.Args()...)
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	cps, err := loadCheckpoints(cfg, publicKey, checkpoints)
	if err != nil {
		return err
	}
	rep, err := verifyChain(ctx, cfg, cps, false)
	if err != nil {
		return err
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

// loadCheckpoints reads and checks the signature of each checkpoint file,
// against publicKey or else the public half of the configured signing key.
func loadCheckpoints(cfg *config.Config, publicKey string, files []string) ([]checkpoint.Checkpoint, error) {
	if len(files) == 0 {
		return nil, nil
	}
	src := publicKey
	if src == "" {
		src = cfg.AuditSigningKeyFile
	}
	if src == "" {
		return nil, exitError{2, "audit verify --checkpoint: give --public-key FILE or set DEALGATE_AUDIT_SIGNING_KEY_FILE"}
	}
	trusted, err := checkpoint.LoadPublicKey(src)
	if err != nil {
		return nil, exitError{1, "audit verify: " + err.Error()}
	}
	var cps []checkpoint.Checkpoint
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, exitError{1, "audit verify: " + err.Error()}
		}
		c, err := checkpoint.Parse(b, trusted)
		if err != nil {
			return nil, exitError{1, fmt.Sprintf("audit verify: checkpoint %s refused: %v", f, err)}
		}
		cps = append(cps, c)
	}
	return cps, nil
}

// verifyChain walks the audit trail's hash chain in the database and checks
// that it extends cps; a broken chain is exit 1. With sealFirst it waits until
// every event committed so far is sealed, so that the head covers them all
// (what a checkpoint must sign).
func verifyChain(ctx context.Context, cfg *config.Config, cps []checkpoint.Checkpoint, sealFirst bool) (dealgate.ChainReport, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return dealgate.ChainReport{}, err
	}
	defer db.Close()
	if sealFirst {
		if err := db.WaitAuditSealed(ctx); err != nil {
			return dealgate.ChainReport{}, err
		}
	}
	rep, err := db.VerifyAuditCheckpoints(ctx, cps)
	if err != nil {
		return rep, err
	}
	if !rep.OK() {
		return rep, exitError{1, fmt.Sprintf("audit chain BROKEN at event %d: %s (%d events verified before it)", rep.BrokenAt, rep.Reason, rep.Count)}
	}
	return rep, nil
}

// auditCheckpoint is `audit checkpoint`: verify the chain, then sign its
// head with the key outside the database.
func auditCheckpoint(ctx context.Context, fs *flag.FlagSet, args []string, env Env) error {
	var outDir string
	fs.StringVar(&outDir, "out", "", "write the checkpoint into this directory instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return auditUsage(fs)
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	if cfg.AuditSigningKeyFile == "" {
		return exitError{1, "audit checkpoint: set DEALGATE_AUDIT_SIGNING_KEY_FILE (make a key with `dealgate audit keygen DIR`)"}
	}
	priv, err := checkpoint.LoadPrivateKey(cfg.AuditSigningKeyFile)
	if err != nil {
		return exitError{1, "audit checkpoint: " + err.Error()}
	}
	rep, err := verifyChain(ctx, cfg, nil, true)
	if err != nil {
		return err
	}
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
