package server_test

import "bytes"
import "context"
import "fmt"
import "mime/multipart"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// registerSetup gives a test app an admin, a counsel and a member, two
// parties and a published taxonomy with two categories.
type registerSetup struct {
	app                    *testApp
	admin                  *dealgate.User
	counsel, member        *http.Client
	cloud, lab             dealgate.Party
	statelessAPIs, agentic dealgate.Category
}

func newRegisterSetup(t *testing.T) *registerSetup {
	t.Helper()
	app := newTestApp(t, nil)
	rs := &registerSetup{app: app, admin: mustUser(t, app, "admin@example.com", dealgate.RoleAdmin)}
	mustUser(t, app, "counsel@example.com", dealgate.RoleCounsel)
	mustUser(t, app, "member@example.com", dealgate.RoleMember)
	rs.counsel, rs.member = app.newClient(), app.newClient()
	app.signInAs(rs.counsel, "counsel@example.com", testPassword)
	app.signInAs(rs.member, "member@example.com", testPassword)
	ctx, reg := context.Background(), postgres.NewRegister(app.db)
	var err error
	if rs.cloud, err = reg.CreateParty(ctx, rs.admin, dealgate.PartyInput{Name: "Azurine Cloud", Kind: dealgate.PartyCloudProvider, Aliases: []string{"Azurine"}}); err != nil {
		t.Fatal(err)
	}
	if rs.lab, err = reg.CreateParty(ctx, rs.admin, dealgate.PartyInput{Name: "Lumen Labs", Kind: dealgate.PartyModelDeveloper}); err != nil {
		t.Fatal(err)
	}
	if rs.statelessAPIs, err = reg.CreateCategory(ctx, rs.admin, dealgate.CategoryInput{Key: "stateless-model-apis", Name: "Stateless model APIs", Definition: "Inference APIs that keep no state between calls."}); err != nil {
		t.Fatal(err)
	}
	if rs.agentic, err = reg.CreateCategory(ctx, rs.admin, dealgate.CategoryInput{Key: "agent-hosting", Name: "Agent hosting", Definition: "Running autonomous agents with memory and tools."}); err != nil {
		t.Fatal(err)
	}
	draft, err := reg.StartTaxonomyDraft(ctx, rs.admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.PublishTaxonomy(ctx, rs.admin, draft.Version, "First version"); err != nil {
		t.Fatal(err)
	}
	return rs
}

func (rs *registerSetup) agreement(t *testing.T, title string, status dealgate.AgreementStatus, expires string) dealgate.Agreement {
	t.Helper()
	in := dealgate.AgreementInput{Title: title, PartyID: rs.cloud.ID, Kind: dealgate.AgreementPartnership, Binding: true, Status: status,
		Summary: "Summary of " + title}
	if expires != "" {
		in.ExpiresOn, _ = dealgate.ParseDate(expires)
	}
	a, err := postgres.NewRegister(rs.app.db).CreateAgreement(context.Background(), rs.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAgreementCreateValidatesAndKeepsInput(t *testing.T) {
	t.Parallel()
	rs := newRegisterSetup(t)
	app := rs.app
	bad := app.postForm(rs.counsel, "/agreements", url.Values{
		"title": {"Frontier hosting"}, "party": {"Nobody Inc"}, "kind": {"partnership"}, "status": {"active"},
		"effective_on": {"2027-02-30"}, "value": {"12abc"}, "currency": {"USD"}, "summary": {"Keep me"},
	}, "/agreements/new")
	doc := bad.doc(t)
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", bad.StatusCode)
	}
	for _, id := range []string{"party", "effective_on", "value"} {
		if doc.Find("#"+id+"-error").Length() != 1 {
			t.Errorf("no error beside %s", id)
		}
	}
	if v, _ := doc.Find("#title").Attr("value"); v != "Frontier hosting" {
		t.Errorf("title lost: %q", v)
	}
	if doc.Find("#summary").Text() != "Keep me" {
		t.Errorf("summary lost: %q", doc.Find("#summary").Text())
	}
	ok := app.postForm(rs.counsel, "/agreements", url.Values{
		"title": {"Frontier hosting"}, "party": {"azurine"}, "kind": {"cloud_services"}, "status": {"active"}, "binding": {"true"},
		"effective_on": {"2026-01-01"}, "expires_on": {"2030-12-31"}, "value": {"50,000,000,000"}, "currency": {"USD"},
	}, "/agreements/new")
	if ok.StatusCode != http.StatusSeeOther || !strings.HasPrefix(ok.Header.Get("Location"), "/agreements/") {
		t.Fatalf("create: %d %s", ok.StatusCode, ok.body)
	}
	page := app.getWith(rs.counsel, ok.Header.Get("Location")).doc(t)
	if page.Find(`[data-testid="agreement-title"]`).Text() != "Frontier hosting" || !strings.Contains(page.Text(), "USD 50,000,000,000.00") {
		t.Errorf("agreement page: %q", page.Find(`[data-testid="agreement-title"]`).Text())
	}
	if auditCount(t, app, "agreement.created") != 1 {
		t.Error("creation not audited")
	}
}

func TestAgreementListSearchFilterSortAndPage(t *testing.T) {
	t.Parallel()
	rs := newRegisterSetup(t)
	reg := postgres.NewRegister(rs.app.db)
	main := rs.agreement(t, "Azurine strategic partnership", dealgate.StatusActive, "2032-12-31")
	if _, err := reg.CreateClause(context.Background(), rs.admin, main.ID, dealgate.ClauseInput{
		Kind: dealgate.ClauseExclusivity, BeneficiaryID: rs.cloud.ID, CategoryIDs: []int64{rs.statelessAPIs.ID},
		Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, ExceptionPartyIDs: []int64{rs.cloud.ID},
		Worldwide: true, Section: "4.2", Text: "Azurine shall be the exclusive cloud provider for the hosting of Lumen's stateless application programming interfaces.",
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		rs.agreement(t, fmt.Sprintf("Filler draft %02d", i), dealgate.StatusDraft, "")
	}
	app := rs.app

	search := app.getWith(rs.member, "/agreements?q="+url.QueryEscape(`"stateless application programming interfaces"`)).doc(t)
	rows := search.Find(`[data-testid="agreement-row"]`)
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "Azurine strategic partnership") {
		t.Fatalf("phrase search found %d rows", rows.Length())
	}
	if search.Find(`[data-testid="agreement-snippet"] mark`).Length() == 0 {
		t.Error("no highlighted snippet")
	}

	drafts := app.getWith(rs.member, "/agreements?status=draft&sort=title&dir=desc").doc(t)
	if n := drafts.Find(`[data-testid="agreement-row"]`).Length(); n != 25 {
		t.Fatalf("first page of drafts: %d rows", n)
	}
	if first := strings.TrimSpace(drafts.Find(`[data-testid="agreement-row"] td`).First().Text()); first != "Filler draft 29" {
		t.Errorf("sorted descending starts with %q", first)
	}
	if next, _ := drafts.Find(`a[rel="next"]`).Attr("href"); !strings.Contains(next, "status=draft") || !strings.Contains(next, "dir=desc") {
		t.Errorf("next page link %q drops the filters", next)
	}
	covering := app.getWith(rs.member, "/agreements?category="+strconv.FormatInt(rs.statelessAPIs.ID, 10)).doc(t)
	if covering.Find(`[data-testid="agreement-row"]`).Length() != 1 {
		t.Error("category filter")
	}
	byName := app.getWith(rs.member, "/agreements?party_name=Azurine&status=active").doc(t)
	if byName.Find(`[data-testid="agreement-row"]`).Length() != 1 {
		t.Error("party alias filter")
	}
	if r := app.getWith(rs.member, "/agreements?party_name=Nobody"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown party: %d", r.StatusCode)
	}
	if r := app.getWith(rs.member, "/agreements?expiring=-5"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad expiring: %d", r.StatusCode)
	}
	if r := app.getWith(rs.member, "/agreements?q=zzzqqq"); r.doc(t).Find(`[data-testid="empty-state"]`).Length() != 1 {
		t.Error("no empty state for a search without results")
	}
}

func TestAgreementEditConflictShowsCurrentAndKeepsTyped(t *testing.T) {
	t.Parallel()
	rs := newRegisterSetup(t)
	a := rs.agreement(t, "Original title", dealgate.StatusActive, "")
	app := rs.app
	path := "/agreements/" + strconv.FormatInt(a.ID, 10) + "/edit"
	form := func(title string, version string) url.Values {
		return url.Values{"title": {title}, "party": {"Azurine Cloud"}, "kind": {"partnership"}, "status": {"active"},
			"binding": {"true"}, "currency": {"USD"}, "version": {version}}
	}
	version, _ := app.getWith(rs.counsel, path).doc(t).Find(`input[name="version"]`).Attr("value")
	if r := app.postForm(rs.counsel, path, form("First edit", version), path); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first edit: %d %s", r.StatusCode, r.body)
	}
	second := app.postForm(rs.counsel, path, form("Second edit", version), path)
	doc := second.doc(t)
	if second.StatusCode != http.StatusConflict || !strings.Contains(doc.Find(`[data-testid="error-summary"]`).Text(), "First edit") {
		t.Fatalf("stale edit: %d %q", second.StatusCode, doc.Find(`[data-testid="error-summary"]`).Text())
	}
	if v, _ := doc.Find("#title").Attr("value"); v != "Second edit" {
		t.Errorf("typed title lost: %q", v)
	}
	cur, err := postgres.NewRegister(app.db).Agreement(context.Background(), rs.admin, a.ID)
	if err != nil || cur.Title != "First edit" {
		t.Fatalf("stored %q %v", cur.Title, err)
	}
}

func upload(t *testing.T, app *testApp, c *http.Client, path, tokenPage, filename string, content []byte) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", app.csrf(c, tokenPage))
	_ = w.WriteField("_once", app.onceToken(c, tokenPage))
	if filename != "" {
		part, _ := w.CreateFormFile("file", filename)
		_, _ = part.Write(content)
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, app.ts.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return app.do(c, req)
}

func TestDocumentsUploadSniffDownloadAndRemove(t *testing.T) {
	t.Parallel()
	rs := newRegisterSetup(t)
	a := rs.agreement(t, "Documented agreement", dealgate.StatusActive, "")
	app := rs.app
	page := "/agreements/" + strconv.FormatInt(a.ID, 10)

	exe := upload(t, app, rs.counsel, page+"/documents", page, "contract.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00binary program"))
	if exe.StatusCode != http.StatusUnprocessableEntity || exe.doc(t).Find(`[data-testid="file-error"]`).Length() != 1 {
		t.Fatalf("binary named .pdf: %d", exe.StatusCode)
	}
	none := upload(t, app, rs.counsel, page+"/documents", page, "", nil)
	if none.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no file: %d", none.StatusCode)
	}
	ok := upload(t, app, rs.counsel, page+"/documents", page, `../../etc/"evil" name.pdf`, []byte("Plain text terms of the agreement.\n"))
	if ok.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", ok.StatusCode, ok.body)
	}
	doc := app.getWith(rs.member, page).doc(t)
	link, _ := doc.Find(`[data-testid="document-row"] a`).First().Attr("href")
	if doc.Find(`[data-testid="upload-form"]`).Length() != 0 {
		t.Error("a member sees the upload form")
	}
	dl := app.getWith(rs.member, link)
	cd := dl.Header.Get("Content-Disposition")
	if dl.StatusCode != http.StatusOK || dl.body != "Plain text terms of the agreement.\n" || !strings.HasPrefix(dl.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("download: %d %q %s", dl.StatusCode, dl.body, dl.Header.Get("Content-Type"))
	}
	if !strings.HasSuffix(cd, `.txt"`) || strings.Contains(cd, "..") || strings.Contains(cd, "evil\"") || strings.Count(cd, `"`) != 2 {
		t.Errorf("unsafe download name: %s", cd)
	}
	if auditCount(t, app, "agreement_document.downloaded") != 1 {
		t.Error("download not audited")
	}
	// HEAD answers like the download, without the file, and is not audited:
	// only a real download writes "document downloaded".
	headReq, _ := http.NewRequest(http.MethodHead, app.ts.URL+link, nil)
	head := app.do(rs.member, headReq)
	if head.StatusCode != http.StatusOK || head.Header.Get("Content-Disposition") != cd || head.Header.Get("Content-Length") != "35" || head.body != "" {
		t.Errorf("HEAD: %d %q %q %q", head.StatusCode, head.Header.Get("Content-Disposition"), head.Header.Get("Content-Length"), head.body)
	}
	if n := auditCount(t, app, "agreement_document.downloaded"); n != 1 {
		t.Errorf("HEAD wrote a download event: %d events, want 1", n)
	}
	if r := app.postForm(rs.member, link+"/remove", nil, page); r.StatusCode != http.StatusForbidden {
		t.Errorf("member removed a document: %d", r.StatusCode)
	}
	if r := app.postForm(rs.counsel, link+"/remove", nil, link+"/remove"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.StatusCode)
	}
	if r := app.getWith(rs.member, link); r.StatusCode != http.StatusNotFound {
		t.Errorf("removed document still served: %d", r.StatusCode)
	}
}

