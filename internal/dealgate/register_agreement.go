package dealgate

import "fmt"
import "slices"
import "time"

// ---------------------------------------------------------------------------
// Agreements

// Agreement is a contract with a party.
type Agreement struct {
	ID      int64         `json:"id"`
	Title   string        `json:"title"`
	Party   PartyRef      `json:"party"`
	Kind    AgreementKind `json:"kind"`
	Binding bool          `json:"binding"`
	// Status is the effective status (see EffectiveStatus); RecordedStatus
	// is what is stored.
	Status         AgreementStatus `json:"status"`
	RecordedStatus AgreementStatus `json:"recorded_status"`
	SignedOn       *time.Time      `json:"signed_on"`
	EffectiveOn    *time.Time      `json:"effective_on"`
	ExpiresOn      *time.Time      `json:"expires_on"`
	Value          *Money          `json:"value"`
	OwnerID        *int64          `json:"owner_id"`
	OwnerName      string          `json:"owner_name,omitempty"`
	Summary        string          `json:"summary"`
	Notes          string          `json:"notes"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
	Version        int64           `json:"version"`
}

// Input returns the agreement as an edit form's starting values.
func (a Agreement) Input() AgreementInput {
	return AgreementInput{
		Title: a.Title, PartyID: a.Party.ID, Kind: a.Kind, Binding: a.Binding, Status: a.Status,
		SignedOn: a.SignedOn, EffectiveOn: a.EffectiveOn, ExpiresOn: a.ExpiresOn, Value: a.Value,
		OwnerID: a.OwnerID, Summary: a.Summary, Notes: a.Notes,
	}
}

// AgreementInput is what a person enters to create or edit an agreement.
type AgreementInput struct {
	Title       string
	PartyID     int64
	Kind        AgreementKind
	Binding     bool
	Status      AgreementStatus
	SignedOn    *time.Time
	EffectiveOn *time.Time
	ExpiresOn   *time.Time
	Value       *Money
	OwnerID     *int64
	Summary     string
	Notes       string
}

// Validate cleans in and reports every problem by form field; today decides
// whether an expiry date has passed.
func (in *AgreementInput) Validate(today time.Time) error {
	return validated(func(v *Validation) { in.ValidateInto(v, today) })
}

// ValidateInto cleans in and adds its problems to v.
func (in *AgreementInput) ValidateInto(v *Validation, today time.Time) {
	today = DateOf(today)
	in.Title = cleanLine(in.Title)
	in.Summary = cleanText(in.Summary)
	in.Notes = cleanText(in.Notes)
	for _, d := range []**time.Time{&in.SignedOn, &in.EffectiveOn, &in.ExpiresOn} {
		if *d != nil {
			t := DateOf(**d)
			*d = &t
		}
	}
	switch {
	case in.Title == "":
		v.Add("title", "Enter the agreement's title")
	case tooLong(in.Title, 300):
		v.Add("title", "Title must be 300 characters or fewer")
	}
	if in.PartyID <= 0 {
		v.Add("party_id", "Choose the party the agreement is with")
	}
	if !slices.Contains(AllAgreementKinds, in.Kind) {
		v.Add("kind", "Choose what kind of agreement this is")
	}
	if !slices.Contains(AllAgreementStatuses, in.Status) {
		v.Add("status", "Choose the agreement's status")
	}
	if in.SignedOn != nil && in.SignedOn.After(today) {
		v.Add("signed_on", "The signing date cannot be in the future")
	}
	if in.ExpiresOn != nil && in.EffectiveOn != nil && in.ExpiresOn.Before(*in.EffectiveOn) {
		v.Add("expires_on", "The expiry date must be on or after the effective date")
	}
	switch in.Status {
	case StatusActive:
		if in.ExpiresOn != nil && in.ExpiresOn.Before(today) {
			v.Add("status", fmt.Sprintf("The agreement expired on %s, so it cannot be active; choose Expired or change the expiry date", FormatDate(in.ExpiresOn)))
		}
	case StatusExpired:
		if in.ExpiresOn == nil {
			v.Add("expires_on", "Enter the date the agreement expired")
		} else if !in.ExpiresOn.Before(today) {
			v.Add("status", "The expiry date has not passed yet; choose Active or change the expiry date")
		}
	}
	if in.Value != nil {
		if _, msg := validCurrency(in.Value.Currency); msg != "" {
			v.Add("currency", msg)
		}
		if in.Value.Minor < 0 {
			v.Add("value", "The value cannot be negative")
		}
	}
	if in.OwnerID != nil && *in.OwnerID <= 0 {
		in.OwnerID = nil
	}
	v.maxChars("summary", in.Summary, 20000, "Summary must be 20,000 characters or fewer")
	v.maxChars("notes", in.Notes, 20000, "Notes must be 20,000 characters or fewer")
}

// AgreementFilter narrows, sorts and pages the agreement list. Zero values
// mean "any". Query is a web-search style full-text query over titles,
// summaries and clause text.
type AgreementFilter struct {
	Query              string
	Status             AgreementStatus
	Kind               AgreementKind
	PartyID            int64
	PartyFamily        bool  // with PartyID: the party's whole corporate family, from its topmost parent down
	CategoryID         int64 // agreements with a live clause covering this category, one below it, or one above it that does not exclude it
	Binding            *bool
	ExpiringWithinDays int // active agreements expiring from today to today+N
	Sort               string
	Desc               bool
	Page, PerPage      int
}

// AgreementSortKeys are the columns the agreement list sorts by; "relevance"
// applies only with a Query (and is then the default).
var AgreementSortKeys = []string{"title", "party", "kind", "status", "effective_on", "expires_on", "value", "updated_at", "relevance"}

// Normalize fixes paging and replaces unknown values with defaults, so
// nothing outside the whitelist ever reaches SQL.
func (f AgreementFilter) Normalize() AgreementFilter {
	f.Query = searchQuery(f.Query)
	f.Status = known(f.Status, AllAgreementStatuses)
	f.Kind = known(f.Kind, AllAgreementKinds)
	if f.PartyID < 0 {
		f.PartyID = 0
	}
	if f.CategoryID < 0 {
		f.CategoryID = 0
	}
	if f.ExpiringWithinDays < 0 {
		f.ExpiringWithinDays = 0
	}
	if f.ExpiringWithinDays > 3660 {
		f.ExpiringWithinDays = 3660
	}
	if !slices.Contains(AgreementSortKeys, f.Sort) || (f.Sort == "relevance" && f.Query == "") {
		f.Sort = ""
	}
	if f.Sort == "" {
		if f.Query != "" {
			f.Sort, f.Desc = "relevance", false
		} else {
			f.Sort = "title"
		}
	}
	p := PageRequest{Page: f.Page, PerPage: f.PerPage}.Normalize()
	f.Page, f.PerPage = p.Page, p.PerPage
	return f
}

// AgreementListItem is one row of the agreement list. With a Query, Rank
// orders the results and the highlights show why each matched.
type AgreementListItem struct {
	Agreement
	ClauseCount int
	Rank        float32
	// TitleHighlight is the title with hits marked (the whole title).
	TitleHighlight Highlight
	// Snippet is the best-matching passage of the summary or of a clause;
	// SnippetClauseID says which clause, 0 for the summary.
	Snippet         Highlight
	SnippetClauseID int64
	// Cover is how the agreement matched the "covers category" filter
	// (nil without one).
	Cover *CoverPath
}

// CoverPath is how an agreement's live clause covers a filtered category,
// on the screening engine's relation: the clause covers the category, or a
// category above it that does not exclude it (the category is within it),
// or a category below it (the category is broader).
type CoverPath struct {
	ClauseID int64
	Section  string
	// Path runs down the taxonomy from the higher category to the lower:
	// from the covered category to the filtered one, or, when Broader,
	// from the filtered category to the covered one. It has one element
	// when the clause covers the filtered category itself.
	Path    []CategoryRef
	Broader bool
}

// ---------------------------------------------------------------------------
// Expiry watch

// ExpiryItem is an agreement or a clause whose end falls within the watch
// window. ClauseID is 0 for an agreement.
type ExpiryItem struct {
	AgreementID    int64
	AgreementTitle string
	Party          PartyRef
	ClauseID       int64
	ClauseKind     ClauseKind
	Section        string
	EndsOn         time.Time
}

// DaysLeft is the number of days from today until the item ends.
func (e ExpiryItem) DaysLeft(today time.Time) int {
	return int(e.EndsOn.Sub(DateOf(today)).Hours() / 24)
}
