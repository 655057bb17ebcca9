package server_test

import "context"
import "fmt"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// partySetup is a test app with a signed-in admin, counsel, member and
// auditor, and the register service to make fixtures with.
type partySetup struct {
	app                             *testApp
	reg                             *postgres.Register
	adminUser                       *dealgate.User
	admin, counsel, member, auditor *http.Client
}

func newPartySetup(t *testing.T) *partySetup {
	t.Helper()
	app := newTestApp(t, nil)
	ps := &partySetup{app: app, reg: postgres.NewRegister(app.db)}
	ps.adminUser = mustUser(t, app, "admin@example.com", dealgate.RoleAdmin)
	mustUser(t, app, "counsel@example.com", dealgate.RoleCounsel)
	mustUser(t, app, "member@example.com", dealgate.RoleMember)
	mustUser(t, app, "auditor@example.com", dealgate.RoleAuditor)
	for email, c := range map[string]**http.Client{"admin@example.com": &ps.admin, "counsel@example.com": &ps.counsel,
		"member@example.com": &ps.member, "auditor@example.com": &ps.auditor} {
		*c = app.newClient()
		if r := app.signInAs(*c, email, testPassword); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", email, r.StatusCode)
		}
	}
	return ps
}

func (ps *partySetup) party(t *testing.T, in dealgate.PartyInput) dealgate.Party {
	t.Helper()
	p, err := ps.reg.CreateParty(context.Background(), ps.adminUser, in)
	if err != nil {
		t.Fatalf("party %s: %v %v", in.Name, err, dealgate.ErrorFields(err))
	}
	return p
}

