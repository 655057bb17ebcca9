package server

import "encoding/hex"
import "fmt"
import "strconv"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/agreements"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/deals"

// dealShowView builds the deal page's view model from the overview.
func dealShowView(o dealgate.DealOverview, loc *time.Location) deals.ShowView {
	d := o.Deal
	path := dealPath(d.ID)
	v := deals.ShowView{
		ID: d.ID, Title: d.Content.Title, Status: d.Status.Label(), StatusKind: dealStatusKind(d.Status),
		Description: d.Content.Description, Rationale: d.Content.Rationale, IsDraft: d.Status == dealgate.DealDraft,
		CanEdit: o.CanEdit, CanManage: o.CanManage, CanWithdraw: d.Status.Withdrawable(),
		CanDelete: o.CanManage && d.Status == dealgate.DealDraft, WithdrawHref: path + "/withdraw", DeleteHref: path + "/delete",
		EditHref: path + "/edit", ReviseHref: path + "/revise", CompareHref: path + "/versions",
		ShareAction: path + "/share", UnshareAction: path + "/unshare", UploadAction: path + "/attachments",
		Review:    "Review has not started: the committee reviews submitted deals before negotiation begins.",
		Screening: dealgate.ScreeningAwaiting.Label() + ".",
	}
	v.Clearance, v.ClearanceKind = clearanceText(d.Status)
	if d.Status != dealgate.DealDraft { // the committee's decision (reviews.go)
		kind, title, body := clearancePanel(o.Clearance, o.Today, loc)
		v.Clearance, v.ClearanceKind = title, kind
		if r := o.Review; r != nil && r.State == dealgate.ReviewOpen && o.Clearance.Decision == nil {
			body = fmt.Sprintf("The committee is reviewing version %d; its decision is due %s.", r.Version, formatDate(r.DueOn, o.Today, loc))
			if len(o.OpenRFIs) > 0 {
				body += " The review is paused until counsel answers the request below; the due date moves by the days it waits."
			}
		}
		if body != "" {
			v.Review = body
		}
		v.CanStartNegotiation = o.CanEdit && o.Clearance.Cleared && o.Clearance.NegotiationStarted == nil
		v.NegotiationAction, v.Version = path+"/negotiation", d.Version
		for _, r := range o.OpenRFIs {
			row := deals.RFIRow{Question: r.Question, AskedBy: r.AskedBy, Asked: formatMoment(r.AskedAt, loc)}
			if o.CanEdit {
				row.AnswerHref = path + "/answer?request=" + strconv.FormatInt(r.ID, 10)
			}
			v.RFIs = append(v.RFIs, row)
		}
	}
	if d.Status == dealgate.DealWithdrawn {
		v.Withdrawn = d.WithdrawnReason
		v.Review = "The deal was withdrawn " + formatMoment(derefTime(d.WithdrawnAt), loc) + "."
	}
	if cur := o.Current(); cur != nil {
		v.Screening = cur.Screening.Label() + fmt.Sprintf(" (version %d, taxonomy %s).", cur.Number, taxonomyText(*cur))
	}
	// A draft's status tag already says "Draft": say who sees it until then.
	v.VersionText = "Only its author and the counsel it is shared with see it until it is submitted."
	if d.CurrentVersion > 0 {
		v.VersionText = fmt.Sprintf("Version %d of %d", d.CurrentVersion, len(o.Versions))
	}
	if text, kind := negotiationText(d, o.Today); kind != "" {
		v.Negotiation, v.NegotiationKind = "Negotiation start "+text, kind
	}
	v.Details = dealDetails(d, o.Today, loc)
	for i := len(o.Versions) - 1; i >= 0; i-- {
		v.Versions = append(v.Versions, versionRow(o.Versions[i], d.CurrentVersion, loc))
	}
	for _, a := range o.Attachments {
		id := strconv.FormatInt(a.ID, 10)
		v.Attachments = append(v.Attachments, deals.AttachmentRow{
			Name: a.Filename, Type: strings.TrimPrefix(a.Extension(), "."), Size: sizeText(a.SizeBytes),
			Uploaded: formatMoment(a.UploadedAt, loc), SHA256: hex.EncodeToString(a.SHA256),
			DownloadHref: "/deal-attachments/" + id, RemoveHref: "/deal-attachments/" + id + "/remove",
		})
	}
	for _, sh := range d.Shares {
		v.Shares = append(v.Shares, deals.ShareRow{Name: sh.Name, Email: sh.Email, Access: sh.Access.Label(), UserID: strconv.FormatInt(sh.UserID, 10)})
	}
	v.History = dealVocab.timeline(o.History, loc)
	return v
}

