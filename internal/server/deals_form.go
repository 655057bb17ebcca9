package server

import "net/http"
import "strings"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/deals"

// readDealInput reads the deal form. Only the form's own fields are read:
// nothing else a request carries (an author, a status, an ID) reaches the
// service.
func readDealInput(c echo.Context) dealgate.DealInput {
	form, _ := c.FormParams()
	return dealgate.DealInput{
		Title: c.FormValue("title"), Counterparty: c.FormValue("counterparty"),
		NewCounterparty: checked(c, "new_counterparty"), NewCounterpartyKind: dealgate.PartyKind(c.FormValue("new_counterparty_kind")),
		CategoryIDs: form["category_ids"], Description: c.FormValue("description"), Rationale: c.FormValue("rationale"),
		Value: c.FormValue("value"), Currency: c.FormValue("currency"), TermStart: c.FormValue("term_start"),
		TermEnd: c.FormValue("term_end"), Worldwide: checked(c, "worldwide"), Regions: form["regions"],
		NegotiationStart: c.FormValue("negotiation_start"), Sponsor: c.FormValue("sponsor"),
	}
}

// renderDealForm shows the deal form, re-rendered with errors when err is set.
func (s *Server) renderDealForm(c echo.Context, status int, v deals.FormView) error {
	v.CSRFToken = csrfToken(c)
	return s.render(c, status, deals.Form(s.page(c, v.Title), v))
}

// showDealForm shows the deal form that view builds with the taxonomy the
// form offers, which every showing of the form reads afresh.
func (s *Server) showDealForm(c echo.Context, status int, view func(*dealgate.Taxonomy) deals.FormView) error {
	tax, err := s.deals.FormContext(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	return s.renderDealForm(c, status, view(tax))
}

// dealToChange reads the deal :id for its edit or revise form.
func (s *Server) dealToChange(c echo.Context) (dealgate.Deal, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return dealgate.Deal{}, err
	}
	return s.deals.DealFor(c.Request().Context(), currentUser(c), id, dealgate.DealEdit)
}

// dealMovedOn answers a save refused because deal id changed state
// (ECONFLICT: submitted, withdrawn or revised meanwhile): back to the deal,
// with the reason.
func (s *Server) dealMovedOn(c echo.Context, id int64, err error) error {
	s.flash(c, "important", dealgate.ErrorMessage(err))
	return redirectSeeOther(c, dealPath(id))
}

// dealFormStatus is the status of a refused deal form: the form's own
// errors re-render it; anything else goes to the error handler.
func dealFormStatus(c echo.Context, err error) (int, bool) {
	st, ok := formStatus(c, err)
	if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
		return st, false
	}
	return st, ok
}

func (s *Server) handleDealNew(c echo.Context) error {
	once := newOnceToken()
	return s.showDealForm(c, http.StatusOK, func(tax *dealgate.Taxonomy) deals.FormView {
		return s.newDealFormView(dealgate.DealInput{Currency: "USD"}, tax, once, nil)
	})
}

func (s *Server) newDealFormView(in dealgate.DealInput, tax *dealgate.Taxonomy, once string, err error) deals.FormView {
	v := dealFormView("new", in, tax, "", err)
	v.Caption, v.Title, v.Action, v.CancelHref, v.OnceToken = "Deals", "Start a deal", "/deals", "/deals", once
	v.Intro = "Save a draft as often as you like; only you, and the counsel you share it with, see it until you submit it to the committee."
	return v
}

func (s *Server) handleDealCreate(c echo.Context) error {
	ctx, actor := c.Request().Context(), currentUser(c)
	in := readDealInput(c)
	d, err := s.deals.CreateDraft(ctx, actor, c.FormValue(onceField), in)
	if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
		return s.alreadySubmitted(c, err, "/deals")
	}
	if status, ok := dealFormStatus(c, err); ok {
		return s.showDealForm(c, status, func(tax *dealgate.Taxonomy) deals.FormView {
			return s.newDealFormView(in, tax, c.FormValue(onceField), err)
		})
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Draft saved. Only you, and counsel you share it with, can see it.")
	return redirectSeeOther(c, dealPath(d.ID))
}

func (s *Server) handleDealEdit(c echo.Context) error {
	d, err := s.dealToChange(c)
	if err != nil {
		return err
	}
	if d.Status != dealgate.DealDraft {
		return redirectSeeOther(c, dealPath(d.ID)+"/revise")
	}
	return s.showDealForm(c, http.StatusOK, func(tax *dealgate.Taxonomy) deals.FormView {
		return draftFormView(d, d.Content.Input(), tax, d.Version, nil)
	})
}

func draftFormView(d dealgate.Deal, in dealgate.DealInput, tax *dealgate.Taxonomy, version int64, err error) deals.FormView {
	v := dealFormView("draft", in, tax, "", err)
	v.Caption, v.Title, v.Action, v.CancelHref, v.Version = "Draft deal", d.Content.Title, dealPath(d.ID)+"/edit", dealPath(d.ID), version
	v.Intro = "Submit when everything is filled in: the deal is then frozen as version 1 and goes to screening and the committee."
	return v
}

