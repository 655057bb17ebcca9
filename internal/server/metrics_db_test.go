package server_test

import "regexp"
import "strconv"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

func TestMetricsCountDatabaseRoundTripsAndPoolWaitByRoute(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	mustUser(t, app, "metered@example.com", dealgate.RoleMember)
	c := app.newClient()
	app.signInAs(c, "metered@example.com", testPassword)
	app.get("/sign-in")
	var body string
	value := func(series string) float64 {
		t.Helper()
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("metrics lack %s", series)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	// The anonymous sign-in page views (here and in signInAs) touch no database.
	body = app.get("/metrics").body
	if n := value(`dealgate_db_round_trips_per_request_sum{method="GET",route="/sign-in"}`); n != 0 {
		t.Errorf("anonymous /sign-in round trips: %v, want 0", n)
	}
	for range 3 {
		app.getWith(c, "/account")
	}
	body = app.get("/metrics").body
	if n := value(`dealgate_db_round_trips_per_request_count{method="GET",route="/account"}`); n != 3 {
		t.Errorf("/account requests observed: %v, want 3", n)
	}
	// Each view reads the session with its user in one statement (the first
	// on a connection also prepares it); none writes the session.
	perView := value(`dealgate_db_round_trips_per_request_sum{method="GET",route="/account"}`) / 3
	if perView < 1 || perView > 2 {
		t.Errorf("/account round trips per view: %v", perView)
	}
	value(`dealgate_db_pool_wait_seconds_per_request_count{method="GET",route="/account"}`)
	value(`dealgate_db_pool_acquire_wait_seconds_total`)
}
