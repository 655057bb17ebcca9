package server

import "fmt"
import "time"

// formatMoment shows an instant in the viewer's time zone,
// e.g. "12 March 2027, 14:05 GMT".
func formatMoment(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2 January 2006, 15:04 MST")
}

// formatShortMoment is an instant as tables show it, in the viewer's time
// zone, e.g. "12 Mar 2027, 14:05 GMT".
func formatShortMoment(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2 Jan 2006, 15:04 MST")
}

// formatDate shows a calendar day with its distance from today in words,
// e.g. "12 March 2027 (in 9 days)" or "3 May 2020 (6 years ago)".
func formatDate(d time.Time, now time.Time, loc *time.Location) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("2 January 2006") + " (" + relativeDay(d, now, loc) + ")" // a list formats dozens per page
}

// formatShortDate is a day as tables show it, e.g. "20 Dec 2026".
func formatShortDate(d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return d.Format("2 Jan 2006")
}

// relativeDay says how far a calendar day is from today in the viewer's
// zone, in words: "today", "in 9 days", "in 3 months", "6 years ago".
func relativeDay(d time.Time, now time.Time, loc *time.Location) string {
	if d.IsZero() {
		return ""
	}
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	days := int(day.Sub(today).Hours() / 24)
	switch days {
	case 0:
		return "today"
	case 1:
		return "tomorrow"
	case -1:
		return "yesterday"
	}
	span, future := days, days > 0
	if !future {
		span = -days
	}
	var amount string
	switch {
	case span < 45:
		amount = plural(span, "day")
	case span < 365:
		amount = plural((span+15)/30, "month")
	default:
		amount = plural(span/365, "year")
	}
	if future {
		return "in " + amount
	}
	return amount + " ago"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
