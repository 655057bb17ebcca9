package server

// The review page and counsel's answer to a request for information.

import "fmt"
import "net/http"
import "strconv"
import "time"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/reviews"

func (s *Server) handleReviewView(c echo.Context) error {
	return s.renderReview(c, http.StatusOK, "", nil)
}

// renderReview shows review :id; form names the form err belongs to
// ("vote", "recuse", "decide"), whose typed input is kept.
func (s *Server) renderReview(c echo.Context, status int, form string, err error) error {
	pg, rerr := readByID(c, s.reviews.ReviewPage)
	if rerr != nil {
		return rerr
	}
	// A refused form shows what was typed: that page is this request's own.
	derived := pg.Derived
	if status != http.StatusOK || form != "" || err != nil {
		derived = nil
	}
	return s.renderDerived(c, status, derived, s.page(c, "Review: "+pg.Deal.Content.Title), func(fresh perRequest) templ.Component {
		actor, o := currentUser(c), pg.ReviewOverview
		loc, now := actor.Location(), s.deals.DB.Now()
		r, d := o.Review, o.Deal
		v := reviews.ShowView{
			Title: d.Content.Title, DealHref: dealPath(d.ID), Round: fmt.Sprintf("round %d", r.Round), State: r.State.Label(),
			StateKind: reviewStateKinds[r.State],
			Due:       reviewDue(r.State, r.DueOn, o.Today), Version: fmt.Sprintf("The deal under review: version %d", d.CurrentVersion),
			Details: dealDetails(d, o.Today, loc), CSRFToken: fresh.CSRF, CanVote: o.CanVote, CanRecuse: o.CanRecuse, CanDecide: o.CanDecide,
			VoteAction: reviewPath(r.ID) + "/vote", RecuseAction: reviewPath(r.ID) + "/recuse", DecideAction: reviewPath(r.ID) + "/decide",
			VotesHidden: !o.VotesVisible, DealVersion: d.CurrentVersion, Tally: o.Tally.Summary(),
			QuorumMet: o.Tally.QuorumMet, MajorityMet: o.Tally.ApprovalMet,
		}
		if r.State == dealgate.ReviewOpen {
			v.DueKind = dueKind(r.DueOn, o.Today)
			if since := dealgate.PausedSince(o.RFIs); since != nil { // review_pause.go
				v.DueKind, v.Paused = "", "Paused since "+formatMoment(*since, loc)+": waiting for counsel's answer. The due date moves by every started day the request stays open."
			}
		}
		v.Quorum = fmt.Sprintf("Quorum: %d of %d", o.Tally.Cast(), o.Tally.Quorum)
		v.Majority = fmt.Sprintf("%s: %d of %d decisive votes approve", o.Tally.Majority.Label(), o.Tally.Approvals(), o.Tally.Approvals()+o.Tally.Flag)
		v.ClearanceKind, v.Clearance, v.ClearanceBody = clearancePanel(o.Clearance, now, loc)
		v.Versions, v.Earlier = reviewVersions(o, loc), earlierRows(o.EarlierDecisions, loc)
		if pg.Screening != nil {
			report := storedReportView(pg.Screening, loc, c.QueryParam("info") == "all")
			v.Screening = &report
		}
		for _, m := range o.Members {
			standing := "voting"
			if m.Recused() {
				standing = m.RecusalText()
			}
			v.Members = append(v.Members, reviews.MemberRow{Name: m.Name, Standing: standing, Recused: m.Recused()})
		}
		for _, vo := range o.Votes {
			row := reviews.VoteRow{Name: vo.Name, Choice: vo.Choice.Label(), ChoiceKind: voteKind(vo.Choice), Conditions: vo.Conditions,
				Rationale: vo.Rationale, When: formatMoment(vo.UpdatedAt, loc)}
			if o.Superseded[vo.DealVersion] {
				row.Note = fmt.Sprintf("cast on version %d, superseded: not counted", vo.DealVersion)
			}
			v.Votes = append(v.Votes, row)
		}
		switch {
		case o.Me == nil:
			if dealgate.IsCommitteeMember(actor) {
				v.MyStanding = "You are not assigned to this review."
			}
		case o.Me.Recused():
			v.MyStanding = "You do not vote on this review: " + o.Me.RecusalText() + "."
		case o.Mine != nil:
			v.MyStanding = "You voted: " + o.Mine.Choice.Label() + "."
		}
		if dec := o.Decision; dec != nil {
			v.Decision = &reviews.DecisionView{Outcome: dec.Outcome.Label(), OutcomeKind: outcomeKind(dec.Outcome), Memo: dec.Memo,
				Conditions: dec.Conditions, By: dec.DecidedBy, When: formatMoment(dec.DecidedAt, loc),
				RestsOn: fmt.Sprintf("Rests on version %d of the deal; screening: %s. %s", dec.DealVersion, screeningWords(dec.ScreeningState), dec.Tally.Summary())}
			if dec.ExpiresAt != nil {
				v.Decision.Expires = "Clearance expires on " + formatDate(*dec.ExpiresAt, now, loc) + "."
			}
		}
		reviewForms(c, &v, o, form, err)
		reviewDiscussion(c, &v, o, form, err)
		return reviews.ShowContent(v)
	})
}