func dealDetails(d dealgate.Deal, today time.Time, loc *time.Location) []components.SummaryRow {
	var rows []components.SummaryRow
	for _, f := range dealgate.DealFields {
		switch f.Key {
		case "title", "description", "rationale":
			continue
		case "negotiation_start":
			if d.Content.NegotiationStart != nil {
				text, _ := negotiationText(d, today)
				rows = append(rows, components.SummaryRow{Key: f.Label, Value: text})
				continue
			}
		}
		rows = append(rows, components.SummaryRow{Key: f.Label, Value: f.Text(d.Content)})
	}
	rows = append(rows, components.SummaryRow{Key: "Counsel", Value: d.AuthorName})
	if d.SubmittedAt != nil {
		rows = append(rows, components.SummaryRow{Key: "Submitted", Value: formatMoment(*d.SubmittedAt, loc)})
	}
	return append(rows, components.SummaryRow{Key: "Last changed", Value: formatMoment(d.UpdatedAt, loc)})
}

func versionRow(ver dealgate.DealVersion, current int, loc *time.Location) deals.VersionRow {
	r := deals.VersionRow{
		Number: ver.Number, Label: fmt.Sprintf("Version %d", ver.Number), When: formatMoment(ver.CreatedAt, loc),
		Who: ver.CreatedByName, ChangeNote: ver.ChangeNote, Material: strings.Join(ver.Material, ", "),
		Taxonomy: taxonomyText(ver), Screening: ver.Screening.Label(), Current: ver.Number == current,
	}
	if ver.Number == 1 {
		r.ChangeNote = "First submission"
	}
	if r.Material == "" && ver.Number > 1 {
		r.Material = "None"
	}
	if ver.SupersededAt != nil {
		r.Superseded = fmt.Sprintf("Superseded by version %d", ver.SupersededBy)
	}
	return r
}

