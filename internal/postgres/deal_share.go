package postgres

import "context"
import "crypto/sha256"
import "fmt"
import "io"
import "slices"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Share lets another counsel read or edit a deal. Sharing again changes
// the access.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN (not the author), EINVALID
// ("email": no such active counsel, or the author; "access").
func (s *Deals) Share(ctx context.Context, actor *dealgate.User, id int64, in dealgate.ShareInput) (dealgate.Deal, error) {
	return inBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.Deal, error) {
		before, err := tx.lockDealAnyVersion(ctx, actor, id, dealgate.DealManage)
		if err != nil {
			return before, err
		}
		if err := in.Validate(); err != nil {
			return before, err
		}
		u, err := tx.Q.FindUserByEmail(ctx, in.Email)
		if err != nil && !isNotFound(err) {
			return before, err
		}
		var v dealgate.Validation
		switch {
		case err != nil || u.Status != string(dealgate.UserActive) || !slices.Contains(u.Roles, string(dealgate.RoleCounsel)):
			v.Add("email", "No active counsel has that email address; deals are shared with counsel only")
		case u.ID == before.AuthorID:
			v.Add("email", "That is the deal's author, who always has access")
		}
		if err := v.Err(); err != nil {
			return before, err
		}
		err = tx.Q.UpsertDealShare(ctx, sqlc.UpsertDealShareParams{DealID: id, UserID: u.ID, Access: string(in.Access), Now: tx.Now})
		if err != nil {
			return before, fmt.Errorf("share deal: %w", err)
		}
		if err := tx.Q.TouchDeal(ctx, sqlc.TouchDealParams{ID: id, Now: tx.Now}); err != nil {
			return before, err
		}
		return tx.auditDeal(ctx, actor, "deal.shared", before)
	})
}

// Unshare stops sharing a deal with a counsel.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN, EINVALID (not shared with that user).
func (s *Deals) Unshare(ctx context.Context, actor *dealgate.User, id, userID int64) (dealgate.Deal, error) {
	return inBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.Deal, error) {
		before, err := tx.lockDealAnyVersion(ctx, actor, id, dealgate.DealManage)
		if err != nil {
			return before, err
		}
		n, err := tx.Q.DeleteDealShare(ctx, sqlc.DeleteDealShareParams{DealID: id, UserID: userID})
		if err != nil {
			return before, err
		}
		if n == 0 {
			return before, dealgate.Errorf(dealgate.EINVALID, "The deal is not shared with that person.")
		}
		if err := tx.Q.TouchDeal(ctx, sqlc.TouchDealParams{ID: id, Now: tx.Now}); err != nil {
			return before, err
		}
		return tx.auditDeal(ctx, actor, "deal.unshared", before)
	})
}

// ---------------------------------------------------------------------------
// Attachments: the rules of agreement documents (size limit, type sniffed
// from the bytes, SHA-256 recorded, downloads served under a safe name).

// AddAttachment attaches a file to a deal that is not withdrawn. The content
// is read up to the size limit before the transaction starts. token is the
// upload form's one-time token, claimed in the same transaction.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN, EINVALID ("file"), ECONFLICT (token used).
func (s *Deals) AddAttachment(ctx context.Context, actor *dealgate.User, dealID int64, token, filename string, r io.Reader) (dealgate.DealAttachment, error) {
	if err := dealgate.Authorize(actor, dealgate.ActDealDraft); err != nil {
		return dealgate.DealAttachment{}, err
	}
	content, limit, err := s.Register.readUpload(r)
	if err != nil {
		return dealgate.DealAttachment{}, err
	}
	return inBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.DealAttachment, error) {
		if _, err := tx.lockDealAnyVersion(ctx, actor, dealID, dealgate.DealEdit); err != nil {
			return dealgate.DealAttachment{}, err
		}
		if _, err := dealgate.ValidateDocument(filename, content, limit); err != nil {
			return dealgate.DealAttachment{}, err
		}
		if err := tx.claimSubmission(ctx, token); err != nil {
			return dealgate.DealAttachment{}, err
		}
		return tx.insertAttachment(ctx, actor, dealID, nil, filename, content, limit)
	})
}

// insertAttachment validates and stores an attachment of deal dealID (sent
// with the answer rfiID, when set) and writes its audit event. The caller
// holds the deal's lock and has authorised actor.
func (tx *Tx) insertAttachment(ctx context.Context, actor *dealgate.User, dealID int64, rfiID *int64, filename string, content []byte, limit int64) (dealgate.DealAttachment, error) {
	contentType, err := dealgate.ValidateDocument(filename, content, limit)
	if err != nil {
		return dealgate.DealAttachment{}, err
	}
	sum := sha256.Sum256(content)
	id, err := tx.Q.InsertDealAttachment(ctx, sqlc.InsertDealAttachmentParams{
		DealID: dealID, Filename: dealgate.CleanText(filename), ContentType: contentType,
		SizeBytes: int64(len(content)), Sha256: sum[:], Now: tx.Now, UploadedBy: actorID(actor), RfiID: rfiID,
	})
	if err != nil {
		return dealgate.DealAttachment{}, fmt.Errorf("insert attachment: %w", err)
	}
	if err := tx.Q.InsertDealAttachmentContent(ctx, sqlc.InsertDealAttachmentContentParams{AttachmentID: id, Content: content}); err != nil {
		return dealgate.DealAttachment{}, fmt.Errorf("insert attachment content: %w", err)
	}
	a, err := tx.dealAttachment(ctx, id)
	if err != nil {
		return a, err
	}
	after := attachmentSnapshot(a)
	if rfiID != nil {
		after["request_for_information"] = *rfiID
	}
	return a, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: "deal_attachment.added", EntityType: dealgate.EntityDealAttachment, EntityID: idString(id), After: after,
	})
}

