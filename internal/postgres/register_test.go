package postgres_test

import "bytes"
import "context"
import "encoding/json"
import "fmt"
import "strings"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

// regEnv is a fresh database with the register service and one user per role.
type regEnv struct {
	db                        *postgres.DB
	reg                       *postgres.Register
	counsel, admin, auditor   *dealgate.User
	ctx                       context.Context
	azurine, nimbus, lumen    dealgate.Party
	tax                       *dealgate.Taxonomy
	ai, models, apis, agents  int64 // category IDs
	hosting, compute, agentic int64
}

func regUser(t testing.TB, db *postgres.DB, email string, roles ...dealgate.Role) *dealgate.User {
	t.Helper()
	var id int64
	rs := make([]string, len(roles))
	for i, r := range roles {
		rs[i] = string(r)
	}
	err := db.Pool.QueryRow(context.Background(), `
		INSERT INTO users (email, name, roles, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, '', now(), now()) RETURNING id`, email, strings.Split(email, "@")[0], rs).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return &dealgate.User{ID: id, Email: email, Name: email, Roles: roles, Status: dealgate.UserActive}
}

func newRegEnv(t testing.TB) *regEnv {
	t.Helper()
	db := pgtest.New(t)
	e := &regEnv{db: db, reg: postgres.NewRegister(db), ctx: context.Background()}
	e.counsel = regUser(t, db, "counsel@example.test", dealgate.RoleCounsel)
	e.admin = regUser(t, db, "admin@example.test", dealgate.RoleAdmin)
	e.auditor = regUser(t, db, "auditor@example.test", dealgate.RoleAuditor)
	return e
}

// withStory adds the demo's parties and a published taxonomy.
func (e *regEnv) withStory(t testing.TB) *regEnv {
	t.Helper()
	azCorp := e.mustParty(t, dealgate.PartyInput{Name: "Azurine Corporation", Kind: dealgate.PartyOther})
	e.azurine = e.mustParty(t, dealgate.PartyInput{Name: "Azurine Cloud", Kind: dealgate.PartyCloudProvider, Aliases: []string{"Azurine"}, ParentID: &azCorp.ID})
	e.nimbus = e.mustParty(t, dealgate.PartyInput{Name: "Nimbus Web Services", Kind: dealgate.PartyCloudProvider, Aliases: []string{"NWS", "Nimbus"}})
	e.lumen = e.mustParty(t, dealgate.PartyInput{Name: "Lumen Labs", Kind: dealgate.PartyModelDeveloper})
	cat := func(name string, parent int64) int64 {
		in := dealgate.CategoryInput{Name: name, Definition: "Definition of " + name + "."}
		if parent != 0 {
			in.ParentID = &parent
		}
		c, err := e.reg.CreateCategory(e.ctx, e.counsel, in)
		if err != nil {
			t.Fatalf("category %s: %v", name, err)
		}
		return c.ID
	}
	e.ai = cat("AI services", 0)
	e.models = cat("Foundation models", e.ai)
	e.apis = cat("Stateless model APIs", e.models)
	e.agentic = cat("Agentic platforms", e.ai)
	e.hosting = cat("Agent hosting", e.agentic)
	e.agents = cat("Agent orchestration", e.agentic)
	e.compute = cat("Compute", 0)
	e.publish(t, "First version")
	return e
}

