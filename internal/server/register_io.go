package server

import "bytes"
import "encoding/csv"
import "fmt"
import "io"
import "mime"
import "net/http"
import "path"
import "slices"
import "sort"
import "strconv"
import "strings"
import "unicode/utf8"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/csvformat"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/registerio"

// The register's bulk screens: the expiry watch, the CSV import and the CSV
// export (docs/register-import.md describes the template).

const (
	// maxImportBytes bounds one import file. The request as a whole is also
	// bounded by DEALGATE_MAX_BODY_BYTES, so the smaller of the two applies.
	maxImportBytes int64 = 5 << 20
	// importProblemCap is how many problems the import service lists at most.
	importProblemCap = 1000
	// Expiry watch window: the default and the bounds, in days.
	defaultExpiryDays = 90
	maxExpiryDays     = 3650
	dueSoonDays       = 30
)

const (
	pathExpiring       = "/register/expiring"
	pathImport         = "/register/import"
	pathImportTemplate = "/register/import/template.csv"
	pathExport         = "/register/export.csv"
)

func (s *Server) registerRegisterIORoutes() {
	s.get(pathExpiring, need(dealgate.ActRegisterView), s.handleExpiring)
	s.get(pathImport, need(dealgate.ActRegisterEdit), s.handleImportForm)
	s.post(pathImport, need(dealgate.ActRegisterEdit), s.handleImport)
	s.upload(http.MethodPost, pathImport, maxImportBytes+multipartOverhead)
	s.get(pathImportTemplate, need(dealgate.ActRegisterView), s.handleImportTemplate)
	s.get(pathExport, need(dealgate.ActRegisterExport), s.handleRegisterExport)
}

// ---------------------------------------------------------------------------
// Expiry watch

// expiryDays reads ?days=: blank is the default, anything else must be a
// whole number of days within the bounds.
func expiryDays(raw string) (int, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return defaultExpiryDays, nil
	}
	bad := func(msg string) (int, error) {
		return 0, &dealgate.Error{Code: dealgate.EINVALID, Message: msg, Fields: map[string]string{"days": msg}}
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return bad("Enter the number of days as a whole number, for example 90")
	}
	if n < 1 || n > maxExpiryDays {
		return bad(fmt.Sprintf("Enter a number of days from 1 to %s", groupThousands(maxExpiryDays)))
	}
	return n, nil
}

func groupThousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	return s[:len(s)-3] + "," + s[len(s)-3:]
}

func daysText(n int) string {
	if n == 1 {
		return "1 day"
	}
	return groupThousands(n) + " days"
}

// expiryWhat says what ends: the agreement, or which of its clauses.
func expiryWhat(it dealgate.ExpiryItem) string {
	if it.ClauseID == 0 {
		return "Agreement"
	}
	w := it.ClauseKind.Label() + " clause"
	if it.Section != "" {
		w += ", section " + it.Section
	}
	return w
}

func (s *Server) handleExpiring(c echo.Context) error {
	actor := currentUser(c)
	raw := c.QueryParam("days")
	days, err := expiryDays(raw)
	var page dealgate.Page[dealgate.ExpiryItem]
	if err == nil {
		page, err = s.register.ExpiringSoon(c.Request().Context(), actor, days, pageRequest(c))
	}
	status := http.StatusOK
	var errs map[string]string
	v := registerio.ExpiryView{}
	if err != nil {
		if dealgate.ErrorCode(err) != dealgate.EINVALID {
			return err
		}
		if err := dealgate.Authorize(actor, dealgate.ActRegisterView); err != nil {
			return err
		}
		status = http.StatusUnprocessableEntity
		errs, v.Errors = formErrors(err, "days")
	}
	if raw == "" {
		raw = strconv.Itoa(defaultExpiryDays)
	}
	v.Days = components.Field{ID: "days", Name: "days", Label: "Ending within (days)", Hint: "From 1 to 3,650 days from today",
		Value: raw, Error: errs["days"], Inputmode: "numeric"}
	if status == http.StatusOK {
		v.Window = daysText(days)
		switch {
		case days < 365:
			v.WiderHref = withQuery(c, "days", "365", "page", "")
		case days < maxExpiryDays:
			v.WiderHref = withQuery(c, "days", strconv.Itoa(maxExpiryDays), "page", "")
		}
		now, loc := s.register.Now(), actor.Location()
		today := now.In(loc)
		for _, it := range page.Items {
			v.Rows = append(v.Rows, registerio.ExpiryRow{
				What:           expiryWhat(it),
				AgreementTitle: it.AgreementTitle,
				AgreementHref:  "/agreements/" + strconv.FormatInt(it.AgreementID, 10),
				Party:          it.Party.Name,
				EndsOn:         formatDate(it.EndsOn, now, loc),
				DueSoon:        it.DaysLeft(today) <= dueSoonDays,
			})
		}
		v.Pager = pager(c, page)
		if len(page.Items) == 0 && page.Page > 1 {
			v.FirstHref = withQuery(c, "page", "")
		}
	}
	return s.render(c, status, registerio.Expiring(s.page(c, "Expiring agreements and clauses"), v))
}

