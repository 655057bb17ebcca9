package dealgate

import "fmt"
import "slices"
import "strconv"
import "strings"
import "time"

// DealInput is what counsel type into the deal form, as the form sends it.
// Validate turns it into DealContent.
type DealInput struct {
	Title string
	// Counterparty is a party's name or one of its aliases. When no party
	// has it and NewCounterparty is set, it is proposed as a new party of
	// NewCounterpartyKind, which lands in the register for counsel to
	// complete.
	Counterparty        string
	NewCounterparty     bool
	NewCounterpartyKind PartyKind
	// CategoryIDs are categories of the current taxonomy, as sent.
	CategoryIDs      []string
	Description      string
	Rationale        string
	Value, Currency  string
	TermStart        string
	TermEnd          string
	Worldwide        bool
	Regions          []string
	NegotiationStart string
	Sponsor          string
}

// DealCheck says how complete a deal must be.
type DealCheck int

const (
	// CheckDraft accepts an incomplete deal: a title is enough, but what is
	// filled in must be well-formed.
	CheckDraft DealCheck = iota
	// CheckSubmit requires a complete, consistent deal.
	CheckSubmit
)

// DealLookup is what the service found for the names and IDs of an input,
// so that validation can report on them by field.
type DealLookup struct {
	// Party is the party named by Counterparty, nil when none has that name
	// or alias.
	Party *PartyRef
	// Taxonomy is the current published taxonomy; nil when none is published.
	Taxonomy *Taxonomy
}

// DealLimits bound free text and lists.
const (
	maxDealTitle      = 300
	maxDealText       = 20000
	maxDealSponsor    = 200
	maxDealCategories = 50
)

// Validate cleans in and checks it against today and what the service looked
// up. It returns the content to store and, when a new counterparty is
// proposed, the party to create first (content.Counterparty is then nil
// and the caller fills it in). Every problem is reported by form field.
func (in *DealInput) Validate(today time.Time, check DealCheck, look DealLookup) (DealContent, *PartyInput, error) {
	var v Validation
	c := DealContent{
		Title: cleanLine(in.Title), Description: cleanText(in.Description), Rationale: cleanText(in.Rationale),
		Sponsor: cleanLine(in.Sponsor), Worldwide: in.Worldwide,
	}
	in.checkText(&v, c)
	newParty := in.checkCounterparty(&v, &c, look)
	in.checkCategories(&v, &c, look.Taxonomy)
	in.checkMoney(&v, &c)
	in.checkDates(&v, &c)
	in.checkTerritory(&v, &c)
	if check == CheckSubmit {
		c.checkComplete(&v, today, newParty != nil)
	}
	if err := v.Err(); err != nil {
		return DealContent{}, nil, err
	}
	return c, newParty, nil
}

func (in *DealInput) checkText(v *Validation, c DealContent) {
	switch {
	case c.Title == "":
		v.Add("title", "Enter a title for the deal")
	case tooLong(c.Title, maxDealTitle):
		v.Add("title", fmt.Sprintf("Title must be %d characters or fewer", maxDealTitle))
	}
	v.maxChars("description", c.Description, maxDealText, "Description must be 20,000 characters or fewer")
	v.maxChars("rationale", c.Rationale, maxDealText, "Business rationale must be 20,000 characters or fewer")
	v.maxChars("sponsor", c.Sponsor, maxDealSponsor, fmt.Sprintf("Business sponsor must be %d characters or fewer", maxDealSponsor))
}

func (in *DealInput) checkCounterparty(v *Validation, c *DealContent, look DealLookup) *PartyInput {
	name := cleanLine(in.Counterparty)
	switch {
	case name == "":
		return nil
	case look.Party != nil:
		ref := *look.Party
		c.Counterparty = &ref
		return nil
	case !in.NewCounterparty:
		v.Add("counterparty", fmt.Sprintf("No party in the register is called %q; pick one from the list, or tick “Propose as a new party”", name))
		return nil
	}
	p := PartyInput{Name: name, Kind: in.NewCounterpartyKind, Notes: "Proposed by counsel with a deal; complete its details."}
	var pv Validation
	p.ValidateInto(&pv)
	for _, f := range pv.Order() {
		field := "counterparty"
		if f == "kind" {
			field = "new_counterparty_kind"
		}
		v.Add(field, pv.fields[f])
	}
	return &p
}

