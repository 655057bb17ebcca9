package server

import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

func TestFormatDateInWords(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	now := time.Date(2027, 3, 3, 23, 30, 0, 0, time.UTC) // already 3 March in London (GMT)
	cases := map[string]string{
		"2027-03-12": "12 March 2027 (in 9 days)",
		"2027-03-03": "3 March 2027 (today)",
		"2027-03-04": "4 March 2027 (tomorrow)",
		"2027-02-01": "1 February 2027 (30 days ago)",
		"2027-06-03": "3 June 2027 (in 3 months)",
		"2033-02-20": "20 February 2033 (in 5 years)",
		"2021-03-01": "1 March 2021 (6 years ago)",
		"2028-03-03": "3 March 2028 (in 1 year)",
	}
	for in, want := range cases {
		d, _ := time.Parse("2006-01-02", in)
		if got := formatDate(d, now, london); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo") // already 4 March there
	d, _ := time.Parse("2006-01-02", "2027-03-04")
	if got := formatDate(d, now, tokyo); got != "4 March 2027 (today)" {
		t.Errorf("tokyo: %q", got)
	}
}

func TestFormatMomentUsesViewerZone(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	got := formatMoment(time.Date(2027, 1, 5, 15, 4, 0, 0, time.UTC), ny)
	if got != "5 January 2027, 10:04 EST" {
		t.Fatalf("got %q", got)
	}
}

func TestFormatShortDate(t *testing.T) {
	if got := formatShortDate(time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)); got != "20 Dec 2026" {
		t.Fatalf("got %q", got)
	}
}

func TestDecisionDaysText(t *testing.T) {
	for days, want := range map[float64]string{0: "under 1 day", 0.4: "under 1 day", 1: "1", 2.5: "2.5", 14: "14"} {
		if got := decisionDaysText(days); got != want {
			t.Errorf("decisionDaysText(%v) = %q, want %q", days, got, want)
		}
	}
}

func TestReviewRowsCountDownAndDateOnlyWhatApplies(t *testing.T) {
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	closed := today.Add(-24 * time.Hour)
	item := func(st dealgate.ReviewState) dealgate.ReviewListItem {
		return dealgate.ReviewListItem{ID: 1, State: st, DueOn: today.AddDate(0, 0, 8), OpenedAt: today.AddDate(0, 0, -3), ClosedAt: &closed}
	}
	rows := reviewRows([]dealgate.ReviewListItem{item(dealgate.ReviewDecided), item(dealgate.ReviewClosed)}, today, time.UTC)
	if rows[0].Decided == "" || rows[1].Decided != "" {
		t.Errorf("decided column: decided %q, closed %q (a closed review was never decided)", rows[0].Decided, rows[1].Decided)
	}
	if rows[0].DueIn != "" || rows[1].DueIn != "" {
		t.Errorf("an ended review counts down: %q, %q", rows[0].DueIn, rows[1].DueIn)
	}
	open := item(dealgate.ReviewOpen)
	open.ClosedAt = nil
	if r := reviewRows([]dealgate.ReviewListItem{open}, today, time.UTC)[0]; r.DueIn == "" || r.Decided != "" {
		t.Errorf("open review: due in %q, decided %q", r.DueIn, r.Decided)
	}
}