func TestClauseFormResolvesPartiesAndReadsBack(t *testing.T) {
	t.Parallel()
	rs := newRegisterSetup(t)
	a := rs.agreement(t, "Clause host", dealgate.StatusActive, "2032-12-31")
	app := rs.app
	base := "/agreements/" + strconv.FormatInt(a.ID, 10)
	bad := app.postForm(rs.counsel, base+"/clauses", url.Values{
		"kind": {"exclusivity"}, "beneficiary": {"Unknown Cloud"}, "restriction_scope": {"named"},
		"restricted_parties": {"Lumen Labs\nGhost Corp"}, "worldwide": {"true"}, "text": {"Keep this text"},
	}, base+"/clauses/new")
	doc := bad.doc(t)
	if bad.StatusCode != http.StatusUnprocessableEntity || doc.Find("#beneficiary-error").Length() != 1 || doc.Find("#restricted_parties-error").Length() != 1 {
		t.Fatalf("bad clause: %d", bad.StatusCode)
	}
	if !strings.Contains(doc.Find(`[data-testid="error-summary"]`).Text(), "product category") {
		t.Errorf("missing category not reported: %q", doc.Find(`[data-testid="error-summary"]`).Text())
	}
	if doc.Find("#text").Text() != "Keep this text" || doc.Find("#restricted_parties").Text() != "Lumen Labs\nGhost Corp" {
		t.Error("typed clause input lost")
	}
	good := app.postForm(rs.counsel, base+"/clauses", url.Values{
		"kind": {"exclusivity"}, "beneficiary": {"Azurine"}, "restriction_scope": {"kind"}, "restricted_kind": {"cloud_provider"},
		"exception_parties": {"Azurine Cloud"}, "category_ids": {strconv.FormatInt(rs.statelessAPIs.ID, 10)},
		"worldwide": {"true"}, "section": {"4.2"}, "text": {"Exclusive host of stateless APIs."},
	}, base+"/clauses/new")
	if good.StatusCode != http.StatusSeeOther {
		t.Fatalf("clause: %d %s", good.StatusCode, good.body)
	}
	sentence := app.getWith(rs.member, base).doc(t).Find(`[data-testid="clause-sentence"]`).Text()
	for _, want := range []string{"Azurine Cloud", "exclusive", "Stateless model APIs", "worldwide", "any cloud provider except Azurine Cloud"} {
		if !strings.Contains(sentence, want) {
			t.Errorf("sentence %q lacks %q", sentence, want)
		}
	}
}

