package server

// Committee review: the committee's page, the review page (votes, recusal,
// decision), opening a review, the committee's rules, members' declarations
// of interest and counsel's "negotiation started". Each handler parses the
// request, makes one call to the review service (internal/postgres/review*.go),
// which authorises with internal/dealgate/policy.go, and renders a typed view
// from web/reviews.

import "fmt"
import "net/http"
import "strconv"
import "time"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/reviews"

func (s *Server) registerReviewRoutes() {
	view, chair, vote := need(dealgate.ActReviewView), need(dealgate.ActReviewChair), need(dealgate.ActReviewVote)
	s.get("/committee", view, s.handleCommittee)
	s.get("/committee/settings", need(dealgate.ActSettingsManage), s.handleCommitteeSettings)
	s.post("/committee/settings", need(dealgate.ActSettingsManage), s.handleCommitteeSettingsSave)
	s.form("/committee/interests", vote, s.handleInterests, s.handleInterestDeclare)
	s.post("/committee/interests/remove", vote, s.handleInterestRemove)
	s.form("/deals/:id/review", chair, s.handleReviewOpenForm, s.handleReviewOpen)
	s.post("/deals/:id/negotiation", need(dealgate.ActDealDraft), s.handleNegotiationStart)
	s.get("/reviews/:id", view, s.handleReviewView)
	s.post("/reviews/:id/vote", vote, s.handleReviewVote)
	s.post("/reviews/:id/recuse", vote, s.handleReviewRecuse)
	s.post("/reviews/:id/decide", chair, s.handleReviewDecide)
	s.post("/reviews/:id/comments", vote, s.handleReviewComment)
	s.post("/reviews/:id/information", chair, s.handleReviewAsk)
	s.get("/deals/:id/answer", need(dealgate.ActDealDraft), s.handleRFIAnswerForm)
	s.post("/deals/:id/answer", need(dealgate.ActDealDraft), s.handleRFIAnswer)
	s.upload(http.MethodPost, "/deals/:id/answer", s.maxUpload()+multipartOverhead)
	s.get("/committee/reviews", view, s.handleReviewList)
}

func reviewPath(id int64) string { return "/reviews/" + strconv.FormatInt(id, 10) }

func outcomeKind(o dealgate.DecisionOutcome) string {
	if o == dealgate.OutcomeApprovedConditions {
		return "approved-conditions"
	}
	return string(o)
}

// clearancePanel is the clearance as the deal and review pages show it:
// the most visible element of the page.
func clearancePanel(c dealgate.Clearance, now time.Time, loc *time.Location) (kind, title, body string) {
	if !c.Cleared {
		kind = "not-cleared"
		if c.Decision != nil && c.Decision.Outcome == dealgate.OutcomeFlagged {
			kind = "flagged"
		}
		return kind, c.Reason, ""
	}
	body = fmt.Sprintf("%s on %s (version %d).", c.Decision.Outcome.Label(), formatMoment(c.Decision.DecidedAt, loc), c.Decision.DealVersion)
	if c.Conditions != "" {
		body += " Conditions: " + c.Conditions
	}
	if c.ExpiresAt != nil {
		body += " Clearance expires on " + formatDate(*c.ExpiresAt, now, loc) + "."
	}
	if c.NegotiationStarted != nil {
		body += " Negotiation started " + formatMoment(*c.NegotiationStarted, loc) + "."
	}
	return "cleared", "Cleared to negotiate", body
}

// reviewDue is a review's due date: counted down while it is open, plain
// once it is decided or closed.
func reviewDue(state dealgate.ReviewState, due, today time.Time) string {
	if state != dealgate.ReviewOpen {
		return due.Format("2 January 2006")
	}
	return formatDate(due, today, time.UTC)
}

// dueKind is "overdue" once a day has passed and "due-soon" within
// NegotiationSoonDays.
func dueKind(day, today time.Time) string {
	switch days := int(day.Sub(today).Hours() / 24); {
	case days < 0:
		return "overdue"
	case days <= dealgate.NegotiationSoonDays:
		return "due-soon"
	}
	return ""
}

