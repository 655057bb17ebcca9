package postgres

import "context"
import "fmt"
import "strings"
import "io"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Comment adds a committee member's comment to a review, or a reply to
// one of its comments (parentID).
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID (body; parent),
// ECONFLICT (the review is decided or closed).
func (s *Reviews) Comment(ctx context.Context, actor *dealgate.User, reviewID int64, parentID *int64, body string) (dealgate.Comment, error) {
	return authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewVote, func(tx *Tx) (dealgate.Comment, error) {
		st, err := tx.reviewState(ctx, actor, reviewID)
		if err != nil {
			return dealgate.Comment{}, err
		}
		if st.review.State != dealgate.ReviewOpen {
			return dealgate.Comment{}, dealgate.Errorf(dealgate.ECONFLICT, "This review is %s: its discussion is kept as it was when it ended.", strings.ToLower(st.review.State.Label()))
		}
		body, err = dealgate.ValidateText("body", "your comment", 5000, body)
		if err != nil {
			return dealgate.Comment{}, err
		}
		if parentID != nil {
			if _, err := tx.Q.CommentInReview(ctx, sqlc.CommentInReviewParams{ID: *parentID, ReviewID: reviewID}); isNotFound(err) {
				return dealgate.Comment{}, dealgate.Errorf(dealgate.EINVALID, "The comment you reply to is not in this review.")
			} else if err != nil {
				return dealgate.Comment{}, err
			}
		}
		id, err := tx.Q.InsertReviewComment(ctx, sqlc.InsertReviewCommentParams{ReviewID: reviewID, ParentID: parentID, AuthorID: actor.ID, Body: body, Now: tx.Now})
		if err != nil {
			return dealgate.Comment{}, fmt.Errorf("insert comment: %w", err)
		}
		c := dealgate.Comment{ID: id, ParentID: parentID, Author: actor.Name, Body: body, CreatedAt: tx.Now}
		after := map[string]any{"comment": body}
		if parentID != nil {
			after["reply_to"] = *parentID
		}
		return c, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "review.commented", EntityType: dealgate.EntityReview, EntityID: idString(reviewID), After: after,
		})
	})
}

// AskInformation records the chair's request for information to counsel on
// an open review; the review's clock pauses until counsel answer.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID (question; review
// not open).
func (s *Reviews) AskInformation(ctx context.Context, actor *dealgate.User, reviewID int64, question string) (dealgate.RFI, error) {
	return authorizedBound(ctx, s.DB, s.tx, actor, dealgate.ActReviewChair, func(tx *Tx) (dealgate.RFI, error) {
		st, err := tx.lockReview(ctx, actor, reviewID)
		if err != nil {
			return dealgate.RFI{}, err
		}
		if st.review.State != dealgate.ReviewOpen {
			return dealgate.RFI{}, dealgate.Errorf(dealgate.EINVALID, "This review is no longer open.")
		}
		question, err := dealgate.ValidateText("question", "what you need to know", 5000, question)
		if err != nil {
			return dealgate.RFI{}, err
		}
		id, err := tx.Q.InsertRFI(ctx, sqlc.InsertRFIParams{ReviewID: reviewID, DealID: st.deal.ID, AskedBy: actor.ID, Question: question, Now: tx.Now})
		if err != nil {
			return dealgate.RFI{}, fmt.Errorf("insert request: %w", err)
		}
		counsel, err := tx.dealCounsel(ctx, st.deal.ID)
		if err != nil {
			return dealgate.RFI{}, err
		}
		if _, err := tx.notify(ctx, actor, informationRequestedNotice(st.deal, reviewID, question, counsel)); err != nil {
			return dealgate.RFI{}, err
		}
		return dealgate.RFI{ID: id, ReviewID: reviewID, AskedBy: actor.Name, Question: question, AskedAt: tx.Now},
			tx.auditAs(ctx, actor, dealgate.AuditEvent{
				Action: "review.information_requested", EntityType: dealgate.EntityReview, EntityID: idString(reviewID),
				After: map[string]any{"question": question},
			})
	})
}

// InformationRequest returns an open request for information on a deal,
// for counsel's answer form.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN, EINVALID (answered).
func (s *Reviews) InformationRequest(ctx context.Context, actor *dealgate.User, dealID, rfiID int64) (dealgate.Deal, dealgate.RFI, error) {
	type out struct {
		d dealgate.Deal
		r dealgate.RFI
	}
	o, err := inBound(ctx, s.DB, s.tx, func(tx *Tx) (out, error) {
		d, err := tx.authorizeDeal(ctx, actor, dealID, dealgate.DealEdit)
		if err != nil {
			return out{}, err
		}
		list, err := tx.rfis(ctx, nil, &dealID)
		if err != nil {
			return out{}, err
		}
		for _, r := range list {
			if r.ID == rfiID {
				if r.AnsweredAt != nil {
					return out{d: d}, dealgate.Errorf(dealgate.EINVALID, "This request was already answered.")
				}
				return out{d, r}, nil
			}
		}
		return out{d: d}, notFound("request for information")
	})
	return o.d, o.r, err
}

