package postgres

import "context"
import "fmt"
import "strconv"
import "strings"
import "time"
import "unicode/utf8"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// ReminderResult is what one reminder pass found and wrote.
type ReminderResult struct {
	Reviews        int // open reviews in the reminder window (paused ones left out)
	Awaited        int // (member, review) pairs awaiting a vote in the window
	Reminders      int // vote digests written: the people reminded today by this pass
	OverdueReviews int // open reviews past their due date (paused ones left out)
	Overdue        int // overdue digests written to chairs by this pass
}

// A digest lists at most digestLines reviews, and its body stays within
// the notification's 2,000 characters (migration 000018); the rest are
// "and N more" with a link to the list that holds them all.
const (
	digestLines     = 20
	digestBodyLimit = 2000
	digestTitleClip = 100
)

// Where a digest's "and N more" leads: the review list under the
// dashboard panels' filters (postgres.DashboardPanels).
const pendingVotesLink = "/committee/reviews?state=open&mine=pending"

func overdueLink(today time.Time) string {
	return "/committee/reviews?state=open&due_to=" + today.AddDate(0, 0, -1).Format(dealgate.DateLayout) + "&sort=due"
}

// digestItem is one review in a digest.
type digestItem struct {
	reviewID int64
	title    string
	due      time.Time
}

// reminderPlan is who today's reminders go to, read in one transaction.
type reminderPlan struct {
	res     ReminderResult
	today   time.Time
	waiting map[int64][]digestItem // per member, soonest due first
	order   []int64                // the members in waiting, by id
	overdue []digestItem
	chairs  []int64
}

// planReminders reads today's reminders: the members awaited on reviews in
// the window (less those recused by a declared interest), the overdue
// reviews and the chairs.
func (tx *Tx) planReminders(ctx context.Context) (reminderPlan, error) {
	p := reminderPlan{today: tx.today(), waiting: map[int64][]digestItem{}}
	rules, err := tx.committeeRules(ctx)
	if err != nil {
		return p, err
	}
	until := p.today.AddDate(0, 0, rules.ReminderDays)
	n, err := tx.Q.CountReviewsForReminders(ctx, until)
	if err != nil {
		return p, fmt.Errorf("reviews for reminders: %w", err)
	}
	p.res.Reviews = int(n)
	rows, err := tx.Q.VoteReminderCandidates(ctx, until)
	if err != nil {
		return p, fmt.Errorf("vote reminder candidates: %w", err)
	}
	excluded, err := tx.declaredFamiliesOf(ctx, rows)
	if err != nil {
		return p, err
	}
	for _, r := range rows {
		// Recused by a declared interest in the counterparty's family.
		if r.CounterpartyID != nil && excluded[r.UserID][*r.CounterpartyID] {
			continue
		}
		if p.waiting[r.UserID] == nil {
			p.order = append(p.order, r.UserID)
		}
		p.waiting[r.UserID] = append(p.waiting[r.UserID], digestItem{reviewID: r.ReviewID, title: r.Title, due: r.DueOn})
		p.res.Awaited++
	}
	over, err := tx.Q.OverdueReviewsForReminders(ctx, p.today)
	if err != nil {
		return p, fmt.Errorf("overdue reviews: %w", err)
	}
	for _, r := range over {
		p.overdue = append(p.overdue, digestItem{reviewID: r.ReviewID, title: r.Title, due: r.DueOn})
	}
	p.res.OverdueReviews = len(p.overdue)
	if len(p.overdue) > 0 {
		if p.chairs, err = tx.Q.ActiveChairIDs(ctx); err != nil {
			return p, fmt.Errorf("chairs: %w", err)
		}
	}
	return p, nil
}

// SendReminders writes today's reminders as daily digests: each member
// who may vote on an open review due (or whose deal's negotiation date
// falls) within the committee's reminder days, and has no vote that
// counts (none, or only on a superseded version), gets ONE notification
// listing those reviews; each active chair gets ONE listing the overdue
// reviews. A review paused by an open request for information reminds
// nobody: its clock stands still until counsel answer. Each digest carries
// a key per event, person and day, so running the pass again, or on two
// instances at once, writes nothing more that day.
//
// The pass reads the window in three set-based statements and then writes one digest per person, each in its own short
// transaction. Reminders are notifications, not changes to a record, so
// they write no audit event.
func (s *Notifications) SendReminders(ctx context.Context) (ReminderResult, error) {
	p, err := inTx(ctx, s.DB, func(tx *Tx) (reminderPlan, error) { return tx.planReminders(ctx) })
	res := p.res
	if err != nil {
		return res, err
	}
	day := p.today.Format(time.DateOnly)
	for _, uid := range p.order {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		n, err := inTx(ctx, s.DB, func(tx *Tx) (int, error) { return tx.notify(ctx, nil, voteDigest(uid, p.waiting[uid], day)) })
		if err != nil {
			return res, fmt.Errorf("vote reminder for user %d: %w", uid, err)
		}
		res.Reminders += n
	}
	if len(p.overdue) > 0 && len(p.chairs) > 0 {
		n, err := inTx(ctx, s.DB, func(tx *Tx) (int, error) {
			return tx.notify(ctx, nil, overdueDigest(p.chairs, p.overdue, p.today, day))
		})
		if err != nil {
			return res, fmt.Errorf("overdue reminders: %w", err)
		}
		res.Overdue = n
	}
	return res, nil
}

