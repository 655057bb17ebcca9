package server_test

import "net/http"
import "net/url"
import "strings"
import "testing"

// TestAuditTrailFollowsEventsOnEveryInstance runs two servers on one
// database. Instance a serves the audit trail's pages from its cache while
// the audit stamp its session statement read has not moved; events written
// through instance b (a sign-in, a new party) show on a's next page, in the
// whole trail and in a filtered view. It fails if the trail is cached
// without the stamp, or the stamp misses an event.
func TestAuditTrailFollowsEventsOnEveryInstance(t *testing.T) {
	t.Parallel()
	a := newTestApp(t, nil)
	p := newPeople(t, a)
	b := secondInstance(t, a)
	auditor := p.clients["auditor"]
	// top is the newest event's row on a's trail page at path.
	top := func(path string) string {
		t.Helper()
		r := a.getWith(auditor, path)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, r.StatusCode)
		}
		return strings.Join(strings.Fields(r.doc(t).Find(`[data-testid="audit-row"]`).First().Text()), " ")
	}
	const parties = "/audit?action=party."
	first := top("/audit")
	if top(parties) != "" {
		t.Fatal("party events before any party was created")
	}
	// Held at its stamp, a page costs one round trip: the session
	// statement reads the stamp too. (A session's idle timeout is pushed
	// back with one write at most once a minute: a slow run may see one in
	// a measurement, never in two in a row.)
	var n float64
	for range 2 {
		before := a.getTrips(t, "/audit")
		if top("/audit") != first || top(parties) != "" {
			t.Fatal("the held page changed by itself")
		}
		if n = a.getTrips(t, "/audit") - before; n != 3 {
			break
		}
	}
	if n != 2 {
		t.Errorf("two views of held trail pages took %v round trips, want 2", n)
	}

	// A sign-in through b is the newest event on a's next page.
	c := b.newClient()
	if r := b.postForm(c, "/sign-in", url.Values{"email": {"member@example.com"}, "password": {testPassword}}, "/sign-in"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in on b: %d", r.StatusCode)
	}
	if got := top("/audit"); got == first || !strings.Contains(got, "Signed in") || !strings.Contains(got, "member@example.com") {
		t.Fatalf("a's trail after a sign-in on b: newest %q (before: %q)", got, first)
	}
	// A party created through b shows in a's filtered view.
	r := b.postForm(p.clients["counsel"], "/parties", url.Values{"name": {"Stamp Probe Ltd"}, "kind": {"other"}}, "/parties/new")
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create party on b: %d %s", r.StatusCode, r.body)
	}
	if got := top(parties); !strings.Contains(got, "Party created") {
		t.Fatalf("a's party events after a party was created on b: newest %q", got)
	}
}
