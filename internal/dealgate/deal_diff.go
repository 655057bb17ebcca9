package dealgate

import "slices"
import "strings"
import "time"

// DealField is one field of a deal as the versions page compares it.
type DealField struct {
	Key, Label string
	// Material says a change to the field supersedes earlier screening,
	// votes and clearance (the value only beyond a percentage; see
	// MaterialChanges).
	Material bool
	text     func(DealContent) string
}

// DealFields are the deal's fields in the order pages show them.
var DealFields = []DealField{
	{"title", "Title", false, func(c DealContent) string { return c.Title }},
	{"counterparty", "Counterparty", true, func(c DealContent) string {
		if c.Counterparty == nil {
			return ""
		}
		return c.Counterparty.Name
	}},
	{"categories", "Product categories", true, func(c DealContent) string {
		names := make([]string, len(c.Categories))
		for i, r := range c.Categories {
			names[i] = r.Name
		}
		return strings.Join(names, "; ")
	}},
	{"description", "What the deal covers", false, func(c DealContent) string { return c.Description }},
	{"rationale", "Business rationale", false, func(c DealContent) string { return c.Rationale }},
	{"value", "Estimated value", true, func(c DealContent) string {
		if c.Value == nil {
			return ""
		}
		return c.Value.String()
	}},
	{"term", "Term", true, func(c DealContent) string {
		if c.TermStart == nil && c.TermEnd == nil {
			return ""
		}
		return FormatDateWords(c.TermStart) + " to " + FormatDateWords(c.TermEnd)
	}},
	{"territory", "Territory", true, DealContent.Territory},
	{"negotiation_start", "Proposed negotiation start", true, func(c DealContent) string { return FormatDateWords(c.NegotiationStart) }},
	{"sponsor", "Business sponsor", false, func(c DealContent) string { return c.Sponsor }},
}

// Text is the field of c in words.
func (f DealField) Text(c DealContent) string { return f.text(c) }

// DealComparison is one row of two versions side by side.
type DealComparison struct {
	Field         DealField
	Before, After string
	Changed       bool
}

// CompareDeals lists every field of a and b side by side, marking changes.
func CompareDeals(a, b DealContent) []DealComparison {
	out := make([]DealComparison, len(DealFields))
	for i, f := range DealFields {
		before, after := f.Text(a), f.Text(b)
		out[i] = DealComparison{Field: f, Before: before, After: after, Changed: before != after}
	}
	return out
}

// MaterialChanges lists the labels of the material changes from prev to
// next: counterparty, categories, territory, term, negotiation date, or a
// value that moved by more than valuePercent per cent of prev's (any change
// of currency, or to or from no value, is material). None means the new
// version keeps earlier screening, votes and clearance.
func MaterialChanges(prev, next DealContent, valuePercent int) []string {
	var out []string
	add := func(changed bool, key string) {
		if changed {
			i := slices.IndexFunc(DealFields, func(f DealField) bool { return f.Key == key })
			out = append(out, DealFields[i].Label)
		}
	}
	add(partyID(prev.Counterparty) != partyID(next.Counterparty), "counterparty")
	add(!sameIDs(prev.CategoryIDs(), next.CategoryIDs()), "categories")
	add(valueMoved(prev.Value, next.Value, valuePercent), "value")
	add(!sameDay(prev.TermStart, next.TermStart) || !sameDay(prev.TermEnd, next.TermEnd), "term")
	add(prev.Worldwide != next.Worldwide || !sameStrings(prev.Regions, next.Regions), "territory")
	add(!sameDay(prev.NegotiationStart, next.NegotiationStart), "negotiation_start")
	return out
}

func partyID(p *PartyRef) int64 {
	if p == nil {
		return 0
	}
	return p.ID
}

func sameIDs(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func sameStrings(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func sameDay(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

func valueMoved(prev, next *Money, percent int) bool {
	switch {
	case prev == nil || next == nil:
		return prev != next
	case prev.Currency != next.Currency:
		return true
	}
	diff := next.Minor - prev.Minor
	if diff < 0 {
		diff = -diff
	}
	if prev.Minor == 0 {
		return diff != 0
	}
	// diff/prev > percent/100, in integers; values are below 2^63 / 100.
	return float64(diff)*100 > float64(percent)*float64(prev.Minor)
}

// Snapshot is the deal as the audit trail records it: each field in words,
// so a history entry reads "Territory: Worldwide → European Union" rather
// than a JSON diff.
func (d Deal) Snapshot() map[string]any {
	m := map[string]any{"status": string(d.Status), "current_version": d.CurrentVersion, "author": d.AuthorName}
	for _, f := range DealFields {
		m[f.Key] = f.Text(d.Content)
	}
	var shares []string
	for _, s := range d.Shares {
		// By name, as the deal page lists its shares: "Colin Counsel (can
		// read)"; the email only for a share read without its name.
		who := s.Name
		if who == "" {
			who = s.Email
		}
		shares = append(shares, who+" ("+strings.ToLower(s.Access.Label())+")")
	}
	m["shared_with"] = strings.Join(shares, ", ")
	if d.WithdrawnReason != "" {
		m["withdrawn_reason"] = d.WithdrawnReason
	}
	return m
}