func taxonomyText(ver dealgate.DealVersion) string {
	if ver.TaxonomyVersionNumber == 0 {
		return "none published"
	}
	return fmt.Sprintf("version %d", ver.TaxonomyVersionNumber)
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// dealFormOrder is the order of the deal form's fields, for the error summary.
var dealFormOrder = []string{"change_note", "title", "counterparty", "new_counterparty_kind", "categories", "description",
	"rationale", "value", "currency", "term_start", "term_end", "regions", "negotiation_start", "sponsor"}

// dealFormView builds the deal form's view model from what was typed (or
// stored), the current taxonomy and the errors to show.
func dealFormView(mode string, in dealgate.DealInput, tax *dealgate.Taxonomy, changeNote string, err error) deals.FormView {
	fields, summary := formErrors(err, dealFormOrder...)
	if err == nil {
		fields, summary = map[string]string{}, nil
	}
	summary = dealSummaryTargets(summary)
	kinds := []components.Option{{Value: "", Label: "Choose a kind"}}
	for _, k := range dealgate.AllPartyKinds {
		kinds = append(kinds, components.Option{Value: string(k), Label: k.Label()})
	}
	currencies := []components.Option{}
	for _, cur := range dealgate.Currencies {
		currencies = append(currencies, components.Option{Value: cur.Code, Label: cur.Code + " – " + cur.Name})
	}
	currency := in.Currency
	if currency == "" {
		currency = "USD"
	}
	date := func(id, label, hint, value string) components.Field {
		return components.Field{ID: id, Name: id, Label: label, Hint: hint, Value: value, Error: fields[id], Type: "date", MaxLength: 10}
	}
	v := deals.FormView{
		Mode: mode, Errors: summary, SuggestHref: "/deals/parties", CheckHref: "/deals/check",
		DealTitle: components.Field{ID: "title", Name: "title", Label: "Title", Hint: "A short name counsel and the committee will recognise", Value: in.Title, Error: fields["title"], MaxLength: 300},
		Counterparty: components.Field{ID: "counterparty", Label: "Counterparty",
			Hint: "Type a party's name or one of its aliases, as in the party register", Value: in.Counterparty, Error: fields["counterparty"]},
		NewCounterparty:     in.NewCounterparty,
		NewCounterpartyKind: components.Field{ID: "new_counterparty_kind", Name: "new_counterparty_kind", Label: "Kind of the new party", Hint: "Only when proposing a new party", Value: string(in.NewCounterpartyKind), Error: fields["new_counterparty_kind"], Options: kinds},
		CategoriesError:     fields["categories"],
		Description:         components.Field{ID: "description", Name: "description", Label: "What the deal covers", Value: in.Description, Error: fields["description"], Rows: 6, MaxLength: 20000},
		Rationale:           components.Field{ID: "rationale", Name: "rationale", Label: "Business rationale", Value: in.Rationale, Error: fields["rationale"], Rows: 4, MaxLength: 20000},
		Value:               components.Field{ID: "value", Name: "value", Label: "Estimated value", Hint: "In major units, for example 25,000,000 or 1,250.50", Value: in.Value, Error: fields["value"], Inputmode: "decimal", MaxLength: 30},
		Currency:            components.Field{ID: "currency", Name: "currency", Label: "Currency", Value: currency, Error: fields["currency"], Options: currencies},
		TermStart:           date("term_start", "Term starts", "When the deal's term would begin", in.TermStart),
		TermEnd:             date("term_end", "Term ends", "After the term starts", in.TermEnd),
		NegotiationStart:    date("negotiation_start", "Proposed negotiation start", "When you intend to start negotiating; it must be after today", in.NegotiationStart),
		Sponsor:             components.Field{ID: "sponsor", Name: "sponsor", Label: "Business sponsor", Hint: "The person in the business who sponsors the deal", Value: in.Sponsor, Error: fields["sponsor"], MaxLength: 200},
		ChangeNote:          components.Field{ID: "change_note", Name: "change_note", Label: "Change note", Hint: "What changed since the current version, and why", Value: changeNote, Error: fields["change_note"], Rows: 3, MaxLength: 5000},
		Worldwide:           in.Worldwide, RegionsError: fields["regions"],
	}
	v.Counterparty.Name = "counterparty"
	for _, r := range dealgate.Regions {
		v.Regions = append(v.Regions, components.Option{Value: r.Code, Label: r.Name, Selected: containsFold(in.Regions, r.Code)})
	}
	if tax != nil {
		v.CategoryTree, v.Categories = categoryTree(tax, in.CategoryIDs), categoryChoices(tax)
	}
	return v
}

// dealSummaryTargets points the error summary's entries for the two groups
// at their first input: the category tree's (components.GroupID) and
// "worldwide", the territory's. The messages stay keyed as the service
// keys them.
func dealSummaryTargets(summary []components.FieldError) []components.FieldError {
	for i, e := range summary {
		switch e.Field {
		case "categories":
			summary[i].Field = components.GroupID("category_ids")
		case "regions":
			summary[i].Field = "worldwide"
		}
	}
	return summary
}

// categoryTree nests the taxonomy's live categories for the deal form's
// picker, each group open when something under it is chosen.
func categoryTree(tax *dealgate.Taxonomy, checked []string) []agreements.CatNode {
	live := map[int64]bool{}
	for _, cat := range tax.Live() {
		live[cat.ID] = true
	}
	children := map[int64][]dealgate.Category{}
	var roots []dealgate.Category
	for _, cat := range tax.Live() {
		if cat.ParentID != nil && live[*cat.ParentID] {
			children[*cat.ParentID] = append(children[*cat.ParentID], cat)
		} else {
			roots = append(roots, cat)
		}
	}
	var build func([]dealgate.Category) ([]agreements.CatNode, bool)
	build = func(cats []dealgate.Category) ([]agreements.CatNode, bool) {
		var out []agreements.CatNode
		anyChecked := false
		for _, cat := range cats {
			id := strconv.FormatInt(cat.ID, 10)
			kids, open := build(children[cat.ID])
			n := agreements.CatNode{ID: id, Name: cat.Name, Checked: containsFold(checked, id), Open: open, Children: kids}
			anyChecked = anyChecked || n.Checked || open
			out = append(out, n)
		}
		return out, anyChecked
	}
	nodes, _ := build(roots)
	return nodes
}

// categoryChoices say what each live category means, in tree order.
func categoryChoices(tax *dealgate.Taxonomy) []deals.CategoryChoice {
	var out []deals.CategoryChoice
	for _, cat := range tax.Live() {
		out = append(out, deals.CategoryChoice{
			Name: cat.Name, Path: tax.PathString(cat.ID), Definition: cat.Definition,
			Included: cat.InclusionExamples, Excluded: cat.ExclusionExamples,
		})
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}