// Attachment returns one attachment's metadata, if actor may see its deal.
// Errors: EUNAUTHORIZED, ENOTFOUND.
func (s *Deals) Attachment(ctx context.Context, actor *dealgate.User, id int64) (dealgate.DealAttachment, error) {
	return inBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.DealAttachment, error) {
		a, err := tx.dealAttachment(ctx, id)
		if err != nil {
			return a, err
		}
		_, err = tx.authorizeDeal(ctx, actor, a.DealID, dealgate.DealRead)
		return a, err
	})
}

// DownloadAttachment returns an attachment and its content. A download
// (record true) is an audit event in the same transaction; a HEAD request
// passes record false and writes nothing.
// Errors: EUNAUTHORIZED, ENOTFOUND.
func (s *Deals) DownloadAttachment(ctx context.Context, actor *dealgate.User, id int64, record bool) (dealgate.DealAttachment, []byte, error) {
	type result struct {
		a       dealgate.DealAttachment
		content []byte
	}
	res, err := inBound(ctx, s.DB, s.tx, func(tx *Tx) (result, error) {
		a, err := tx.dealAttachment(ctx, id)
		if err != nil {
			return result{}, err
		}
		if _, err := tx.authorizeDeal(ctx, actor, a.DealID, dealgate.DealRead); err != nil {
			return result{}, err
		}
		content, err := tx.Q.GetDealAttachmentContent(ctx, id)
		if err != nil {
			return result{}, orNotFound(err, "attachment")
		}
		if !record {
			return result{a, content}, nil
		}
		return result{a, content}, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "deal_attachment.downloaded", EntityType: dealgate.EntityDealAttachment, EntityID: idString(id),
			After: attachmentSnapshot(a),
		})
	})
	return res.a, res.content, err
}

// RemoveAttachment removes an attachment from a draft; once submitted, what
// was attached stays with the deal. The audit event keeps its name and SHA-256.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN, ECONFLICT (not a draft).
func (s *Deals) RemoveAttachment(ctx context.Context, actor *dealgate.User, id int64) (dealgate.DealAttachment, error) {
	return inBound(ctx, s.DB, s.tx, func(tx *Tx) (dealgate.DealAttachment, error) {
		a, err := tx.dealAttachment(ctx, id)
		if err != nil {
			return a, err
		}
		d, err := tx.lockDealAnyVersion(ctx, actor, a.DealID, dealgate.DealEdit)
		if err != nil {
			return a, err
		}
		if d.Status != dealgate.DealDraft {
			return a, dealgate.Errorf(dealgate.ECONFLICT, "Attachments of a submitted deal stay with it; only a draft's can be removed.")
		}
		if err := tx.Q.DeleteDealAttachment(ctx, id); err != nil {
			return a, err
		}
		return a, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "deal_attachment.removed", EntityType: dealgate.EntityDealAttachment, EntityID: idString(id),
			Before: attachmentSnapshot(a),
		})
	})
}

func (tx *Tx) dealAttachment(ctx context.Context, id int64) (dealgate.DealAttachment, error) {
	r, err := tx.Q.GetDealAttachment(ctx, id)
	return mapFound(r, err, "attachment", attachmentFromRow)
}

func (tx *Tx) dealAttachments(ctx context.Context, dealID int64) ([]dealgate.DealAttachment, error) {
	rows, err := tx.Q.ListDealAttachments(ctx, dealID)
	if err != nil {
		return nil, fmt.Errorf("load attachments: %w", err)
	}
	out := make([]dealgate.DealAttachment, len(rows))
	for i, r := range rows {
		out[i] = attachmentFromRow(r)
	}
	return out, nil
}

func attachmentFromRow(r sqlc.DealAttachment) dealgate.DealAttachment {
	return dealgate.DealAttachment{DealID: r.DealID, StoredFile: dealgate.StoredFile{
		ID: r.ID, Filename: r.Filename, ContentType: r.ContentType,
		SizeBytes: r.SizeBytes, SHA256: r.Sha256, UploadedAt: r.UploadedAt, UploadedBy: r.UploadedBy,
	}}
}

// attachmentSnapshot is an attachment for the audit trail.
func attachmentSnapshot(a dealgate.DealAttachment) map[string]any {
	return fileSnapshot(a.StoredFile, "deal_id", a.DealID)
}