func (in *DealInput) checkCategories(v *Validation, c *DealContent, tax *Taxonomy) {
	c.Categories = []CategoryRef{}
	var seen []int64
	for _, raw := range in.CategoryIDs {
		id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
		if raw == "" {
			continue
		}
		if err != nil || id <= 0 {
			v.Add("categories", "Choose categories from the current taxonomy")
			continue
		}
		if slices.Contains(seen, id) {
			continue
		}
		seen = append(seen, id)
		cat, ok := Category{}, false
		if tax != nil {
			cat, ok = tax.Category(id)
		}
		switch {
		case !ok:
			v.Add("categories", "Choose categories from the current taxonomy")
		case cat.Retired:
			v.Add("categories", fmt.Sprintf("%s is retired in the current taxonomy; choose a live category", cat.Name))
		default:
			c.Categories = append(c.Categories, cat.Ref())
		}
	}
	if len(c.Categories) > maxDealCategories {
		v.Add("categories", fmt.Sprintf("Choose at most %d categories", maxDealCategories))
	}
}

func (in *DealInput) checkMoney(v *Validation, c *DealContent) {
	amount := strings.TrimSpace(in.Value)
	if strings.HasPrefix(amount, "-") {
		v.Add("value", "The estimated value cannot be negative")
		return
	}
	cur := in.Currency
	if amount == "" {
		cur = "" // a currency alone, from the form's default, says nothing
	}
	m, err := ParseMoney(amount, cur)
	for f, msg := range ErrorFields(err) {
		v.Add(f, msg)
	}
	c.Value = m
}

func (in *DealInput) checkDates(v *Validation, c *DealContent) {
	for _, d := range []struct {
		field, raw string
		into       **time.Time
	}{
		{"term_start", in.TermStart, &c.TermStart},
		{"term_end", in.TermEnd, &c.TermEnd},
		{"negotiation_start", in.NegotiationStart, &c.NegotiationStart},
	} {
		t, err := ParseDate(d.raw)
		if err != nil {
			v.Add(d.field, ErrorMessage(err))
			continue
		}
		*d.into = t
	}
	if c.TermStart != nil && c.TermEnd != nil && !c.TermEnd.After(*c.TermStart) {
		v.Add("term_end", "The term must end after it starts")
	}
}

func (in *DealInput) checkTerritory(v *Validation, c *DealContent) {
	c.Regions = []string{}
	if in.Worldwide {
		return
	}
	for _, r := range in.Regions {
		r = strings.ToUpper(strings.TrimSpace(r))
		if r == "" || slices.Contains(c.Regions, r) {
			continue
		}
		if _, ok := LookupRegion(r); !ok {
			v.Add("regions", "Choose regions from the list")
			continue
		}
		c.Regions = append(c.Regions, r)
	}
}

// checkComplete adds what a submitted deal must have: every field, a
// negotiation start after today and a consistent term.
func (c DealContent) checkComplete(v *Validation, today time.Time, newParty bool) {
	today = DateOf(today)
	if c.Counterparty == nil && !newParty && !v.Has("counterparty") {
		v.Add("counterparty", "Choose the counterparty, or propose a new party")
	}
	if len(c.Categories) == 0 && !v.Has("categories") {
		v.Add("categories", "Choose at least one product category")
	}
	if c.Description == "" {
		v.Add("description", "Describe what the deal covers")
	}
	if c.Rationale == "" {
		v.Add("rationale", "Explain the business rationale")
	}
	if c.Value == nil && !v.Has("value") && !v.Has("currency") {
		v.Add("value", "Enter the estimated value (0 if there is none)")
	}
	if c.TermStart == nil && !v.Has("term_start") {
		v.Add("term_start", "Enter the date the term starts")
	}
	if c.TermEnd == nil && !v.Has("term_end") {
		v.Add("term_end", "Enter the date the term ends")
	}
	if !c.Worldwide && len(c.Regions) == 0 && !v.Has("regions") {
		v.Add("regions", "Choose worldwide or at least one region")
	}
	switch {
	case v.Has("negotiation_start"):
	case c.NegotiationStart == nil:
		v.Add("negotiation_start", "Enter the proposed negotiation start date")
	case !c.NegotiationStart.After(today):
		v.Add("negotiation_start", "The proposed negotiation start must be after today")
	}
	if c.Sponsor == "" {
		v.Add("sponsor", "Name the business sponsor")
	}
}
