package main

import "bufio"
import "context"
import "fmt"
import "io"
import "os"
import "strings"

import "golang.org/x/term"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// roleFlags collects repeated --role flags.
type roleFlags []string

func (r *roleFlags) String() string     { return strings.Join(*r, ",") }
func (r *roleFlags) Set(v string) error { *r = append(*r, strings.Split(v, ",")...); return nil }

func cmdUser(ctx context.Context, args []string, env Env) error {
	fs := newFlags(env, "user", "user create --email EMAIL --name NAME --role ROLE [--role ROLE …] [--time-zone ZONE]",
		"Creates an account with a password, for bootstrapping the first admin. The password is\n"+
			"asked for on a terminal (twice), or read from the first line of standard input.\n"+
			"Weak passwords are refused: at least 12 characters, not a common password, not your\n"+
			"name or email. Roles: admin, chair, member, counsel, auditor.")
	email := fs.String("email", "", "the person's email address")
	name := fs.String("name", "", "the person's full name")
	tz := fs.String("time-zone", dealgate.DefaultTimeZone, "IANA time zone for dates shown to them")
	var roles roleFlags
	fs.Var(&roles, "role", "a role to hold; repeat for several")
	if len(args) == 0 || args[0] != "create" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return exitError{2, "user: expected create"}
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitError{2, fmt.Sprintf("user create: unexpected argument %q", fs.Arg(0))}
	}
	parsed, err := dealgate.ParseRoles(roles)
	if err != nil {
		return exitError{2, "user create: " + dealgate.ErrorMessage(err)}
	}
	in := dealgate.NewUser{Name: *name, Email: *email, Roles: parsed, TimeZone: *tz, NotifyEmail: true}
	if err := in.Validate(); err != nil {
		return exitError{2, "user create: " + fieldProblems(err)}
	}
	password, err := readPassword(env)
	if err != nil {
		return err
	}
	_, db, err := openConfigured(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := postgres.NewUsers(db).CreateUserWithPassword(ctx, in, password)
	if err != nil {
		if dealgate.ErrorCode(err) == dealgate.EINVALID {
			return exitError{1, "user create: " + fieldProblems(err)}
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "created user %d: %s <%s> (%s)\n", u.ID, u.Name, u.Email, roles.String())
	return nil
}

// fieldProblems lists every field message on one line.
func fieldProblems(err error) string {
	fields := dealgate.ErrorFields(err)
	if len(fields) == 0 {
		return dealgate.ErrorMessage(err)
	}
	var parts []string
	for _, k := range []string{"name", "email", "roles", "time_zone", "password"} {
		if msg, ok := fields[k]; ok {
			parts = append(parts, k+": "+msg)
		}
	}
	return strings.Join(parts, "; ")
}

// readPassword asks twice on a terminal; otherwise it reads one line.
func readPassword(env Env) (string, error) {
	if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(env.Stderr, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(env.Stderr, "Password again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(first) != string(second) {
			return "", exitError{1, "user create: the two passwords do not match"}
		}
		return string(first), nil
	}
	if env.Stdin == nil {
		return "", exitError{2, "user create: no password given on standard input"}
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", exitError{2, "user create: no password given on standard input"}
	}
	return line, nil
}
