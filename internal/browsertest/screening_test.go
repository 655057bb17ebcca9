package browsertest

import "context"
import "strconv"
import "strings"
import "testing"
import "time"

import "github.com/chromedp/chromedp"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// TestScreeningFollowsTheRegister: counsel pre-checks a draft and sees a
// caution with its explanation, submits it, an admin turns the clause into
// an exclusivity, and the deal page's verdict and explanation change once
// the background job has re-screened the deal.
func TestScreeningFollowsTheRegister(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	dealRegister(t, app)
	mustUser(t, app, "counsel@example.com", dealgate.RoleCounsel)
	ctx := context.Background()
	admin, counsel := userByEmail(t, app, "admin@example.com"), userByEmail(t, app, "counsel@example.com")
	reg := postgres.NewRegister(app.DB)
	var hosting int64
	if err := app.DB.Pool.QueryRow(ctx, `SELECT id FROM category WHERE key = 'agent-hosting'`).Scan(&hosting); err != nil {
		t.Fatal(err)
	}
	azurine, err := reg.FindPartyByName(ctx, admin, "Azurine Cloud")
	if err != nil {
		t.Fatal(err)
	}
	from := time.Now().UTC().AddDate(-1, 0, 0)
	a, err := reg.CreateAgreement(ctx, admin, dealgate.AgreementInput{Title: "Azurine strategic partnership", PartyID: azurine.ID,
		Kind: dealgate.AgreementPartnership, Binding: true, Status: dealgate.StatusActive, EffectiveOn: &from})
	if err != nil {
		t.Fatalf("%v %v", err, dealgate.ErrorFields(err))
	}
	notice := 30
	cl, err := reg.CreateClause(ctx, admin, a.ID, dealgate.ClauseInput{Kind: dealgate.ClauseNoticeRequired, BeneficiaryID: azurine.ID,
		CategoryIDs: []int64{hosting}, Scope: dealgate.RestrictKind, RestrictedKind: dealgate.PartyCloudProvider,
		Worldwide: true, NoticeDays: &notice, Section: "4.2", Text: "Lumen shall give Azurine 30 days' notice before hosting agents with another cloud provider."})
	if err != nil {
		t.Fatalf("%v %v", err, dealgate.ErrorFields(err))
	}
	deals := postgres.NewDeals(app.DB, reg)
	d, err := deals.CreateDraft(ctx, counsel, "browser-screening-token-000000", dealgate.DealInput{Title: "Frontier agent hosting",
		Counterparty: "Nimbus Web Services", CategoryIDs: []string{strconv.FormatInt(hosting, 10)}, Description: "Nimbus hosts Frontier's agents.",
		Rationale: "Multi-cloud redundancy.", Value: "250000000", Currency: "USD", TermStart: day(90), TermEnd: day(900), Worldwide: true,
		NegotiationStart: day(60), Sponsor: "VP, Agent Platforms"})
	if err != nil {
		t.Fatalf("%v %v", err, dealgate.ErrorFields(err))
	}
	dealURL := app.URL + "/deals/" + strconv.FormatInt(d.ID, 10)

	// Counsel: Check now on the draft shows a caution and why; nothing is saved.
	b := NewBrowser(t)
	b.signIn(t, app, "counsel@example.com")
	b.waitFor(t, `[data-testid="user-name"]`)
	b.Do(t, chromedp.Navigate(dealURL+"/edit"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="precheck"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="precheck"]`)))
	b.waitFor(t, `[data-testid="screening"]`)
	text := func(css string) string {
		return b.Eval(t, `(document.querySelector('`+css+`') || {textContent: ''}).textContent`)
	}
	if v := text(`[data-testid="screening-verdict"]`); !strings.Contains(v, "Caution") {
		t.Fatalf("pre-check verdict %q", v)
	}
	if x := text(`[data-testid="finding-explanation"]`); !strings.Contains(x, "Nimbus Web Services is a cloud provider, and §4.2 restricts any cloud provider") {
		t.Fatalf("pre-check explanation %q", x)
	}
	if v := text(`[data-testid="finding-verdict"]`); !strings.Contains(v, "notice") {
		t.Fatalf("pre-check finding %q", v)
	}
	if n := text(`[data-testid="screening-note"]`); !strings.Contains(n, "not recorded") {
		t.Fatalf("pre-check note %q", n)
	}
	b.shots(t, "deal-precheck")

	// Submit: the deal page shows the recorded screening.
	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="submit-deal"]`)))
	b.waitFor(t, `[data-testid="deal-version"]`)
	if v := text(`[data-testid="screening-verdict"]`); !strings.Contains(v, "Caution") {
		t.Fatalf("submitted verdict %q", v)
	}
	before := text(`[data-testid="finding-verdict"]`)

	// Admin: the clause becomes an exclusivity.
	ab := NewBrowser(t)
	ab.signIn(t, app, "admin@example.com")
	ab.waitFor(t, `[data-testid="user-name"]`)
	ab.Do(t, chromedp.Navigate(app.URL+"/clauses/"+strconv.FormatInt(cl.ID, 10)+"/edit"), chromedp.WaitVisible(chromedp.ID("kind")),
		chromedp.SetValue(chromedp.ID("kind"), string(dealgate.ClauseExclusivity)))
	ab.submit(t)
	ab.waitFor(t, `[data-testid="agreement-title"]`)

	// Counsel: the deal page follows within moments (the job runs every second).
	deadline := time.Now().Add(20 * time.Second)
	for {
		b.Do(t, chromedp.Navigate(dealURL))
		b.waitFor(t, `[data-testid="deal-version"]`)
		if strings.Contains(text(`[data-testid="screening-verdict"]`), "Conflict") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("verdict after the clause change: %q", text(`[data-testid="screening-verdict"]`))
		}
		time.Sleep(300 * time.Millisecond)
	}
	after := text(`[data-testid="finding-verdict"]`)
	if after == before || !strings.Contains(text(`[data-testid="finding"]`), "Exclusivity") {
		t.Fatalf("finding before %q, after %q", before, after)
	}
	if m := text(`[data-testid="screening-meta"]`); !strings.Contains(m, "after a register change") {
		t.Fatalf("meta %q", m)
	}
	b.shots(t, "deal-screened")

	// The agreement page lists the deal with its finding.
	ab.Do(t, chromedp.Navigate(app.URL+"/agreements/"+strconv.FormatInt(a.ID, 10)))
	ab.waitFor(t, `[data-testid="touching-row"]`)
	if row := ab.Eval(t, `document.querySelector('[data-testid="touching-row"]').textContent`); !strings.Contains(row, "Frontier agent hosting") || !strings.Contains(row, "Conflict") {
		t.Fatalf("touching row %q", row)
	}
	if j := ab.Eval(t, `document.querySelector('[data-testid="rescreen-job"]').textContent`); !strings.Contains(j, "re-screened 1 open deal; 1 changed verdict") {
		t.Fatalf("job %q", j)
	}
	for _, br := range []*Browser{b, ab} {
		if p := br.Problems(); len(p) > 0 {
			t.Errorf("browser reported problems:\n%s", strings.Join(p, "\n"))
		}
	}
}
