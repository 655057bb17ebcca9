package server_test

import "context"
import "net/http"
import "net/url"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"

// checkedForm returns the fields of the "Import these N rows" form on r.
func checkedForm(t *testing.T, r response) url.Values {
	t.Helper()
	v := url.Values{}
	r.doc(t).Find(`[data-testid="import-checked-form"] input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	if v.Get("checked") == "" || v.Get("_once") == "" {
		t.Fatalf("no checked-file form (status %d): %v", r.StatusCode, v)
	}
	return v
}

func (e *rioEnv) held(t *testing.T) (n int) {
	t.Helper()
	if err := e.app.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM import_held`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportOfACheckedFileWorksOnAnotherInstance checks the file on one
// instance and imports it with "Import these N rows" on another: the file
// is held in the database, for its user only, imported once and then
// forgotten; expired files are purged.
func TestImportOfACheckedFileWorksOnAnotherInstance(t *testing.T) {
	t.Parallel()
	e := newRIOEnv(t, nil)
	other := secondInstance(t, e.app)
	check := e.upload(t, e.asCounsel, "register.csv", rioGoodFile, "check")
	if check.StatusCode != http.StatusOK {
		t.Fatalf("check: %d", check.StatusCode)
	}
	form := checkedForm(t, check)

	// Someone else cannot import counsel's file by its hash.
	stolen := url.Values{"mode": {"import"}, "checked": {form.Get("checked")}}
	r := e.app.postForm(e.asAdmin, "/register/import", stolen, "/register/import")
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "no longer held") {
		t.Fatalf("another user's import of the held file: %d", r.StatusCode)
	}
	if a, _ := e.counts(t); a != 0 {
		t.Fatalf("%d agreements imported by someone else", a)
	}

	// The other instance imports it.
	r = other.postForm(e.asCounsel, "/register/import", form, "")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/agreements" {
		t.Fatalf("import on the other instance: %d %.300s", r.StatusCode, r.body)
	}
	if a, c := e.counts(t); a != 2 || c != 3 {
		t.Fatalf("imported %d agreements, %d clauses", a, c)
	}
	if n := e.held(t); n != 0 {
		t.Errorf("%d files still held after their import", n)
	}
	// The same form again (a double click) imports nothing more.
	r = e.app.postForm(e.asCounsel, "/register/import", form, "")
	if r.StatusCode != http.StatusConflict {
		t.Errorf("second submission: %d", r.StatusCode)
	}
	if a, c := e.counts(t); a != 2 || c != 3 {
		t.Fatalf("after a second submission: %d agreements, %d clauses", a, c)
	}

	// A checked file whose time is up is purged.
	e.upload(t, e.asCounsel, "parties.csv", "agreement_ref,title,party,party_kind\n,,Orrery Retail,reseller\n", "check")
	if n := e.held(t); n != 1 {
		t.Fatalf("%d files held after a clean check", n)
	}
	ctx := context.Background()
	if _, err := e.app.db.Pool.Exec(ctx, `UPDATE import_held SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	if n, err := e.app.db.PurgeHeldImports(ctx); err != nil || n != 1 || e.held(t) != 0 {
		t.Errorf("purge: %d, %v; %d left", n, err, e.held(t))
	}
}
