package server_test

import "context"
import "fmt"
import "net/http"
import "net/url"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

func TestAuditBrowserKeysetFiltersAndEventPage(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := newPeople(t, app)
	auditor := p.clients["auditor"]
	ctx := context.Background()
	for i := range 30 {
		if err := app.db.InTx(ctx, func(tx *postgres.Tx) error {
			return tx.Audit(ctx, dealgate.AuditEvent{Action: "deal_attachment.added", EntityType: "deal_attachment", EntityID: fmt.Sprint(100 + i),
				Before: map[string]any{"deal_id": 7, "filename": "old.pdf", "based_on_id": 1},
				After:  map[string]any{"deal_id": 7, "filename": fmt.Sprintf("term-sheet-%d.pdf", i), "sizes": []int{1, 2}}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.db.InTx(ctx, func(tx *postgres.Tx) error {
		return tx.Audit(ctx, dealgate.AuditEvent{Action: "deal.submitted", EntityType: "deal", EntityID: "7", After: map[string]any{"title": "Nimbus"}})
	}); err != nil {
		t.Fatal(err)
	}

	// The deal filter finds the deal and its parts; pages follow by keyset.
	r := app.getWith(auditor, "/audit?deal=7&per_page=20")
	doc := r.doc(t)
	if r.StatusCode != http.StatusOK || doc.Find(`[data-testid="audit-row"]`).Length() != 20 {
		t.Fatalf("deal page 1: %d, %d rows", r.StatusCode, doc.Find(`[data-testid="audit-row"]`).Length())
	}
	if got := doc.Find(`[data-testid="pagination-summary"]`).Text(); !strings.Contains(got, "31 events") {
		t.Fatalf("summary %q", got)
	}
	if doc.Find(`[data-testid="audit-row"]`).First().Find("td").Eq(2).Text() != "Deal submitted" {
		t.Fatalf("plain action name: %q", doc.Find(`[data-testid="audit-row"]`).First().Find("td").Eq(2).Text())
	}
	next, ok := doc.Find(`a[rel="next"]`).Attr("href")
	if u, _ := url.Parse(next); !ok || !u.Query().Has("before") || u.Query().Has("page") {
		t.Fatalf("older link %q", next)
	}
	r = app.getWith(auditor, next)
	doc = r.doc(t)
	if n := doc.Find(`[data-testid="audit-row"]`).Length(); n != 11 {
		t.Fatalf("page 2: %d rows", n)
	}
	if _, ok := doc.Find(`a[rel="next"]`).Attr("href"); ok {
		t.Fatal("an older link on the last page")
	}
	prev, _ := doc.Find(`a[rel="prev"]`).Attr("href")
	r = app.getWith(auditor, prev)
	if n := r.doc(t).Find(`[data-testid="audit-row"]`).Length(); n != 20 {
		t.Fatalf("back to page 1: %d rows", n)
	}

	// Free text and the action picker (by plain name).
	r = app.getWith(auditor, "/audit?q=term-sheet-29")
	if n := r.doc(t).Find(`[data-testid="audit-row"]`).Length(); n != 1 {
		t.Fatalf("text search: %d rows", n)
	}
	r = app.getWith(auditor, "/audit?action=deal_attachment.")
	doc = r.doc(t)
	if n := doc.Find(`[data-testid="audit-row"]`).Length(); n != 25 {
		t.Fatalf("action group: %d rows", n)
	}
	if doc.Find(`select#action option[value="deal_attachment."]`).Text() != "All deal attachment events" ||
		doc.Find(`select#action option[value="deal.submitted"]`).Text() != "Deal submitted" {
		t.Fatal("the action picker lacks plain names")
	}
	if r := app.getWith(auditor, "/audit?deal=seven"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad deal number: %d", r.StatusCode)
	}
	// The period reads as the reports' does (readPeriod): a bad day, an end
	// before the start.
	if r := app.getWith(auditor, "/audit?from=+12/03/2027"); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "Enter a date like") {
		t.Fatalf("bad start day: %d", r.StatusCode)
	}
	if r := app.getWith(auditor, "/audit?from=2027-03-12&to=2027-03-11"); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "on or after the start date") {
		t.Fatalf("end before start: %d", r.StatusCode)
	}
	if r := app.getWith(auditor, "/audit?from=+2027-03-12+&to=2027-03-12"); r.StatusCode != http.StatusOK {
		t.Fatalf("one whole day, spaces around the start: %d", r.StatusCode)
	}

	// The event page shows the whole before and after; a field the after
	// snapshot leaves out is not shown as deleted.
	href, _ := app.getWith(auditor, "/audit?action=deal_attachment.added&per_page=1").doc(t).Find(`[data-testid="audit-event-link"]`).Attr("href")
	r = app.getWith(auditor, href)
	doc = r.doc(t)
	if r.StatusCode != http.StatusOK || doc.Find("h1").Text() != "Deal attachment added" {
		t.Fatalf("event page: %d %q", r.StatusCode, doc.Find("h1").Text())
	}
	rows := map[string][3]string{}
	doc.Find(`[data-testid="audit-diff-row"]`).Each(func(_ int, s *goquery.Selection) {
		rows[strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s.Find("th").Text()), "(changed)"))] =
			[3]string{s.Find("td").Eq(0).Text(), s.Find("td").Eq(1).Text(), s.AttrOr("data-changed", "")}
	})
	if rows["filename"] != [3]string{"old.pdf", "term-sheet-29.pdf", "true"} || rows["deal id"][2] != "false" ||
		rows["based on id"] != [3]string{"1", "—", "false"} || !strings.Contains(rows["sizes"][1], "2") {
		t.Fatalf("diff rows: %v", rows)
	}
	if r := app.getWith(auditor, "/audit/99999999"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("missing event: %d", r.StatusCode)
	}

}
