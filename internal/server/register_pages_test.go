package server_test

import "context"
import "net/http"
import "net/url"
import "strconv"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// TestRegisterPagesRoundTrips: with its caches warm, each register and audit
// page costs the session's statement and at most one more round trip (one
// statement, or one batch), as /metrics counts them.
func TestRegisterPagesRoundTrips(t *testing.T) {
	t.Parallel()
	rs := newRegisterSetup(t)
	app := rs.app
	mustUser(t, app, "auditor@example.com", dealgate.RoleAuditor)
	auditor := app.newClient()
	app.signInAs(auditor, "auditor@example.com", testPassword)
	ctx, reg := context.Background(), postgres.NewRegister(app.db)
	a, err := reg.CreateAgreement(ctx, rs.admin, dealgate.AgreementInput{Title: "Exclusive hosting pact", Kind: dealgate.AgreementPartnership,
		Status: dealgate.StatusActive, PartyID: rs.cloud.ID, Binding: true, OwnerID: &rs.admin.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.CreateClause(ctx, rs.admin, a.ID, dealgate.ClauseInput{Kind: dealgate.ClauseExclusivity, BeneficiaryID: rs.cloud.ID,
		CategoryIDs: []int64{rs.statelessAPIs.ID}, Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider, Worldwide: true, Text: "Exclusive hosting of stateless APIs."}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		route, path string
		client      *http.Client
		want        float64
	}{
		{"/agreements", "/agreements?status=active&sort=expires_on", rs.counsel, 1},
		{"/agreements", "/agreements?q=exclusive+hosting", rs.counsel, 1},
		{"/parties", "/parties", rs.counsel, 1},
		{"/agreements/:id", "/agreements/" + strconv.FormatInt(a.ID, 10), rs.counsel, 1},
		{"/audit", "/audit", auditor, 1}, // held under the audit stamp
	} {
		// Warm the caches, and every pooled connection's prepared statements.
		for range 12 {
			if r := app.getWith(p.client, p.path); r.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", p.path, r.StatusCode)
			}
		}
		// A session's idle timeout is pushed back (one write) at most once a
		// minute, so a slow run may see one such write in a measurement: the
		// next measurement, right after, cannot.
		const views = 5
		var got float64
		for range 2 {
			before := app.getTrips(t, p.route)
			for range views {
				app.getWith(p.client, p.path)
			}
			if got = (app.getTrips(t, p.route) - before) / views; got != p.want+1.0/views {
				break
			}
		}
		if got != p.want {
			t.Errorf("%s: %v round trips per view, want %v", p.path, got, p.want)
		}
	}
}

// TestHistoriesNameWhoActed: a party's and a deal's history name the people
// who acted as the rest of the pages do ("Admin Person"), not by the email
// the audit trail recorded, and a deal's shares read by name.
func TestHistoriesNameWhoActed(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	p.registerFixture(t)
	mustUser(t, app, "counsel2@example.com", dealgate.RoleCounsel)
	party := app.getWith(p.clients["member"], "/parties").doc(t).Find(`a[href^="/parties/"]`).First().AttrOr("href", "")
	who := app.getWith(p.clients["member"], party).doc(t).Find(`[data-testid="timeline-item"]`).Text()
	if !strings.Contains(who, "Admin Person") || strings.Contains(who, "admin@example.com") {
		t.Errorf("party history %s: %q", party, who)
	}
	c := p.clients["counsel"]
	r := app.postForm(c, "/deals", url.Values{"title": {"Named history"}}, "/deals/new")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d", r.StatusCode)
	}
	path := r.Header.Get("Location")
	if r := app.postForm(c, path+"/share", url.Values{"email": {"counsel2@example.com"}, "access": {"read"}}, path); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("share: %d %s", r.StatusCode, r.body)
	}
	hist := app.getWith(c, path).doc(t).Find(`[data-testid="timeline-item"]`).Text()
	if !strings.Contains(hist, "Counsel Person") || strings.Contains(hist, "@example.com") || !strings.Contains(hist, "Test counsel2 (can read)") {
		t.Errorf("deal history: %q", hist)
	}
}
