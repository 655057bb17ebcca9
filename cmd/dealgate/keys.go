package main

import "context"
import "fmt"

import "github.com/dealgate/dealgate/internal/secretbox"

func cmdKeys(ctx context.Context, args []string, env Env) error {
	fs := newFlags(env, "keys", "keys generate | keys rotate",
		"Secrets Dealgate keeps in the database (second-factor secrets) are sealed with\n"+
			"AES-256-GCM under DEALGATE_SECRET_KEY (or the keys in DEALGATE_SECRET_KEY_FILE).\n"+
			"keys generate prints a new random key (base64).\n"+
			"keys rotate seals every stored secret under the current key (the first one listed),\n"+
			"in one transaction. To change keys: list the new key first and the old one after it\n"+
			"on every instance, run keys rotate, then remove the old key.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() == 1 && fs.Arg(0) == "generate":
		fmt.Fprintln(env.Stdout, secretbox.Generate())
		return nil
	case fs.NArg() == 1 && fs.Arg(0) == "rotate":
	default:
		fs.Usage()
		return exitError{2, "keys: expected generate or rotate"}
	}
	cfg, db, err := openConfigured(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.ResealSecrets(ctx, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "secrets under key %s (%s): %d resealed, %d sealed from plain text, %d already current\n",
		rep.KeyID, cfg.SecretsSource, rep.Resealed, rep.Sealed, rep.Current)
	return nil
}