// reviewForms fills in the vote, recusal and decision forms, with what was
// typed when form failed with err.
func reviewForms(c echo.Context, v *reviews.ShowView, o dealgate.ReviewOverview, form string, err error) {
	choice, conditions, rationale := "", "", ""
	if o.Mine != nil {
		choice, conditions, rationale = string(o.Mine.Choice), o.Mine.Conditions, o.Mine.Rationale
	}
	var fields map[string]string
	switch form {
	case "vote":
		choice, conditions, rationale = c.FormValue("choice"), c.FormValue("conditions"), c.FormValue("rationale")
		fields, v.VoteErrors = formErrors(err, "choice", "conditions", "rationale")
	case "recuse":
		fields, v.RecuseErrors = formErrors(err, "reason")
	case "decide":
		fields, v.DecideErrors = formErrors(err, "outcome", "conditions", "memo")
	}
	if fields == nil {
		fields = map[string]string{}
	}
	for _, ch := range dealgate.AllVoteChoices {
		v.Choice = append(v.Choice, components.Option{Value: string(ch), Label: ch.Label(), Selected: string(ch) == choice})
	}
	if form == "vote" {
		v.ChoiceError = fields["choice"]
	}
	v.Conditions = components.Field{ID: "conditions", Name: "conditions", Label: "Conditions", Hint: "Required when you approve with conditions", Value: conditions, Rows: 3, MaxLength: 5000}
	v.Rationale = components.Field{ID: "rationale", Name: "rationale", Label: "Rationale", Hint: "Why you vote this way; for a flag, the reason", Value: rationale, Rows: 4, MaxLength: 5000}
	if form == "vote" {
		v.Conditions.Error, v.Rationale.Error = fields["conditions"], fields["rationale"]
	}
	v.RecuseReason = components.Field{ID: "reason", Name: "reason", Label: "Reason", Hint: "Why you recuse yourself; the chair sees it", Value: c.FormValue("reason"), Error: fields["reason"], Rows: 3, MaxLength: 5000}
	outcome := ""
	if form == "decide" {
		outcome = c.FormValue("outcome")
		v.OutcomeError = fields["outcome"]
	}
	for _, oc := range dealgate.AllOutcomes {
		v.Outcome = append(v.Outcome, components.Option{Value: string(oc), Label: oc.Label(), Selected: string(oc) == outcome})
	}
	v.Memo = components.Field{ID: "memo", Name: "memo", Label: "Decision memo", Value: c.FormValue("memo"), Rows: 5, MaxLength: 10000}
	v.DecisionConditions = components.Field{ID: "decision_conditions", Name: "decision_conditions", Label: "Conditions", Hint: "Required to approve with conditions; counsel see them on the deal page", Value: c.FormValue("decision_conditions"), Rows: 3, MaxLength: 5000}
	if form == "decide" {
		v.Memo.Error, v.DecisionConditions.Error = fields["memo"], fields["conditions"]
	}
}