func (e *regEnv) publish(t testing.TB, note string) dealgate.TaxonomyVersion {
	t.Helper()
	draft, err := e.reg.DraftTaxonomy(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.reg.PublishTaxonomy(e.ctx, e.admin, draft.Version.Version, note)
	if err != nil {
		t.Fatal(err)
	}
	e.tax, err = e.reg.CurrentTaxonomy(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (e *regEnv) mustParty(t testing.TB, in dealgate.PartyInput) dealgate.Party {
	t.Helper()
	p, err := e.reg.CreateParty(e.ctx, e.counsel, in)
	if err != nil {
		t.Fatalf("create party %s: %v (%v)", in.Name, err, dealgate.ErrorFields(err))
	}
	return p
}

func (e *regEnv) mustAgreement(t *testing.T, in dealgate.AgreementInput) dealgate.Agreement {
	t.Helper()
	if in.Kind == "" {
		in.Kind = dealgate.AgreementPartnership
	}
	if in.Status == "" {
		in.Status = dealgate.StatusActive
	}
	if in.PartyID == 0 {
		in.PartyID = e.azurine.ID
	}
	a, err := e.reg.CreateAgreement(e.ctx, e.counsel, in)
	if err != nil {
		t.Fatalf("create agreement %s: %v (%v)", in.Title, err, dealgate.ErrorFields(err))
	}
	return a
}

func (e *regEnv) mustClause(t *testing.T, agreementID int64, in dealgate.ClauseInput) dealgate.Clause {
	t.Helper()
	if in.Kind == "" {
		in.Kind = dealgate.ClauseExclusivity
	}
	if in.BeneficiaryID == 0 {
		in.BeneficiaryID = e.azurine.ID
	}
	if in.Scope == "" {
		in.Scope = dealgate.RestrictKind
		in.RestrictedKind = dealgate.PartyCloudProvider
	}
	if len(in.Regions) == 0 {
		in.Worldwide = true
	}
	c, err := e.reg.CreateClause(e.ctx, e.counsel, agreementID, in)
	if err != nil {
		t.Fatalf("create clause: %v (%v)", err, dealgate.ErrorFields(err))
	}
	return c
}

type regAuditRow struct {
	Action        string
	ActorLabel    string
	Before, After map[string]any
}

// auditFor returns an entity's audit events, oldest first.
func (e *regEnv) auditFor(t *testing.T, entityType string, id int64) []regAuditRow {
	t.Helper()
	rows, err := e.db.Pool.Query(e.ctx, `SELECT action, actor_label, before, after FROM audit_event
		WHERE entity_type = $1 AND entity_id = $2 ORDER BY id`, entityType, fmt.Sprint(id))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []regAuditRow
	for rows.Next() {
		var r regAuditRow
		var before, after []byte
		if err := rows.Scan(&r.Action, &r.ActorLabel, &before, &after); err != nil {
			t.Fatal(err)
		}
		if before != nil {
			_ = json.Unmarshal(before, &r.Before)
		}
		if after != nil {
			_ = json.Unmarshal(after, &r.After)
		}
		out = append(out, r)
	}
	return out
}

func regWantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := dealgate.ErrorCode(err); got != code {
		t.Fatalf("error %v (code %q), want %q", err, got, code)
	}
}

func regDay(y int, m time.Month, d int) *time.Time { t := dealgate.Day(y, m, d); return &t }

func TestPartyCreateEditRetireAudited(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t)
	p := e.mustParty(t, dealgate.PartyInput{Name: "Nimbus Web Services", Kind: dealgate.PartyCloudProvider, Aliases: []string{"NWS", "Nimbus"}, Website: "nimbus.example"})
	if p.Version != 1 || len(p.Aliases) != 2 || p.Website != "https://nimbus.example" {
		t.Fatalf("created %+v", p)
	}
	up, err := e.reg.UpdateParty(e.ctx, e.counsel, p.ID, p.Version, dealgate.PartyInput{Name: "Nimbus Web Services", Kind: dealgate.PartyCloudProvider, Aliases: []string{"NWS"}, Notes: "Rival cloud."})
	if err != nil {
		t.Fatal(err)
	}
	if up.Version != 2 || len(up.Aliases) != 1 || up.Notes != "Rival cloud." {
		t.Fatalf("updated %+v", up)
	}
	// The dropped alias is free again.
	if _, err := e.reg.FindPartyByName(e.ctx, e.auditor, "nimbus"); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Fatalf("dropped alias still finds: %v", err)
	}
	if got, err := e.reg.FindPartyByName(e.ctx, e.auditor, " nws "); err != nil || got.ID != p.ID {
		t.Fatalf("alias lookup: %+v %v", got, err)
	}
	ret, err := e.reg.RetireParty(e.ctx, e.counsel, p.ID, up.Version)
	if err != nil || !ret.Retired() {
		t.Fatalf("retire: %+v %v", ret, err)
	}
	page, err := e.reg.ListParties(e.ctx, e.auditor, dealgate.PartyFilter{})
	if err != nil || page.Total != 0 {
		t.Fatalf("retired party listed: %+v %v", page, err)
	}
	page, _ = e.reg.ListParties(e.ctx, e.auditor, dealgate.PartyFilter{IncludeRetired: true})
	if page.Total != 1 {
		t.Fatalf("include retired: %+v", page)
	}

	ev := e.auditFor(t, dealgate.EntityParty, p.ID)
	if len(ev) != 3 || ev[0].Action != "party.created" || ev[1].Action != "party.updated" || ev[2].Action != "party.retired" {
		t.Fatalf("audit %+v", ev)
	}
	if ev[1].ActorLabel != e.counsel.Email || ev[1].Before["notes"] != "" || ev[1].After["notes"] != "Rival cloud." {
		t.Errorf("update event %+v", ev[1])
	}
	if ev[0].Before != nil || ev[0].After["name"] != "Nimbus Web Services" {
		t.Errorf("create event %+v", ev[0])
	}

	// The list finds parties by any part of a name or alias.
	e.mustParty(t, dealgate.PartyInput{Name: "Azurine Cloud", Kind: dealgate.PartyCloudProvider, Aliases: []string{"Azurine"}})
	e.mustParty(t, dealgate.PartyInput{Name: "Lumen Labs", Kind: dealgate.PartyModelDeveloper})
	for q, want := range map[string]string{"web serv": "Nimbus Web Services", "nws": "Nimbus Web Services", "AZUR": "Azurine Cloud", "50%_": ""} {
		page, err := e.reg.ListParties(e.ctx, e.auditor, dealgate.PartyFilter{Query: q, IncludeRetired: true})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if len(page.Items) > 0 {
			got = page.Items[0].Name
		}
		if got != want || page.Total > 1 {
			t.Errorf("query %q: %+v", q, page.Items)
		}
	}
	page, _ = e.reg.ListParties(e.ctx, e.auditor, dealgate.PartyFilter{Sort: "kind", Desc: true, IncludeRetired: true})
	if len(page.Items) != 3 || page.Items[0].Name != "Lumen Labs" {
		t.Errorf("sorted by kind desc: %+v", page.Items)
	}

	// Auditors read but never change.
	_, err = e.reg.CreateParty(e.ctx, e.auditor, dealgate.PartyInput{Name: "X", Kind: dealgate.PartyOther})
	regWantCode(t, err, dealgate.EFORBIDDEN)
	_, err = e.reg.Party(e.ctx, nil, p.ID)
	regWantCode(t, err, dealgate.EUNAUTHORIZED)
}