func texts(sel *goquery.Selection) []string {
	var out []string
	sel.Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

func partyCount(t *testing.T, app *testApp) int {
	t.Helper()
	var n int
	if err := app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM party`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// formValue is the value of the input or textarea with id (or, for hidden
// inputs, name) on a page.
func formValue(doc *goquery.Document, id string) string {
	el := doc.Find("#" + id)
	if el.Length() == 0 {
		el = doc.Find(`form input[name="` + id + `"]`).First()
	}
	if goquery.NodeName(el) == "textarea" {
		return el.Text()
	}
	v, _ := el.Attr("value")
	return v
}

func TestPartyListFiltersSortsAndPages(t *testing.T) {
	t.Parallel()
	ps := newPartySetup(t)
	app := ps.app

	// Empty: each role is told what happens next.
	empty := app.getWith(ps.counsel, "/parties").doc(t)
	if empty.Find(`[data-testid="empty-state"] a[href="/parties/new"]`).Length() != 1 {
		t.Error("counsel's empty state should offer to add a party")
	}
	if d := app.getWith(ps.member, "/parties").doc(t); d.Find(`[data-testid="empty-state"]`).Length() != 1 || d.Find(`a[href="/parties/new"]`).Length() != 0 {
		t.Error("member's empty state must not offer to add a party")
	}

	ps.party(t, dealgate.PartyInput{Name: "Amazon Web Services", Kind: dealgate.PartyCloudProvider, Aliases: []string{"AWS"}})
	for i := range 27 {
		kind := dealgate.PartyReseller
		if i%3 == 0 {
			kind = dealgate.PartyInvestor
		}
		ps.party(t, dealgate.PartyInput{Name: fmt.Sprintf("Party %02d", i), Kind: kind})
	}
	gone := ps.party(t, dealgate.PartyInput{Name: "Zephyr Retired", Kind: dealgate.PartyOther})
	if _, err := ps.reg.RetireParty(context.Background(), ps.adminUser, gone.ID, gone.Version); err != nil {
		t.Fatal(err)
	}

	rows := func(r response) []string {
		t.Helper()
		if r.StatusCode != http.StatusOK {
			t.Fatalf("status %d", r.StatusCode)
		}
		return texts(r.doc(t).Find(`[data-testid="party-link"]`))
	}
	first := app.getWith(ps.member, "/parties")
	doc := first.doc(t)
	if got := rows(first); len(got) != 25 || got[0] != "Amazon Web Services" {
		t.Fatalf("page 1: %d rows, first %v", len(got), got[:1])
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="result-count"]`).Text()); got != "Showing 1–25 of 28" {
		t.Errorf("count %q (the retired party is left out by default)", got)
	}
	next, ok := doc.Find(`a[rel="next"]`).Attr("href")
	if !ok {
		t.Fatal("no next page link")
	}
	if got := rows(app.getWith(ps.member, next)); len(got) != 3 || got[2] != "Party 26" {
		t.Errorf("page 2: %v", got)
	}

	// Search by any part of a name or alias, ignoring case.
	if got := rows(app.getWith(ps.member, "/parties?q=aws")); len(got) != 1 || got[0] != "Amazon Web Services" {
		t.Errorf("alias search: %v", got)
	}
	if got := rows(app.getWith(ps.member, "/parties?kind=investor")); len(got) != 9 {
		t.Errorf("investors: %d", len(got))
	}
	withRetired := app.getWith(ps.member, "/parties?q=zephyr&retired=true")
	if got := rows(withRetired); len(got) != 1 || withRetired.doc(t).Find(`[data-tag="retired"]`).Length() != 1 {
		t.Errorf("retired party with its tag: %v", got)
	}
	if withRetired.doc(t).Find("#retired[checked]").Length() != 1 {
		t.Error("the include-retired box must stay ticked")
	}
	if got := rows(app.getWith(ps.member, "/parties?sort=name&dir=desc")); got[0] != "Party 26" {
		t.Errorf("name descending starts with %q", got[0])
	}
	byKind := app.getWith(ps.member, "/parties?sort=kind")
	if got := rows(byKind); got[0] != "Amazon Web Services" {
		t.Errorf("kind ascending (cloud provider first) starts with %q", got[0])
	}
	if s, _ := byKind.doc(t).Find(`th[aria-sort="ascending"] a`).Attr("href"); !strings.Contains(s, "dir=desc") {
		t.Errorf("the sorted header should flip the order: %q", s)
	}
	if got := rows(app.getWith(ps.member, "/parties?sort=updated_at&dir=desc")); got[0] != "Party 26" {
		t.Errorf("newest change first: %q", got[0])
	}
	// Nonsense sorts and pages fall back to defaults instead of failing.
	if got := rows(app.getWith(ps.member, "/parties?sort=password&page=-3&per_page=abc")); got[0] != "Amazon Web Services" {
		t.Errorf("default sort: %q", got[0])
	}
	none := app.getWith(ps.member, "/parties?q=no+such+company").doc(t)
	if none.Find(`[data-testid="empty-state"]`).Length() != 1 || none.Find(`[data-testid="empty-state"] a[href="/parties"]`).Length() != 1 {
		t.Error("a filter that matches nothing should say so and offer to clear it")
	}
	if v := formValue(none, "q"); v != "no such company" {
		t.Errorf("search kept as %q", v)
	}
}

