package postgres

import "context"
import "crypto/sha256"
import "encoding/hex"
import "fmt"
import "io"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Document returns one document's metadata, without its content and without
// recording a download (for confirmation pages).
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) Document(ctx context.Context, actor *dealgate.User, id int64) (dealgate.Document, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Document, error) {
		return tx.document(ctx, id)
	})
}

// ---------------------------------------------------------------------------
// Documents

// AddDocument stores a document for an agreement. The content is read (up
// to the size limit) before the transaction starts; its type is sniffed
// from the bytes and its SHA-256 recorded.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND (agreement), EINVALID
// ("file": empty, too large, not PDF/DOCX/text).
func (s *Register) AddDocument(ctx context.Context, actor *dealgate.User, agreementID int64, filename string, r io.Reader) (dealgate.Document, error) {
	return s.addDocument(ctx, actor, agreementID, filename, r, nil)
}

// addDocument is AddDocument; claim, when set, runs first in the transaction.
func (s *Register) addDocument(ctx context.Context, actor *dealgate.User, agreementID int64, filename string, r io.Reader, claim func(tx *Tx) error) (dealgate.Document, error) {
	if err := dealgate.Authorize(actor, dealgate.ActRegisterEdit); err != nil {
		return dealgate.Document{}, err
	}
	content, limit, err := s.readUpload(r)
	if err != nil {
		return dealgate.Document{}, err
	}
	contentType, err := dealgate.ValidateDocument(filename, content, limit)
	if err != nil {
		return dealgate.Document{}, err
	}
	sum := sha256.Sum256(content)
	return inTx(ctx, s.DB, func(tx *Tx) (dealgate.Document, error) {
		if claim != nil {
			if err := claim(tx); err != nil {
				return dealgate.Document{}, err
			}
		}
		if _, err := tx.Q.ShareLockAgreement(ctx, agreementID); err != nil {
			return dealgate.Document{}, orNotFound(err, "agreement")
		}
		id, err := tx.Q.InsertDocument(ctx, sqlc.InsertDocumentParams{
			AgreementID: agreementID, Filename: dealgate.CleanText(filename), ContentType: contentType,
			SizeBytes: int64(len(content)), Sha256: sum[:], Now: tx.Now, UploadedBy: actorID(actor),
		})
		if err != nil {
			return dealgate.Document{}, fmt.Errorf("insert document: %w", err)
		}
		if err := tx.Q.InsertDocumentContent(ctx, sqlc.InsertDocumentContentParams{DocumentID: id, Content: content}); err != nil {
			return dealgate.Document{}, fmt.Errorf("insert document content: %w", err)
		}
		d, err := tx.document(ctx, id)
		if err != nil {
			return d, err
		}
		return d, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "agreement_document.added", EntityType: dealgate.EntityDocument, EntityID: idString(id), After: documentSnapshot(d),
		})
	})
}

// readUpload reads an upload (a document, a deal's attachment) up to one
// byte past the size limit, so that ValidateDocument can refuse what is too
// large.
func (s *Register) readUpload(r io.Reader) ([]byte, int64, error) {
	limit := s.maxDocumentBytes()
	content, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, limit, dealgate.Internal(fmt.Errorf("read upload: %w", err))
	}
	return content, limit, nil
}

// Documents lists an agreement's documents (metadata only).
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) Documents(ctx context.Context, actor *dealgate.User, agreementID int64) ([]dealgate.Document, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) ([]dealgate.Document, error) {
		if _, err := tx.Q.GetAgreement(ctx, agreementID); err != nil {
			return nil, orNotFound(err, "agreement")
		}
		rows, err := tx.Q.ListDocuments(ctx, agreementID)
		if err != nil {
			return nil, err
		}
		out := make([]dealgate.Document, len(rows))
		for i, r := range rows {
			out[i] = documentFromRow(r)
		}
		return out, nil
	})
}

// DownloadDocument returns a document and its content, and records the
// download as an audit event in the same transaction. Serve it with
// Document.DownloadName as an attachment and the stored content type.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) DownloadDocument(ctx context.Context, actor *dealgate.User, id int64) (dealgate.Document, []byte, error) {
	type result struct {
		doc     dealgate.Document
		content []byte
	}
	res, err := authorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (result, error) {
		d, err := tx.document(ctx, id)
		if err != nil {
			return result{}, err
		}
		content, err := tx.Q.GetDocumentContent(ctx, id)
		if err != nil {
			return result{}, orNotFound(err, "document")
		}
		return result{d, content}, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "agreement_document.downloaded", EntityType: dealgate.EntityDocument, EntityID: idString(id),
			After: documentSnapshot(d),
		})
	})
	return res.doc, res.content, err
}

// RemoveDocument deletes a document and its content; the audit event keeps
// its name and SHA-256. It returns the document as it was.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) RemoveDocument(ctx context.Context, actor *dealgate.User, id int64) (dealgate.Document, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Document, error) {
		d, err := tx.document(ctx, id)
		if err != nil {
			return d, err
		}
		if err := tx.Q.DeleteDocument(ctx, id); err != nil {
			return dealgate.Document{}, err
		}
		return d, tx.auditAs(ctx, actor, dealgate.AuditEvent{
			Action: "agreement_document.removed", EntityType: dealgate.EntityDocument, EntityID: idString(id),
			Before: documentSnapshot(d),
		})
	})
}

func (tx *Tx) document(ctx context.Context, id int64) (dealgate.Document, error) {
	r, err := tx.Q.GetDocument(ctx, id)
	return mapFound(r, err, "document", documentFromRow)
}

func documentFromRow(r sqlc.AgreementDocument) dealgate.Document {
	return dealgate.Document{AgreementID: r.AgreementID, StoredFile: dealgate.StoredFile{
		ID: r.ID, Filename: r.Filename, ContentType: r.ContentType,
		SizeBytes: r.SizeBytes, SHA256: r.Sha256, UploadedAt: r.UploadedAt, UploadedBy: r.UploadedBy,
	}}
}

// documentSnapshot is a document for the audit trail.
func documentSnapshot(d dealgate.Document) map[string]any {
	return fileSnapshot(d.StoredFile, "agreement_id", d.AgreementID)
}

// fileSnapshot is a stored file (a document or a deal's attachment) for the
// audit trail, its hash in hex; owner names the record it belongs to.
func fileSnapshot(d dealgate.StoredFile, owner string, ownerID int64) map[string]any {
	return map[string]any{
		"id": d.ID, owner: ownerID, "filename": d.Filename, "content_type": d.ContentType,
		"size_bytes": d.SizeBytes, "sha256": hex.EncodeToString(d.SHA256),
	}
}
