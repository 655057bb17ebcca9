package server_test

import "context"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"

import "github.com/dealgate/dealgate/internal/dealgate"

// draftCategory returns the category with key in the draft.
func (ps *partySetup) draftCategory(t *testing.T, key string) dealgate.Category {
	t.Helper()
	draft, err := ps.reg.DraftTaxonomy(context.Background(), ps.adminUser)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := draft.ByKey(key)
	if !ok {
		t.Fatalf("no %s in the draft", key)
	}
	return c
}

// category finds the card of the category with key on a tree page.
func category(doc *goquery.Document, key string) *goquery.Selection {
	return doc.Find(`li[data-key="` + key + `"] > [data-testid="category-card"]`)
}

func tagTexts(sel *goquery.Selection) string {
	return strings.Join(texts(sel.Find(".card__header .tag")), "|")
}

func TestTaxonomyDraftEditPublishAndDiff(t *testing.T) {
	t.Parallel()
	ps := newPartySetup(t)
	app := ps.app
	const draft = "/taxonomy/draft"

	// Nothing published yet: the tree says so and counsel start a draft.
	if d := app.getWith(ps.counsel, "/taxonomy").doc(t); d.Find(`[data-testid="empty-state"] a[href="/taxonomy/draft"]`).Length() != 1 {
		t.Error("empty taxonomy should lead counsel to the draft")
	}
	// Nothing to compare: a message, and no form to choose two versions with.
	if d := app.getWith(ps.counsel, "/taxonomy/diff").doc(t); d.Find(`[data-testid="diff-message"]`).Length() != 1 || d.Find(`[data-testid="diff-form"]`).Length() != 0 {
		t.Error("with nothing published the comparison still offers its form")
	}
	if d := app.getWith(ps.counsel, draft).doc(t); d.Find(`[data-testid="start-draft"]`).Length() != 1 {
		t.Fatal("no way to start a draft")
	}
	if r := app.postForm(ps.counsel, draft, nil, draft); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != draft {
		t.Fatalf("start draft: %d", r.StatusCode)
	}
	if auditCount(t, app, "taxonomy.draft_started") != 1 {
		t.Error("starting the draft is not audited")
	}

	// The category form validates and keeps what was typed.
	newForm := draft + "/categories/new"
	bad := app.postForm(ps.counsel, draft+"/categories", url.Values{"key": {"Bad Key"}, "inclusion_examples": {"One\nTwo"}, "position": {"first"}}, newForm)
	if bad.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid category: %d", bad.StatusCode)
	}
	bd := bad.doc(t)
	if got := strings.Join(texts(bd.Find(`[data-testid="error-summary"] a`)), " / "); !strings.Contains(got, "lower-case") || !strings.Contains(got, "whole number") || !strings.Contains(got, "precise definition") {
		t.Errorf("errors %q", got)
	}
	if formValue(bd, "key") != "Bad Key" || formValue(bd, "inclusion_examples") != "One\nTwo" || formValue(bd, "position") != "first" {
		t.Error("typed values must be kept")
	}

	create := func(values url.Values) {
		t.Helper()
		r := app.postForm(ps.counsel, draft+"/categories", values, newForm)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), draft+"#category-") {
			t.Fatalf("create %s: %d %s", values.Get("name"), r.StatusCode, r.doc(t).Find(`[data-testid="error-summary"]`).Text())
		}
	}
	create(url.Values{"name": {"AI services"}, "definition": {"Products whose main function is an AI capability."}})
	ai := ps.draftCategory(t, "ai-services")
	aiID := strconv.FormatInt(ai.ID, 10)
	if d := app.getWith(ps.counsel, newForm+"?parent="+aiID).doc(t); d.Find(`#parent_id option[value="`+aiID+`"][selected]`).Length() != 1 {
		t.Error("'Add a subcategory' should preselect the parent")
	}
	create(url.Values{"name": {"Stateless model APIs"}, "parent_id": {aiID}, "definition": {"Request-response access to a model."},
		"inclusion_examples": {"Chat completions\nEmbeddings"}, "exclusion_examples": {"Agent runtimes"}})
	create(url.Values{"name": {"Agent hosting"}, "parent_id": {aiID}, "definition": {"Managed runtimes for agents."}})
	create(url.Values{"name": {"Fine-tuning"}, "key": {"fine-tuning"}, "parent_id": {aiID}, "definition": {"Adapting a model to customer data."}})
	dup := app.postForm(ps.counsel, draft+"/categories", url.Values{"name": {"Other"}, "key": {"ai-services"}, "definition": {"x"}}, newForm)
	if dup.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(dup.doc(t).Find("#key-error").Text(), "already taken") {
		t.Errorf("reused key: %d", dup.StatusCode)
	}

	// Only an admin publishes; a change note is required.
	if r := app.getWith(ps.counsel, draft+"/publish"); r.StatusCode != http.StatusForbidden {
		t.Errorf("counsel publish form: %d", r.StatusCode)
	}
	pf := app.getWith(ps.admin, draft+"/publish").doc(t)
	if n := pf.Find(`[data-testid="publish-changes"] li`).Length(); n != 4 || !strings.Contains(pf.Find("h1").Text(), "Publish version 1") {
		t.Errorf("publish page lists %d changes, heading %q", n, pf.Find("h1").Text())
	}
	dv := formValue(pf, "version")
	noNote := app.postForm(ps.admin, draft+"/publish", url.Values{"version": {dv}, "change_note": {"  "}}, draft+"/publish")
	if noNote.StatusCode != http.StatusUnprocessableEntity || noNote.doc(t).Find("#change_note-error").Length() != 1 {
		t.Fatalf("publish without a note: %d", noNote.StatusCode)
	}
	pub := app.postForm(ps.admin, draft+"/publish", url.Values{"version": {dv}, "change_note": {"First version."}}, draft+"/publish")
	if pub.StatusCode != http.StatusSeeOther || pub.Header.Get("Location") != "/taxonomy?version=1" {
		t.Fatalf("publish: %d %s", pub.StatusCode, pub.Header.Get("Location"))
	}
	v1 := app.getWith(ps.member, "/taxonomy").doc(t)
	apis := category(v1, "stateless-model-apis")
	if apis.Length() != 1 || !strings.Contains(apis.Find(`[data-testid="category-definition"]`).Text(), "Request-response") ||
		strings.Join(texts(apis.Find(`[data-testid="category-includes"] li`)), ",") != "Chat completions,Embeddings" ||
		apis.Find(`[data-testid="category-key"]`).Text() != "stateless-model-apis" {
		t.Errorf("version 1 tree: %q", apis.Text())
	}
	if v1.Find(`li[data-key="ai-services"] > ol > li`).Length() != 3 || apis.Find("h3").Length() != 1 {
		t.Error("subcategories nest under their parent, one heading level down")
	}

	// A second draft: redefine, move, retire.
	if r := app.getWith(ps.counsel, "/taxonomy/draft/categories/"+aiID+"/edit"); r.StatusCode != http.StatusNotFound {
		t.Errorf("editing without a draft: %d", r.StatusCode)
	}
	app.postForm(ps.counsel, draft, nil, draft)
	apisCat := ps.draftCategory(t, "stateless-model-apis")
	editAPIs := draft + "/categories/" + strconv.FormatInt(apisCat.ID, 10) + "/edit"
	opened := app.getWith(ps.admin, editAPIs).doc(t) // the admin opens it too
	if formValue(opened, "definition") != "Request-response access to a model." {
		t.Fatalf("edit form: %q", formValue(opened, "definition"))
	}
	stale := formValue(opened, "version")
	r := app.postForm(ps.counsel, editAPIs, url.Values{"version": {stale}, "name": {"Stateless model APIs"}, "parent_id": {aiID},
		"definition": {"Request-response access to a model; no state between calls."}, "inclusion_examples": {"Chat completions\nEmbeddings"},
		"exclusion_examples": {"Agent runtimes"}}, editAPIs)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("redefine: %d %s", r.StatusCode, r.doc(t).Find(`[data-testid="error-summary"]`).Text())
	}
	conflict := app.postForm(ps.admin, editAPIs, url.Values{"version": {stale}, "name": {"Model APIs"}, "parent_id": {aiID}, "definition": {"Admin's wording."}}, editAPIs)
	if conflict.StatusCode != http.StatusConflict {
		t.Fatalf("stale category edit: %d", conflict.StatusCode)
	}
	cd := conflict.doc(t)
	if !strings.Contains(cd.Find(`[data-testid="conflict-current"]`).Text(), "no state between calls") || formValue(cd, "definition") != "Admin's wording." ||
		!strings.Contains(cd.Find(`[data-testid="error-summary"]`).Text(), "Someone else changed this category") {
		t.Error("the conflict shows the saved category and keeps the admin's wording")
	}
	if c := ps.draftCategory(t, "stateless-model-apis"); c.Name != "Stateless model APIs" || !strings.Contains(c.Definition, "no state") {
		t.Errorf("the stale edit overwrote the draft: %+v", c)
	}

	hosting := ps.draftCategory(t, "agent-hosting")
	editHosting := draft + "/categories/" + strconv.FormatInt(hosting.ID, 10) + "/edit"
	hv := formValue(app.getWith(ps.counsel, editHosting).doc(t), "version")
	if r := app.postForm(ps.counsel, editHosting, url.Values{"version": {hv}, "name": {"Agent hosting"}, "parent_id": {""}, "definition": {"Managed runtimes for agents."}}, editHosting); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("move: %d", r.StatusCode)
	}
	if auditCount(t, app, "category.moved") != 1 {
		t.Error("the move is audited as a move")
	}
	// A parent with subcategories in use cannot be retired.
	if r := app.getWith(ps.counsel, draft+"/categories/"+aiID+"/retire"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("retiring a parent: %d", r.StatusCode)
	}
	if msg := app.getWith(ps.counsel, draft).doc(t).Find(`[data-kind="important"]`).Text(); !strings.Contains(msg, "subcategories in use") {
		t.Errorf("refusal %q", msg)
	}
	fine := ps.draftCategory(t, "fine-tuning")
	retire := draft + "/categories/" + strconv.FormatInt(fine.ID, 10) + "/retire"
	rc := app.getWith(ps.counsel, retire).doc(t)
	rv, _ := rc.Find(`[data-testid="confirm-form"] input[name="version"]`).Attr("value")
	if !strings.Contains(rc.Find("main").Text(), "keep pointing at it") {
		t.Error("the confirmation says what retiring means")
	}
	if r := app.postForm(ps.counsel, retire, url.Values{"version": {rv}}, retire); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("retire: %d", r.StatusCode)
	}
	// The same confirmation posted again changes nothing and says why.
	if r := app.postForm(ps.counsel, retire, url.Values{"version": {rv}}, retire); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != draft+"#category-fine-tuning" {
		t.Fatalf("retire again: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if msg := app.getWith(ps.counsel, draft).doc(t).Find(`[data-kind="important"]`).Text(); !strings.Contains(msg, "no longer applies") {
		t.Errorf("repeat refusal %q", msg)
	}
	dd := app.getWith(ps.counsel, draft).doc(t)
	if got := tagTexts(category(dd, "fine-tuning")); got != "Retired|Retired in the draft" {
		t.Errorf("retired tags %q", got)
	}
	if got := tagTexts(category(dd, "agent-hosting")); got != "Moved in the draft" {
		t.Errorf("moved tags %q", got)
	}
	if got := dd.Find(`[data-testid="draft-changes"]`).Text(); !strings.Contains(got, "3 changes") {
		t.Errorf("draft changes %q", got)
	}
	if category(dd, "fine-tuning").Find(`a[href$="/restore"]`).Length() != 1 {
		t.Error("a retired category offers restore")
	}

	pf = app.getWith(ps.admin, draft+"/publish").doc(t)
	pub = app.postForm(ps.admin, draft+"/publish", url.Values{"version": {formValue(pf, "version")}, "change_note": {"Separate agents from model APIs."}}, draft+"/publish")
	if pub.StatusCode != http.StatusSeeOther || pub.Header.Get("Location") != "/taxonomy?version=2" {
		t.Fatalf("publish 2: %d", pub.StatusCode)
	}

	// Versions, with their notes, newest first.
	vs := app.getWith(ps.member, "/taxonomy/versions").doc(t)
	if got := texts(vs.Find(`[data-testid="version-note"]`)); strings.Join(got, "|") != "Separate agents from model APIs.|First version." {
		t.Errorf("version notes %v", got)
	}
	if vs.Find(`[data-testid="version-row"]`).First().Find(`[data-tag="active"]`).Text() != "Current" {
		t.Error("the newest version is marked current")
	}

	// The diff says what changed, in words.
	diff := app.getWith(ps.member, "/taxonomy/diff?from=1&to=2")
	if diff.StatusCode != http.StatusOK {
		t.Fatalf("diff: %d", diff.StatusCode)
	}
	changes := map[string]string{}
	diff.doc(t).Find(`[data-testid="change"]`).Each(func(_ int, s *goquery.Selection) {
		kind, _ := s.Attr("data-kind")
		changes[kind] = s.Find("h3").Text() + ": " + s.Find(`[data-testid="change-sentence"]`).Text()
	})
	want := map[string]string{
		"redefined": "Stateless model APIs: The definition changed",
		"moved":     "Agent hosting: Moved from under AI services to under the top level.",
		"retired":   "Fine-tuning: Retired; it was at AI services › Fine-tuning.",
	}
	if len(changes) != len(want) {
		t.Errorf("changes %v", changes)
	}
	for k, w := range want {
		if !strings.HasPrefix(changes[k], w) {
			t.Errorf("%s: %q, want %q…", k, changes[k], w)
		}
	}
	if before := diff.doc(t).Find(`[data-kind="redefined"] [data-testid="change-before"]`).Text(); before != "Request-response access to a model." {
		t.Errorf("definition before %q", before)
	}
	if d := app.getWith(ps.member, "/taxonomy/diff").doc(t); d.Find(`[data-testid="change"]`).Length() != 3 || d.Find(`[data-testid="diff-form"]`).Length() != 1 {
		t.Error("by default the diff compares the current version with the one before")
	}
	for _, q := range []string{"from=2&to=2", "from=7&to=2"} {
		if r := app.getWith(ps.member, "/taxonomy/diff?"+q); r.StatusCode != http.StatusUnprocessableEntity || r.doc(t).Find(`[data-testid="error-summary"]`).Length() != 1 {
			t.Errorf("diff %s: %d", q, r.StatusCode)
		}
	}

	// The current tree labels what moved and what was retired, and when.
	v2 := app.getWith(ps.member, "/taxonomy").doc(t)
	if got := tagTexts(category(v2, "fine-tuning")); got != "Retired" || !strings.Contains(category(v2, "fine-tuning").Find(`[data-testid="category-note"]`).Text(), "Retired in Version 2") {
		t.Errorf("retired category: tags %q", got)
	}
	if got := tagTexts(category(v2, "agent-hosting")); got != "Moved in Version 2" || v2.Find(`[data-testid="taxonomy-tree"] > li[data-key="agent-hosting"]`).Length() != 1 {
		t.Errorf("moved category: tags %q", got)
	}
	if got := tagTexts(category(v2, "stateless-model-apis")); got != "Definition changed in Version 2" {
		t.Errorf("redefined category: tags %q", got)
	}
	// Older versions stay readable, as they were.
	old := app.getWith(ps.member, "/taxonomy?version=1").doc(t)
	if old.Find(`[data-testid="older-version"]`).Length() != 1 || category(old, "stateless-model-apis").Find(`[data-testid="category-definition"]`).Text() != "Request-response access to a model." ||
		tagTexts(category(old, "fine-tuning")) != "" {
		t.Error("version 1 should read as it was published")
	}
	if r := app.getWith(ps.member, "/taxonomy?version=9"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown version: %d", r.StatusCode)
	}
	// A category's own page tells its story.
	fp := app.getWith(ps.member, "/taxonomy/categories/"+strconv.FormatInt(fine.ID, 10)).doc(t)
	if !strings.Contains(fp.Find(`[data-testid="category-status"]`).Text(), "Retired in Version 2") || fp.Find(`[data-testid="category-versions"] tbody tr`).Length() != 2 ||
		!strings.Contains(fp.Find(`[data-testid="timeline"]`).Text(), "Category retired") {
		t.Errorf("retired category page: %q", fp.Find("main").Text())
	}
	hp := app.getWith(ps.member, "/taxonomy/categories/"+strconv.FormatInt(hosting.ID, 10)).doc(t)
	if got := hp.Find(`[data-testid="category-fate"]`).Text(); !strings.Contains(got, "Moved in version 2 from under AI services to under Top level") {
		t.Errorf("moved category fate %q", got)
	}
	if href, _ := hp.Find(`[data-testid="category-agreements"]`).Attr("href"); href != "/agreements?category="+strconv.FormatInt(hosting.ID, 10) {
		t.Errorf("agreements link %q", href)
	}
}