func TestPartyDuplicateNameOrAlias(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t)
	e.mustParty(t, dealgate.PartyInput{Name: "Amazonia Web Services", Kind: dealgate.PartyCloudProvider, Aliases: []string{"AWS"}})
	other := e.mustParty(t, dealgate.PartyInput{Name: "Orbital Compute", Kind: dealgate.PartyCloudProvider})
	tests := []struct {
		in    dealgate.PartyInput
		field string
	}{
		{dealgate.PartyInput{Name: "amazonia  web services.", Kind: dealgate.PartyOther}, "name"},
		{dealgate.PartyInput{Name: "aws", Kind: dealgate.PartyOther}, "name"},
		{dealgate.PartyInput{Name: "New Co", Kind: dealgate.PartyOther, Aliases: []string{"Amazonia Web Services"}}, "aliases"},
		{dealgate.PartyInput{Name: "New Co", Kind: dealgate.PartyOther, Aliases: []string{"Aws"}}, "aliases"},
	}
	for _, tt := range tests {
		_, err := e.reg.CreateParty(e.ctx, e.counsel, tt.in)
		regWantCode(t, err, dealgate.EINVALID)
		if msg := dealgate.ErrorFields(err)[tt.field]; !strings.Contains(msg, "Amazonia Web Services") {
			t.Errorf("%+v: %s = %q", tt.in, tt.field, msg)
		}
	}
	// Editing into someone else's alias is refused too; keeping your own is fine.
	_, err := e.reg.UpdateParty(e.ctx, e.counsel, other.ID, other.Version, dealgate.PartyInput{Name: "Orbital Compute", Kind: dealgate.PartyCloudProvider, Aliases: []string{"AWS"}})
	regWantCode(t, err, dealgate.EINVALID)
	if _, err := e.reg.UpdateParty(e.ctx, e.counsel, other.ID, other.Version, dealgate.PartyInput{Name: "Orbital Compute", Kind: dealgate.PartyCloudProvider, Aliases: []string{"Orbital"}}); err != nil {
		t.Fatal(err)
	}
}

func TestPartyOptimisticConcurrency(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t)
	p := e.mustParty(t, dealgate.PartyInput{Name: "Lumen Labs", Kind: dealgate.PartyModelDeveloper})
	// Two people open version 1; the first saves.
	if _, err := e.reg.UpdateParty(e.ctx, e.counsel, p.ID, 1, dealgate.PartyInput{Name: "Lumen Labs", Kind: dealgate.PartyModelDeveloper, Notes: "first"}); err != nil {
		t.Fatal(err)
	}
	cur, err := e.reg.UpdateParty(e.ctx, e.admin, p.ID, 1, dealgate.PartyInput{Name: "Lumen Labs Ltd", Kind: dealgate.PartyModelDeveloper, Notes: "second"})
	regWantCode(t, err, dealgate.ECONFLICT)
	if !strings.Contains(dealgate.ErrorMessage(err), "changed this party since you opened it") {
		t.Errorf("message %q", dealgate.ErrorMessage(err))
	}
	if cur.Version != 2 || cur.Notes != "first" || cur.Name != "Lumen Labs" {
		t.Errorf("current record returned %+v", cur)
	}
	if ev := e.auditFor(t, dealgate.EntityParty, p.ID); len(ev) != 2 {
		t.Errorf("refused change audited: %+v", ev)
	}
	_, err = e.reg.UpdateParty(e.ctx, e.counsel, 99999, 1, dealgate.PartyInput{Name: "x", Kind: dealgate.PartyOther})
	regWantCode(t, err, dealgate.ENOTFOUND)
}

func TestCorporateFamily(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t)
	corp := e.mustParty(t, dealgate.PartyInput{Name: "Nimbus Inc.", Kind: dealgate.PartyOther})
	nws := e.mustParty(t, dealgate.PartyInput{Name: "Nimbus Web Services", Kind: dealgate.PartyCloudProvider, ParentID: &corp.ID})
	ads := e.mustParty(t, dealgate.PartyInput{Name: "Nimbus Ads", Kind: dealgate.PartyOther, ParentID: &corp.ID})
	eu := e.mustParty(t, dealgate.PartyInput{Name: "Nimbus Web Services EU", Kind: dealgate.PartyCloudProvider, ParentID: &nws.ID})
	lone := e.mustParty(t, dealgate.PartyInput{Name: "Lumen Labs", Kind: dealgate.PartyModelDeveloper})
	for _, start := range []int64{corp.ID, nws.ID, eu.ID, ads.ID} {
		fam, err := e.reg.CorporateFamily(e.ctx, e.auditor, start)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range fam {
			names = append(names, p.Name)
		}
		if got := strings.Join(names, ", "); got != "Nimbus Inc., Nimbus Ads, Nimbus Web Services, Nimbus Web Services EU" {
			t.Errorf("family of %d: %s", start, got)
		}
	}
	if fam, _ := e.reg.CorporateFamily(e.ctx, e.auditor, lone.ID); len(fam) != 1 {
		t.Errorf("lone family %+v", fam)
	}
	// No cycles: the parent cannot become its affiliate's child.
	_, err := e.reg.UpdateParty(e.ctx, e.counsel, corp.ID, corp.Version, dealgate.PartyInput{Name: "Nimbus Inc.", Kind: dealgate.PartyOther, ParentID: &eu.ID})
	regWantCode(t, err, dealgate.EINVALID)
	if !strings.Contains(dealgate.ErrorFields(err)["parent_id"], "affiliate") {
		t.Errorf("fields %v", dealgate.ErrorFields(err))
	}
	_, err = e.reg.UpdateParty(e.ctx, e.counsel, corp.ID, corp.Version, dealgate.PartyInput{Name: "Nimbus Inc.", Kind: dealgate.PartyOther, ParentID: &corp.ID})
	regWantCode(t, err, dealgate.EINVALID)
}

