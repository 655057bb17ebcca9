package server_test

import "bytes"
import "context"
import "encoding/csv"
import "fmt"
import "mime/multipart"
import "net/http"
import "net/textproto"
import "regexp"
import "strconv"
import "strings"
import "testing"
import "time"

import "github.com/PuerkitoBio/goquery"

import "github.com/dealgate/dealgate/internal/csvformat"
import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// rioEnv is a register with two parties and a published taxonomy, and
// signed-in counsel, admin, member and auditor.
type rioEnv struct {
	app                              *testApp
	reg                              *postgres.Register
	counsel, admin                   *dealgate.User
	azurine                          dealgate.Party
	asCounsel, asAdmin, asMember, au *http.Client
}

func newRIOEnv(t *testing.T, env map[string]string) *rioEnv {
	t.Helper()
	app := newTestApp(t, env)
	e := &rioEnv{app: app, reg: postgres.NewRegister(app.db)}
	e.counsel = mustUser(t, app, "counsel@example.com", dealgate.RoleCounsel)
	e.admin = mustUser(t, app, "admin@example.com", dealgate.RoleAdmin)
	mustUser(t, app, "member@example.com", dealgate.RoleMember)
	mustUser(t, app, "auditor@example.com", dealgate.RoleAuditor)
	ctx := context.Background()
	var err error
	e.azurine, err = e.reg.CreateParty(ctx, e.counsel, dealgate.PartyInput{Name: "Azurine Cloud", Kind: dealgate.PartyCloudProvider, Aliases: []string{"Azurine"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.CreateParty(ctx, e.counsel, dealgate.PartyInput{Name: "Nimbus Web Services", Kind: dealgate.PartyCloudProvider, Aliases: []string{"NWS"}}); err != nil {
		t.Fatal(err)
	}
	ai, err := e.reg.CreateCategory(ctx, e.counsel, dealgate.CategoryInput{Name: "AI services", Definition: "Artificial intelligence services."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.CreateCategory(ctx, e.counsel, dealgate.CategoryInput{Name: "Stateless model APIs", ParentID: &ai.ID, Definition: "Model inference over an API."}); err != nil {
		t.Fatal(err)
	}
	draft, err := e.reg.DraftTaxonomy(ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.PublishTaxonomy(ctx, e.admin, draft.Version.Version, "First version"); err != nil {
		t.Fatal(err)
	}
	e.asCounsel, e.asAdmin, e.asMember, e.au = app.newClient(), app.newClient(), app.newClient(), app.newClient()
	for email, c := range map[string]*http.Client{"counsel@example.com": e.asCounsel, "admin@example.com": e.asAdmin,
		"member@example.com": e.asMember, "auditor@example.com": e.au} {
		if r := app.signInAs(c, email, testPassword); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", email, r.StatusCode)
		}
	}
	return e
}

func (e *rioEnv) counts(t *testing.T) (agreements, clauses int) {
	t.Helper()
	if err := e.app.db.Pool.QueryRow(context.Background(),
		`SELECT (SELECT count(*) FROM agreement), (SELECT count(*) FROM clause)`).Scan(&agreements, &clauses); err != nil {
		t.Fatal(err)
	}
	return agreements, clauses
}

// postMultipart posts fields and, when filename is set, a file part named
// "file" with content and contentType.
func (a *testApp) postMultipart(c *http.Client, path string, fields map[string]string, filename, contentType string, content []byte) response {
	a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			a.t.Fatal(err)
		}
	}
	if filename != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
		h.Set("Content-Type", contentType)
		w, err := mw.CreatePart(h)
		if err != nil {
			a.t.Fatal(err)
		}
		_, _ = w.Write(content)
	}
	if err := mw.Close(); err != nil {
		a.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, a.ts.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return a.do(c, req)
}

// importForm opens the import page as c and returns the form's hidden fields.
func (e *rioEnv) importForm(t *testing.T, c *http.Client) map[string]string {
	t.Helper()
	r := e.app.getWith(c, "/register/import")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("import page: %d", r.StatusCode)
	}
	fields := map[string]string{}
	r.doc(t).Find(`[data-testid="import-form"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		fields[name], _ = s.Attr("value")
	})
	if fields["_csrf"] == "" || fields["_once"] == "" {
		t.Fatalf("import form hidden fields %v", fields)
	}
	return fields
}

// upload submits file through the import form as c, in mode "check" or "import".
func (e *rioEnv) upload(t *testing.T, c *http.Client, name, file, mode string) response {
	t.Helper()
	fields := e.importForm(t, c)
	fields["mode"] = mode
	return e.app.postMultipart(c, "/register/import", fields, name, "text/csv", []byte(file))
}

const rioHeader = "agreement_ref,title,party,agreement_kind,binding,status,signed_on,effective_on,expires_on,value,currency,owner_email,summary,notes," +
	"clause_kind,section,beneficiary,categories,excluded_categories,restricts,restricted_parties,exceptions,territory,valid_from,valid_until,notice_days,clause_text\n"

const rioGoodFile = rioHeader +
	`P1,Azurine strategic partnership,Azurine,partnership,yes,active,2019-07-22,2019-07-22,2032-12-31,11000000000,USD,,"Investment, exclusive hosting.",,` +
	`exclusivity,4.2,,stateless-model-apis,,cloud_provider,,Azurine Cloud,worldwide,,,,"Azurine shall be the exclusive host of stateless model APIs."` + "\n" +
	`P1,,,,,,,,,,,,,,right_of_first_refusal,5.1,,ai-services,,any,,,EU;UK,,2030-12-31,,"Azurine may match any offer."` + "\n" +
	`M1,Nimbus memorandum,NWS,mou,no,active,,2025-09-01,,,,,,,notice_required,2,Azurine Cloud,ai-services,,any,,Azurine Cloud,,,,30,"Thirty days' notice."` + "\n"

func problemLines(r response, t *testing.T) map[int]bool {
	t.Helper()
	lines := map[int]bool{}
	r.doc(t).Find(`[data-testid="import-problem"]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("data-line")
		n, _ := strconv.Atoi(v)
		lines[n] = true
	})
	return lines
}

func TestRegisterImportDryRunReportsLineNumbersAndChangesNothing(t *testing.T) {
	t.Parallel()
	e := newRIOEnv(t, nil)
	file := rioHeader +
		`G1,Good agreement,Azurine,partnership,yes,active,,,,,,,,,exclusivity,1,,stateless-model-apis,,any,,,,,,,Good clause.` + "\n" +
		`B1,Bad agreement,Nobody Inc,alliance,yes,active,2020-13-01,,,,,,,,,,,,,,,,,,,,` + "\n" +
		`G2,Another good one,NWS,cloud_services,no,draft,,,,,,,,,,,,,,,,,,,,,` + "\n" +
		`B2,Short row` + "\n"
	r := e.upload(t, e.asCounsel, "register.csv", file, "check")
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("dry run with bad rows: %d", r.StatusCode)
	}
	doc := r.doc(t)
	if lines := problemLines(r, t); !lines[3] || !lines[5] || lines[2] || lines[4] {
		t.Errorf("problem lines %v, want 3 and 5 only", lines)
	}
	// Every problem of line 3 is listed, each with its column.
	var cols []string
	doc.Find(`[data-testid="import-problem"][data-line="3"] code`).Each(func(_ int, s *goquery.Selection) { cols = append(cols, s.Text()) })
	for _, want := range []string{"party", "agreement_kind", "signed_on"} {
		if !strings.Contains(strings.Join(cols, " "), want) {
			t.Errorf("line 3 lacks a %s problem: %v", want, cols)
		}
	}
	summary := doc.Find(`[data-testid="error-summary"] a`)
	if href, _ := summary.Attr("href"); href != "#import-problems" || doc.Find("#import-problems").Length() != 1 {
		t.Errorf("error summary links to %q", href)
	}
	if doc.Find("h1").Length() != 1 {
		t.Errorf("%d h1", doc.Find("h1").Length())
	}
	if !doc.Find(`input[name="mode"][value="check"]`).Is("[checked]") {
		t.Error("the check stays selected after a failed check")
	}
	if a, c := e.counts(t); a != 0 || c != 0 {
		t.Fatalf("a dry run wrote %d agreements, %d clauses", a, c)
	}
	if n := auditCount(t, e.app, "agreement.created"); n != 0 {
		t.Errorf("a dry run left %d audit events", n)
	}
}

