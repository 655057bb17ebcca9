package dealgate

import "fmt"
import "strings"
import "time"

// Sentence reads the clause back as one plain sentence, for lists, findings
// and confirmation pages, e.g.
//
//	Exclusive: Azurine Cloud is the exclusive host of Stateless model APIs
//	worldwide until 2032-12-31; restricts any cloud provider except Azurine Cloud.
//
// Retired categories are marked "(retired)" so the reader knows the clause
// points at a category the current taxonomy no longer offers.
func (c Clause) Sentence() string { return c.sentence(FormatDate) }

// SentenceInWords is Sentence with its dates in words ("31 December
// 2032"), as the pages show them.
func (c Clause) SentenceInWords() string { return c.sentence(FormatDateWords) }

// FormatDateWords is a date in words, "" for none.
func FormatDateWords(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2 January 2006")
}

func (c Clause) sentence(date func(*time.Time) string) string {
	b := c.Beneficiary.Name
	if b == "" {
		b = "the beneficiary"
	}
	role := "provider"
	if c.Beneficiary.Kind == PartyCloudProvider {
		role = "host"
	}
	cats := categoryList(c.Categories)
	if len(c.ExcludedCategories) > 0 {
		cats += " (excluding " + categoryList(c.ExcludedCategories) + ")"
	}
	s := fmt.Sprintf("%s: in favour of %s, covering %s", c.Kind.Label(), b, cats)
	if form, ok := clauseSentences[c.Kind]; ok {
		s = strings.NewReplacer("{b}", b, "{role}", role, "{cats}", cats, "{notice}", noticePeriod(c.NoticeDays)).Replace(form)
	}
	s += " " + c.territory()
	if w := c.window(date); w != "" {
		s += " " + w
	}
	s += "; restricts " + c.restricts()
	if c.NoticeDays != nil && *c.NoticeDays > 0 && c.Kind != ClauseNoticeRequired {
		s += "; " + noticePeriod(c.NoticeDays) + " notice"
	}
	return s + "."
}

// clauseSentences open a clause's sentence, by kind: {b} is the
// beneficiary, {role} what it provides ("host" for a cloud provider), {cats}
// the categories and {notice} the notice period. A kind not listed reads
// "<kind>: in favour of <b>, covering <cats>".
var clauseSentences = map[ClauseKind]string{
	ClauseExclusivity:             "Exclusive: {b} is the exclusive {role} of {cats}",
	ClauseRightOfFirstRefusal:     "First refusal: {b} may match any offer for {cats} before it is accepted",
	ClauseRightOfFirstNegotiation: "First negotiation: {b} must be offered negotiations for {cats} before anyone else",
	ClausePreferredProvider:       "Preferred provider: {b} is the preferred {role} of {cats}",
	ClauseNonCompete:              "Non-compete: in favour of {b}, no deals for {cats}",
	ClauseMostFavouredNation:      "Most-favoured nation: {b} is entitled to terms no worse than anyone else's for {cats}",
	ClauseNoticeRequired:          "Notice required: {b} must be given {notice} notice before any deal for {cats}",
	ClauseConsentRequired:         "Consent required: {b} must consent before any deal for {cats}",
}

func noticePeriod(days *int) string {
	switch {
	case days == nil:
		return "prior"
	case *days == 1:
		return "1 day's"
	default:
		return fmt.Sprintf("%d days'", *days)
	}
}

func (c Clause) territory() string {
	if c.Worldwide || len(c.Regions) == 0 {
		return "worldwide"
	}
	names := make([]string, len(c.Regions))
	for i, r := range c.Regions {
		names[i] = r
		if reg, ok := LookupRegion(r); ok {
			names[i] = reg.Name
		}
	}
	return "in " + JoinAnd(names)
}

func (c Clause) window(date func(*time.Time) string) string {
	from, until := c.From(), c.Until()
	switch {
	case from != nil && until != nil:
		return "from " + date(from) + " until " + date(until)
	case until != nil:
		return "until " + date(until)
	case from != nil:
		return "from " + date(from) + " with no end date"
	}
	return ""
}

func (c Clause) restricts() string {
	var s string
	switch c.Scope {
	case RestrictNamed:
		if len(c.RestrictedParties) == 0 {
			return "no one named"
		}
		return JoinAnd(partyNames(c.RestrictedParties))
	case RestrictKind:
		s = "any " + c.RestrictedKind.Noun()
	default:
		s = "any party"
	}
	if len(c.Exceptions) > 0 {
		s += " except " + JoinAnd(partyNames(c.Exceptions))
	}
	return s
}

func partyNames(refs []PartyRef) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Name
	}
	return out
}

func categoryList(refs []CategoryRef) string {
	if len(refs) == 0 {
		return "no category"
	}
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.Name
		if names[i] == "" {
			names[i] = r.Key
		}
		if r.Retired {
			names[i] += " (retired)"
		}
	}
	return JoinAnd(names)
}

// JoinAnd writes "a", "a and b", "a, b and c".
func JoinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// Possessive is a name's possessive as sentences use it: "Azurine Cloud's",
// and "Meridian Ventures'" for a name that ends in s.
func Possessive(name string) string {
	if strings.HasSuffix(name, "s") || strings.HasSuffix(name, "S") {
		return name + "'"
	}
	return name + "'s"
}
