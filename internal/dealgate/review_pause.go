package dealgate

import "time"

// A request for information pauses the review's clock while it is open.
// Overlapping requests pause it once: the due date moves when the last of
// them is answered, by every started day of the whole stretch
// (PauseDays), so two requests open on the same days never count those
// days twice.

// DueDateMoves returns, for each of a review's requests (in the order
// given), by how many days its answer moved the review's due date: 0 while
// it is open, and 0 for an answer given while another request stayed open.
func DueDateMoves(rfis []RFI) []int {
	moves := make([]int, len(rfis))
	for i, r := range rfis {
		if r.AnsweredAt == nil || openAt(rfis, i, *r.AnsweredAt) {
			continue
		}
		moves[i] = PauseDays(pauseStart(rfis, r.AskedAt, *r.AnsweredAt), *r.AnsweredAt)
	}
	return moves
}

// PausedSince returns when the review's clock stopped, or nil when no
// request is open.
func PausedSince(rfis []RFI) *time.Time {
	var start *time.Time
	for _, r := range rfis {
		if r.AnsweredAt == nil && (start == nil || r.AskedAt.Before(*start)) {
			at := r.AskedAt
			start = &at
		}
	}
	if start == nil {
		return nil
	}
	s := pauseStart(rfis, *start, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	return &s
}

// openAt reports whether a request other than rfis[skip] was open at t.
func openAt(rfis []RFI, skip int, t time.Time) bool {
	for j, o := range rfis {
		if j != skip && !o.AskedAt.After(t) && (o.AnsweredAt == nil || o.AnsweredAt.After(t)) {
			return true
		}
	}
	return false
}

// pauseStart walks back from start through the requests answered within
// (start, end] that were asked earlier: the stretch of overlapping
// requests that ends at end began at the earliest of them.
func pauseStart(rfis []RFI, start, end time.Time) time.Time {
	for moved := true; moved; {
		moved = false
		for _, o := range rfis {
			if o.AskedAt.Before(start) && o.AnsweredAt != nil && o.AnsweredAt.After(start) && !o.AnsweredAt.After(end) {
				start, moved = o.AskedAt, true
			}
		}
	}
	return start
}