func TestRegisterImportGoodFileThenExportContainsIt(t *testing.T) {
	t.Parallel()
	e := newRIOEnv(t, nil)

	// A clean check saves nothing and offers the import next.
	r := e.upload(t, e.asCounsel, "good.csv", rioGoodFile, "check")
	doc := r.doc(t)
	if r.StatusCode != http.StatusOK || doc.Find(`[data-testid="notification-banner"]`).Length() != 1 {
		t.Fatalf("clean dry run: %d %s", r.StatusCode, doc.Find(`[data-testid="import-report"]`).Text())
	}
	report := doc.Find(`[data-testid="import-report"]`).Text()
	for _, want := range []string{"Rows read", "3", "Agreements to create", "2", "Clauses to create"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q: %s", want, report)
		}
	}
	if !doc.Find(`input[name="mode"][value="import"]`).Is("[checked]") {
		t.Error("after a clean check, Import should be preselected")
	}
	if a, _ := e.counts(t); a != 0 {
		t.Fatal("the dry run imported")
	}

	fields := e.importForm(t, e.asCounsel)
	fields["mode"] = "import"
	r = e.app.postMultipart(e.asCounsel, "/register/import", fields, "good.csv", "text/csv", []byte(rioGoodFile))
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/agreements" {
		t.Fatalf("import: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if a, c := e.counts(t); a != 2 || c != 3 {
		t.Fatalf("imported %d agreements, %d clauses; want 2 and 3", a, c)
	}
	if auditCount(t, e.app, "register.imported") != 1 {
		t.Error("the import is not audited")
	}
	if banner := e.app.getWith(e.asCounsel, "/agreements").doc(t).Find(`[data-testid="notification-banner"]`).Text(); !strings.Contains(banner, "Imported 2 agreements and 3 clauses") {
		t.Errorf("flash after import: %q", banner)
	}
	// The same form again (a replay, or a back-button resubmit) imports nothing.
	r = e.app.postMultipart(e.asCounsel, "/register/import", fields, "good.csv", "text/csv", []byte(rioGoodFile))
	if r.StatusCode != http.StatusConflict || r.doc(t).Find(`[data-testid="file-error"]`).Length() != 1 {
		t.Errorf("replayed import: %d", r.StatusCode)
	}
	if a, _ := e.counts(t); a != 2 {
		t.Fatalf("the replay imported again: %d agreements", a)
	}

	// The export has them, as a dated attachment, and is audited.
	r = e.app.getWith(e.au, "/register/export.csv")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %s", r.StatusCode, r.body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="dealgate-register-\d{4}-\d{2}-\d{2}\.csv"$`).MatchString(cd) {
		t.Errorf("content disposition %q", cd)
	}
	recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// A row per party (the two of the register), then the agreements' rows.
	if len(recs) != 1+2+3 || recs[0][2] != "agreement_ref" {
		t.Fatalf("export has %d records, header %v", len(recs), recs[0])
	}
	titles := map[string]bool{}
	for _, rec := range recs[1:] {
		titles[rec[3]] = true
	}
	if !titles["Azurine strategic partnership"] || !titles["Nimbus memorandum"] {
		t.Errorf("export titles %v", titles)
	}
	if n := auditCount(t, e.app, "register.exported"); n != 1 {
		t.Errorf("%d export audit events, want 1", n)
	}
	// HEAD exports nothing, so it records nothing.
	req, _ := http.NewRequest(http.MethodHead, e.app.ts.URL+"/register/export.csv", nil)
	if h := e.app.do(e.au, req); h.StatusCode != http.StatusOK || auditCount(t, e.app, "register.exported") != 1 {
		t.Errorf("HEAD export: %d, %d audit events", h.StatusCode, auditCount(t, e.app, "register.exported"))
	}
	// Counsel keep the register, so they export it too (ActRegisterExport).
	if r := e.app.getWith(e.asCounsel, "/register/export.csv"); r.StatusCode != http.StatusOK || auditCount(t, e.app, "register.exported") != 2 {
		t.Errorf("counsel export: %d", r.StatusCode)
	}
}