func (s *Server) handleReviewComment(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var parent *int64
	if p, perr := strconv.ParseInt(c.FormValue("parent_id"), 10, 64); perr == nil {
		parent = &p
	}
	_, err = s.reviews.Comment(c.Request().Context(), currentUser(c), id, parent, c.FormValue("body"))
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		return err
	}
	return s.reviewFormResult(c, "comment", err, "Comment added.")
}

func (s *Server) handleReviewAsk(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	_, err = s.reviews.AskInformation(c.Request().Context(), currentUser(c), id, c.FormValue("question"))
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		return err
	}
	return s.reviewFormResult(c, "ask", err, "Information requested; counsel see it on the deal page, and the review's clock pauses until they answer.")
}

func voteKind(c dealgate.VoteChoice) string {
	switch c {
	case dealgate.VoteApprove:
		return "approved"
	case dealgate.VoteApproveConditions:
		return "approved-conditions"
	case dealgate.VoteFlag:
		return "flagged"
	}
	return "abstain"
}

func screeningWords(st *string) string {
	if st == nil {
		return "not recorded"
	}
	return dealgate.ScreeningState(*st).Label()
}

// reviewFormResult answers a review form: 422 with the input kept, a flash
// and 303 for a refusal without fields (stale, decided, recused), else the
// error handler.
func (s *Server) reviewFormResult(c echo.Context, form string, err error, done string) error {
	id, _ := idParam(c, "id")
	switch {
	case err == nil:
		s.flash(c, "success", done)
		return redirectSeeOther(c, reviewPath(id))
	case len(dealgate.ErrorFields(err)) > 0:
		return s.renderReview(c, http.StatusUnprocessableEntity, form, err)
	}
	switch dealgate.ErrorCode(err) {
	case dealgate.ECONFLICT, dealgate.EINVALID, dealgate.EFORBIDDEN:
		s.flash(c, "important", dealgate.ErrorMessage(err))
		return redirectSeeOther(c, reviewPath(id))
	}
	return err
}

func (s *Server) handleReviewVote(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	_, err = s.reviews.Vote(c.Request().Context(), currentUser(c), id, dealgate.VoteInput{
		Choice: dealgate.VoteChoice(c.FormValue("choice")), Conditions: c.FormValue("conditions"), Rationale: c.FormValue("rationale"),
	})
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		return err
	}
	return s.reviewFormResult(c, "vote", err, "Vote saved. You can change it until the chair decides.")
}

func (s *Server) handleReviewRecuse(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	err = s.reviews.Recuse(c.Request().Context(), currentUser(c), id, c.FormValue("reason"))
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		return err
	}
	return s.reviewFormResult(c, "recuse", err, "You are recused from this review.")
}

func (s *Server) handleReviewDecide(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.FormValue("deal_version")) // a missing version is stale: the service says so
	_, err = s.reviews.Decide(c.Request().Context(), currentUser(c), id, version, dealgate.DecisionInput{
		Outcome: dealgate.DecisionOutcome(c.FormValue("outcome")), Memo: c.FormValue("memo"), Conditions: c.FormValue("decision_conditions"),
	})
	if dealgate.ErrorCode(err) == dealgate.ENOTFOUND {
		return err
	}
	return s.reviewFormResult(c, "decide", err, "Decision recorded.")
}

// ---------------------------------------------------------------------------
// Opening a review

func (s *Server) handleReviewOpenForm(c echo.Context) error {
	return s.renderReviewOpen(c, http.StatusOK, nil)
}

func (s *Server) renderReviewOpen(c echo.Context, status int, err error) error {
	id, ierr := idParam(c, "id")
	if ierr != nil {
		return ierr
	}
	d, due, derr := s.reviews.OpenForm(c.Request().Context(), currentUser(c), id)
	if derr != nil {
		return derr
	}
	fields, summary := formErrors(err, "due_on")
	value := c.FormValue("due_on")
	if err == nil {
		fields, value = map[string]string{}, due.Format(dealgate.DateLayout)
	}
	v := reviews.OpenView{DealTitle: d.Content.Title, DealHref: dealPath(id), Action: dealPath(id) + "/review", CSRFToken: csrfToken(c),
		Version: d.Version, Errors: summary,
		Due: components.Field{ID: "due_on", Name: "due_on", Label: "Due date", Hint: "By default the review period, and before the negotiation date", Type: "date",
			Value: value, Error: fields["due_on"], MaxLength: 10}}
	v.Members = []string{"Every committee member and chair, except the deal's submitter"}
	return s.render(c, status, reviews.Open(s.page(c, "Open a review of "+d.Content.Title), v))
}