// declaredFamiliesOf returns, for each member among rows, the parties in
// the corporate family of any party they declared an interest in: a
// review of a deal with one of them recuses the member (as
// completeReviewState and the pending-votes list decide).
func (tx *Tx) declaredFamiliesOf(ctx context.Context, rows []sqlc.VoteReminderCandidatesRow) (map[int64]map[int64]bool, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, r := range rows {
		if !seen[r.UserID] {
			seen[r.UserID] = true
			ids = append(ids, r.UserID)
		}
	}
	out := map[int64]map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	decl, err := tx.Q.DeclarationsOfUsers(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("declarations: %w", err)
	}
	families := map[int64][]int64{}
	for _, d := range decl {
		fam, ok := families[d.PartyID]
		if !ok {
			if fam, err = tx.FamilyIDs(ctx, d.PartyID); err != nil {
				return nil, err
			}
			families[d.PartyID] = fam
		}
		if out[d.UserID] == nil {
			out[d.UserID] = map[int64]bool{}
		}
		for _, id := range fam {
			out[d.UserID][id] = true
		}
	}
	return out, nil
}

// voteDigest is member uid's vote reminder of the day for items (soonest
// due first).
func voteDigest(uid int64, items []digestItem, day string) dealgate.Notice {
	n := dealgate.Notice{Event: dealgate.NotifyVoteReminder, Recipients: []int64{uid},
		DedupeKey: "vote_reminder:" + day, Link: pendingVotesLink}
	if len(items) == 1 {
		it := items[0]
		n.Title = "Your vote is awaited: " + clip(it.title, digestTitleClip)
		n.Link = reviewLink(it.reviewID)
	} else {
		n.Title = "Your vote is awaited on " + strconv.Itoa(len(items)) + " reviews"
	}
	n.Body = digestBody("You have not voted on the current version of "+plural(len(items), "review", "reviews")+":",
		items, "due", "All your pending votes: "+pendingVotesLink)
	return n
}

// overdueDigest is the chairs' overdue reminder of the day for items
// (longest overdue first).
func overdueDigest(chairs []int64, items []digestItem, today time.Time, day string) dealgate.Notice {
	n := dealgate.Notice{Event: dealgate.NotifyReviewOverdue, Recipients: chairs,
		DedupeKey: "review_overdue:" + day, Link: overdueLink(today)}
	if len(items) == 1 {
		it := items[0]
		n.Title = "Review overdue: " + clip(it.title, digestTitleClip)
		n.Link = reviewLink(it.reviewID)
	} else {
		n.Title = strconv.Itoa(len(items)) + " reviews are overdue"
	}
	n.Body = digestBody(plural(len(items), "review is", "reviews are")+" past the due date with no decision:",
		items, "was due", "All overdue reviews: "+overdueLink(today))
	return n
}

// digestBody is lead, then one line per item (title, due date, link) up to
// digestLines and within digestBodyLimit characters, then "and N more"
// with more (a line ending in the list's link) when some are left out.
// The mail job makes the links at the ends of lines absolute.
func digestBody(lead string, items []digestItem, dueWord, more string) string {
	var b strings.Builder
	b.WriteString(lead)
	size := utf8.RuneCountInString(lead)
	// Room kept for the closing line.
	tail := len("\n\nand 1000000 more. ") + utf8.RuneCountInString(more)
	shown := 0
	for _, it := range items {
		line := "\n- " + clip(it.title, digestTitleClip) + ", " + dueWord + " " + it.due.Format("2 January 2006") + ": " + reviewLink(it.reviewID)
		n := utf8.RuneCountInString(line)
		if shown == digestLines || size+n+tail > digestBodyLimit {
			break
		}
		b.WriteString(line)
		size += n
		shown++
	}
	if rest := len(items) - shown; rest > 0 {
		b.WriteString("\n\nand " + strconv.Itoa(rest) + " more. " + more)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