// rioPartyFile creates a parent company on a party-only row, then its
// affiliate with the affiliate's agreement and clause.
const rioPartyFile = "agreement_ref,title,party,party_kind,party_aliases,party_parent,agreement_kind,binding,status,clause_kind,categories,clause_text\n" +
	`,,Lumen Holdings,investor,,,,,,,,` + "\n" +
	`L1,Lumen licence,Lumen Labs,Model developer,Lumen,Lumen Holdings,licence,yes,draft,consent_required,ai-services,Consent first.` + "\n"

func TestRegisterImportCreatesPartiesAndSaysSo(t *testing.T) {
	t.Parallel()
	e := newRIOEnv(t, nil)
	r := e.upload(t, e.asCounsel, "parties.csv", rioPartyFile, "check")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("check: %d %s", r.StatusCode, r.doc(t).Find(`[data-testid="import-report"]`).Text())
	}
	report := r.doc(t).Find(`[data-testid="import-report"]`).Text()
	for _, want := range []string{"Parties to create", "would create 2 parties, 1 agreement and 1 clause"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q: %s", want, report)
		}
	}
	if n := auditCount(t, e.app, "party.created"); n != 2 {
		t.Fatalf("a dry run created parties: %d party events, want newRIOEnv's 2", n)
	}
	r = e.upload(t, e.asCounsel, "parties.csv", rioPartyFile, "import")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("import: %d", r.StatusCode)
	}
	if banner := e.app.getWith(e.asCounsel, "/agreements").doc(t).Find(`[data-testid="notification-banner"]`).Text(); !strings.Contains(banner, "Imported 2 parties, 1 agreement and 1 clause") {
		t.Errorf("flash after import: %q", banner)
	}
	lumen, err := e.reg.FindPartyByName(context.Background(), e.counsel, "lumen")
	if err != nil || lumen.Name != "Lumen Labs" || lumen.ParentName != "Lumen Holdings" || auditCount(t, e.app, "party.created") != 4 {
		t.Errorf("imported party %+v %v", lumen, err)
	}
	// Its kind again, now contradicting the register, is a problem on its line.
	file := "agreement_ref,title,party,party_kind\n,,Lumen Labs,reseller\n"
	r = e.upload(t, e.asCounsel, "kind.csv", file, "check")
	doc := r.doc(t)
	if r.StatusCode != http.StatusUnprocessableEntity || !problemLines(r, t)[2] ||
		!strings.Contains(doc.Find(`[data-testid="import-problem"][data-line="2"]`).Text(), "exists as a model developer") {
		t.Errorf("contradicting kind: %d %s", r.StatusCode, doc.Find(`[data-testid="import-report"]`).Text())
	}
}