func TestTaxonomyDraftPublishDiff(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	versions, err := e.reg.TaxonomyVersions(e.ctx, e.auditor)
	if err != nil || len(versions) != 1 || versions[0].Number != 1 || versions[0].ChangeNote != "First version" || versions[0].PublishedBy == nil {
		t.Fatalf("versions %+v %v", versions, err)
	}
	v1 := versions[0]
	if got := e.tax.PathString(e.apis); got != "AI services › Foundation models › Stateless model APIs" {
		t.Errorf("path %q", got)
	}

	// Counsel edit the draft: move agent hosting? no — redefine APIs, move
	// orchestration under compute, add a category.
	apis, _ := e.tax.Category(e.apis)
	in := apis.Input()
	in.Definition = "Stateless request-response access to a foundation model; no memory, tools or agents."
	in.ExclusionExamples = []string{"Agent hosting"}
	upd, err := e.reg.UpdateCategory(e.ctx, e.counsel, e.apis, apis.Version, in)
	if err != nil {
		t.Fatal(err)
	}
	orch, _ := e.tax.Category(e.agents)
	oin := orch.Input()
	oin.ParentID = &e.compute
	if _, err := e.reg.UpdateCategory(e.ctx, e.counsel, e.agents, orch.Version, oin); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reg.CreateCategory(e.ctx, e.counsel, dealgate.CategoryInput{Name: "Training compute", ParentID: &e.compute, Definition: "GPU time for training."}); err != nil {
		t.Fatal(err)
	}
	// A stale edit of the same category is refused with the current one.
	cur, err := e.reg.UpdateCategory(e.ctx, e.counsel, e.apis, apis.Version, apis.Input())
	regWantCode(t, err, dealgate.ECONFLICT)
	if cur.Version != upd.Version || cur.Definition != in.Definition {
		t.Errorf("current %+v", cur)
	}
	// Published version 1 is untouched while the draft changes.
	old, err := e.reg.Taxonomy(e.ctx, e.auditor, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := old.Category(e.apis); c.Definition != apis.Definition {
		t.Errorf("version 1 changed: %q", c.Definition)
	}
	// Counsel may not publish; a stale draft version is refused; a note is required.
	draft, _ := e.reg.DraftTaxonomy(e.ctx, e.admin)
	_, err = e.reg.PublishTaxonomy(e.ctx, e.counsel, draft.Version.Version, "x")
	regWantCode(t, err, dealgate.EFORBIDDEN)
	_, err = e.reg.PublishTaxonomy(e.ctx, e.admin, draft.Version.Version-1, "x")
	regWantCode(t, err, dealgate.ECONFLICT)
	_, err = e.reg.PublishTaxonomy(e.ctx, e.admin, draft.Version.Version, "  ")
	regWantCode(t, err, dealgate.EINVALID)
	v2, err := e.reg.PublishTaxonomy(e.ctx, e.admin, draft.Version.Version, "Separate foundation models from agentic platforms.")
	if err != nil {
		t.Fatal(err)
	}
	if v2.Number != 2 || v2.Status != dealgate.TaxonomyPublished || *v2.BasedOnID != v1.ID {
		t.Fatalf("v2 %+v", v2)
	}
	changes, err := e.reg.DiffTaxonomy(e.ctx, e.auditor, v1.ID, v2.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[dealgate.TaxonomyChangeKind]string{}
	for _, c := range changes {
		kinds[c.Kind] = c.Name
	}
	if len(changes) != 4 || kinds[dealgate.ChangeRedefined] != "Stateless model APIs" || kinds[dealgate.ChangeExamples] != "Stateless model APIs" ||
		kinds[dealgate.ChangeMoved] != "Agent orchestration" || kinds[dealgate.ChangeAdded] != "Training compute" {
		t.Errorf("diff %+v", changes)
	}
	// Publishing an unchanged draft is refused.
	d3, err := e.reg.StartTaxonomyDraft(e.ctx, e.counsel)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.reg.PublishTaxonomy(e.ctx, e.admin, d3.Version, "nothing")
	regWantCode(t, err, dealgate.EINVALID)
	if err := e.reg.DiscardTaxonomyDraft(e.ctx, e.admin, d3.Version); err != nil {
		t.Fatal(err)
	}
	if ev := e.auditFor(t, dealgate.EntityTaxonomyVersion, v2.ID); len(ev) != 2 || ev[1].Action != "taxonomy.published" {
		t.Errorf("audit %+v", ev)
	}
	hist, err := e.reg.CategoryHistory(e.ctx, e.auditor, e.agents)
	if err != nil {
		t.Fatal(err)
	}
	if retired, moved := dealgate.CategoryFate(hist); retired != 0 || len(moved) != 1 || moved[0] != 2 {
		t.Errorf("fate %d %v from %+v", retired, moved, hist)
	}
}

func TestTaxonomyPlacementRules(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	models, _ := e.tax.Category(e.models)
	in := models.Input()
	in.ParentID = &e.apis // under its own child
	_, err := e.reg.UpdateCategory(e.ctx, e.counsel, e.models, models.Version, in)
	regWantCode(t, err, dealgate.EINVALID)
	_, err = e.reg.CreateCategory(e.ctx, e.counsel, dealgate.CategoryInput{Name: "stateless MODEL apis", ParentID: &e.models, Definition: "dup"})
	regWantCode(t, err, dealgate.EINVALID)
	_, err = e.reg.CreateCategory(e.ctx, e.counsel, dealgate.CategoryInput{Key: "ai-services", Name: "Other", Definition: "dup key"})
	regWantCode(t, err, dealgate.EINVALID)
	// A parent with live children cannot be retired.
	_, err = e.reg.RetireCategory(e.ctx, e.counsel, e.models, models.Version)
	regWantCode(t, err, dealgate.EINVALID)
}

func TestRetiredCategoryStillReferenced(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	a := e.mustAgreement(t, dealgate.AgreementInput{Title: "Strategic partnership", Binding: true, ExpiresOn: regDay(2032, 12, 31)})
	cl := e.mustClause(t, a.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.hosting}, Text: "Azurine hosts agents."})

	hosting, _ := e.tax.Category(e.hosting)
	if _, err := e.reg.RetireCategory(e.ctx, e.counsel, e.hosting, hosting.Version); err != nil {
		t.Fatal(err)
	}
	// Until published, the clause still reads it as live.
	got, _ := e.reg.Clause(e.ctx, e.auditor, cl.ID)
	if got.Categories[0].Retired {
		t.Error("draft retirement leaked into the current taxonomy")
	}
	e.publish(t, "Retire agent hosting")
	got, err := e.reg.Clause(e.ctx, e.auditor, cl.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Categories) != 1 || got.Categories[0].ID != e.hosting || !got.Categories[0].Retired {
		t.Fatalf("clause categories %+v", got.Categories)
	}
	if !strings.Contains(got.Sentence(), "Agent hosting (retired)") {
		t.Errorf("sentence %q", got.Sentence())
	}
	// New clauses cannot choose it; the old clause can still be edited.
	_, err = e.reg.CreateClause(e.ctx, e.counsel, a.ID, dealgate.ClauseInput{Kind: dealgate.ClauseExclusivity, BeneficiaryID: e.azurine.ID,
		CategoryIDs: []int64{e.hosting}, Scope: dealgate.RestrictAny, Worldwide: true, Text: "x"})
	regWantCode(t, err, dealgate.EINVALID)
	in := got.Input()
	in.Section = "4.3"
	if _, err := e.reg.UpdateClause(e.ctx, e.counsel, cl.ID, got.Version, in); err != nil {
		t.Fatal(err)
	}
	// The category filter still finds the agreement.
	page, err := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{CategoryID: e.hosting})
	if err != nil || page.Total != 1 {
		t.Fatalf("filter by retired category: %+v %v", page, err)
	}
	hist, _ := e.reg.CategoryHistory(e.ctx, e.auditor, e.hosting)
	if retired, _ := dealgate.CategoryFate(hist); retired != 2 {
		t.Errorf("retired in %d", retired)
	}
}

