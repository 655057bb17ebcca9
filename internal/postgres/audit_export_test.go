package postgres_test

import "bytes"
import "context"
import "encoding/csv"
import "encoding/json"
import "io"
import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/pgtest"
import "github.com/dealgate/dealgate/internal/postgres"

func TestAuditExportVerifiesAndIsAudited(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	for i := range 12 {
		if err := writeEvent(ctx, db, i); err != nil {
			t.Fatal(err)
		}
	}
	// An event with an entity ID a spreadsheet would run.
	if err := db.InTx(ctx, func(tx *postgres.Tx) error {
		return tx.Audit(ctx, dealgate.AuditEvent{Action: "test.formula", EntityType: "test", EntityID: "=1+2", After: map[string]any{"v": "@x"}})
	}); err != nil {
		t.Fatal(err)
	}
	auditor := &dealgate.User{ID: 1, Email: "aud@example.test", Roles: []dealgate.Role{dealgate.RoleAuditor}, Status: dealgate.UserActive}
	member := &dealgate.User{ID: 2, Email: "mem@example.test", Roles: []dealgate.Role{dealgate.RoleMember}, Status: dealgate.UserActive}
	s := postgres.NewAuditExports(db, postgres.ExportOptions{Conns: 1, Concurrent: 1})
	t.Cleanup(s.Close)

	run := func(who *dealgate.User, f export.Format, filter dealgate.AuditFilter) ([]byte, postgres.ExportResult, error) {
		var buf bytes.Buffer
		res, err := s.Export(ctx, who, postgres.ExportRequest{Filter: filter, Format: f,
			Filters: []export.Filter{{Name: "Action", Value: filter.ActionPrefix}}},
			func(export.Meta) (io.Writer, error) { return &buf, nil })
		return buf.Bytes(), res, err
	}
	for _, f := range []export.Format{export.CSV, export.JSONL} {
		data, res, err := run(auditor, f, dealgate.AuditFilter{ActionPrefix: "test."})
		if err != nil {
			t.Fatal(err)
		}
		if res.Proof.Rows != 13 {
			t.Fatalf("%s: %d rows", f, res.Proof.Rows)
		}
		v, err := export.Verify(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: a fresh export does not verify: %v", f, err)
		}
		// The proof matches the database's chain.
		rep := mustVerify(t, db)
		if v.Proof.HeadSeq > rep.HeadSeq || v.Proof.LastSeq != 13 {
			t.Fatalf("%s: proof %+v, chain %+v", f, v.Proof, rep)
		}
		if f == export.CSV {
			recs, err := csv.NewReader(bytes.NewReader(data[:bytes.LastIndex(data[:len(data)-1], []byte("\n"))+1])).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got := recs[13][7]; got != "'=1+2" {
				t.Fatalf("formula entity id exported as %q", got)
			}
		}
	}
	// A filter narrows the export; events in between are not contiguous.
	data, res, err := run(auditor, export.JSONL, dealgate.AuditFilter{EntityID: "3"})
	if err != nil || res.Proof.Rows != 1 {
		t.Fatalf("filtered: %v, %d rows", err, res.Proof.Rows)
	}
	if _, err := export.Verify(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	// Exporting is audited: who, filters, rows, format.
	page, err := postgres.NewAudit(db).List(ctx, auditor, dealgate.AuditFilter{ActionPrefix: "audit.exported"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 3 || page.Items[0].EntityID != "jsonl" || !strings.Contains(string(page.Items[0].After.(json.RawMessage)), `"rows": 1`) {
		t.Fatalf("export events: %+v", page.Items)
	}
	// XLSX and PDF are produced too.
	for _, f := range []export.Format{export.XLSX, export.PDF} {
		data, _, err := run(auditor, f, dealgate.AuditFilter{})
		if err != nil || len(data) < 1000 {
			t.Fatalf("%s: %v (%d bytes)", f, err, len(data))
		}
	}
	// Members may not export.
	if _, _, err := run(member, export.CSV, dealgate.AuditFilter{}); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Fatalf("member: %v", err)
	}
}

func TestAuditExportConcurrencyLimit(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	admin := &dealgate.User{ID: 1, Email: "adm@example.test", Roles: []dealgate.Role{dealgate.RoleAdmin}, Status: dealgate.UserActive}
	s := postgres.NewAuditExports(db, postgres.ExportOptions{Conns: 1, Concurrent: 1})
	t.Cleanup(s.Close)
	var inner error
	_, err := s.Export(ctx, admin, postgres.ExportRequest{Format: export.CSV}, func(export.Meta) (io.Writer, error) {
		// A second export while the first holds the only slot.
		_, inner = s.Export(ctx, admin, postgres.ExportRequest{Format: export.CSV}, func(export.Meta) (io.Writer, error) { return io.Discard, nil })
		return io.Discard, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if dealgate.ErrorCode(inner) != dealgate.ETOOMANY || !strings.Contains(dealgate.ErrorMessage(inner), "Try again shortly") {
		t.Fatalf("second export: %v", inner)
	}
	// The slot is free again.
	if _, err := s.Export(ctx, admin, postgres.ExportRequest{Format: export.JSONL}, func(export.Meta) (io.Writer, error) { return io.Discard, nil }); err != nil {
		t.Fatal(err)
	}
}