func TestRegisterImportWithOneBadRowImportsNothing(t *testing.T) {
	t.Parallel()
	e := newRIOEnv(t, nil)
	file := rioGoodFile + `X1,Broken,Azurine,partnership,maybe,active,,,,,,,,,,,,,,,,,,,,,` + "\n"
	r := e.upload(t, e.asAdmin, "one-bad.csv", file, "import")
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("import with a bad row: %d", r.StatusCode)
	}
	doc := r.doc(t)
	if lines := problemLines(r, t); len(lines) != 1 || !lines[5] {
		t.Errorf("problem lines %v, want 5", lines)
	}
	if !strings.Contains(doc.Find(`[data-testid="import-report"]`).Text(), "Nothing was imported") {
		t.Error("the report does not say nothing was imported")
	}
	if a, c := e.counts(t); a != 0 || c != 0 {
		t.Fatalf("a failed import wrote %d agreements, %d clauses", a, c)
	}
	if auditCount(t, e.app, "register.imported") != 0 {
		t.Error("a failed import was audited as done")
	}
}

func TestRegisterImportRefusesMissingOrNonCSVFiles(t *testing.T) {
	t.Parallel()
	e := newRIOEnv(t, nil)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 64)...)
	cases := []struct {
		name, filename, ctype string
		content               []byte
		want                  string
	}{
		{"missing", "", "", nil, "Choose a CSV file"},
		{"spreadsheet", "register.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []byte("PK\x03\x04"), "must be a CSV file"},
		{"binary named csv", "image.csv", "text/csv", png, "not CSV text"},
		{"empty", "empty.csv", "text/csv", nil, "is empty"},
		{"not utf-8", "latin1.csv", "text/csv", []byte("agreement_ref,title\nP1,Caf\xe9\n"), "not CSV text"},
	}
	for _, tc := range cases {
		fields := e.importForm(t, e.asCounsel)
		fields["mode"] = "check"
		r := e.app.postMultipart(e.asCounsel, "/register/import", fields, tc.filename, tc.ctype, tc.content)
		doc := r.doc(t)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find(`[data-testid="file-error"]`).Text(), tc.want) {
			t.Errorf("%s: %d %q", tc.name, r.StatusCode, doc.Find(`[data-testid="file-error"]`).Text())
		}
		if href, _ := doc.Find(`[data-testid="error-summary"] a`).Attr("href"); href != "#file" {
			t.Errorf("%s: summary links to %q", tc.name, href)
		}
	}
	// An unknown mode is a field error too, reported with the file's.
	fields := e.importForm(t, e.asCounsel)
	fields["mode"] = "delete-everything"
	r := e.app.postMultipart(e.asCounsel, "/register/import", fields, "", "", nil)
	if r.StatusCode != http.StatusUnprocessableEntity || r.doc(t).Find(`[data-testid="error-summary"] li`).Length() != 2 {
		t.Errorf("unknown mode: %d", r.StatusCode)
	}
	// The import route accepts more than the default 1 MiB body, up to its
	// own 5 MB limit; past that it is refused before the handler.
	big := []byte(rioHeader + strings.Repeat("x", 6<<20))
	if r := e.app.postMultipart(e.asCounsel, "/register/import", e.importForm(t, e.asCounsel), "big.csv", "text/csv", big); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("6 MiB upload: %d", r.StatusCode)
	}
	if a, _ := e.counts(t); a != 0 {
		t.Fatal("a refused upload imported")
	}
}