func TestAgreementAndClauseLifecycle(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	ownerID := e.counsel.ID
	a := e.mustAgreement(t, dealgate.AgreementInput{
		Title: "Azurine strategic partnership", Binding: true, SignedOn: regDay(2019, 7, 22), EffectiveOn: regDay(2019, 7, 22), ExpiresOn: regDay(2032, 12, 31),
		Value: &dealgate.Money{Minor: 1_100_000_000_000, Currency: "USD"}, OwnerID: &ownerID, Summary: "Multi-year investment and exclusive hosting.",
	})
	if a.Status != dealgate.StatusActive || a.OwnerName != "counsel" || a.Party.Name != "Azurine Cloud" || a.Value.Minor != 1_100_000_000_000 {
		t.Fatalf("agreement %+v", a)
	}
	cl := e.mustClause(t, a.ID, dealgate.ClauseInput{
		CategoryIDs: []int64{e.apis}, ExceptionPartyIDs: []int64{e.azurine.ID}, Section: "4.2",
		Text: "Azurine shall be the exclusive cloud host of Lumen's stateless model APIs.",
	})
	want := "Exclusive: Azurine Cloud is the exclusive host of Stateless model APIs worldwide from 2019-07-22 until 2032-12-31; restricts any cloud provider except Azurine Cloud."
	if cl.Sentence() != want {
		t.Errorf("sentence %q", cl.Sentence())
	}
	// The clause window must sit inside the agreement's.
	_, err := e.reg.CreateClause(e.ctx, e.counsel, a.ID, dealgate.ClauseInput{Kind: dealgate.ClauseExclusivity, BeneficiaryID: e.azurine.ID,
		CategoryIDs: []int64{e.apis}, Scope: dealgate.RestrictAny, Worldwide: true, ValidUntil: regDay(2040, 1, 1), Text: "x"})
	regWantCode(t, err, dealgate.EINVALID)
	_, err = e.reg.CreateClause(e.ctx, e.counsel, 424242, dealgate.ClauseInput{})
	regWantCode(t, err, dealgate.ENOTFOUND)

	// Edit with a stale version: refused with the current agreement.
	in := a.Input()
	in.Notes = "Renegotiation due 2030."
	a2, err := e.reg.UpdateAgreement(e.ctx, e.counsel, a.ID, a.Version, in)
	if err != nil {
		t.Fatal(err)
	}
	in.Title = "Someone else's title"
	cur, err := e.reg.UpdateAgreement(e.ctx, e.admin, a.ID, a.Version, in)
	regWantCode(t, err, dealgate.ECONFLICT)
	if cur.Version != a2.Version || cur.Notes != "Renegotiation due 2030." || cur.Title != a.Title {
		t.Errorf("current %+v", cur)
	}
	// Clause edit, retire, restore, all audited with before and after.
	cin := cl.Input()
	cin.NoticeDays = regInt(30)
	cl2, err := e.reg.UpdateClause(e.ctx, e.counsel, cl.ID, cl.Version, cin)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.reg.RetireClause(e.ctx, e.counsel, cl.ID, cl.Version)
	regWantCode(t, err, dealgate.ECONFLICT)
	cl3, err := e.reg.RetireClause(e.ctx, e.counsel, cl.ID, cl2.Version)
	if err != nil || cl3.RetiredAt == nil || cl3.InForce(dealgate.Day(2026, 1, 1)) {
		t.Fatalf("retire %+v %v", cl3, err)
	}
	live, _ := e.reg.Clauses(e.ctx, e.auditor, a.ID, false)
	all, _ := e.reg.Clauses(e.ctx, e.auditor, a.ID, true)
	if len(live) != 0 || len(all) != 1 {
		t.Errorf("clauses live %d all %d", len(live), len(all))
	}
	// A retired clause no longer puts its agreement under its categories.
	if p, _ := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{CategoryID: e.apis}); p.Total != 0 {
		t.Errorf("retired clause still filters: %d", p.Total)
	}
	if _, err := e.reg.RestoreClause(e.ctx, e.counsel, cl.ID, cl3.Version); err != nil {
		t.Fatal(err)
	}
	if p, _ := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{CategoryID: e.apis}); p.Total != 1 {
		t.Errorf("restored clause does not filter: %d", p.Total)
	}
	ev := e.auditFor(t, dealgate.EntityClause, cl.ID)
	if len(ev) != 4 || ev[1].Action != "clause.updated" || ev[1].Before["notice_days"] != nil || ev[1].After["notice_days"] != float64(30) ||
		ev[2].Action != "clause.retired" || ev[3].Action != "clause.restored" {
		t.Errorf("clause audit %+v", ev)
	}
	aev := e.auditFor(t, dealgate.EntityAgreement, a.ID)
	if len(aev) != 2 || aev[1].Before["notes"] != "" || aev[1].After["notes"] != "Renegotiation due 2030." {
		t.Errorf("agreement audit %+v", aev)
	}
	inForce, err := e.reg.ClausesInForce(e.ctx, e.auditor, dealgate.Day(2026, 12, 1))
	if err != nil || len(inForce) != 1 {
		t.Errorf("in force %d %v", len(inForce), err)
	}
	if inForce, _ := e.reg.ClausesInForce(e.ctx, e.auditor, dealgate.Day(2033, 1, 1)); len(inForce) != 0 {
		t.Errorf("in force after expiry %d", len(inForce))
	}
	// Bad references are field errors.
	_, err = e.reg.CreateAgreement(e.ctx, e.counsel, dealgate.AgreementInput{Title: "x", PartyID: 98765, Kind: dealgate.AgreementOther, Status: dealgate.StatusDraft, OwnerID: regInt64(98765)})
	regWantCode(t, err, dealgate.EINVALID)
	if f := dealgate.ErrorFields(err); f["party_id"] == "" || f["owner_id"] == "" {
		t.Errorf("fields %v", f)
	}
}

