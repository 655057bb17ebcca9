package dealgate_test

import "slices"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

func TestDueDateMovesCountOverlappingRequestsOnce(t *testing.T) {
	day0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	at := func(hours int) time.Time { return day0.Add(time.Duration(hours) * time.Hour) }
	answered := func(hours int) *time.Time { t := at(hours); return &t }
	cases := []struct {
		name   string
		rfis   []dealgate.RFI
		moves  []int
		paused *time.Time
	}{
		{"one request, answered 60 hours later", []dealgate.RFI{{AskedAt: at(0), AnsweredAt: answered(60)}}, []int{3}, nil},
		{"one open request", []dealgate.RFI{{AskedAt: at(5)}}, []int{0}, answered(5)},
		// A open 0–48, B open 24–96: one stretch 0–96, four days, moved by B's answer.
		{"overlapping", []dealgate.RFI{{AskedAt: at(0), AnsweredAt: answered(48)}, {AskedAt: at(24), AnsweredAt: answered(96)}}, []int{0, 4}, nil},
		// B open inside A's stretch: A's answer moves the whole stretch.
		{"nested", []dealgate.RFI{{AskedAt: at(0), AnsweredAt: answered(72)}, {AskedAt: at(10), AnsweredAt: answered(20)}}, []int{3, 0}, nil},
		// Two apart: each moves its own days.
		{"apart", []dealgate.RFI{{AskedAt: at(0), AnsweredAt: answered(12)}, {AskedAt: at(48), AnsweredAt: answered(100)}}, []int{1, 3}, nil},
		// A answered while B is still open: nothing moves yet; the clock
		// stopped when A was asked.
		{"one of two answered", []dealgate.RFI{{AskedAt: at(0), AnsweredAt: answered(30)}, {AskedAt: at(24)}}, []int{0, 0}, answered(0)},
	}
	for _, c := range cases {
		if got := dealgate.DueDateMoves(c.rfis); !slices.Equal(got, c.moves) {
			t.Errorf("%s: moves %v, want %v", c.name, got, c.moves)
		}
		got := dealgate.PausedSince(c.rfis)
		if (got == nil) != (c.paused == nil) || (got != nil && !got.Equal(*c.paused)) {
			t.Errorf("%s: paused since %v, want %v", c.name, got, c.paused)
		}
	}
}
