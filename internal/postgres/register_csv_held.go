package postgres

import "bytes"
import "context"
import "crypto/sha256"
import "encoding/hex"
import "fmt"
import "io"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

const (
	// ImportHoldTTL is how long a checked CSV file is held for its import.
	ImportHoldTTL = 30 * time.Minute
	// importHeldPerUser is how many checked files a user has held at once;
	// checking another forgets the oldest.
	importHeldPerUser = 3
)

// CheckCSVForm is the import form's dry run of the file name, data. A clean
// file is held in the database for ImportHoldTTL, keyed by actor and its
// SHA-256, so that ImportHeldCSVForm imports it on any instance without a
// second upload; held is that hash, "" when the file has problems.
// Errors: as ImportCSV's.
func (s *Register) CheckCSVForm(ctx context.Context, actor *dealgate.User, name string, data []byte) (rep ImportReport, held string, err error) {
	rep, err = s.ImportCSV(ctx, actor, bytes.NewReader(data), true)
	if err != nil || len(rep.Problems) > 0 {
		return rep, "", err
	}
	sum := sha256.Sum256(data)
	held = hex.EncodeToString(sum[:])
	err = s.DB.InTx(ctx, func(tx *Tx) error {
		if err := tx.Q.HoldImport(ctx, sqlc.HoldImportParams{UserID: actor.ID, Hash: held, Name: name, Data: data,
			ExpiresAt: tx.Now.Add(ImportHoldTTL)}); err != nil {
			return err
		}
		return tx.Q.TrimHeldImports(ctx, sqlc.TrimHeldImportsParams{UserID: actor.ID, Keep: importHeldPerUser})
	})
	if err != nil {
		return rep, "", translate(fmt.Errorf("hold checked import: %w", err))
	}
	return rep, held, nil
}

// ImportHeldCSVForm imports the file actor checked with CheckCSVForm, by its
// hash. In one transaction it claims the form's one-time token, takes the
// held file and imports it; a failed import keeps the file held. name is the
// file's name as uploaded.
// Errors: as ImportCSVForm's, and ENOTFOUND (the file is no longer held,
// or was checked by someone else).
func (s *Register) ImportHeldCSVForm(ctx context.Context, actor *dealgate.User, once, hash string) (rep ImportReport, name string, err error) {
	rep, err = s.importCSV(ctx, actor, false, func(tx *Tx) (io.Reader, error) {
		if err := tx.claimSubmission(ctx, once); err != nil {
			return nil, err
		}
		row, err := tx.Q.TakeHeldImport(ctx, sqlc.TakeHeldImportParams{UserID: actor.ID, Hash: hash, Now: tx.Now})
		if isNotFound(err) {
			return nil, dealgate.Errorf(dealgate.ENOTFOUND, "The checked file is no longer held (it is kept for 30 minutes).")
		}
		if err != nil {
			return nil, translate(fmt.Errorf("take held import: %w", err))
		}
		name = row.Name
		return bytes.NewReader(row.Data), nil
	})
	return rep, name, err
}

// PurgeHeldImports forgets checked files whose time is up.
func (db *DB) PurgeHeldImports(ctx context.Context) (int64, error) {
	n, err := db.Queries().PurgeHeldImports(ctx, db.Now())
	if err != nil {
		return 0, translate(fmt.Errorf("purge held imports: %w", err))
	}
	return n, nil
}
