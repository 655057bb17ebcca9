package main

import "context"
import "fmt"
import "io"
import "os"
import "path/filepath"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/postgres"

func cmdExport(ctx context.Context, args []string, env Env) error {
	fs := newFlags(env, "export", "export audit [--from DATE] [--to DATE] [--format csv|xlsx|jsonl|pdf] [filters] -o FILE",
		"export audit writes the audit events of a period (and filters) in chain order, with the same\n"+
			"integrity data as an export from the app: every event's chain link and, at the end, the hash of\n"+
			"the last event covered and the chain head. Check a CSV or JSON Lines file later with\n"+
			"`dealgate audit verify --export FILE`. Dates are days in --zone; --to includes its whole day.\n"+
			"The file is written under a temporary name and renamed when complete. Exporting is audited.")
	if len(args) == 0 || args[0] != "audit" {
		fs.Usage()
		return exitError{2, "export: expected audit"}
	}
	args = args[1:]
	var from, to, format, out, zone string
	var f dealgate.AuditFilter
	fs.StringVar(&from, "from", "", "first day, YYYY-MM-DD")
	fs.StringVar(&to, "to", "", "last day, YYYY-MM-DD (included)")
	fs.StringVar(&format, "format", "csv", "csv, xlsx, jsonl or pdf")
	fs.StringVar(&out, "o", "", "the file to write")
	fs.StringVar(&zone, "zone", "UTC", "the time zone of the dates and of the report, e.g. Europe/London")
	fs.StringVar(&f.ActionPrefix, "action", "", "only actions starting with this, e.g. deal. or audit.exported")
	fs.StringVar(&f.Actor, "actor", "", "only events by this actor (email or system)")
	fs.StringVar(&f.EntityType, "entity-type", "", "only events about this record type, e.g. deal")
	fs.StringVar(&f.EntityID, "entity-id", "", "only events about this record ID")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmtv, ok := export.ParseFormat(format)
	if !ok || out == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitError{2, "export audit: give --format csv, xlsx, jsonl or pdf and -o FILE"}
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return exitError{2, fmt.Sprintf("export audit: unknown --zone %q", zone)}
	}
	if f.From, f.To, err = exportPeriod(from, to, loc); err != nil {
		return err
	}
	res, err := writeAuditExport(ctx, env, postgres.ExportRequest{Filter: f, Format: fmtv, Zone: loc, Filters: cliFilters(f)}, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "exported %d audit events (%s) to %s; chain head %d\n", res.Proof.Rows, res.Meta.Period(), out, res.Meta.HeadSeq)
	return nil
}

// exportPeriod reads --from and --to as days in loc: the period starts at
// the first day's midnight and ends at the midnight after the last day.
func exportPeriod(from, to string, loc *time.Location) (start, end time.Time, err error) {
	day := func(name, v string) (time.Time, error) {
		if v == "" {
			return time.Time{}, nil
		}
		d, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			return d, exitError{2, fmt.Sprintf("export audit: --%s %q is not a date like 2026-03-31", name, v)}
		}
		return d, nil
	}
	if start, err = day("from", from); err != nil {
		return start, end, err
	}
	if end, err = day("to", to); err != nil {
		return start, end, err
	}
	if !end.IsZero() {
		end = end.AddDate(0, 0, 1)
	}
	if !start.IsZero() && !end.IsZero() && !start.Before(end) {
		return start, end, exitError{2, "export audit: --to is before --from"}
	}
	return start, end, nil
}

// writeAuditExport writes the export under a temporary name beside out and
// renames it when complete, so a failed export never leaves a partial file.
func writeAuditExport(ctx context.Context, env Env, req postgres.ExportRequest, out string) (postgres.ExportResult, error) {
	var res postgres.ExportResult
	_, db, err := openConfigured(ctx, env)
	if err != nil {
		return res, err
	}
	defer db.Close()
	s := postgres.NewAuditExports(db, postgres.ExportOptions{Conns: 1, Concurrent: 1})
	defer s.Close()

	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return res, exitError{1, "export audit: " + err.Error()}
	}
	defer os.Remove(tmp.Name())
	res, err = s.ExportAsOperator(ctx, req, func(export.Meta) (io.Writer, error) { return tmp, nil })
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return res, exitError{1, "export audit: " + dealgate.ErrorMessage(err) + detail(err)}
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return res, exitError{1, "export audit: " + err.Error()}
	}
	return res, nil
}

func detail(err error) string {
	if dealgate.ErrorCode(err) == dealgate.EINTERNAL {
		return ": " + err.Error()
	}
	return ""
}

// cliFilters names the filters for the report.
func cliFilters(f dealgate.AuditFilter) []export.Filter {
	var out []export.Filter
	for _, kv := range [][2]string{{"Action starts with", f.ActionPrefix}, {"Actor", f.Actor}, {"Record type", f.EntityType}, {"Record ID", f.EntityID}} {
		if strings.TrimSpace(kv[1]) != "" {
			out = append(out, export.Filter{Name: kv[0], Value: kv[1]})
		}
	}
	return out
}
