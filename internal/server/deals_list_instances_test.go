package server_test

import "net/http"
import "net/url"
import "strconv"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"

// TestDealListFollowsChangesOnEveryInstance runs two servers on one
// database. Instance a serves "My deals" and the committee's list, from its
// cache when the deal list stamp the session statement read has not moved;
// a draft saved, submitted and withdrawn through instance b shows on a's
// next list page, for the author and for the committee. It fails if the
// list is cached without the stamp, or the stamp misses a change.
func TestDealListFollowsChangesOnEveryInstance(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil)
	p := newPeople(t, a)
	p.registerFixture(t)
	b := secondInstance(t, a)
	counsel, member := p.clients["counsel"], p.clients["member"]
	const title = "Hosting probe for the list cache"
	// row is the list row of the probe deal on a's page for c ("" if none).
	row := func(c *http.Client) string {
		t.Helper()
		r := a.getWith(c, "/deals?sort=negotiation")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("deal list: %d", r.StatusCode)
		}
		for _, text := range r.doc(t).Find(`[data-testid="deal-row"]`).Map(func(_ int, s *goquery.Selection) string { return s.Text() }) {
			if strings.Contains(text, title) {
				return text
			}
		}
		return ""
	}
	for range 2 { // the second read is served from a's cache
		if row(counsel) != "" || row(member) != "" {
			t.Fatal("the probe deal is listed before it exists")
		}
	}

	r := b.postForm(counsel, "/deals", url.Values{"title": {title}}, "/deals/new")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save draft on b: %d %s", r.StatusCode, r.body)
	}
	path := "/deals/" + strconv.FormatInt(dealIDFrom(t, r.Header.Get("Location")), 10)
	if got := row(counsel); !strings.Contains(got, "Draft") {
		t.Fatalf("author's list on a after a draft saved on b: %q", got)
	}
	if got := row(member); got != "" {
		t.Fatalf("the committee sees a draft: %q", got)
	}

	form := dealForm(t, p)
	form.Set("title", title)
	form.Set("version", b.getWith(counsel, path+"/edit").doc(t).Find(`input[name="version"]`).AttrOr("value", ""))
	form.Set("action", "submit")
	if r = b.postForm(counsel, path+"/edit", form, path+"/edit"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit on b: %d %s", r.StatusCode, r.body)
	}
	for _, c := range []*http.Client{counsel, member} {
		if got := row(c); !strings.Contains(got, "Submitted") || !strings.Contains(got, "v1") {
			t.Fatalf("list on a after submission on b: %q", got)
		}
	}

	wd := b.getWith(counsel, path+"/withdraw").doc(t).Find(`input[name="version"]`).AttrOr("value", "")
	if r = b.postForm(counsel, path+"/withdraw", url.Values{"version": {wd}, "reason": {"Dropped."}}, path+"/withdraw"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw on b: %d %s", r.StatusCode, r.body)
	}
	for _, c := range []*http.Client{counsel, member} {
		if got := row(c); !strings.Contains(got, "Withdrawn") {
			t.Fatalf("list on a after withdrawal on b: %q", got)
		}
	}
}
