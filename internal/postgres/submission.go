package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/dealgate/dealgate/internal/dealgate"
)

// ClaimSubmission records that a create form's one-time token has been used.
// The primary key makes two concurrent claims of one token end with exactly
// one winner.
// Errors: ECONFLICT (already claimed), EINVALID (malformed), EINTERNAL.
func (db *DB) ClaimSubmission(ctx context.Context, token string) error {
	if len(token) < 16 || len(token) > 64 {
		return dealgate.Errorf(dealgate.EINVALID, "This form is missing its one-time token. Reload the page and try again.")
	}
	_, err := db.Pool.Exec(ctx, `INSERT INTO form_submission (token, claimed_at) VALUES ($1, $2)`, token, db.Now())
	if dealgate.ErrorCode(translate(err)) == dealgate.ECONFLICT {
		return dealgate.Errorf(dealgate.ECONFLICT, "This form was already submitted, so nothing was created a second time.")
	}
	if err != nil {
		return translate(fmt.Errorf("claim submission: %w", err))
	}
	return nil
}

// ReleaseSubmission forgets a claim whose create failed, so the same page
// may be submitted again once corrected.
func (db *DB) ReleaseSubmission(ctx context.Context, token string) {
	_, _ = db.Pool.Exec(context.WithoutCancel(ctx), `DELETE FROM form_submission WHERE token = $1`, token)
}

// PurgeSubmissions forgets claims older than a day: no page stays open that long
// with a form worth protecting.
func (db *DB) PurgeSubmissions(ctx context.Context) (int64, error) {
	tag, err := db.Pool.Exec(ctx, `DELETE FROM form_submission WHERE claimed_at < $1`, db.Now().Add(-24*time.Hour))
	if err != nil {
		return 0, translate(fmt.Errorf("purge submissions: %w", err))
	}
	return tag.RowsAffected(), nil
}
