package browsertest

import "context"
import "slices"
import "strings"
import "testing"
import "time"

import "github.com/chromedp/chromedp"
import "github.com/pquerna/otp/totp"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

func init() { postgres.PasswordParams = postgres.TestPasswordParams }

const password = "a browser-test passphrase"

func mustUser(t *testing.T, app *App, email string, roles ...dealgate.Role) {
	t.Helper()
	_, err := postgres.NewUsers(app.DB).CreateUserWithPassword(context.Background(), dealgate.NewUser{
		Name: "Person " + strings.Split(email, "@")[0], Email: email, Roles: roles, TimeZone: "Europe/London",
	}, password)
	if err != nil {
		t.Fatal(err)
	}
}

// signIn fills in and submits the sign-in form like a person would.
func (b *Browser) signIn(t *testing.T, app *App, email string) {
	t.Helper()
	b.Do(t,
		chromedp.Navigate(app.URL+"/sign-in"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`[data-testid="form"] button[type="submit"]`)),
	)
}

func (b *Browser) waitFor(t *testing.T, css string) {
	t.Helper()
	b.Do(t, chromedp.WaitVisible(chromedp.CSS(css)))
}

// clickThrough clicks the element at click and waits for wait to be visible
// on the page that the click loads. The page already showing is marked first
// and wait must not match inside it: a banner or a table that both pages have
// would otherwise match at once, before the next page arrives (a flake under
// load). wait is a single selector, not a list.
func (b *Browser) clickThrough(t *testing.T, click, wait string) {
	t.Helper()
	b.Eval(t, `document.body.setAttribute('data-page-left', ''), ''`)
	b.Do(t, chromedp.Click(chromedp.CSS(click)), chromedp.WaitVisible(chromedp.CSS("body:not([data-page-left]) "+wait)))
}

// htmxSettled waits out the type-ahead's 250 ms debounce and then until no
// htmx request is in flight. A type-ahead request still running when the page
// is left is aborted, and htmx logs every abort as a console error, which the
// tests count as a problem: under load that was a flake, not a defect.
func (b *Browser) htmxSettled(t *testing.T) {
	t.Helper()
	b.Do(t, chromedp.Sleep(300*time.Millisecond))
	if _, err := chromedp.Run(b.Ctx, chromedp.Poll[bool](`document.querySelector('.htmx-request') === null`)); err != nil {
		t.Fatalf("htmx requests still in flight: %v", err)
	}
}

func (b *Browser) navLabels(t *testing.T) []string {
	t.Helper()
	labels, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('nav[aria-label="Main"] a')).map(a => a.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	return labels
}

// TestEachRoleSeesItsNavigation signs in as each role in a real browser and
// checks the main navigation offers exactly what that role may use.
func TestEachRoleSeesItsNavigation(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	cases := []struct {
		role dealgate.Role
		nav  []string
	}{
		{dealgate.RoleAdmin, []string{"Home", "Deals", "Committee", "Agreements", "Parties", "Taxonomy", "Users", "Audit trail", "Reports", "Your account"}},
		{dealgate.RoleChair, []string{"Home", "Deals", "Committee", "Agreements", "Parties", "Taxonomy", "Your account"}},
		{dealgate.RoleMember, []string{"Home", "Deals", "Committee", "Agreements", "Parties", "Taxonomy", "Your account"}},
		{dealgate.RoleCounsel, []string{"Home", "Deals", "Agreements", "Parties", "Taxonomy", "Your account"}},
		{dealgate.RoleAuditor, []string{"Home", "Deals", "Committee", "Agreements", "Parties", "Taxonomy", "Audit trail", "Reports", "Your account"}},
	}
	for _, tc := range cases {
		mustUser(t, app, string(tc.role)+"@example.com", tc.role)
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			b := NewBrowser(t)
			b.signIn(t, app, string(tc.role)+"@example.com")
			b.waitFor(t, `[data-testid="user-name"]`)
			if got := b.navLabels(t); !slices.Equal(got, tc.nav) {
				t.Errorf("navigation %v, want %v", got, tc.nav)
			}
			if got := b.Eval(t, `document.querySelector('nav[aria-label="Main"] [aria-current="page"]').textContent.trim()`); got != "Home" {
				t.Errorf("current page marked %q", got)
			}
			// The pages behind the links open for this role.
			for _, href := range []string{"/account", "/parties", "/taxonomy"} {
				b.Do(t, chromedp.Navigate(app.URL+href))
				b.waitFor(t, "h1")
			}
			if p := b.Problems(); len(p) > 0 {
				t.Errorf("browser reported problems:\n%s", strings.Join(p, "\n"))
			}
		})
	}
}

// TestTwoFactorSetupAndSignIn sets up an authenticator in the browser,
// signs out, and signs in again with a code.
func TestTwoFactorSetupAndSignIn(t *testing.T) {
	t.Parallel()
	app := StartApp(t, nil)
	mustUser(t, app, "tara@example.com", dealgate.RoleChair)
	b := NewBrowser(t)
	b.signIn(t, app, "tara@example.com")
	b.waitFor(t, `[data-testid="user-name"]`)

	b.Do(t, chromedp.Navigate(app.URL+"/account/two-factor"))
	b.waitFor(t, `[data-testid="totp-qr"]`)
	if w := b.Eval(t, `String(document.querySelector('[data-testid="totp-qr"]').naturalWidth)`); w == "0" {
		t.Error("QR code image did not load")
	}
	b.Do(t, chromedp.Click(chromedp.CSS(`details summary`)))
	secret := strings.TrimSpace(b.Eval(t, `document.querySelector('[data-testid="totp-secret"]').textContent`))
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	b.Do(t,
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Click(chromedp.CSS(`[data-testid="form"] button[type="submit"]`)),
	)
	b.waitFor(t, `[data-testid="recovery-codes"]`)
	if n := b.Count(t, `[data-testid="recovery-codes"] li`); n != dealgate.RecoveryCodeCount {
		t.Errorf("%d recovery codes shown", n)
	}

	b.Do(t, chromedp.Click(chromedp.CSS(`[data-testid="sign-out-form"] button`)))
	b.waitFor(t, `#email`)
	b.signIn(t, app, "tara@example.com")
	b.waitFor(t, `#code`)
	// The next time step: the code used for setup cannot be replayed.
	next, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	b.Do(t,
		chromedp.SendKeys(chromedp.ID("code"), next),
		chromedp.Click(chromedp.CSS(`[data-testid="form"] button[type="submit"]`)),
	)
	b.waitFor(t, `[data-testid="user-name"]`)
	if loc := b.Eval(t, `location.pathname`); loc != "/" {
		t.Errorf("after the code the browser is at %q", loc)
	}
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("browser reported problems:\n%s", strings.Join(p, "\n"))
	}
}