func TestRegisterImportOwnLimitWhenTheBodyLimitIsHigher(t *testing.T) {
	t.Parallel()
	e := newRIOEnv(t, map[string]string{"DEALGATE_MAX_BODY_BYTES": strconv.Itoa(16 << 20)})
	if hint := e.app.getWith(e.asCounsel, "/register/import").doc(t).Find("#file-hint").Text(); !strings.Contains(hint, "5 MB") {
		t.Errorf("hint %q", hint)
	}
	big := []byte(rioHeader + strings.Repeat("x", 6<<20))
	r := e.upload(t, e.asCounsel, "big.csv", string(big), "check")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.doc(t).Find(`[data-testid="file-error"]`).Text(), "larger than 5 MB") {
		t.Errorf("6 MiB upload: %d", r.StatusCode)
	}
}

func TestRegisterImportIsForEditorsOnly(t *testing.T) {
	t.Parallel()
	e := newRIOEnv(t, nil)
	// A member holds a valid CSRF token but may not import.
	token := e.app.csrf(e.asMember, "/account")
	r := e.app.postMultipart(e.asMember, "/register/import", map[string]string{"_csrf": token, "mode": "import"}, "good.csv", "text/csv", []byte(rioGoodFile))
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("member import: %d", r.StatusCode)
	}
	if r := e.app.getWith(e.asMember, "/register/import"); r.StatusCode != http.StatusForbidden {
		t.Errorf("member import page: %d", r.StatusCode)
	}
	if a, _ := e.counts(t); a != 0 {
		t.Fatal("a member imported")
	}
	// Members may still read the template and the expiry watch.
	if r := e.app.getWith(e.asMember, "/register/import/template.csv"); r.StatusCode != http.StatusOK {
		t.Errorf("member template: %d", r.StatusCode)
	}
}