func TestPartyCreateValidatesKeepsInputAndRefusesDuplicates(t *testing.T) {
	t.Parallel()
	ps := newPartySetup(t)
	app := ps.app
	aws := ps.party(t, dealgate.PartyInput{Name: "Amazon Web Services", Kind: dealgate.PartyCloudProvider, Aliases: []string{"AWS"}})
	parent := ps.party(t, dealgate.PartyInput{Name: "Nimbus Inc.", Kind: dealgate.PartyOther, Aliases: []string{"Nimbus Group"}})

	bad := app.postForm(ps.counsel, "/parties", url.Values{
		"name": {""}, "aliases": {"NWS\nNimbus"}, "parent": {"Nobody Holdings"}, "website": {"not a web address"}, "notes": {"Typed notes"},
	}, "/parties/new")
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid create: %d", bad.StatusCode)
	}
	doc := bad.doc(t)
	var fields []string
	doc.Find(`[data-testid="error-summary"] a`).Each(func(_ int, s *goquery.Selection) {
		f, _ := s.Attr("data-field")
		fields = append(fields, f)
	})
	if strings.Join(fields, ",") != "name,kind,parent,website" {
		t.Errorf("error summary fields %v", fields)
	}
	for id, want := range map[string]string{"aliases": "NWS\nNimbus", "parent": "Nobody Holdings", "website": "not a web address", "notes": "Typed notes"} {
		if got := formValue(doc, id); got != want {
			t.Errorf("%s kept as %q, want %q", id, got, want)
		}
	}
	if doc.Find("#parent-error").Length() != 1 || doc.Find("#kind-error").Length() != 1 {
		t.Error("field errors belong beside their fields")
	}

	// A name or alias already used, in any case, is refused on its field.
	dupName := app.postForm(ps.counsel, "/parties", url.Values{"name": {"aws"}, "kind": {"cloud_provider"}}, "/parties/new")
	if dupName.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(dupName.doc(t).Find("#name-error").Text(), "Amazon Web Services") {
		t.Errorf("duplicate name: %d %q", dupName.StatusCode, dupName.doc(t).Find("#name-error").Text())
	}
	dupAlias := app.postForm(ps.counsel, "/parties", url.Values{"name": {"Amazon Cloud"}, "kind": {"cloud_provider"}, "aliases": {"Amazon web services"}}, "/parties/new")
	if dupAlias.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(dupAlias.doc(t).Find("#aliases-error").Text(), "Amazon Web Services") {
		t.Errorf("duplicate alias: %d", dupAlias.StatusCode)
	}
	if dupAlias.doc(t).Find(`input[name="kind"][value="cloud_provider"][checked]`).Length() != 1 {
		t.Error("the chosen kind must stay chosen")
	}
	if n := partyCount(t, app); n != 2 {
		t.Fatalf("%d parties after refused creates", n)
	}

	// The parent is found by an alias; the new party shows in its family.
	ok := app.postForm(ps.counsel, "/parties", url.Values{
		"name": {"Nimbus Web Services"}, "kind": {"cloud_provider"}, "aliases": {"NWS\nNimbus"}, "parent": {"nimbus group"},
		"website": {"nws.example.com"}, "notes": {"Rival cloud."},
	}, "/parties/new")
	if ok.StatusCode != http.StatusSeeOther || !strings.HasPrefix(ok.Header.Get("Location"), "/parties/") {
		t.Fatalf("create: %d %s %s", ok.StatusCode, ok.Header.Get("Location"), ok.doc(t).Find(`[data-testid="error-summary"]`).Text())
	}
	page := app.getWith(ps.counsel, ok.Header.Get("Location"))
	d := page.doc(t)
	if got := d.Find(`[data-testid="notification-banner"]`).Text(); !strings.Contains(got, "Nimbus Web Services is added") {
		t.Errorf("flash %q", got)
	}
	if href, _ := d.Find(`[data-testid="summary-list"] a[href="/parties/` + strconv.FormatInt(parent.ID, 10) + `"]`).Attr("href"); href == "" {
		t.Error("the parent company should link to its page")
	}
	if got := texts(d.Find(`[data-testid="family-member"] > a, [data-testid="family-member"] > strong`)); strings.Join(got, "|") != "Nimbus Inc.|Nimbus Web Services" {
		t.Errorf("family %v", got)
	}
	if href, _ := d.Find(`[data-testid="party-agreements"]`).Attr("href"); !strings.HasPrefix(href, "/agreements?party=") {
		t.Errorf("agreements link %q", href)
	}
	if !strings.Contains(d.Find(`[data-testid="summary-list"]`).Text(), "https://nws.example.com") {
		t.Error("the website is stored as a full address")
	}
	if got := d.Find(`[data-testid="timeline-item"]`).Text(); !strings.Contains(got, "Party created") || !strings.Contains(got, "Test counsel") {
		t.Errorf("history %q", got)
	}
	if auditCount(t, app, "party.created") != 3 {
		t.Error("creation not audited")
	}
	// The parent's page lists the new affiliate.
	pp := app.getWith(ps.member, "/parties/"+strconv.FormatInt(parent.ID, 10)).doc(t)
	if !strings.Contains(pp.Find(`[data-testid="family"]`).Text(), "Nimbus Web Services") {
		t.Error("the parent's family should list its affiliate")
	}
	if pa := app.getWith(ps.member, "/parties/"+strconv.FormatInt(aws.ID, 10)).doc(t); pa.Find(`[data-testid="family-none"]`).Length() != 1 {
		t.Error("a party without family says so")
	}
}