// ---------------------------------------------------------------------------
// CSV import

// importLimit is the largest file an import accepts; its route allows a
// body this large whatever the default body limit.
func (s *Server) importLimit() int64 { return maxImportBytes }

func importSizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KB", n>>10)
}

// importView is the import page with a fresh one-time token; mode is the
// choice to preselect ("check" unless "import").
func (s *Server) importView(c echo.Context, mode string) registerio.ImportView {
	v := registerio.ImportView{
		TemplateHref: pathImportTemplate,
		MaxSize:      importSizeText(s.importLimit()),
		Columns:      registerio.Columns,
		Action:       pathImport,
		CSRFToken:    csrfToken(c),
		Submission:   newOnceToken(),
		Mode: []components.Option{
			{Value: "check", Label: "Check only (dry run): nothing is saved", Selected: mode != "import"},
			{Value: "import", Label: "Import: create the agreements and clauses", Selected: mode == "import"},
		},
	}
	if dealgate.Allowed(currentUser(c), dealgate.ActRegisterExport) {
		v.ExportHref = pathExport
	}
	return v
}

func (s *Server) handleImportForm(c echo.Context) error {
	return s.render(c, http.StatusOK, registerio.Import(s.page(c, "Import agreements"), s.importView(c, "check")))
}

// importFile is an uploaded file that passed the checks a handler can make
// before the service reads it.
type importFile struct {
	name string
	data []byte
}

func importFileError(msg string) error {
	return &dealgate.Error{Code: dealgate.EINVALID, Message: msg, Fields: map[string]string{"file": msg}}
}

// readImportFile takes the "file" part of the form: present, named .csv (or
// sent as text/csv), within the limit, not empty, and UTF-8 text.
func (s *Server) readImportFile(c echo.Context) (importFile, error) {
	limit := s.importLimit()
	fh, err := c.FormFile("file")
	if bodyTooLarge(err) {
		return importFile{}, importFileError("The file is larger than " + importSizeText(s.importLimit()) + ". Split it into smaller files.")
	}
	if err != nil {
		return importFile{}, importFileError("Choose a CSV file to upload")
	}
	name := path.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100]) + "…"
	}
	f := importFile{name: name}
	if fh.Size > limit {
		return f, importFileError(fmt.Sprintf("The file is larger than %s. Split it into smaller files and import each one", importSizeText(limit)))
	}
	ctype, _, _ := mime.ParseMediaType(fh.Header.Get("Content-Type"))
	if !strings.EqualFold(path.Ext(name), ".csv") && ctype != "text/csv" {
		return f, importFileError("The selected file must be a CSV file. In your spreadsheet, save it as CSV UTF-8 (.csv)")
	}
	r, err := fh.Open()
	if err != nil {
		return f, dealgate.Internal(err)
	}
	defer r.Close()
	f.data, err = io.ReadAll(io.LimitReader(r, limit+1))
	switch {
	case err != nil:
		return f, dealgate.Internal(err)
	case int64(len(f.data)) > limit:
		return f, importFileError(fmt.Sprintf("The file is larger than %s. Split it into smaller files and import each one", importSizeText(limit)))
	case len(f.data) == 0:
		return f, importFileError("The selected file is empty")
	case !strings.HasPrefix(http.DetectContentType(f.data), "text/") || !utf8.Valid(f.data):
		return f, importFileError("The selected file is not CSV text. In your spreadsheet, save it as CSV UTF-8 (.csv) and upload it again")
	}
	return f, nil
}