func TestDocumentUploadsMayExceedTheDefaultBodyLimit(t *testing.T) {
	t.Parallel()
	rs := newRegisterSetup(t) // DEALGATE_MAX_BODY_BYTES is 1 MiB by default
	a := rs.agreement(t, "Big documents", dealgate.StatusActive, "")
	page := "/agreements/" + strconv.FormatInt(a.ID, 10)
	big := bytes.Repeat([]byte("Clause text line of a long agreement.\n"), 80000) // ~3 MB of text
	if r := upload(t, rs.app, rs.counsel, page+"/documents", page, "long.txt", big); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("3 MB document: %d", r.StatusCode)
	}
	// Elsewhere the default limit still holds.
	req, _ := http.NewRequest(http.MethodPost, rs.app.ts.URL+"/agreements", bytes.NewReader(big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := rs.app.do(rs.counsel, req); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("3 MB form elsewhere: %d", r.StatusCode)
	}
}

func TestDocumentSizeLimitIsConfigurable(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, map[string]string{"DEALGATE_MAX_DOCUMENT_BYTES": "2048"})
	admin := mustUser(t, app, "admin@example.com", dealgate.RoleAdmin)
	c := app.newClient()
	app.signInAs(c, "admin@example.com", testPassword)
	reg := postgres.NewRegister(app.db)
	party, err := reg.CreateParty(context.Background(), admin, dealgate.PartyInput{Name: "Small Docs Ltd", Kind: dealgate.PartyOther})
	if err != nil {
		t.Fatal(err)
	}
	a, err := reg.CreateAgreement(context.Background(), admin, dealgate.AgreementInput{Title: "Tiny", PartyID: party.ID,
		Kind: dealgate.AgreementOther, Status: dealgate.StatusDraft})
	if err != nil {
		t.Fatal(err)
	}
	page := "/agreements/" + strconv.FormatInt(a.ID, 10)
	if hint := app.getWith(c, page).doc(t).Find("#file-hint").Text(); !strings.Contains(hint, "2 KB") {
		t.Errorf("hint %q", hint)
	}
	r := upload(t, app, c, page+"/documents", page, "big.txt", bytes.Repeat([]byte("a"), 4096))
	if r.StatusCode != http.StatusUnprocessableEntity || r.doc(t).Find(`[data-testid="file-error"]`).Length() != 1 {
		t.Fatalf("4 KB file against a 2 KB limit: %d", r.StatusCode)
	}
}