func TestPartyEditConflictShowsCurrentAndKeepsInput(t *testing.T) {
	t.Parallel()
	ps := newPartySetup(t)
	app := ps.app
	p := ps.party(t, dealgate.PartyInput{Name: "Strato Cloud", Kind: dealgate.PartyCloudProvider, Aliases: []string{"Strato"}})
	edit := "/parties/" + strconv.FormatInt(p.ID, 10) + "/edit"

	// Both open the form at the same version.
	opened := app.getWith(ps.counsel, edit).doc(t)
	version := formValue(opened, "version")
	if version == "" || formValue(opened, "name") != "Strato Cloud" || formValue(opened, "aliases") != "Strato" {
		t.Fatalf("edit form: version %q name %q", version, formValue(opened, "name"))
	}
	first := app.postForm(ps.counsel, edit, url.Values{"version": {version}, "name": {"Strato Cloud GmbH"}, "kind": {"cloud_provider"}, "aliases": {"Strato"}}, edit)
	if first.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", first.StatusCode)
	}
	typed := url.Values{"version": {version}, "name": {"Strato Cloud"}, "kind": {"reseller"}, "aliases": {"Strato\nSC"}, "notes": {"Admin's note"}}
	for i := range 2 {
		stale := app.postForm(ps.admin, edit, typed, edit)
		if stale.StatusCode != http.StatusConflict {
			t.Fatalf("stale save %d: %d, want 409", i, stale.StatusCode)
		}
		d := stale.doc(t)
		current := d.Find(`[data-testid="conflict-current"]`).Text()
		if !strings.Contains(current, "Strato Cloud GmbH") {
			t.Errorf("the conflict should show the saved name: %q", current)
		}
		msg := d.Find(`[data-testid="error-summary"]`).Text()
		if !strings.Contains(msg, "Someone else changed this party") || !strings.Contains(msg, "name, kind, other names, notes") {
			t.Errorf("conflict message %q", msg)
		}
		if formValue(d, "notes") != "Admin's note" || formValue(d, "aliases") != "Strato\nSC" || d.Find(`input[name="kind"][value="reseller"][checked]`).Length() != 1 {
			t.Error("what the admin typed must be kept")
		}
		if i == 1 {
			// Saving again from the conflict page is a knowing overwrite.
			typed.Set("version", formValue(d, "version"))
		}
	}
	got, err := ps.reg.Party(context.Background(), ps.adminUser, p.ID)
	if err != nil || got.Name != "Strato Cloud GmbH" || got.Kind != dealgate.PartyCloudProvider || got.Notes != "" {
		t.Fatalf("stale saves overwrote the party: %+v %v", got, err)
	}
	again := app.postForm(ps.admin, edit, typed, edit)
	if again.StatusCode != http.StatusSeeOther {
		t.Fatalf("save after the conflict: %d", again.StatusCode)
	}
	got, _ = ps.reg.Party(context.Background(), ps.adminUser, p.ID)
	if got.Kind != dealgate.PartyReseller || got.Notes != "Admin's note" || strings.Join(got.Aliases, ",") != "SC,Strato" {
		t.Errorf("after saving again: %+v", got)
	}
	// The history says what changed, without bookkeeping fields.
	hist := app.getWith(ps.member, "/parties/"+strconv.FormatInt(p.ID, 10)).doc(t).Find(`[data-testid="timeline-item"]`)
	if hist.Length() != 3 || !strings.Contains(hist.First().Text(), `Kind: Cloud provider → Reseller`) || strings.Contains(strings.ToLower(hist.Text()), "version:") {
		t.Errorf("history: %q", hist.Text())
	}
}