func (s *Server) handleReviewOpen(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	version, _ := formVersion(c) // a missing version is stale: the service says so
	r, err := s.reviews.OpenReview(c.Request().Context(), currentUser(c), id, version, c.FormValue("due_on"))
	switch {
	case err == nil:
		s.flash(c, "success", "Review opened; the committee's members are assigned.")
		return redirectSeeOther(c, reviewPath(r.ID))
	case len(dealgate.ErrorFields(err)) > 0:
		return s.renderReviewOpen(c, http.StatusUnprocessableEntity, err)
	case dealgate.ErrorCode(err) == dealgate.ECONFLICT || dealgate.ErrorCode(err) == dealgate.EINVALID:
		s.flash(c, "important", dealgate.ErrorMessage(err))
		return redirectSeeOther(c, dealPath(id))
	}
	return err
}

// handleNegotiationStart records that counsel started negotiating; refused
// (and the refusal audited) unless the deal is cleared.
func (s *Server) handleNegotiationStart(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	version, _ := formVersion(c) // a missing version is stale: the service says so
	_, err = s.deals.StartNegotiation(c.Request().Context(), currentUser(c), id, version)
	switch code := dealgate.ErrorCode(err); {
	case err == nil:
		s.flash(c, "success", "The start of negotiation is recorded.")
	case code == dealgate.EINVALID || code == dealgate.ECONFLICT:
		s.flash(c, "important", dealgate.ErrorMessage(err))
	default:
		return err
	}
	return redirectSeeOther(c, dealPath(id))
}

// ---------------------------------------------------------------------------
// Committee rules

func (s *Server) handleCommitteeSettings(c echo.Context) error {
	r, members, err := s.reviews.Rules(c.Request().Context(), currentUser(c))
	if err != nil {
		return err
	}
	return s.renderSettings(c, http.StatusOK, r.Version, r, r.Form(), members, nil)
}

var settingsOrder = []string{"quorum", "majority", "review_days", "clearance_days", "reminder_days"}

func (s *Server) renderSettings(c echo.Context, status int, version int64, r dealgate.CommitteeRules, f dealgate.CommitteeRulesForm, members []dealgate.CommitteeMember, err error) error {
	fields, summary := formErrors(err, settingsOrder...)
	if err == nil {
		fields = map[string]string{}
	}
	num := func(id, label, hint, value string) components.Field {
		return components.Field{ID: id, Name: id, Label: label, Hint: hint, Value: value, Error: fields[id], Inputmode: "numeric", MaxLength: 4}
	}
	box := func(id, label, hint string, on bool) components.Field {
		return components.Field{ID: id, Name: id, Label: label, Hint: hint, Value: strconv.FormatBool(on)}
	}
	v := reviews.SettingsView{
		CSRFToken: csrfToken(c), Action: "/committee/settings", Version: version, Errors: summary, MajorityError: fields["majority"],
		Quorum:            num("quorum", "Quorum", "The fewest votes (abstentions count) by members who are not recused", f.Quorum),
		ReviewDays:        num("review_days", "Review period, in days", "The default due date, unless the negotiation date comes first", f.ReviewDays),
		ClearanceDays:     num("clearance_days", "Clearance lasts, in days", "How long an approval clears a deal to negotiate", f.ClearanceDays),
		ReminderDays:      num("reminder_days", "Reminders start, in days before a date", "Before a review's due date or a deal's negotiation date", f.ReminderDays),
		ConflictUnanimous: box("conflict_unanimous", "A deal with a conflict finding needs unanimity", "", f.ConflictUnanimous),
		AutoOpen:          box("auto_open", "Open reviews automatically when a deal is submitted", "Otherwise the chair opens them from the queue", f.AutoOpen),
		HideVotes:         box("hide_votes", "Hide votes until a member has voted or the review is decided", "", f.HideVotes),
	}
	if r.UpdatedAt != nil {
		v.Updated = "Last changed " + formatMoment(*r.UpdatedAt, currentUser(c).Location()) + "."
	}
	for _, m := range dealgate.AllMajorities {
		v.Majority = append(v.Majority, components.Option{Value: string(m), Label: m.Label(), Selected: string(m) == f.Majority})
	}
	for _, m := range members {
		v.Members = append(v.Members, m.Name+" ("+m.Email+")")
	}
	return s.render(c, status, reviews.Settings(s.page(c, "Committee rules"), v))
}

