package server

import (
	"fmt"
	"time"
)

// formatMoment shows an instant in the viewer's time zone,
// e.g. "12 March 2027, 14:05 GMT".
func formatMoment(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2 January 2006, 15:04 MST")
}

// formatDate shows a calendar day with its distance from today in words,
// e.g. "12 March 2027 (in 9 days)" or "3 May 2026 (22 days ago)".
func formatDate(d time.Time, now time.Time, loc *time.Location) string {
	if d.IsZero() {
		return ""
	}
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	days := int(day.Sub(today).Hours() / 24)
	var rel string
	switch {
	case days == 0:
		rel = "today"
	case days == 1:
		rel = "tomorrow"
	case days == -1:
		rel = "yesterday"
	case days > 1:
		rel = fmt.Sprintf("in %d days", days)
	default:
		rel = fmt.Sprintf("%d days ago", -days)
	}
	return fmt.Sprintf("%s (%s)", day.Format("2 January 2006"), rel)
}
