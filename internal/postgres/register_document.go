package postgres

import (
	"context"

	"github.com/dealgate/dealgate/internal/dealgate"
)

// Document returns one document's metadata, without its content and without
// recording a download (for confirmation pages).
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) Document(ctx context.Context, actor *dealgate.User, id int64) (dealgate.Document, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Document, error) {
		return tx.document(ctx, id)
	})
}
