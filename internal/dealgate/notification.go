package dealgate

import "time"

// NotifyEvent is a kind of notification. Each person chooses, per event,
// whether it reaches them in the app, by e-mail or both; the labels below
// say when each is sent.
type NotifyEvent string

const (
	NotifyReviewAssigned       NotifyEvent = "review_assigned"
	NotifyInformationRequested NotifyEvent = "information_requested"
	NotifyInformationAnswered  NotifyEvent = "information_answered"
	NotifyDecisionRecorded     NotifyEvent = "decision_recorded"
	NotifyVerdictChanged       NotifyEvent = "verdict_changed"
	NotifyNegotiationStarted   NotifyEvent = "negotiation_started"
	NotifyVoteReminder         NotifyEvent = "vote_reminder"
	NotifyReviewOverdue        NotifyEvent = "review_overdue"
)

var notifyEventLabels = labels[NotifyEvent]{
	{NotifyReviewAssigned, "A review opens with you assigned"},
	{NotifyInformationRequested, "The committee asks for information on your deal"},
	{NotifyInformationAnswered, "Counsel answer a request for information"},
	{NotifyDecisionRecorded, "The committee records a decision"},
	{NotifyVerdictChanged, "Re-screening changes the verdict of a deal under review"},
	{NotifyNegotiationStarted, "Counsel record that negotiation started"},
	{NotifyVoteReminder, "Daily reminder: the reviews awaiting your vote that are nearly due"},
	{NotifyReviewOverdue, "Daily reminder (chairs): the reviews past their due date"},
}

// AllNotifyEvents lists every event in the order the preferences form shows them.
var AllNotifyEvents = notifyEventLabels.values()

// Label is the event as the preferences form names it.
func (e NotifyEvent) Label() string { return notifyEventLabels.of(e) }

// NotifyChannel is where a person wants one event: in the app, by e-mail or both.
type NotifyChannel string

const (
	ChannelBoth  NotifyChannel = "both"
	ChannelApp   NotifyChannel = "app"
	ChannelEmail NotifyChannel = "email"
)

// AllNotifyChannels lists the choices in the order the form shows them.
var AllNotifyChannels = []NotifyChannel{ChannelBoth, ChannelApp, ChannelEmail}

// Label is the choice as the form words it.
func (c NotifyChannel) Label() string {
	switch c {
	case ChannelApp:
		return "In the app only"
	case ChannelEmail:
		return "By e-mail only"
	}
	return "In the app and by e-mail"
}

// InApp reports whether the channel shows the notification in the app.
func (c NotifyChannel) InApp() bool { return c != ChannelEmail }

// Email reports whether the channel sends an e-mail.
func (c NotifyChannel) Email() bool { return c != ChannelApp }

// NotifyPrefs is a person's choice per event; an event not in the map is
// delivered both ways (the default).
type NotifyPrefs map[NotifyEvent]NotifyChannel

// Channel returns the choice for e, both ways by default.
func (p NotifyPrefs) Channel(e NotifyEvent) NotifyChannel {
	if c, ok := p[e]; ok {
		return c
	}
	return ChannelBoth
}

// Snapshot is the preferences in words, for the audit trail.
func (p NotifyPrefs) Snapshot() map[string]any {
	m := make(map[string]any, len(AllNotifyEvents))
	for _, e := range AllNotifyEvents {
		m[string(e)] = p.Channel(e).Label()
	}
	return m
}

// NotifyPrefsField is the form field of event e's choice.
func NotifyPrefsField(e NotifyEvent) string { return "notify_" + string(e) }

// ParseNotifyPrefs reads the preferences form: one choice per event,
// through value (the form's value of a field). A missing or unknown choice
// is EINVALID under its field.
func ParseNotifyPrefs(value func(field string) string) (NotifyPrefs, error) {
	p := NotifyPrefs{}
	var v Validation
	for _, e := range AllNotifyEvents {
		c := NotifyChannel(value(NotifyPrefsField(e)))
		switch c {
		case ChannelBoth, ChannelApp, ChannelEmail:
			p[e] = c
		default:
			v.Add(NotifyPrefsField(e), "Choose how to hear that: "+lowerFirst(e.Label()))
		}
	}
	return p, v.Err()
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	if s[0] >= 'A' && s[0] <= 'Z' {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

// Notification is one thing a person was told in the app.
type Notification struct {
	ID        int64
	Event     NotifyEvent
	DealID    *int64
	ReviewID  *int64
	Title     string
	Body      string
	Link      string // a path in the app
	CreatedAt time.Time
	ReadAt    *time.Time
}

// Notice is what a change tells people: the event, who, and what to say.
// The service writes one notification per recipient (and a mail when they
// want one) in the change's own transaction.
type Notice struct {
	Event      NotifyEvent
	Recipients []int64
	DealID     *int64
	ReviewID   *int64
	Title      string
	Body       string
	Link       string
	// DedupeKey, when set, is suffixed with the recipient's id: a notice
	// with a key already used is not written again (the daily reminder
	// digests: one key per event and day).
	DedupeKey string
}

// NotYetVoted returns the members who may vote and have not acted: not
// recused (by themselves, by a declared interest, or as the submitter) and
// without a vote that counts (counts says whether a vote on a version still
// counts). Reminders go to them and to nobody else.
func NotYetVoted(members []ReviewMember, votes []Vote, counts func(version int) bool) []ReviewMember {
	voted := map[int64]bool{}
	for _, v := range votes {
		if counts(v.DealVersion) {
			voted[v.UserID] = true
		}
	}
	var out []ReviewMember
	for _, m := range members {
		if !m.Recused() && !voted[m.UserID] {
			out = append(out, m)
		}
	}
	return out
}