func (s *Server) handleCommitteeSettingsSave(c echo.Context) error {
	actor := currentUser(c)
	version, _ := formVersion(c) // a missing version is stale: the service says so
	f := dealgate.CommitteeRulesForm{
		Quorum: c.FormValue("quorum"), Majority: c.FormValue("majority"), ReviewDays: c.FormValue("review_days"),
		ClearanceDays: c.FormValue("clearance_days"), ReminderDays: c.FormValue("reminder_days"),
		ConflictUnanimous: checked(c, "conflict_unanimous"), AutoOpen: checked(c, "auto_open"), HideVotes: checked(c, "hide_votes"),
	}
	r, err := s.reviews.UpdateRules(c.Request().Context(), actor, version, f)
	if err == nil {
		s.flash(c, "success", "Committee rules saved.")
		return redirectSeeOther(c, "/committee/settings")
	}
	status, handled := formStatus(c, err)
	if !handled {
		return err
	}
	_, members, merr := s.reviews.Rules(c.Request().Context(), actor)
	if merr != nil {
		return merr
	}
	if status == http.StatusConflict {
		version = r.Version // show what is saved now, with the typed values
	}
	return s.renderSettings(c, status, version, r, f, members, err)
}

// ---------------------------------------------------------------------------
// Declarations of interest

func (s *Server) handleInterests(c echo.Context) error {
	return s.renderInterests(c, http.StatusOK, nil)
}

func (s *Server) renderInterests(c echo.Context, status int, err error) error {
	actor := currentUser(c)
	ds, derr := s.reviews.Declarations(c.Request().Context(), actor)
	if derr != nil {
		return derr
	}
	fields, summary := formErrors(err, "party", "note")
	if err == nil {
		fields = map[string]string{}
	}
	v := reviews.InterestsView{CSRFToken: csrfToken(c), Action: "/committee/interests", RemoveAction: "/committee/interests/remove", Errors: summary,
		Party: components.Field{ID: "party", Name: "party", Label: "Party", Hint: "A party's name or alias, as in the party register", Value: c.FormValue("party"), Error: fields["party"], MaxLength: 200},
		Note:  components.Field{ID: "note", Name: "note", Label: "Note", Hint: "Optional: the tie, for example \"spouse employed there\"", Value: c.FormValue("note"), Error: fields["note"], Rows: 2, MaxLength: 2000},
	}
	for _, d := range ds {
		v.Declarations = append(v.Declarations, reviews.DeclarationRow{Party: d.PartyName, Note: d.Note, When: formatMoment(d.CreatedAt, actor.Location()),
			PartyID: strconv.FormatInt(d.PartyID, 10)})
	}
	return s.render(c, status, reviews.Interests(s.page(c, "My declarations of interest"), v))
}

func (s *Server) handleInterestDeclare(c echo.Context) error {
	_, err := s.reviews.Declare(c.Request().Context(), currentUser(c), c.FormValue("party"), c.FormValue("note"))
	if err == nil {
		s.flash(c, "success", "Interest declared. You are recused from reviews of deals with that party's corporate family.")
		return redirectSeeOther(c, "/committee/interests")
	}
	if status, ok := formStatus(c, err); ok {
		return s.renderInterests(c, status, err)
	}
	return err
}

func (s *Server) handleInterestRemove(c echo.Context) error {
	id, _ := strconv.ParseInt(c.FormValue("party_id"), 10, 64)
	err := s.reviews.Undeclare(c.Request().Context(), currentUser(c), id)
	switch dealgate.ErrorCode(err) {
	case "":
		s.flash(c, "success", "Declaration removed.")
	case dealgate.ENOTFOUND:
		s.flash(c, "important", "That declaration was already removed.")
	default:
		return err
	}
	return redirectSeeOther(c, "/committee/interests")
}
