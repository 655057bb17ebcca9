package screening

import "fmt"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

// Explanations are written for committee members: each names the clause,
// says in plain words why the counterparty is restricted and how the
// categories relate, and what must be done and by when. They are built from
// the finding's fields on demand, so screening many deals pays only for the
// explanations someone reads or stores.

// Headline names the clause: "§4.2 Exclusivity in Azurine strategic partnership".
func (f Finding) Headline() string {
	return fmt.Sprintf("%s %s in %s", f.Ref(), f.Kind.Label(), f.AgreementTitle)
}

// Explanation is the finding in two to four plain sentences: the party
// match, the category path, and (for cautions and conflicts) what to do and
// by when.
func (f Finding) Explanation() string {
	parts := []string{f.PartySentence(), f.CategorySentence()}
	if s := f.WhenSentence(); s != "" {
		parts = append(parts, s)
	}
	if s := f.ActionSentence(); s != "" {
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// PartySentence says why the counterparty is restricted by the clause.
func (f Finding) PartySentence() string {
	cp, ref := f.Party.Counterparty.Name, f.Ref()
	switch f.Party.Kind {
	case MatchNamed:
		return fmt.Sprintf("%s restricts %s by name.", ref, cp)
	case MatchAffiliate:
		n := f.Party.Named.Name
		switch f.Party.Family {
		case "subsidiary":
			return fmt.Sprintf("%s restricts %s by name, and %s belongs to it, so %s covers %s as an affiliate.", ref, n, cp, ref, cp)
		case "parent":
			return fmt.Sprintf("%s restricts %s by name, and %s is its parent company, so %s covers %s as an affiliate.", ref, n, cp, ref, cp)
		default:
			return fmt.Sprintf("%s restricts %s by name, and %s belongs to the same corporate family (%s), so %s covers it as an affiliate.", ref, n, cp, f.Party.FamilyRoot.Name, ref)
		}
	case MatchKind:
		return fmt.Sprintf("%s is a %s, and %s restricts any %s%s.", cp, f.Party.RestrictedKind.Noun(), ref, f.Party.RestrictedKind.Noun(), except(f.Exceptions))
	}
	return fmt.Sprintf("%s restricts any party%s, which includes %s.", ref, except(f.Exceptions), cp)
}

func except(ps []dealgate.PartyRef) string {
	if len(ps) == 0 {
		return ""
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return " except " + dealgate.JoinAnd(names)
}

// CategorySentence says how the deal's category stands to the clause's.
func (f Finding) CategorySentence() string {
	m, ref := f.Category, f.Ref()
	d, c := m.Deal.Name, m.Clause.Name
	switch f.Relation {
	case Within:
		if m.Deal.ID == m.Clause.ID {
			return fmt.Sprintf("Deal category %s is covered by %s.", d, ref)
		}
		return fmt.Sprintf("Deal category %s is within %s, which %s covers.", d, c, ref)
	case Broader:
		return fmt.Sprintf("Deal category %s includes %s, which %s covers, so the deal as described includes restricted scope.", d, c, ref)
	case Related:
		if m.Excluded != nil {
			if m.Excluded.ID == m.Deal.ID {
				return fmt.Sprintf("Deal category %s falls under %s, which %s covers, but %s excludes %s, so the relation is noted for the committee.", d, c, ref, ref, d)
			}
			return fmt.Sprintf("Deal category %s falls under %s, which %s covers, but %s excludes %s, which contains it, so the relation is noted for the committee.", d, c, ref, ref, m.Excluded.Name)
		}
		return fmt.Sprintf("Deal category %s is not within %s covered by %s; both sit under %s, so the relation is noted for the committee.", d, c, ref, m.Common.Name)
	}
	return fmt.Sprintf("Deal category %s is unrelated to the categories %s covers.", d, ref)
}

// WhenSentence says when and where the clause applies, when that is not
// plain: a clause limited to regions, or one that comes into force only
// after the negotiation date.
func (f Finding) WhenSentence() string {
	var parts []string
	if !f.ClauseWorldwide && len(f.ClauseRegions) > 0 {
		parts = append(parts, fmt.Sprintf("%s applies in %s, which the deal's territory overlaps.", f.Ref(), regionNames(false, f.ClauseRegions)))
	}
	if !f.InForceOnNeg {
		if f.From != nil && f.From.After(f.NegotiationDate) {
			parts = append(parts, fmt.Sprintf("It is not yet in force when negotiation starts on %s but takes effect on %s, during the deal's term.", day(f.NegotiationDate), day(*f.From)))
		} else {
			parts = append(parts, fmt.Sprintf("It is in force during the deal's term, though not on the negotiation date %s.", day(f.NegotiationDate)))
		}
	}
	return strings.Join(parts, " ")
}

// ActionSentence says what the committee or counsel must do and by when,
// and why the severity is what it is. Related findings need no action.
func (f Finding) ActionSentence() string {
	if f.Relation != Within && f.Relation != Broader {
		return ""
	}
	b, neg := f.Beneficiary.Name, day(f.NegotiationDate)
	nonBinding := ""
	if !f.Binding {
		nonBinding = " The agreement is non-binding, so this is a caution rather than a conflict."
	}
	narrow := ""
	if f.Relation == Broader {
		narrow = fmt.Sprintf("Narrow the deal to leave out %s, or ", f.Category.Clause.Name)
	}
	notice := ""
	if f.NoticeDays != nil {
		notice = fmt.Sprintf("%s before negotiation starts on %s", noticePeriod(*f.NoticeDays), neg)
	} else {
		notice = "the negotiation date; the clause sets no notice period"
	}
	switch f.Kind {
	case dealgate.ClauseExclusivity, dealgate.ClauseNonCompete:
		what := "exclusivity"
		if f.Kind == dealgate.ClauseNonCompete {
			what = "non-compete"
		}
		switch {
		case f.Relation == Broader:
			return fmt.Sprintf("Narrow the deal to leave out %s, or it would fall under this %s in favour of %s.", f.Category.Clause.Name, what, b)
		case f.Binding:
			return fmt.Sprintf("As described, the deal would breach this binding %s in favour of %s: change the deal or obtain a waiver from %s before negotiation starts on %s.", what, b, b, neg)
		}
		return fmt.Sprintf("Discuss the deal with %s before negotiation starts on %s.%s", b, neg, nonBinding)
	case dealgate.ClauseRightOfFirstRefusal, dealgate.ClauseRightOfFirstNegotiation:
		offer := "offer the deal to " + b
		what := "right of first refusal"
		if f.Kind == dealgate.ClauseRightOfFirstNegotiation {
			offer = "offer " + b + " negotiations first"
		}
		if f.Kind == dealgate.ClauseRightOfFirstNegotiation {
			what = "right of first negotiation"
		}
		by := day(*f.ActBy)
		if f.Passed {
			if f.Binding {
				return fmt.Sprintf("The date to %s was %s (%s) and has passed: starting negotiation as planned would breach this %s.", offer, by, notice, what)
			}
			return fmt.Sprintf("The date to %s was %s (%s) and has passed.%s", offer, by, notice, nonBinding)
		}
		return fmt.Sprintf("%s by %s (%s).%s", capitalise(narrow+offer), by, notice, nonBinding)
	case dealgate.ClauseNoticeRequired:
		if f.ActBy == nil {
			return capitalise(narrow + fmt.Sprintf("give %s notice before negotiation starts on %s.", b, neg))
		}
		if f.Passed {
			later := f.Today.AddDate(0, 0, *f.NoticeDays)
			return fmt.Sprintf("The date to give %s written notice was %s (%s) and has passed: with notice given today, negotiation can start on %s at the earliest.", b, day(*f.ActBy), notice, day(later))
		}
		return capitalise(narrow + fmt.Sprintf("give %s written notice by %s (%s).", b, day(*f.ActBy), notice))
	case dealgate.ClauseConsentRequired:
		if f.ActBy != nil {
			return capitalise(narrow + fmt.Sprintf("obtain %s written consent by %s (%s).", dealgate.Possessive(b), day(*f.ActBy), notice))
		}
		return capitalise(narrow + fmt.Sprintf("obtain %s written consent before negotiation starts on %s.", dealgate.Possessive(b), neg))
	case dealgate.ClauseMostFavouredNation:
		return capitalise(narrow + fmt.Sprintf("check that the deal's terms for %s are no better than those %s has, or offer the same terms to %s, before negotiation starts on %s.", f.Category.Clause.Name, b, b, neg))
	case dealgate.ClausePreferredProvider:
		return capitalise(narrow + fmt.Sprintf("consider %s first, as the preferred provider of %s, and record why %s is chosen, before negotiation starts on %s.", b, f.Category.Clause.Name, f.Party.Counterparty.Name, neg))
	}
	return capitalise(narrow + fmt.Sprintf("check this %s with %s before negotiation starts on %s.", strings.ToLower(f.Kind.Label()), b, neg))
}

func day(t time.Time) string { return t.Format("2 January 2006") } // as the pages write dates

func noticePeriod(days int) string {
	if days == 1 {
		return "1 day's notice"
	}
	return fmt.Sprintf("%d days' notice", days)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func sectionRef(section string, clauseID int64) string {
	if section == "" {
		return fmt.Sprintf("clause %d", clauseID)
	}
	if strings.HasPrefix(section, "§") || strings.HasPrefix(strings.ToLower(section), "schedule") || strings.HasPrefix(strings.ToLower(section), "section") {
		return section
	}
	return "§" + section
}