func (s *Server) handleImport(c echo.Context) error {
	actor := currentUser(c)
	ctx := c.Request().Context()
	mode := c.FormValue("mode")
	dryRun := mode != "import"
	checked := c.FormValue("checked")
	if checked != "" && !dryRun {
		return s.importHeld(c, checked)
	}
	f, err := s.readImportFile(c)
	if err != nil && dealgate.ErrorCode(err) != dealgate.EINVALID {
		return err
	}
	if mode != "" && mode != "check" && mode != "import" {
		// Report it with the file's problem, if any, in one go.
		var v dealgate.Validation
		if msg := dealgate.ErrorFields(err)["file"]; msg != "" {
			v.Add("file", msg)
		}
		v.Add("mode", "Choose whether to check the file or import it")
		err = v.Err()
	}
	var rep postgres.ImportReport
	var held string
	if err == nil {
		if dryRun {
			// A clean check holds the file for "Import these N rows".
			rep, held, err = s.register.CheckCSVForm(ctx, actor, f.name, f.data)
		} else {
			// An import creates many records: a second submission of the same
			// page must not create them again, so it carries a one-time token.
			rep, err = s.register.ImportCSVForm(ctx, actor, c.FormValue(onceField), bytes.NewReader(f.data), dryRun)
		}
	}
	return s.importDone(c, mode, f.name, rep, held, err)
}

// importHeld imports the file checked a moment ago, held by its hash: no
// second upload, on whichever instance.
func (s *Server) importHeld(c echo.Context, hash string) error {
	rep, name, err := s.register.ImportHeldCSVForm(c.Request().Context(), currentUser(c), c.FormValue(onceField), hash)
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		err = importFileError("The checked file is no longer held (it is kept for 30 minutes). Choose it again below and select Import")
	}
	return s.importDone(c, "import", name, rep, "", err)
}

// importDone shows the outcome of a check or an import: the form with its
// errors, the problem report, the clean check with its "Import these N
// rows", or, after an import, the agreements list.
func (s *Server) importDone(c echo.Context, mode, name string, rep postgres.ImportReport, held string, err error) error {
	dryRun := mode != "import"
	if !dryRun && dealgate.ErrorCode(err) == dealgate.ECONFLICT && len(rep.Problems) == 0 {
		err = &dealgate.Error{Code: dealgate.ECONFLICT, Fields: map[string]string{"file": "This form was already used, so nothing was imported now. " +
			"Check the agreements list before you import the file again; to import it, choose it again and select Import"}}
	}
	switch code := dealgate.ErrorCode(err); {
	case err == nil:
	case code == dealgate.EINVALID && len(rep.Problems) > 0:
		err = nil // the report tells the problems
	case code != dealgate.EINVALID && code != dealgate.ECONFLICT:
		return err
	}
	if err != nil {
		status, ok := formStatus(c, err)
		if !ok {
			return err
		}
		v := s.importView(c, mode)
		errs, summary := formErrors(err, "file", "mode")
		v.Errors, v.FileError, v.ModeError = summary, errs["file"], errs["mode"]
		return s.render(c, status, registerio.Import(s.page(c, "Import agreements"), v))
	}
	report := importReport(rep, name)
	if len(report.Problems) > 0 {
		v := s.importView(c, mode)
		v.Report = &report
		v.Errors = []components.FieldError{{Field: registerio.ProblemsID, Message: problemSummary(report)}}
		return s.render(c, http.StatusUnprocessableEntity, registerio.Import(s.page(c, "Import agreements"), v))
	}
	if dryRun {
		v := s.importView(c, "import")
		v.Report = &report
		v.Checked = held
		return s.render(c, http.StatusOK, registerio.Import(s.page(c, "Import agreements"), v))
	}
	what := countText(rep.Agreements, "agreement") + " and " + countText(rep.Clauses, "clause")
	if rep.Parties > 0 {
		parties := groupThousands(rep.Parties) + " parties"
		if rep.Parties == 1 {
			parties = "1 party"
		}
		what = parties + ", " + what
	}
	s.flash(c, "success", fmt.Sprintf("Imported %s from %s (%s).", what, name, countText(rep.Rows, "row")))
	return redirectSeeOther(c, "/agreements")
}