func TestTaxonomyReadOnlyRolesAndDiscard(t *testing.T) {
	t.Parallel()
	ps := newPartySetup(t)
	app := ps.app
	ctx := context.Background()
	root, err := ps.reg.CreateCategory(ctx, ps.adminUser, dealgate.CategoryInput{Name: "Compute", Definition: "Computing capacity."})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := ps.reg.StartTaxonomyDraft(ctx, ps.adminUser)
	if _, err := ps.reg.PublishTaxonomy(ctx, ps.adminUser, d.Version, "First version."); err != nil {
		t.Fatal(err)
	}
	added, err := ps.reg.CreateCategory(ctx, ps.adminUser, dealgate.CategoryInput{Name: "Training compute", ParentID: &root.ID, Definition: "Capacity to train models."})
	if err != nil {
		t.Fatal(err)
	}
	const draft = "/taxonomy/draft"
	addedEdit := draft + "/categories/" + strconv.FormatInt(added.ID, 10) + "/edit"

	for name, c := range map[string]*http.Client{"member": ps.member, "auditor": ps.auditor} {
		tree := app.getWith(c, "/taxonomy").doc(t)
		if tree.Find(`.page-header a.button`).Length() != 0 || category(tree, "compute").Length() != 1 {
			t.Errorf("%s: the tree shows, without a way to propose changes", name)
		}
		dp := app.getWith(c, draft).doc(t)
		if category(dp, "training-compute").Length() != 1 || dp.Find(`[data-testid="category-actions"], [data-testid="draft-actions"], [data-testid="start-draft"]`).Length() != 0 ||
			dp.Find(`a[href$="/categories/new"]`).Length() != 0 {
			t.Errorf("%s reads the draft without edit links", name)
		}
		for _, get := range []string{draft + "/categories/new", addedEdit, draft + "/publish", draft + "/discard"} {
			if r := app.getWith(c, get); r.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", name, get, r.StatusCode)
			}
		}
		for _, post := range []string{draft, draft + "/categories", addedEdit, draft + "/publish", draft + "/discard"} {
			r := app.postForm(c, post, url.Values{"name": {"Hijacked"}, "definition": {"x"}, "version": {"1"}, "change_note": {"x"}}, "/account")
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", name, post, r.StatusCode)
			}
		}
	}
	// Counsel edit the draft but neither publish nor discard it.
	cd := app.getWith(ps.counsel, draft).doc(t)
	if category(cd, "training-compute").Find(`[data-testid="category-actions"] a`).Length() != 3 || cd.Find(`[data-testid="draft-actions"]`).Length() != 0 {
		t.Error("counsel get edit links but no publish or discard")
	}
	for _, path := range []string{draft + "/publish", draft + "/discard"} {
		if r := app.postForm(ps.counsel, path, url.Values{"version": {"1"}, "change_note": {"x"}}, draft); r.StatusCode != http.StatusForbidden {
			t.Errorf("counsel POST %s: %d", path, r.StatusCode)
		}
	}

	// An admin discards the draft through its confirmation.
	confirm := app.getWith(ps.admin, draft+"/discard").doc(t)
	version, _ := confirm.Find(`[data-testid="confirm-form"] input[name="version"]`).Attr("value")
	if !strings.Contains(confirm.Find("main").Text(), "1 change") {
		t.Errorf("confirmation: %q", confirm.Find("main").Text())
	}
	stale, _ := strconv.Atoi(version)
	if r := app.postForm(ps.admin, draft+"/discard", url.Values{"version": {strconv.Itoa(stale - 1)}}, draft); r.StatusCode != http.StatusSeeOther {
		t.Errorf("stale discard: %d", r.StatusCode)
	}
	if _, err := ps.reg.DraftTaxonomy(ctx, ps.adminUser); err != nil {
		t.Fatal("a stale discard must not discard")
	}
	if r := app.postForm(ps.admin, draft+"/discard", url.Values{"version": {version}}, draft); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("discard: %d", r.StatusCode)
	}
	if _, err := ps.reg.DraftTaxonomy(ctx, ps.adminUser); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("the draft is still there: %v", err)
	}
	if r := app.getWith(ps.member, "/taxonomy/categories/"+strconv.FormatInt(added.ID, 10)); r.StatusCode != http.StatusNotFound {
		t.Errorf("a category added only in the discarded draft: %d", r.StatusCode)
	}
	if auditCount(t, app, "taxonomy.draft_discarded") != 1 {
		t.Error("discard not audited")
	}
	if d := app.getWith(ps.admin, draft).doc(t); d.Find(`[data-testid="start-draft"]`).Length() != 1 {
		t.Error("after a discard the draft page offers to start again")
	}
}