// handleDealUpdate saves the draft, or submits it (action=submit).
func (s *Server) handleDealUpdate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := c.Request().Context(), currentUser(c)
	in := readDealInput(c)
	version, _ := formVersion(c) // a missing version is stale: the service says so
	if c.FormValue("action") == "precheck" {
		return s.handleDealPreCheck(c, id, version, in)
	}
	submit := c.FormValue("action") == "submit"
	var d dealgate.Deal
	if submit {
		d, err = s.deals.Submit(ctx, actor, id, version, in)
	} else {
		d, err = s.deals.UpdateDraft(ctx, actor, id, version, in)
	}
	if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
		return s.dealMovedOn(c, id, err)
	}
	if status, ok := dealFormStatus(c, err); ok {
		return s.showDealForm(c, status, func(tax *dealgate.Taxonomy) deals.FormView {
			return draftFormView(d, in, tax, version, err)
		})
	}
	if err != nil {
		return err
	}
	if submit {
		s.flash(c, "success", "Deal submitted as version 1. Screening and the committee's review come next.")
	} else {
		s.flash(c, "success", "Draft saved.")
	}
	return redirectSeeOther(c, dealPath(d.ID))
}

func (s *Server) handleDealRevise(c echo.Context) error {
	d, err := s.dealToChange(c)
	if err != nil {
		return err
	}
	if d.Status == dealgate.DealDraft {
		return redirectSeeOther(c, dealPath(d.ID)+"/edit")
	}
	if d.Status != dealgate.DealSubmitted {
		return dealgate.Errorf(dealgate.EFORBIDDEN, "This deal was withdrawn; it is read-only.")
	}
	return s.showDealForm(c, http.StatusOK, func(tax *dealgate.Taxonomy) deals.FormView {
		return reviseFormView(d, d.Content.Input(), tax, d.Version, "", nil)
	})
}

func reviseFormView(d dealgate.Deal, in dealgate.DealInput, tax *dealgate.Taxonomy, version int64, note string, err error) deals.FormView {
	v := dealFormView("revise", in, tax, note, err)
	v.Caption, v.Title, v.Action, v.CancelHref, v.Version = d.Content.Title, "Make a new version", dealPath(d.ID)+"/revise", dealPath(d.ID), version
	v.Intro = "A submitted deal is never edited in place. Your changes become the next version. Changing the counterparty, " +
		"categories, territory, term, negotiation date or the value materially supersedes earlier screening, votes and clearance."
	return v
}

func (s *Server) handleDealReviseSave(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx, actor := c.Request().Context(), currentUser(c)
	in, note := readDealInput(c), c.FormValue("change_note")
	version, _ := formVersion(c) // a missing version is stale: the service says so
	d, err := s.deals.NewVersion(ctx, actor, id, version, in, note)
	if dealgate.ErrorCode(err) == dealgate.ECONFLICT {
		return s.dealMovedOn(c, id, err)
	}
	if status, ok := dealFormStatus(c, err); ok {
		return s.showDealForm(c, status, func(tax *dealgate.Taxonomy) deals.FormView {
			return reviseFormView(d, in, tax, version, note, err)
		})
	}
	if err != nil {
		return err
	}
	s.flash(c, "success", "Version "+itoa(d.CurrentVersion)+" saved.")
	return redirectSeeOther(c, dealPath(d.ID)+"#versions")
}

// handleDealCheck answers the form's inline check (htmx): what still stops
// submission. It changes nothing.
func (s *Server) handleDealCheck(c echo.Context) error {
	err := s.deals.Check(c.Request().Context(), currentUser(c), readDealInput(c))
	if err != nil && dealgate.ErrorCode(err) != dealgate.EINVALID {
		return err
	}
	_, summary := formErrors(err, dealFormOrder...)
	return s.render(c, http.StatusOK, deals.Check(deals.CheckView{Ready: err == nil, Problems: dealSummaryTargets(summary)}))
}

// handleDealPartySuggest answers the counterparty type-ahead (htmx) with up
// to ten parties whose name or alias contains what was typed.
func (s *Server) handleDealPartySuggest(c echo.Context) error {
	return s.renderPartySuggestions(c, c.QueryParam("counterparty"))
}

// renderPartySuggestions answers a party type-ahead (the deal's
// counterparty, the register's party and beneficiary fields).
func (s *Server) renderPartySuggestions(c echo.Context, q string) error {
	q = strings.TrimSpace(q)
	var items []deals.Suggestion
	if len([]rune(q)) >= 2 {
		page, err := s.register.ListParties(c.Request().Context(), currentUser(c), dealgate.PartyFilter{Query: q, PerPage: 10})
		if err != nil {
			return err
		}
		for _, p := range page.Items {
			label := p.Kind.Label()
			if len(p.Aliases) > 0 {
				label += " · also " + strings.Join(p.Aliases, ", ")
			}
			items = append(items, deals.Suggestion{Value: p.Name, Label: label})
		}
	}
	return s.render(c, http.StatusOK, deals.Suggestions(items))
}

// handleDealPreCheck screens the draft's form as it stands ("Check now")
// and shows the form again with the findings. Nothing is saved or recorded.
func (s *Server) handleDealPreCheck(c echo.Context, id, version int64, in dealgate.DealInput) error {
	ctx, actor := c.Request().Context(), currentUser(c)
	res, err := s.screenings.PreCheck(ctx, actor, s.deals, id, in)
	status, ok := dealFormStatus(c, err)
	if err != nil && !ok {
		return err
	}
	if err == nil {
		status = http.StatusOK
	}
	v := draftFormView(res.Deal, in, res.Taxonomy, version, err)
	if err == nil {
		r := preCheckView(res.Report)
		v.PreCheck = &r
	}
	return s.renderDealForm(c, status, v)
}
