package browsertest

import "context"
import "strings"
import "testing"

import "github.com/chromedp/chromedp"

import "github.com/dealgate/dealgate/internal/dealgate"

// TestCommitteeReviewJourney walks the review in a real browser: a member
// declares an interest in the counterparty; the chair opens the review from
// the queue and the member is recused automatically; another member votes;
// the chair asks counsel for information and counsel answer; the chair cannot decide before quorum, votes, and records an approval
// with conditions; counsel see "Cleared to negotiate" with the conditions
// and record the start of negotiation; a material new version removes the
// clearance. (The deal is submitted through the service: the browser
// submission is TestCounselDraftsSubmitsRevisesAndWithdrawsADeal.)
func TestCommitteeReviewJourney(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	dealRegister(t, app)
	mustUser(t, app, "counsel@example.com", dealgate.RoleCounsel)
	mustUser(t, app, "chair@example.com", dealgate.RoleChair, dealgate.RoleMember)
	mustUser(t, app, "mina@example.com", dealgate.RoleMember)
	mustUser(t, app, "milo@example.com", dealgate.RoleMember)
	dealID := submittedDeal(t, app, "counsel@example.com", "Inference failover with Azurine")
	dealURL := app.URL + "/deals/" + dealID

	// Milo declares his interest in Azurine Cloud.
	milo := NewBrowser(t)
	milo.signIn(t, app, "milo@example.com")
	milo.waitFor(t, `[data-testid="user-name"]`)
	milo.Do(t, chromedp.Navigate(app.URL+"/committee/interests"), chromedp.WaitVisible(chromedp.ID("party")),
		chromedp.SendKeys(chromedp.ID("party"), "Azurine Cloud"),
		chromedp.SendKeys(chromedp.ID("note"), "My brother works there."))
	milo.htmxSettled(t)
	milo.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="form"] button[type="submit"]`)))
	milo.waitFor(t, `[data-testid="declaration"]`)

	// The chair opens the review from the queue; Milo is recused.
	chair := NewBrowser(t)
	chair.signIn(t, app, "chair@example.com")
	chair.waitFor(t, `[data-testid="user-name"]`)
	chair.Do(t, chromedp.Navigate(app.URL+"/committee"))
	chair.waitFor(t, `[data-testid="open-review"]`)
	chair.shots(t, "committee")
	chair.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="open-review"]`)), chromedp.WaitVisible(chromedp.ID("due_on")),
		chromedp.Click(chromedp.CSS(`[data-testid="form"] button[type="submit"]`)))
	chair.waitFor(t, `[data-testid="review-title"]`)
	reviewURL := app.URL + chair.Eval(t, `location.pathname`)
	if got := chair.Eval(t, `Array.from(document.querySelectorAll('[data-testid="member"][data-recused="true"]')).map(e => e.textContent).join('|')`); !strings.Contains(got, "milo") || !strings.Contains(got, "Declared interest: Azurine Cloud") {
		t.Fatalf("recused members: %q", got)
	}
	milo.Do(t, chromedp.Navigate(reviewURL))
	milo.waitFor(t, `[data-testid="my-standing"]`)
	if milo.Count(t, `[data-testid="vote-form"]`) != 0 {
		t.Fatal("a recused member is offered the vote form")
	}

	// Mina is assigned: the bell in her header counts the notification, and
	// opening it from the list leads to the review and marks it read.
	mina := NewBrowser(t)
	mina.signIn(t, app, "mina@example.com")
	mina.waitFor(t, `[data-testid="bell-count"]`)
	if got := mina.Eval(t, `document.querySelector('[data-testid="bell-count"]').textContent`); got != "1" {
		t.Fatalf("Mina's bell: %q, want 1", got)
	}
	mina.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="bell"]`)))
	mina.waitFor(t, `[data-testid="notification"]`)
	mina.shots(t, "notifications")
	mina.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="open-notification"]`)))
	mina.waitFor(t, `[data-testid="review-title"]`)
	if got := app.URL + mina.Eval(t, `location.pathname`); got != reviewURL {
		t.Fatalf("the notification led to %s, want %s", got, reviewURL)
	}
	if mina.Count(t, `[data-testid="bell-count"]`) != 0 {
		t.Fatal("the bell still counts the opened notification")
	}

	// The chair asks counsel for information; counsel answer from the deal page.
	chair.Do(t, chromedp.SendKeys(chromedp.ID("question"), "Is the failover region exclusive to Azurine?"),
		chromedp.Click(chromedp.CSS(`[data-testid="ask-form"] button[type="submit"]`)))
	chair.waitFor(t, `[data-testid="rfi"]`)
	chair.waitFor(t, `[data-testid="review-paused"]`)    // the clock stops until counsel answer
	chair.waitFor(t, `[data-testid="decide-open-rfis"]`) // and the decision form says so
	chair.shots(t, "review-open-request")
	counsel := NewBrowser(t)
	counsel.signIn(t, app, "counsel@example.com")
	counsel.waitFor(t, `[data-testid="user-name"]`)
	counsel.Do(t, chromedp.Navigate(dealURL))
	counsel.waitFor(t, `[data-testid="deal-rfi"] a`)
	counsel.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="deal-rfi"] a`)), chromedp.WaitVisible(chromedp.ID("answer")),
		chromedp.SendKeys(chromedp.ID("answer"), "No: Azurine hosts failover only, non-exclusively."),
		chromedp.Click(chromedp.CSS(`[data-testid="form"] button[type="submit"]`)))
	counsel.waitFor(t, `[data-testid="deal-title"]`)
	if counsel.Count(t, `[data-testid="deal-rfi"]`) != 0 {
		t.Fatal("the answered request is still shown to counsel")
	}

	// Mina votes.
	// Her dashboard lists the review among her pending votes.
	mina.Do(t, chromedp.Navigate(app.URL+"/committee"))
	mina.waitFor(t, `[data-testid="pending"] [data-testid="review-row"]`)
	mina.axe(t, "committee dashboard")
	mina.Do(t, chromedp.Navigate(reviewURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid="vote-form"]`)),
		chromedp.Click(chromedp.CSS(`input[name="choice"][value="approve"]`)),
		chromedp.SendKeys(chromedp.ID("rationale"), "Non-exclusive failover is within the Azurine agreement."),
		chromedp.Click(chromedp.CSS(`[data-testid="vote-form"] button[type="submit"]`)))
	mina.waitFor(t, `[data-testid="vote"]`)

	// The chair cannot decide before quorum; votes, then decides.
	decide := func() {
		chair.Do(t, chromedp.Navigate(reviewURL), chromedp.WaitVisible(chromedp.CSS(`[data-testid="decide-form"]`)),
			chromedp.Click(chromedp.CSS(`input[name="outcome"][value="approved_conditions"]`)),
			chromedp.SendKeys(chromedp.ID("decision_conditions"), "No exclusivity over inference hosting."),
			chromedp.SendKeys(chromedp.ID("memo"), "Approved as a non-exclusive failover."),
			chromedp.Click(chromedp.CSS(`[data-testid="decide-form"] button[type="submit"]`)))
	}
	decide()
	chair.waitFor(t, `[data-testid="error-summary"]`)
	if got := chair.Eval(t, `document.querySelector('[data-testid="error-summary"]').textContent`); !strings.Contains(got, "Quorum is not reached") {
		t.Fatalf("decision before quorum: %q", got)
	}
	chair.Do(t, chromedp.Click(chromedp.CSS(`input[name="choice"][value="approve"]`)),
		chromedp.SendKeys(chromedp.ID("rationale"), "Resilience is worth it."),
		chromedp.Click(chromedp.CSS(`[data-testid="vote-form"] button[type="submit"]`)))
	chair.waitFor(t, `[data-testid="vote"]`)
	decide()
	chair.waitFor(t, `[data-testid="decision"]`)
	chair.shots(t, "review-decided")
	chair.axe(t, "review page")

	// The dashboard's recent decisions lead to the review list, filtered.
	chair.Do(t, chromedp.Navigate(app.URL+"/committee"))
	chair.waitFor(t, `[data-testid="see-all-decisions"]`)
	chair.shots(t, "committee-dashboard")
	chair.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="see-all-decisions"]`)))
	chair.waitFor(t, `[data-testid="reviews-table"] [data-testid="review-row"]`)
	if tags := chair.Count(t, `[data-testid="filter-tag"]`); tags != 1 {
		t.Errorf("decided reviews: %d filter tags, want 1", tags)
	}
	chair.shots(t, "review-list")
	chair.axe(t, "review list")

	// Counsel see the clearance and record the start of negotiation.
	counsel.Do(t, chromedp.Navigate(dealURL))
	counsel.waitFor(t, `[data-testid="negotiation-form"]`)
	panel := counsel.Eval(t, `document.querySelector('[data-testid="panel"]').textContent`)
	if !strings.Contains(panel, "Cleared to negotiate") || !strings.Contains(panel, "No exclusivity over inference hosting.") {
		t.Fatalf("clearance panel: %q", panel)
	}
	// The panel comes before the deal's details.
	if first := counsel.Eval(t, `String(document.querySelector('[data-testid="panel"]').compareDocumentPosition(document.querySelector('h2.heading-l')) & Node.DOCUMENT_POSITION_FOLLOWING)`); first == "0" {
		t.Error("the clearance is not above the deal's details")
	}
	counsel.shots(t, "deal-cleared")
	counsel.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="negotiation-form"] button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="negotiation-form"]`)))
	counsel.waitFor(t, `[data-testid="panel"]`)
	if panel := counsel.Eval(t, `document.querySelector('[data-testid="panel"]').textContent`); !strings.Contains(panel, "Negotiation started") {
		t.Fatalf("after recording negotiation: %q", panel)
	}

	// A material change (the territory) removes the clearance.
	counsel.Do(t, chromedp.Click(chromedp.CSS(`a[href$="/revise"]`)), chromedp.WaitVisible(chromedp.ID("change_note")),
		chromedp.SendKeys(chromedp.ID("change_note"), "Limited to the EU."),
		chromedp.Click(chromedp.ID("worldwide")))
	euID := counsel.Eval(t, `Array.from(document.querySelectorAll('input[name="regions"]')).find(i => i.value === 'EU').id`)
	counsel.Do(t, chromedp.Click(chromedp.ID(euID)), chromedp.Click(chromedp.CSS(`[data-testid="save-version"]`)))
	counsel.waitFor(t, `[data-testid="version-row"]`)
	if kind := counsel.Eval(t, `document.querySelector('[data-testid="panel"]').dataset.kind`); kind != "not-cleared" {
		t.Fatalf("after a material change the panel is %q", kind)
	}
	var events int
	if err := app.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_event WHERE action IN ('review.opened', 'review.vote_cast', 'review.decided', 'deal.negotiation_started', 'interest.declared', 'review.information_requested', 'review.information_answered')`).Scan(&events); err != nil || events != 8 {
		t.Errorf("%d review audit events, want 8 (%v)", events, err)
	}
	for _, b := range []*Browser{milo, chair, mina, counsel} {
		for _, p := range b.Problems() {
			if strings.Contains(p, "422") && strings.HasSuffix(p, "/decide") {
				continue // the decision refused before quorum, on purpose
			}
			t.Errorf("browser reported a problem: %s", p)
		}
	}
}
