package server_test

import "context"
import "strconv"
import "testing"

// The notification routes in the access matrix. Everyone signed in has
// their own notifications; another person's is not found (never opened).
func init() {
	for k, g := range map[string]grant{
		"GET /notifications":           everyone(same(ok)),
		"POST /notifications/read-all": everyone(same(invalid)),
		"POST /notifications/:id/open": everyone(expect{redirect, notFound, notFound}),
		"GET /account/notifications":   everyone(same(ok)),
		"POST /account/notifications":  everyone(same(invalid)),
	} {
		matrix[k] = g
	}
}

// notificationRecordIDs writes a notification for the acting role and one
// for the target person.
func (p *people) notificationRecordIDs(t *testing.T, role string) (own, other string) {
	t.Helper()
	write := func(userID int64) string {
		var id int64
		err := p.app.db.Pool.QueryRow(context.Background(), `
			INSERT INTO notification (recipient_id, event, title, link, in_app, created_at)
			VALUES ($1, 'review_assigned', 'Review opened: Fixture', '/committee', true, now()) RETURNING id`, userID).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(id, 10)
	}
	self := p.ids[role]
	if role == "anonymous" {
		self = p.ids["member"]
	}
	return write(self), write(p.ids["target"])
}