func regInt(v int) *int       { return &v }
func regInt64(v int64) *int64 { return &v }
func regBool(v bool) *bool    { return &v }
func regTitles(p dealgate.Page[dealgate.AgreementListItem]) []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.Title
	}
	return out
}

func TestAgreementExpiryFollowsDates(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	now := time.Now().UTC()
	e.db.Now = func() time.Time { return now.AddDate(0, 0, -30) }
	soon := dealgate.DateOf(now.AddDate(0, 0, -1))
	a := e.mustAgreement(t, dealgate.AgreementInput{Title: "Short cloud credits deal", Kind: dealgate.AgreementCloudServices, ExpiresOn: &soon})
	e.mustClause(t, a.ID, dealgate.ClauseInput{Kind: dealgate.ClausePreferredProvider, CategoryIDs: []int64{e.compute}, Text: "Preferred."})
	e.db.Now = func() time.Time { return now }
	got, err := e.reg.Agreement(e.ctx, e.auditor, a.ID)
	if err != nil || got.Status != dealgate.StatusExpired || got.RecordedStatus != dealgate.StatusActive {
		t.Fatalf("read status %s recorded %s %v", got.Status, got.RecordedStatus, err)
	}
	page, _ := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Status: dealgate.StatusExpired})
	if page.Total != 1 {
		t.Errorf("expired filter %+v", page)
	}
	page, _ = e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Status: dealgate.StatusActive})
	if page.Total != 0 {
		t.Errorf("active filter %+v", page)
	}
	n, err := e.reg.ExpireLapsedAgreements(e.ctx)
	if err != nil || n != 1 {
		t.Fatalf("expire %d %v", n, err)
	}
	if n, _ := e.reg.ExpireLapsedAgreements(e.ctx); n != 0 {
		t.Errorf("second run expired %d", n)
	}
	got, _ = e.reg.Agreement(e.ctx, e.auditor, a.ID)
	if got.RecordedStatus != dealgate.StatusExpired {
		t.Errorf("recorded %s", got.RecordedStatus)
	}
	ev := e.auditFor(t, dealgate.EntityAgreement, a.ID)
	if ev[len(ev)-1].Action != "agreement.expired" || ev[len(ev)-1].ActorLabel != "system" {
		t.Errorf("audit %+v", ev[len(ev)-1])
	}
}

func TestExpiringSoon(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	today := dealgate.DateOf(time.Now().UTC())
	in := func(d int) *time.Time { t := today.AddDate(0, 0, d); return &t }
	a1 := e.mustAgreement(t, dealgate.AgreementInput{Title: "Expires in 10", ExpiresOn: in(10)})
	e.mustAgreement(t, dealgate.AgreementInput{Title: "Expires in 100", ExpiresOn: in(100)})
	e.mustAgreement(t, dealgate.AgreementInput{Title: "Draft expiring", Status: dealgate.StatusDraft, ExpiresOn: in(5)})
	a4 := e.mustAgreement(t, dealgate.AgreementInput{Title: "Long", ExpiresOn: in(1000)})
	c := e.mustClause(t, a4.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, ValidUntil: in(20), Text: "Short exclusivity."})
	e.mustClause(t, a4.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, Text: "Inherits."})
	page, err := e.reg.ExpiringSoon(e.ctx, e.auditor, 30, dealgate.PageRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 2 || page.Items[0].AgreementID != a1.ID || page.Items[0].ClauseID != 0 || page.Items[1].ClauseID != c.ID ||
		page.Items[1].DaysLeft(today) != 20 {
		t.Errorf("expiring %+v", page)
	}
	_, err = e.reg.ExpiringSoon(e.ctx, e.auditor, 0, dealgate.PageRequest{})
	regWantCode(t, err, dealgate.EINVALID)
	f, err := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{ExpiringWithinDays: 30})
	if err != nil || f.Total != 1 || f.Items[0].ID != a1.ID {
		t.Errorf("expiring filter %v %v", regTitles(f), err)
	}
}