// AnswerInformation records counsel's answer to a request for information
// on their deal, with any files as deal attachments linked to the answer
// (the deal's upload rules; each an audit event); the review's due date
// moves by the days it was paused once no other request on the review stays
// open (dealgate.DueDateMoves).
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN, EINVALID (answer, file;
// already answered).
func (s *Reviews) AnswerInformation(ctx context.Context, actor *dealgate.User, dealID, rfiID int64, answer string, files ...Upload) error {
	contents := make([][]byte, len(files))
	var limit int64
	for i, f := range files {
		var err error
		if contents[i], limit, err = s.Deals.Register.readUpload(f.Content); err != nil {
			return err
		}
	}
	_, err := inBound(ctx, s.DB, s.tx, func(tx *Tx) (struct{}, error) {
		if _, err := tx.Q.LockDeal(ctx, dealID); err != nil {
			return struct{}{}, orNotFound(err, "deal")
		}
		d, err := tx.authorizeDeal(ctx, actor, dealID, dealgate.DealEdit)
		if err != nil {
			return struct{}{}, err
		}
		r, err := tx.Q.LockRFI(ctx, rfiID)
		if err != nil || r.DealID != d.ID {
			return struct{}{}, notFound("request for information")
		}
		if r.AnsweredAt != nil {
			return struct{}{}, dealgate.Errorf(dealgate.EINVALID, "This request was already answered.")
		}
		answer, err := dealgate.ValidateText("answer", "your answer", 5000, answer)
		if err != nil {
			return struct{}{}, err
		}
		if err := tx.Q.AnswerRFI(ctx, sqlc.AnswerRFIParams{Answer: answer, AnsweredBy: actorID(actor), Now: &tx.Now, ID: rfiID}); err != nil {
			return struct{}{}, err
		}
		for i, f := range files {
			if _, err := tx.insertAttachment(ctx, actor, dealID, &rfiID, f.Filename, contents[i], limit); err != nil {
				return struct{}{}, err
			}
		}
		days, err := tx.dueDateMove(ctx, r.ReviewID, rfiID)
		if err != nil {
			return struct{}{}, err
		}
		if err := tx.Q.ExtendReviewDue(ctx, sqlc.ExtendReviewDueParams{Days: int32(days), ID: r.ReviewID}); err != nil {
			return struct{}{}, err
		}
		members, err := tx.reviewMembers(ctx, r.ReviewID)
		if err != nil {
			return struct{}{}, err
		}
		if _, err := tx.notify(ctx, actor, informationAnsweredNotice(d, r.ReviewID, members)); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "review.information_answered", EntityType: dealgate.EntityReview, EntityID: idString(r.ReviewID),
			After: map[string]any{"question": r.Question, "answer": answer, "due_date_moved_by_days": days},
		})
	})
	return err
}

// Upload is a file sent with a form: its name as uploaded and its content.
type Upload struct {
	Filename string
	Content  io.Reader
}

func (tx *Tx) rfis(ctx context.Context, reviewID, dealID *int64) ([]dealgate.RFI, error) {
	rows, err := tx.Q.ListRFIs(ctx, sqlc.ListRFIsParams{ReviewID: reviewID, DealID: dealID})
	if err != nil {
		return nil, fmt.Errorf("requests for information: %w", err)
	}
	out := make([]dealgate.RFI, len(rows))
	ids := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = dealgate.RFI{ID: r.ID, ReviewID: r.ReviewID, AskedBy: r.AskedByName, Question: r.Question, AskedAt: r.AskedAt,
			Answer: r.Answer, AnsweredBy: r.AnsweredByName, AnsweredAt: r.AnsweredAt}
		ids[i] = r.ID
	}
	if len(ids) == 0 {
		return out, nil
	}
	// Moves are per review: the deal's requests span its rounds.
	byReview := map[int64][]int{}
	for i, r := range out {
		byReview[r.ReviewID] = append(byReview[r.ReviewID], i)
	}
	for _, idx := range byReview {
		of := make([]dealgate.RFI, len(idx))
		for k, i := range idx {
			of[k] = out[i]
		}
		for k, days := range dealgate.DueDateMoves(of) {
			out[idx[k]].DueMovedDays = days
		}
	}
	atts, err := tx.Q.RFIAttachments(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("answers' attachments: %w", err)
	}
	for _, a := range atts {
		for i := range out {
			if a.RfiID != nil && out[i].ID == *a.RfiID {
				out[i].Attachments = append(out[i].Attachments, attachmentFromRow(a))
			}
		}
	}
	return out, nil
}

// dueDateMove is by how many days answering request rfiID, just recorded,
// moves review reviewID's due date.
func (tx *Tx) dueDateMove(ctx context.Context, reviewID, rfiID int64) (int, error) {
	list, err := tx.rfis(ctx, &reviewID, nil)
	if err != nil {
		return 0, err
	}
	for _, r := range list {
		if r.ID == rfiID {
			return r.DueMovedDays, nil
		}
	}
	return 0, notFound("request for information")
}

func (tx *Tx) reviewComments(ctx context.Context, reviewID int64) ([]dealgate.Comment, error) {
	rows, err := tx.Q.ListReviewComments(ctx, reviewID)
	if err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	out := make([]dealgate.Comment, len(rows))
	for i, r := range rows {
		out[i] = dealgate.Comment{ID: r.ID, ParentID: r.ParentID, Author: r.AuthorName, Body: r.Body, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// openRFIs returns the deal's unanswered requests for information.
func (tx *Tx) openRFIs(ctx context.Context, d dealgate.Deal) ([]dealgate.RFI, error) {
	if d.Status == dealgate.DealDraft {
		return nil, nil
	}
	all, err := tx.rfis(ctx, nil, &d.ID)
	var open []dealgate.RFI
	for _, r := range all {
		if r.AnsweredAt == nil {
			open = append(open, r)
		}
	}
	return open, err
}