// reviewDiscussion fills in the comments and requests for information, and
// their forms, with what was typed when form failed with err.
func reviewDiscussion(c echo.Context, v *reviews.ShowView, o dealgate.ReviewOverview, form string, err error) {
	loc, r := currentUser(c).Location(), o.Review
	var fields map[string]string
	v.CanComment, v.CanAsk = o.CanComment, o.CanAsk
	v.CommentAction, v.AskAction = reviewPath(r.ID)+"/comments", reviewPath(r.ID)+"/information"
	replies := map[int64][]reviews.CommentRow{}
	for _, cm := range o.Comments {
		if cm.ParentID != nil {
			replies[*cm.ParentID] = append(replies[*cm.ParentID], reviews.CommentRow{Author: cm.Author, Body: cm.Body, When: formatMoment(cm.CreatedAt, loc)})
		}
	}
	for _, cm := range o.Comments {
		if cm.ParentID == nil {
			v.Comments = append(v.Comments, reviews.CommentRow{ID: strconv.FormatInt(cm.ID, 10), Author: cm.Author, Body: cm.Body,
				When: formatMoment(cm.CreatedAt, loc), Replies: replies[cm.ID]})
		}
	}
	for _, q := range o.RFIs {
		row := reviews.RFIRow{Question: q.Question, AskedBy: q.AskedBy, Asked: formatMoment(q.AskedAt, loc), Open: q.AnsweredAt == nil,
			Answer: q.Answer, AnsweredBy: q.AnsweredBy}
		if q.AnsweredAt != nil {
			row.Answered = formatMoment(*q.AnsweredAt, loc)
		}
		if q.DueMovedDays > 0 {
			row.DueMoved = "The answer moved the due date by " + plural(q.DueMovedDays, "day") + ", the time the review was paused."
		}
		for _, a := range q.Attachments {
			row.Attachments = append(row.Attachments, reviews.AttachmentLink{Name: a.Filename, Href: attachmentPath(a.ID), Size: sizeText(a.SizeBytes)})
		}
		v.RFIs = append(v.RFIs, row)
		if row.Open {
			v.OpenRFIs++
		}
	}
	body, question := "", ""
	switch form {
	case "comment":
		body = c.FormValue("body")
		fields, v.CommentErrors = formErrors(err, "body")
	case "ask":
		question = c.FormValue("question")
		fields, v.AskErrors = formErrors(err, "question")
	}
	if fields == nil {
		fields = map[string]string{}
	}
	v.CommentBody = components.Field{ID: "body", Name: "body", Label: "Comment", Hint: "The committee sees it; counsel do not", Value: body, Error: fields["body"], Rows: 3, MaxLength: 5000}
	v.Question = components.Field{ID: "question", Name: "question", Label: "Ask counsel for information", Hint: "The review's clock pauses until counsel answer", Value: question, Error: fields["question"], Rows: 3, MaxLength: 5000}
}

// reviewVersions lists the deal's versions, newest first, each linked to
// the comparison with the one before.
func reviewVersions(o dealgate.ReviewOverview, loc *time.Location) []reviews.VersionRow {
	var out []reviews.VersionRow
	for i := len(o.Versions) - 1; i >= 0; i-- {
		ver := o.Versions[i]
		row := reviews.VersionRow{Text: fmt.Sprintf("Version %d, %s", ver.Number, formatMoment(ver.CreatedAt, loc))}
		if ver.SupersededAt != nil {
			row.Text += fmt.Sprintf(": superseded by version %d, its votes no longer count", ver.SupersededBy)
		}
		if ver.Number > 1 {
			row.CompareHref = fmt.Sprintf("%s/versions?from=%d&to=%d", dealPath(o.Deal.ID), ver.Number-1, ver.Number)
		}
		out = append(out, row)
	}
	return out
}