func TestAgreementListFiltersSortPaging(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	mk := func(title string, party dealgate.Party, kind dealgate.AgreementKind, binding bool, exp *time.Time, value int64) dealgate.Agreement {
		return e.mustAgreement(t, dealgate.AgreementInput{Title: title, PartyID: party.ID, Kind: kind, Binding: binding, ExpiresOn: exp,
			Value: &dealgate.Money{Minor: value, Currency: "USD"}})
	}
	a := mk("Azurine strategic partnership", e.azurine, dealgate.AgreementPartnership, true, regDay(2032, 12, 31), 300)
	mk("Azurine cloud credits", e.azurine, dealgate.AgreementCloudServices, true, regDay(2029, 6, 30), 100)
	mk("Nimbus memorandum", e.nimbus, dealgate.AgreementMoU, false, nil, 200)
	mk("Nimbus reseller terms", e.nimbus, dealgate.AgreementCloudServices, true, regDay(2030, 1, 1), 50)
	e.mustAgreement(t, dealgate.AgreementInput{Title: "Lumen draft licence", PartyID: e.lumen.ID, Kind: dealgate.AgreementLicence, Status: dealgate.StatusDraft})
	e.mustClause(t, a.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, Text: "Exclusive host."})

	tests := []struct {
		name string
		f    dealgate.AgreementFilter
		want string
	}{
		{"default title order", dealgate.AgreementFilter{}, "Azurine cloud credits|Azurine strategic partnership|Lumen draft licence|Nimbus memorandum|Nimbus reseller terms"},
		{"party", dealgate.AgreementFilter{PartyID: e.nimbus.ID}, "Nimbus memorandum|Nimbus reseller terms"},
		{"kind", dealgate.AgreementFilter{Kind: dealgate.AgreementCloudServices}, "Azurine cloud credits|Nimbus reseller terms"},
		{"non-binding", dealgate.AgreementFilter{Binding: regBool(false)}, "Lumen draft licence|Nimbus memorandum"},
		{"draft", dealgate.AgreementFilter{Status: dealgate.StatusDraft}, "Lumen draft licence"},
		{"category below", dealgate.AgreementFilter{CategoryID: e.models}, "Azurine strategic partnership"},
		{"category other", dealgate.AgreementFilter{CategoryID: e.compute}, ""},
		{"expires asc, no date last", dealgate.AgreementFilter{Status: dealgate.StatusActive, Sort: "expires_on"}, "Azurine cloud credits|Nimbus reseller terms|Azurine strategic partnership|Nimbus memorandum"},
		{"value desc", dealgate.AgreementFilter{Sort: "value", Desc: true, Status: dealgate.StatusActive}, "Azurine strategic partnership|Nimbus memorandum|Azurine cloud credits|Nimbus reseller terms"},
		{"party sort", dealgate.AgreementFilter{Sort: "party", Kind: dealgate.AgreementCloudServices, Desc: true}, "Nimbus reseller terms|Azurine cloud credits"},
		{"effective status", dealgate.AgreementFilter{Sort: "status"}, "Azurine strategic partnership|Azurine cloud credits|Nimbus memorandum|Nimbus reseller terms|Lumen draft licence"},
		{"page 2", dealgate.AgreementFilter{PerPage: 2, Page: 2}, "Lumen draft licence|Nimbus memorandum"},
		{"past the end", dealgate.AgreementFilter{PerPage: 2, Page: 9}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := e.reg.ListAgreements(e.ctx, e.auditor, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(regTitles(page), "|"); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	page, _ := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{PerPage: 2})
	if page.Total != 5 || page.Pages() != 3 {
		t.Errorf("total %d pages %d", page.Total, page.Pages())
	}
	for _, it := range page.Items {
		if it.Title == "Azurine strategic partnership" && it.ClauseCount != 1 {
			t.Errorf("clause count %d", it.ClauseCount)
		}
	}
}

func TestAgreementSearch(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	a := e.mustAgreement(t, dealgate.AgreementInput{Title: "Azurine strategic partnership", Binding: true,
		Summary: "Long-term investment; Azurine is the preferred cloud partner and an exclusive host for some workloads."})
	e.mustClause(t, a.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.apis}, Section: "4.2",
		Text: "Azurine shall be the exclusive host of all stateless model APIs offered by Lumen <script>alert(1)</script> worldwide."})
	b := e.mustAgreement(t, dealgate.AgreementInput{Title: "Exclusive hosting of stateless model APIs", PartyID: e.nimbus.ID, Kind: dealgate.AgreementCloudServices})
	c := e.mustAgreement(t, dealgate.AgreementInput{Title: "Nimbus memorandum", PartyID: e.nimbus.ID, Kind: dealgate.AgreementMoU,
		Summary: "Non-binding; lets Lumen explore outside collaborations."})
	e.mustClause(t, c.ID, dealgate.ClauseInput{Kind: dealgate.ClauseNoticeRequired, NoticeDays: regInt(30), CategoryIDs: []int64{e.ai},
		Text: "Lumen will give thirty days' notice before signing."})
	retired := e.mustClause(t, c.ID, dealgate.ClauseInput{CategoryIDs: []int64{e.ai}, Text: "Nothing about hosting unicorns."})
	if _, err := e.reg.RetireClause(e.ctx, e.counsel, retired.ID, retired.Version); err != nil {
		t.Fatal(err)
	}

	page, err := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: "exclusive stateless APIs"})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 2 || page.Items[0].ID != b.ID || page.Items[1].ID != a.ID {
		t.Fatalf("ranking %v (total %d)", regTitles(page), page.Total)
	}
	if page.Items[0].Rank <= page.Items[1].Rank {
		t.Errorf("ranks %v %v", page.Items[0].Rank, page.Items[1].Rank)
	}
	// A title hit is highlighted in the title; a clause hit gives the clause snippet.
	if th := page.Items[0].TitleHighlight; !th.HasMatch() || th.String() != "Exclusive hosting of stateless model APIs" {
		t.Errorf("title highlight %#v", th)
	}
	snip := page.Items[1].Snippet
	if page.Items[1].SnippetClauseID == 0 || !snip.HasMatch() {
		t.Fatalf("snippet %#v from clause %d", snip, page.Items[1].SnippetClauseID)
	}
	var matched []string
	for _, s := range snip {
		if s.Match {
			matched = append(matched, strings.ToLower(s.Text))
		}
		if strings.ContainsAny(s.Text, "\uE000\uE001") {
			t.Errorf("marker left in %q", s.Text)
		}
	}
	if !strings.Contains(strings.Join(matched, " "), "exclusive") {
		t.Errorf("matched %v in %q", matched, snip.String())
	}
	// Summary hits snippet the summary; filters apply to search; retired clauses don't match.
	page, _ = e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: "collaborations"})
	if page.Total != 1 || page.Items[0].ID != c.ID || page.Items[0].SnippetClauseID != 0 || !strings.Contains(page.Items[0].Snippet.String(), "collaborations") {
		t.Errorf("summary hit %+v", page.Items)
	}
	// A phrase the clause has and the summary only half has: the clause is the snippet.
	page, _ = e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: `"exclusive host of all stateless"`})
	if page.Total != 1 || page.Items[0].ID != a.ID || page.Items[0].SnippetClauseID == 0 || !page.Items[0].Snippet.HasMatch() {
		t.Errorf("phrase in clause: %+v", page.Items)
	}
	page, _ = e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: "stateless", PartyID: e.azurine.ID})
	if page.Total != 1 || page.Items[0].ID != a.ID {
		t.Errorf("filtered search %v", regTitles(page))
	}
	page, _ = e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: "unicorns"})
	if page.Total != 0 {
		t.Errorf("retired clause matched %v", regTitles(page))
	}
	page, _ = e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: `"stateless model" -azurine`})
	if page.Total != 1 || page.Items[0].ID != b.ID {
		t.Errorf("websearch syntax %v", regTitles(page))
	}
	page, _ = e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: "stateless", Sort: "title"})
	if strings.Join(regTitles(page), "|") != "Azurine strategic partnership|Exclusive hosting of stateless model APIs" {
		t.Errorf("search sorted by title %v", regTitles(page))
	}
	page, err = e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: "stateless", PerPage: 1, Page: 5})
	if err != nil || page.Total != 2 || len(page.Items) != 0 {
		t.Errorf("past the end %+v %v", page, err)
	}
	// Nonsense and punctuation never error.
	for _, q := range []string{"&&&", "'", `"`, "-", "a | b", "!!!"} {
		if _, err := e.reg.ListAgreements(e.ctx, e.auditor, dealgate.AgreementFilter{Query: q}); err != nil {
			t.Errorf("query %q: %v", q, err)
		}
	}
}