func countText(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return groupThousands(n) + " " + noun + "s"
}

// importReport is the view of the service's report, problems in line order.
func importReport(rep postgres.ImportReport, name string) registerio.Report {
	r := registerio.Report{DryRun: rep.DryRun, FileName: name, Rows: rep.Rows, Parties: rep.Parties, Agreements: rep.Agreements, Clauses: rep.Clauses,
		Truncated: len(rep.Problems) >= importProblemCap}
	for _, p := range rep.Problems {
		r.Problems = append(r.Problems, registerio.Problem{Line: p.Line, Column: p.Column, Message: p.Message})
	}
	// By line, then in the template's column order (whole-row problems first).
	col := func(name string) int {
		if name == "" {
			return -1
		}
		if i := slices.Index(csvformat.Columns, name); i >= 0 {
			return i
		}
		return len(csvformat.Columns)
	}
	sort.SliceStable(r.Problems, func(i, j int) bool {
		a, b := r.Problems[i], r.Problems[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return col(a.Column) < col(b.Column)
	})
	return r
}

func problemSummary(r registerio.Report) string {
	n := countText(len(r.Problems), "problem")
	if r.Truncated {
		n = "More than " + n
	}
	if r.DryRun {
		return n + " found in the file. Fix the rows listed and check it again"
	}
	return n + " found in the file, so nothing was imported. Fix the rows listed and check it again"
}

// templateExample is the example row of the template (docs/register-import.md).
var templateExample = map[string]string{
	"agreement_ref": "P1", "title": "Azurine strategic partnership", "party": "Azurine", "party_kind": "cloud_provider",
	"agreement_kind": "partnership", "binding": "yes", "status": "active", "signed_on": "2019-07-22", "effective_on": "2019-07-22", "expires_on": "2032-12-31",
	"value": "11000000000", "currency": "USD", "summary": "Investment and exclusive hosting.",
	"clause_kind": "exclusivity", "section": "4.2", "categories": "stateless-model-apis", "restricts": "cloud_provider",
	"exceptions": "Azurine Cloud", "territory": "worldwide",
	"clause_text": "Azurine shall be the exclusive host of Lumen's stateless model APIs.",
}

// handleImportTemplate serves the template: the header and one example row.
func (s *Server) handleImportTemplate(c echo.Context) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	row := make([]string, len(csvformat.Columns))
	for i, col := range csvformat.Columns {
		row[i] = templateExample[col]
	}
	_ = w.Write(csvformat.Columns)
	_ = w.Write(row)
	w.Flush()
	if err := w.Error(); err != nil {
		return dealgate.Internal(err)
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="dealgate-register-template.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// ---------------------------------------------------------------------------
// CSV export

// exportWriter sends the download headers with the first bytes, so that an
// error before any data still gets the ordinary error page.
type exportWriter struct {
	c        echo.Context
	filename string
	started  bool
}

func (w *exportWriter) start() {
	if w.started {
		return
	}
	w.started = true
	h := w.c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+w.filename+`"`)
	w.c.Response().WriteHeader(http.StatusOK)
}

func (w *exportWriter) Write(p []byte) (int, error) {
	w.start()
	return w.c.Response().Write(p)
}

// handleRegisterExport streams the register as CSV. The service writes the
// export's audit event; a HEAD request exports nothing and is not audited.
func (s *Server) handleRegisterExport(c echo.Context) error {
	actor := currentUser(c)
	w := &exportWriter{c: c, filename: "dealgate-register-" + s.register.Now().In(actor.Location()).Format("2006-01-02") + ".csv"}
	if c.Request().Method == http.MethodHead {
		if err := dealgate.Authorize(actor, dealgate.ActRegisterExport); err != nil {
			return err
		}
		w.start()
		return nil
	}
	if err := s.register.ExportCSV(c.Request().Context(), actor, w); err != nil {
		if w.started {
			// The download has begun: the error handler cannot answer any
			// more, so say here that the file the browser got is cut short.
			s.log.Error("register export failed after it began", "err", err,
				"request_id", c.Response().Header().Get(headerRequestID))
		}
		return err
	}
	w.start() // an empty register still gets its header row and the headers
	return nil
}