func TestRegisterImportTemplateIsTheTemplateAndImportsCleanly(t *testing.T) {
	t.Parallel()
	e := newRIOEnv(t, nil)
	r := e.app.getWith(e.asCounsel, "/register/import/template.csv")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		r.Header.Get("Content-Disposition") != `attachment; filename="dealgate-register-template.csv"` {
		t.Fatalf("template: %d %q %q", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(recs) != 2 || strings.Join(recs[0], ",") != strings.Join(csvformat.Columns, ",") {
		t.Fatalf("template records %v %v", recs, err)
	}
	// The example row is valid against a register with its party and category.
	if r := e.upload(t, e.asCounsel, "template.csv", r.body, "check"); r.StatusCode != http.StatusOK {
		t.Errorf("template dry run: %d %s", r.StatusCode, r.doc(t).Find(`[data-testid="import-report"]`).Text())
	}
	// The page explains every column of the template, in order.
	var cols []string
	e.app.getWith(e.asCounsel, "/register/import").doc(t).Find(`[data-testid="template-columns"] tbody th code`).Each(func(_ int, s *goquery.Selection) {
		cols = append(cols, s.Text())
	})
	if strings.Join(cols, ",") != strings.Join(csvformat.Columns, ",") {
		t.Errorf("explained columns %v", cols)
	}
}

func TestExpiryWatch(t *testing.T) {
	t.Parallel()
	e := newRIOEnv(t, nil)
	ctx := context.Background()
	london, _ := time.LoadLocation("Europe/London")
	today := dealgate.DateOf(time.Now().In(london))
	in := func(days int) *time.Time { d := today.AddDate(0, 0, days); return &d }
	soon, err := e.reg.CreateAgreement(ctx, e.counsel, dealgate.AgreementInput{Title: "Hosting deal", PartyID: e.azurine.ID,
		Kind: dealgate.AgreementCloudServices, Status: dealgate.StatusActive, Binding: true, ExpiresOn: in(10)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.CreateAgreement(ctx, e.counsel, dealgate.AgreementInput{Title: "Later deal", PartyID: e.azurine.ID,
		Kind: dealgate.AgreementPartnership, Status: dealgate.StatusActive, Binding: true, ExpiresOn: in(200)}); err != nil {
		t.Fatal(err)
	}

	r := e.app.getWith(e.asMember, "/register/expiring")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("expiry watch: %d", r.StatusCode)
	}
	doc := r.doc(t)
	rows := doc.Find(`[data-testid="expiry-row"]`)
	if rows.Length() != 1 {
		t.Fatalf("%d rows in 90 days, want 1", rows.Length())
	}
	row := rows.First()
	if got := row.Find(`[data-testid="ends-on"]`).Text(); !strings.HasSuffix(got, "(in 10 days)") {
		t.Errorf("ends on %q", got)
	}
	if href, _ := row.Find("a").Attr("href"); href != "/agreements/"+strconv.FormatInt(soon.ID, 10) {
		t.Errorf("agreement link %q", href)
	}
	if !strings.Contains(row.Text(), "Azurine Cloud") || row.Find(`[data-tag="due-soon"]`).Text() != "Due soon" {
		t.Errorf("row %q", row.Text())
	}
	if v, _ := doc.Find("#days").Attr("value"); v != "90" {
		t.Errorf("days input %q", v)
	}

	// A wider window finds the later one too, still soonest first, paged.
	r = e.app.getWith(e.asMember, "/register/expiring?days=365&per_page=1")
	doc = r.doc(t)
	if doc.Find(`[data-testid="expiry-row"]`).Length() != 1 || !strings.Contains(doc.Find(`[data-testid="result-count"]`).Text(), "of 2") {
		t.Errorf("paged: %q", doc.Find(`[data-testid="result-count"]`).Text())
	}
	if next, _ := doc.Find(`a[rel="next"]`).Attr("href"); !strings.Contains(next, "days=365") || !strings.Contains(next, "page=2") {
		t.Errorf("next link %q loses the window", next)
	}
	if r := e.app.getWith(e.asMember, "/register/expiring?days=365&per_page=1&page=2"); !strings.Contains(r.doc(t).Find(`[data-testid="expiry-row"]`).Text(), "Later deal") {
		t.Error("page 2 lacks the later agreement")
	}

	if r := e.app.getWith(e.asMember, "/register/expiring?days=365&page=9"); r.doc(t).Find(`[data-testid="empty-state"]`).Text() == "" ||
		!strings.Contains(r.doc(t).Find(`[data-testid="empty-state"]`).Text(), "first page") {
		t.Error("a page past the end does not lead back")
	}

	// Nothing in a short window: an empty state that says what to do.
	if r := e.app.getWith(e.asMember, "/register/expiring?days=5"); r.doc(t).Find(`[data-testid="empty-state"] a`).Length() != 1 {
		t.Error("no empty state with a way forward")
	}

	// Bad windows are field errors that keep what was typed.
	for _, bad := range []string{"abc", "0", "3651", "-4", "9.5"} {
		r := e.app.getWith(e.asMember, "/register/expiring?days="+bad)
		doc := r.doc(t)
		if r.StatusCode != http.StatusUnprocessableEntity || doc.Find(`[data-testid="days-error"]`).Length() != 1 {
			t.Errorf("days=%s: %d", bad, r.StatusCode)
		}
		if v, _ := doc.Find("#days").Attr("value"); v != bad {
			t.Errorf("days=%s: kept %q", bad, v)
		}
		if doc.Find(`[data-testid="expiry-table"]`).Length() != 0 {
			t.Errorf("days=%s: the list is shown anyway", bad)
		}
	}
}