func TestDocumentsUploadDownloadAudited(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	a := e.mustAgreement(t, dealgate.AgreementInput{Title: "Azurine strategic partnership"})
	e.reg.MaxDocumentBytes = 1 << 10
	pdf := []byte("%PDF-1.7\n% fake but sniffable\n")
	d, err := e.reg.AddDocument(e.ctx, e.counsel, a.ID, "Signed copy (final).txt", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	if d.ContentType != dealgate.ContentTypePDF || d.SizeBytes != int64(len(pdf)) || len(d.SHA256) != 32 {
		t.Fatalf("document %+v", d)
	}
	if d.DownloadName() != fmt.Sprintf("agreement-%d-signed-copy-final-%d.pdf", a.ID, d.ID) {
		t.Errorf("download name %q", d.DownloadName())
	}
	_, err = e.reg.AddDocument(e.ctx, e.counsel, a.ID, "big.txt", bytes.NewReader(bytes.Repeat([]byte("a"), 2<<10)))
	regWantCode(t, err, dealgate.EINVALID)
	_, err = e.reg.AddDocument(e.ctx, e.counsel, a.ID, "x.exe", bytes.NewReader([]byte{0x4d, 0x5a, 0x90, 0}))
	regWantCode(t, err, dealgate.EINVALID)
	_, err = e.reg.AddDocument(e.ctx, e.auditor, a.ID, "x.txt", strings.NewReader("hello"))
	regWantCode(t, err, dealgate.EFORBIDDEN)

	docs, err := e.reg.Documents(e.ctx, e.auditor, a.ID)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents %+v %v", docs, err)
	}
	got, content, err := e.reg.DownloadDocument(e.ctx, e.auditor, d.ID)
	if err != nil || !bytes.Equal(content, pdf) || got.ID != d.ID {
		t.Fatalf("download %v", err)
	}
	ev := e.auditFor(t, dealgate.EntityDocument, d.ID)
	if len(ev) != 2 || ev[1].Action != "agreement_document.downloaded" || ev[1].ActorLabel != e.auditor.Email || ev[1].After["sha256"] == "" {
		t.Errorf("audit %+v", ev)
	}
	if _, err := e.reg.RemoveDocument(e.ctx, e.counsel, d.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.reg.DownloadDocument(e.ctx, e.auditor, d.ID)
	regWantCode(t, err, dealgate.ENOTFOUND)
}