func TestDoubleSubmitCreatesOnce(t *testing.T) {
	t.Parallel()
	rs := newRegisterSetup(t)
	app := rs.app
	once := app.onceToken(rs.counsel, "/agreements/new")
	form := url.Values{"title": {"Submitted twice"}, "party": {"Azurine Cloud"}, "kind": {"partnership"}, "status": {"draft"},
		"currency": {"USD"}, "_once": {once}}
	first := app.postForm(rs.counsel, "/agreements", form, "/agreements/new")
	second := app.postForm(rs.counsel, "/agreements", form, "/agreements/new")
	if first.StatusCode != http.StatusSeeOther || second.StatusCode != http.StatusSeeOther || second.Header.Get("Location") != "/agreements" {
		t.Fatalf("first %d, second %d → %s", first.StatusCode, second.StatusCode, second.Header.Get("Location"))
	}
	var n int
	_ = app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM agreement WHERE title = 'Submitted twice'`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d agreements created by a double submit", n)
	}
	// A failed create gives its token back: the corrected form goes through.
	bad := url.Values{"title": {""}, "party": {"Azurine Cloud"}, "kind": {"partnership"}, "status": {"draft"}, "currency": {"USD"}}
	once = app.onceToken(rs.counsel, "/agreements/new")
	bad.Set("_once", once)
	if r := app.postForm(rs.counsel, "/agreements", bad, "/agreements/new"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid: %d", r.StatusCode)
	}
	bad.Set("title", "Corrected")
	if r := app.postForm(rs.counsel, "/agreements", bad, "/agreements/new"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("corrected resubmission: %d", r.StatusCode)
	}
	// Without its token the form is refused rather than risk a duplicate.
	noToken := url.Values{"title": {"No token"}, "party": {"Azurine Cloud"}, "kind": {"partnership"}, "status": {"draft"}, "currency": {"USD"}, "_csrf": {app.csrf(rs.counsel, "/agreements/new")}}
	req, _ := http.NewRequest(http.MethodPost, app.ts.URL+"/agreements", strings.NewReader(noToken.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if r := app.do(rs.counsel, req); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no token: %d", r.StatusCode)
	}
}

func TestLikelyDuplicateAgreementIsWarnedBeforeItIsCreated(t *testing.T) {
	t.Parallel()
	rs := newRegisterSetup(t)
	app := rs.app
	form := url.Values{"title": {"Azurine hosting agreement"}, "party": {"Azurine Cloud"}, "kind": {"cloud_services"}, "status": {"active"},
		"effective_on": {"2026-01-01"}, "expires_on": {"2030-12-31"}, "currency": {"USD"}}
	if r := app.postForm(rs.counsel, "/agreements", form, "/agreements/new"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first: %d", r.StatusCode)
	}
	form.Del("_once")
	form.Set("title", "Azurine hosting agreement (2028)")
	form.Set("effective_on", "2028-01-01")
	again := app.postForm(rs.counsel, "/agreements", form, "/agreements/new")
	doc := again.doc(t)
	if again.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#title-error").Text(), "Azurine hosting agreement") ||
		doc.Find("#save_duplicate").Length() != 1 {
		t.Fatalf("likely duplicate: %d %q", again.StatusCode, doc.Find("#title-error").Text())
	}
	// Other dates or another title: no warning.
	other := url.Values{"title": {"Azurine hosting agreement"}, "party": {"Azurine Cloud"}, "kind": {"cloud_services"}, "status": {"draft"},
		"effective_on": {"2031-01-01"}, "currency": {"USD"}}
	if r := app.postForm(rs.counsel, "/agreements", other, "/agreements/new"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("after the first one ends: %d", r.StatusCode)
	}
	form.Del("_once")
	form.Set("save_duplicate", "true")
	if r := app.postForm(rs.counsel, "/agreements", form, "/agreements/new"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saved anyway: %d", r.StatusCode)
	}
}
