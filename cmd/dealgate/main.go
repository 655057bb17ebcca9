// Command dealgate is the Dealgate server and its administration commands.
// main only wires the process to run, which tests call directly.
package main

import "context"
import "errors"
import "flag"
import "fmt"
import "io"
import "log/slog"
import "net"
import "os"
import "os/signal"
import "strconv"
import "strings"
import "syscall"

import "github.com/dealgate/dealgate/internal/config"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/demo"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/server"

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	var exit exitError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.As(err, &exit):
		fmt.Fprintln(os.Stderr, "dealgate:", exit.msg)
		os.Exit(exit.code)
	default:
		fmt.Fprintln(os.Stderr, "dealgate:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a specific code and one line.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// Env bundles what a command may touch, so tests can supply their own.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Listening, when set, receives the server's address once it accepts
	// connections (tests use it with DEALGATE_LISTEN_ADDR=127.0.0.1:0).
	Listening func(addr string)
}

const usage = `Usage: dealgate COMMAND [ARGS]

Commands:
  serve               run the web server (applies pending migrations first unless DEALGATE_AUTO_MIGRATE=false)
  migrate up          apply every pending migration
  migrate down N      revert the newest N migrations (development only)
  migrate status      show the schema version
  seed demo           load the demo data set (idempotent; refused in production)
  audit verify        check the audit trail's hash chain (and signed checkpoints); exit 1 at the first broken link
  audit verify --export FILE  re-check a CSV or JSON Lines audit export offline (edited, deleted or reordered lines fail)
  audit checkpoint    sign the chain's head with the Ed25519 key outside the database
  audit keygen        make the Ed25519 key pair that signs checkpoints
  export audit        write the audit events of a period as CSV, XLSX, JSON Lines or a PDF report, with integrity data
  user create         create an account with a password (bootstrap the first admin)
  keys generate       print a new key for DEALGATE_SECRET_KEY
  keys rotate         seal every stored secret under the current key, in one transaction
  version             print the version

Configuration comes from the environment; see README.md. Run "dealgate COMMAND --help" for details.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return runEnv(ctx, args, Env{Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr})
}

func runEnv(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(env.Stdout, usage)
		if len(args) == 0 {
			return exitError{2, "no command given"}
		}
		return nil
	}
	cmd, rest := args[0], args[1:]
	if cmd == "version" {
		fmt.Fprintln(env.Stdout, "dealgate", version)
		return nil
	}
	if run, ok := commands[cmd]; ok {
		return run(ctx, rest, env)
	}
	fmt.Fprint(env.Stderr, usage)
	return exitError{2, fmt.Sprintf("unknown command %q", cmd)}
}

// commands are the subcommands, each with its own flags and --help.
var commands = map[string]func(ctx context.Context, args []string, env Env) error{
	"serve": cmdServe, "migrate": cmdMigrate, "seed": cmdSeed, "audit": cmdAudit,
	"export": cmdExport, "user": cmdUser, "keys": cmdKeys,
}

// newFlags makes a flag set whose --help prints the command's own text.
func newFlags(env Env, name, synopsis, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stdout, "Usage: dealgate %s\n\n%s\n", synopsis, help)
		if hasFlags(fs) {
			fmt.Fprintln(env.Stdout, "\nFlags:")
			fs.SetOutput(env.Stdout)
			fs.PrintDefaults()
			fs.SetOutput(env.Stderr)
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func openDB(ctx context.Context, cfg *config.Config) (*postgres.DB, error) {
	db, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: cfg.DBMaxConns, ApplicationName: "dealgate"})
	if err != nil {
		return nil, err
	}
	db.Secrets = cfg.Secrets
	return db, nil
}

// openConfigured loads the configuration from env and opens its database,
// for the commands that need nothing else first. The caller closes the DB.
func openConfigured(ctx context.Context, env Env) (*config.Config, *postgres.DB, error) {
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return nil, nil, err
	}
	db, err := openDB(ctx, cfg)
	return cfg, db, err
}

// openWithSchema opens the database and reads which migrations it has; each
// command decides what a schema that is not current means for it. The
// caller closes the DB.
func openWithSchema(ctx context.Context, cfg *config.Config) (*postgres.DB, postgres.SchemaStatus, error) {
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, postgres.SchemaStatus{}, err
	}
	st, err := db.SchemaStatus(ctx)
	if err != nil {
		db.Close()
		return nil, st, err
	}
	return db, st, nil
}

func cmdServe(ctx context.Context, args []string, env Env) error {
	fs := newFlags(env, "serve", "serve",
		"Runs the web server until SIGINT or SIGTERM, then finishes in-flight requests and exits 0.\n"+
			"Pending migrations are applied at start under an advisory lock, so instances starting\n"+
			"together are safe; set DEALGATE_AUTO_MIGRATE=false to manage migrations yourself.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.Stderr)
	if cfg.AutoMigrate {
		if err := postgres.MigrateUp(cfg.DatabaseURL); err != nil {
			return err
		}
	}
	db, st, err := openWithSchema(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if !st.Ready() {
		log.Warn("schema is not current; /readyz reports unavailable until it is", "schema", st.String())
	} else if rep, err := db.ResealSecrets(ctx, true); err != nil {
		return fmt.Errorf("seal stored secrets: %w", err)
	} else if rep.Sealed > 0 {
		log.Info("sealed secrets stored in plain text", "count", rep.Sealed, "key_id", rep.KeyID)
	}
	if !cfg.Production() && cfg.SecretsSource == "the public development key" {
		log.Warn("secrets at rest are sealed with the public development key; set DEALGATE_SECRET_KEY or DEALGATE_SECRET_KEY_FILE for real data")
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.ListenAddr, err)
	}
	srv := server.New(cfg, db, log, version)
	log.Info("listening", "addr", ln.Addr().String(), "env", cfg.Env, "version", version)
	fmt.Fprintf(env.Stdout, "Dealgate on %s\n", publicURL(cfg, ln.Addr()))
	if !cfg.Production() && demo.UsersLoaded(ctx, db) {
		fmt.Fprintf(env.Stdout, "Demo sign-ins (password %q):\n", demo.DemoPassword)
		for _, u := range demo.DemoUsers {
			if u.Status == dealgate.UserActive {
				fmt.Fprintf(env.Stdout, "  %-28s %s\n", u.Email, u.Note)
			}
		}
	}
	if env.Listening != nil {
		env.Listening(ln.Addr().String())
	}
	// The server runs this instance's River client for the background
	// jobs (internal/jobs) and stops it on shutdown.
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// publicURL is the base URL, with the real port when listening on port 0.
func publicURL(cfg *config.Config, addr net.Addr) string {
	u := *cfg.BaseURL
	if tcp, ok := addr.(*net.TCPAddr); ok && strings.HasSuffix(cfg.ListenAddr, ":0") {
		u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(tcp.Port))
	}
	return u.String()
}

func cmdMigrate(ctx context.Context, args []string, env Env) error {
	fs := newFlags(env, "migrate", "migrate up | down N | status",
		"Applies (up) or reverts (down N) the migrations embedded in this binary, or shows the\n"+
			"schema version (status). golang-migrate holds an advisory lock while it works.")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	switch sub := fs.Arg(0); {
	case sub == "up" && fs.NArg() == 1:
		if err := postgres.MigrateUp(cfg.DatabaseURL); err != nil {
			return err
		}
	case sub == "down" && fs.NArg() == 2:
		n, err := strconv.Atoi(fs.Arg(1))
		if err != nil || n < 1 {
			return exitError{2, "migrate down: N must be a whole number of migrations, at least 1"}
		}
		if cfg.Production() {
			return exitError{1, "migrate down is refused when DEALGATE_ENV=production: migrations are forward-only there"}
		}
		if err := postgres.MigrateDown(cfg.DatabaseURL, n); err != nil {
			return err
		}
	case sub == "status" && fs.NArg() == 1:
	default:
		fs.Usage()
		return exitError{2, "migrate: expected up, down N or status"}
	}
	db, st, err := openWithSchema(ctx, cfg)
	if err != nil {
		return err
	}
	db.Close()
	fmt.Fprintln(env.Stdout, st.String())
	return nil
}

func cmdSeed(ctx context.Context, args []string, env Env) error {
	fs := newFlags(env, "seed", "seed demo | seed scale [--parties N] [--agreements N] [--clauses N] [--categories N] [--audit-events N]",
		"seed demo loads the demo data set. Idempotent: steps already loaded are skipped, so running it\n"+
			"twice changes nothing.\n"+
			"seed scale adds a large generated register (COPY, then ANALYZE) for load tests and\n"+
			"benchmarks: by default 5,000 parties, 20,000 agreements, 100,000 clauses and a\n"+
			"2,000-category taxonomy version, and 2,000,000 audit events (--audit-events 0 skips them).\n"+
			"It adds to what is there each time it runs.\n"+
			"Both are refused when DEALGATE_ENV=production.")
	scale := len(args) > 0 && args[0] == "scale"
	opts := demo.DefaultScale
	auditEvents := demo.DefaultAuditEvents
	if scale {
		fs.IntVar(&auditEvents, "audit-events", auditEvents, "audit events to add to the trail")
		// Flags follow the subcommand: seed scale --parties 100.
		fs.IntVar(&opts.Parties, "parties", opts.Parties, "parties to add")
		fs.IntVar(&opts.Agreements, "agreements", opts.Agreements, "agreements to add")
		fs.IntVar(&opts.Clauses, "clauses", opts.Clauses, "clauses to add")
		fs.IntVar(&opts.Categories, "categories", opts.Categories, "categories in the new taxonomy version")
		fs.IntVar(&opts.Deals, "deals", opts.Deals, "deals to add, in every state")
		fs.IntVar(&opts.DealAttachments, "deal-attachments", opts.DealAttachments, "deal attachments (metadata) to add")
		fs.IntVar(&opts.OpenReviews, "open-reviews", opts.OpenReviews, "open committee reviews to add")
		fs.IntVar(&opts.DecidedReviews, "decided-reviews", opts.DecidedReviews, "decided committee reviews to add")
		args = args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if scale && fs.NArg() != 0 || !scale && (fs.NArg() != 1 || fs.Arg(0) != "demo") {
		fs.Usage()
		return exitError{2, "seed: expected demo or scale"}
	}
	if scale && (opts.Parties < 2 || opts.Agreements < 1 || opts.Clauses < 0 || opts.Categories < 1) {
		return exitError{2, "seed scale: need at least 2 parties, 1 agreement, 0 clauses and 1 category"}
	}
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return err
	}
	if cfg.Production() {
		return exitError{1, demo.ErrProduction.Error()}
	}
	db, st, err := openWithSchema(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if !st.Ready() {
		return exitError{1, "seed: the database schema is not current (" + st.String() + "); run dealgate migrate up first"}
	}
	if scale {
		res, err := demo.LoadScale(ctx, db, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "scale data: %d parties, %d agreements, %d clauses, %d categories (taxonomy version %d) in %s\n",
			res.Parties, res.Agreements, res.Clauses, res.Categories, res.TaxonomyVersion, res.Elapsed.Round(1e6)) // to the millisecond
		if auditEvents > 0 {
			took, err := demo.LoadAuditScale(ctx, db, auditEvents)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "scale data: %d audit events in %s\n", auditEvents, took.Round(1e6))
		}
		return nil
	}
	res, err := demo.Load(ctx, db, cfg.Production())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "demo data: %d step(s) loaded, %d already present\n", len(res.Applied), len(res.Skipped))
	return nil
}
