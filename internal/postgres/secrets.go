package postgres

import "context"
import "errors"
import "fmt"
import "strconv"
import "strings"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/secretbox"

// sealedColumn is a column that holds secrets sealed with DB.Secrets (see
// internal/secretbox), keyed by a bigint "id". A feature that stores a
// secret it must read back (an SMTP password, a webhook secret) adds its
// column here and uses sealSecret/openSecret, and `dealgate keys rotate`
// reseals it with the rest.
type sealedColumn struct{ table, column string }

var totpSecretColumn = sealedColumn{"users", "totp_secret"}

var sealedColumns = []sealedColumn{totpSecretColumn}

// where binds a sealed value to its row and column.
func (c sealedColumn) where(id int64) string {
	return c.table + "." + c.column + ":" + strconv.FormatInt(id, 10)
}

// sealSecret seals plain for column c of row id under the current key.
func (tx *Tx) sealSecret(c sealedColumn, id int64, plain string) string {
	return tx.secrets.Seal([]byte(plain), c.where(id))
}

// openSecret returns the plain text of a value stored in column c of row
// id. A value stored before secrets were sealed (plain text) is returned as
// it is; serve seals such values when it starts.
func (tx *Tx) openSecret(c sealedColumn, id int64, stored string) (string, error) {
	pt, keyID, err := tx.secrets.Open(stored, c.where(id))
	switch {
	case errors.Is(err, secretbox.ErrNotSealed):
		return stored, nil
	case errors.Is(err, secretbox.ErrUnknownKey):
		return "", dealgate.Internal(fmt.Errorf("%s of row %d is sealed under key %s, which DEALGATE_SECRET_KEY does not hold (keys: %s)",
			c.column, id, keyID, strings.Join(tx.secrets.IDs(), ", ")))
	case err != nil:
		return "", dealgate.Internal(fmt.Errorf("%s of row %d: %w", c.column, id, err))
	}
	return string(pt), nil
}

// SecretsReport says what ResealSecrets did.
type SecretsReport struct {
	KeyID    string // the current key, which now seals every value
	Resealed int    // values sealed under an older key, now under the current one
	Sealed   int    // values that were plain text, now sealed
	Current  int    // values already under the current key
}

// ResealSecrets seals every secret column value under the current key, in
// one transaction: values under an older key of the keyring are opened and
// sealed again, plain-text values (from before secrets were sealed) are
// sealed. With plainOnly, values already sealed are left alone (what serve
// does at start, so that instances mid-way through a key change do not
// fight). A value under a key the keyring lacks stops it, changing nothing.
// The rotation is an audit event (secrets.resealed) naming key IDs and
// counts, never a secret.
func (db *DB) ResealSecrets(ctx context.Context, plainOnly bool) (SecretsReport, error) {
	rep := SecretsReport{KeyID: db.Secrets.CurrentID()}
	err := db.InTx(ctx, func(tx *Tx) error {
		rep = SecretsReport{KeyID: db.Secrets.CurrentID()}
		for _, c := range sealedColumns {
			tbl, col := pgx.Identifier{c.table}.Sanitize(), pgx.Identifier{c.column}.Sanitize()
			rows, err := tx.Query(ctx, "SELECT id, "+col+" FROM "+tbl+" WHERE "+col+" IS NOT NULL ORDER BY id FOR UPDATE")
			if err != nil {
				return fmt.Errorf("read %s.%s: %w", c.table, c.column, err)
			}
			type value struct {
				id     int64
				stored string
			}
			var values []value
			for rows.Next() {
				var v value
				if err := rows.Scan(&v.id, &v.stored); err != nil {
					rows.Close()
					return err
				}
				values = append(values, v)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, v := range values {
				_, keyID, err := db.Secrets.Open(v.stored, c.where(v.id))
				sealed := !errors.Is(err, secretbox.ErrNotSealed)
				if (sealed && keyID == rep.KeyID && err == nil) || (sealed && plainOnly) {
					if keyID == rep.KeyID {
						rep.Current++
					}
					continue
				}
				plain, err := tx.openSecret(c, v.id, v.stored)
				if err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, "UPDATE "+tbl+" SET "+col+" = $1 WHERE id = $2", tx.sealSecret(c, v.id, plain), v.id); err != nil {
					return fmt.Errorf("reseal %s.%s of row %d: %w", c.table, c.column, v.id, err)
				}
				if sealed {
					rep.Resealed++
				} else {
					rep.Sealed++
				}
			}
		}
		if rep.Resealed+rep.Sealed == 0 {
			return nil
		}
		return tx.Audit(ctx, dealgate.AuditEvent{
			Action: "secrets.resealed", EntityType: "secrets", EntityID: rep.KeyID,
			After: map[string]any{"key_id": rep.KeyID, "resealed": rep.Resealed, "sealed_plain": rep.Sealed, "already_current": rep.Current},
		})
	})
	return rep, err
}