// earlierRows are the earlier decisions on the counterparty's family.
func earlierRows(ds []dealgate.FamilyDecision, loc *time.Location) []reviews.EarlierRow {
	out := make([]reviews.EarlierRow, len(ds))
	for i, d := range ds {
		out[i] = reviews.EarlierRow{Title: d.Title, Href: reviewPath(d.ReviewID), Counterparty: d.Counterparty,
			Version: fmt.Sprintf("version %d", d.DealVersion), Outcome: d.Outcome.Label(), OutcomeKind: outcomeKind(d.Outcome),
			When: formatMoment(d.DecidedAt, loc), Conditions: d.Conditions}
	}
	return out
}

func (s *Server) handleRFIAnswerForm(c echo.Context) error {
	return s.renderRFIAnswer(c, http.StatusOK, nil)
}

// renderRFIAnswer shows counsel the committee's question and the answer form.
func (s *Server) renderRFIAnswer(c echo.Context, status int, err error) error {
	id, ierr := idParam(c, "id")
	if ierr != nil {
		return ierr
	}
	rfiID, _ := strconv.ParseInt(c.FormValue("request"), 10, 64)
	d, q, qerr := s.reviews.InformationRequest(c.Request().Context(), currentUser(c), id, rfiID)
	if dealgate.ErrorCode(qerr) == dealgate.EINVALID {
		s.flash(c, "important", dealgate.ErrorMessage(qerr))
		return redirectSeeOther(c, dealPath(id))
	}
	if qerr != nil {
		return qerr
	}
	fields, summary := formErrors(err, "answer", "file")
	if err == nil {
		fields = map[string]string{}
	}
	return s.render(c, status, reviews.Answer(s.page(c, "Answer the committee"), reviews.AnswerView{
		DealTitle: d.Content.Title, Question: q.Question, AskedBy: q.AskedBy,
		Action: dealPath(id) + "/answer?request=" + strconv.FormatInt(q.ID, 10), Cancel: dealPath(id), CSRFToken: csrfToken(c),
		MaxUpload: sizeText(s.maxUpload()), FileError: fields["file"], Errors: summary,
		Answer: components.Field{ID: "answer", Name: "answer", Label: "Your answer", Value: c.FormValue("answer"), Error: fields["answer"], Rows: 6, MaxLength: 5000},
	}))
}

// handleRFIAnswer records counsel's answer with the documents sent along
// (none, one or several "file" parts).
func (s *Server) handleRFIAnswer(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var files []postgres.Upload
	if form, ferr := c.MultipartForm(); bodyTooLarge(ferr) {
		return s.renderRFIAnswer(c, http.StatusRequestEntityTooLarge, &dealgate.Error{Code: dealgate.EINVALID, Fields: map[string]string{"file": "The files are larger than " + sizeText(s.maxUpload()) + " in all. Send smaller files."}})
	} else if ferr == nil {
		for _, fh := range form.File["file"] {
			f, err := fh.Open()
			if err != nil {
				return dealgate.Internal(err)
			}
			defer f.Close()
			files = append(files, postgres.Upload{Filename: fh.Filename, Content: f})
		}
	}
	rfiID, _ := strconv.ParseInt(c.FormValue("request"), 10, 64)
	err = s.reviews.AnswerInformation(c.Request().Context(), currentUser(c), id, rfiID, c.FormValue("answer"), files...)
	switch {
	case err == nil:
		s.flash(c, "success", "Answer sent to the committee.")
		return redirectSeeOther(c, dealPath(id))
	case len(dealgate.ErrorFields(err)) > 0:
		return s.renderRFIAnswer(c, http.StatusUnprocessableEntity, err)
	case dealgate.ErrorCode(err) == dealgate.EINVALID:
		s.flash(c, "important", dealgate.ErrorMessage(err))
		return redirectSeeOther(c, dealPath(id))
	}
	return err
}

// attachmentPath is where a deal attachment downloads.
func attachmentPath(id int64) string { return "/deal-attachments/" + strconv.FormatInt(id, 10) }