func TestPartyRetireAndRestoreThroughConfirmation(t *testing.T) {
	t.Parallel()
	ps := newPartySetup(t)
	app := ps.app
	p := ps.party(t, dealgate.PartyInput{Name: "Orbital GPU", Kind: dealgate.PartyCloudProvider})
	path := "/parties/" + strconv.FormatInt(p.ID, 10)

	confirm := app.getWith(ps.counsel, path+"/retire")
	d := confirm.doc(t)
	if confirm.StatusCode != http.StatusOK || !strings.Contains(d.Find("main").Text(), "keep doing so") {
		t.Fatalf("confirm page: %d", confirm.StatusCode)
	}
	version, _ := d.Find(`[data-testid="confirm-form"] input[name="version"]`).Attr("value")
	r := app.postForm(ps.counsel, path+"/retire", url.Values{"version": {version}}, path+"/retire")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
		t.Fatalf("retire: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	page := app.getWith(ps.counsel, path).doc(t)
	if !strings.Contains(page.Find(`[data-testid="retired-banner"]`).Text(), "Retired on") || page.Find(`h1 [data-tag="retired"]`).Length() != 1 {
		t.Error("a retired party says so at the top")
	}
	if page.Find(`a[href="`+path+`/restore"]`).Length() != 1 || page.Find(`a[href="`+path+`/retire"]`).Length() != 0 {
		t.Error("a retired party offers restore, not retire")
	}
	// The double submit changes nothing and says why.
	twice := app.postForm(ps.counsel, path+"/retire", url.Values{"version": {version}}, path)
	if twice.StatusCode != http.StatusSeeOther || auditCount(t, app, "party.retired") != 1 {
		t.Errorf("double submit: %d, %d events", twice.StatusCode, auditCount(t, app, "party.retired"))
	}
	if !strings.Contains(app.getWith(ps.counsel, path).doc(t).Find(`[data-kind="important"]`).Text(), "no longer applies") {
		t.Error("the refused repeat should be explained")
	}
	if got := texts(app.getWith(ps.member, "/parties").doc(t).Find(`[data-testid="party-link"]`)); len(got) != 0 {
		t.Errorf("a retired party is hidden from the list by default: %v", got)
	}
	// Restoring goes the same way.
	if r := app.getWith(ps.counsel, path+"/retire"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("retire of a retired party should send back: %d", r.StatusCode)
	}
	rd := app.getWith(ps.counsel, path+"/restore").doc(t)
	version, _ = rd.Find(`[data-testid="confirm-form"] input[name="version"]`).Attr("value")
	if r := app.postForm(ps.counsel, path+"/restore", url.Values{"version": {version}}, path); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %d", r.StatusCode)
	}
	got, _ := ps.reg.Party(context.Background(), ps.adminUser, p.ID)
	if got.Retired() || auditCount(t, app, "party.restored") != 1 {
		t.Errorf("restored: %+v", got)
	}
}

func TestPartiesReadOnlyForMembersAndAuditors(t *testing.T) {
	t.Parallel()
	ps := newPartySetup(t)
	app := ps.app
	p := ps.party(t, dealgate.PartyInput{Name: "Halcyon AI", Kind: dealgate.PartyModelDeveloper})
	path := "/parties/" + strconv.FormatInt(p.ID, 10)
	for name, c := range map[string]*http.Client{"member": ps.member, "auditor": ps.auditor} {
		list := app.getWith(c, "/parties")
		if list.StatusCode != http.StatusOK || list.doc(t).Find(`a[href="/parties/new"]`).Length() != 0 {
			t.Errorf("%s list: %d, or offers to add", name, list.StatusCode)
		}
		page := app.getWith(c, path)
		d := page.doc(t)
		if page.StatusCode != http.StatusOK || d.Find(`[data-testid="party-actions"]`).Length() != 0 || d.Find(`a[href$="/edit"], a[href$="/retire"]`).Length() != 0 {
			t.Errorf("%s sees edit actions on a party", name)
		}
		for _, get := range []string{"/parties/new", path + "/edit", path + "/retire"} {
			if r := app.getWith(c, get); r.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", name, get, r.StatusCode)
			}
		}
		for _, post := range []string{"/parties", path + "/edit", path + "/retire"} {
			r := app.postForm(c, post, url.Values{"name": {"Hijacked"}, "kind": {"other"}, "version": {"1"}}, "/account")
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", name, post, r.StatusCode)
			}
		}
	}
	got, _ := ps.reg.Party(context.Background(), ps.adminUser, p.ID)
	if got.Name != "Halcyon AI" || got.Retired() || partyCount(t, app) != 1 {
		t.Errorf("read-only roles changed the register: %+v", got)
	}
	if app.getWith(ps.counsel, path).doc(t).Find(`[data-testid="party-actions"] a`).Length() != 2 {
		t.Error("counsel should see Edit and Retire")
	}
}
