package server_test

import "net/http"
import "regexp"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/server"

// TestAuditEntityLinksAreRoutes: the audit trail's "User 3", "Deal 12", …
// links go to pages the server serves (a user's page is under /admin), and
// every audited entity type either links to a GET route or to nothing.
func TestAuditEntityLinksAreRoutes(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	var pages []*regexp.Regexp
	for _, r := range app.srv.Echo().Routes() {
		if r.Method != http.MethodGet || strings.Contains(r.Path, "*") {
			continue
		}
		pattern := regexp.MustCompile(`:[a-z_]+`).ReplaceAllString(regexp.QuoteMeta(r.Path), `[^/]+`)
		pages = append(pages, regexp.MustCompile("^"+pattern+"$"))
	}
	served := func(href string) bool {
		for _, p := range pages {
			if p.MatchString(href) {
				return true
			}
		}
		return false
	}
	types := []string{dealgate.EntityParty, dealgate.EntityAgreement, dealgate.EntityClause, dealgate.EntityDocument,
		dealgate.EntityCategory, dealgate.EntityTaxonomyVersion, dealgate.EntityRegister, dealgate.EntityDeal,
		dealgate.EntityDealAttachment, dealgate.EntityReview, dealgate.EntityCommitteeRules, dealgate.EntityInterests,
		dealgate.EntityUser, "prepared_export", "demo_seed_step"}
	for _, typ := range types {
		href := server.EntityHref(typ, "7")
		if href != "" && !served(href) {
			t.Errorf("%s 7 links to %s, which no page serves", typ, href)
		}
	}
	for typ, want := range map[string]string{dealgate.EntityUser: "/admin/users/7", dealgate.EntityDeal: "/deals/7",
		dealgate.EntityReview: "/reviews/7", dealgate.EntityCategory: "/taxonomy/categories/7"} {
		if got := server.EntityHref(typ, "7"); got != want {
			t.Errorf("%s 7 links to %q, want %q", typ, got, want)
		}
	}
}
