package postgres

import "context"
import "fmt"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// claimSubmission records, inside the create's own transaction, that a
// create form's one-time token has been used: a double click or a
// resubmitted page is refused instead of creating a second record. The
// primary key makes two concurrent claims of one token end with exactly one
// winner, and a create that fails rolls its claim back with it, so the
// corrected form can be sent again.
// Errors: ECONFLICT (already claimed), EINVALID (malformed), EINTERNAL.
func (tx *Tx) claimSubmission(ctx context.Context, token string) error {
	if len(token) < 16 || len(token) > 64 {
		return dealgate.Errorf(dealgate.EINVALID, "This form is missing its one-time token. Reload the page and try again.")
	}
	n, err := tx.Q.ClaimSubmission(ctx, sqlc.ClaimSubmissionParams{Token: token, Now: tx.Now})
	if err != nil {
		return fmt.Errorf("claim submission: %w", err)
	}
	if n == 0 {
		return dealgate.Errorf(dealgate.ECONFLICT, "This form was already submitted, so nothing was created a second time.")
	}
	return nil
}

// PurgeSubmissions forgets claims older than a day: no page stays open that long
// with a form worth protecting.
func (db *DB) PurgeSubmissions(ctx context.Context) (int64, error) {
	n, err := db.Queries().PurgeSubmissions(ctx, db.Now().Add(-24*time.Hour))
	if err != nil {
		return 0, translate(fmt.Errorf("purge submissions: %w", err))
	}
	return n, nil
}
