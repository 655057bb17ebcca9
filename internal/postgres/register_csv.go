package postgres

// Bulk import and export of the register as CSV, in the template of
// internal/csvformat (columns, reading, problems, cell escaping). These are
// the services: they resolve names, validate, write in one transaction with
// the audit event, and read the register for the export.

import "context"
import "errors"
import "fmt"
import "io"

import "github.com/dealgate/dealgate/internal/csvformat"
import "github.com/dealgate/dealgate/internal/dealgate"

// ImportReport says what an import did, or would do in a dry run.
type ImportReport = csvformat.Report

var errDryRun = errors.New("dry run: roll back")

// ImportCSV reads the register template from r. It checks every row and
// reports every problem with its line number; only when there are none,
// and dryRun is false, does it create the parties, agreements and clauses, all in
// one transaction with their audit events, so an import is all or nothing.
// A dry run does the same work and rolls it back.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (the report lists the problems).
func (s *Register) ImportCSV(ctx context.Context, actor *dealgate.User, r io.Reader, dryRun bool) (ImportReport, error) {
	return s.importCSV(ctx, actor, dryRun, func(*Tx) (io.Reader, error) { return r, nil })
}

// ImportCSVForm is ImportCSV for the import form: an import (not a dry run)
// happens at most once per form, once being the form's one-time token,
// claimed in the import's transaction.
// Errors: as ImportCSV's, and ECONFLICT (the form was already used).
func (s *Register) ImportCSVForm(ctx context.Context, actor *dealgate.User, once string, r io.Reader, dryRun bool) (ImportReport, error) {
	if dryRun {
		return s.ImportCSV(ctx, actor, r, dryRun)
	}
	return s.importCSV(ctx, actor, dryRun, func(tx *Tx) (io.Reader, error) { return r, tx.claimSubmission(ctx, once) })
}

// importCSV imports (or checks) the file that open returns inside the
// import's transaction, after whatever else it claims there.
func (s *Register) importCSV(ctx context.Context, actor *dealgate.User, dryRun bool, open func(tx *Tx) (io.Reader, error)) (ImportReport, error) {
	rep := ImportReport{DryRun: dryRun}
	if err := dealgate.Authorize(actor, dealgate.ActRegisterEdit); err != nil {
		return rep, err
	}
	err := s.DB.InTx(ctx, func(tx *Tx) error {
		r, err := open(tx)
		if err != nil {
			return err
		}
		rep, err = tx.importCSV(ctx, actor, r, dryRun)
		if err != nil {
			return err
		}
		if len(rep.Problems) > 0 {
			return &dealgate.Error{Code: dealgate.EINVALID, Message: fmt.Sprintf(
				"%d problem(s) found; nothing was imported. Fix the rows listed and try again.", len(rep.Problems))}
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return rep, err
}

type importAgreement struct {
	ref     string
	line    int
	cells   map[string]string
	input   dealgate.AgreementInput
	clauses []importClause
}

type importClause struct {
	line  int
	input dealgate.ClauseInput
}

// importCSV parses, resolves and validates every row, then creates the
// records; it returns the report, and an error only for failures that are
// not the file's fault.
func (tx *Tx) importCSV(ctx context.Context, actor *dealgate.User, r io.Reader, dryRun bool) (rep ImportReport, err error) {
	rep.DryRun = dryRun
	var probs csvformat.Problems
	problem := probs.Add
	defer func() { rep.Problems = probs.List() }()
	rows, ok := csvformat.Read(r, &probs)
	rep.Rows = len(rows)
	if !ok {
		return rep, nil
	}
	res := newResolver(tx)
	if err := res.load(ctx); err != nil {
		return rep, err
	}

	order, err := res.group(ctx, actor, rows, problem)
	if err != nil {
		return rep, err
	}
	rep.Parties = res.created
	if probs.Any() {
		return rep, nil
	}

	// Create: the tx methods validate again against the database and write
	// the audit events. A problem here is still reported by line.
	if done, err := tx.createImported(ctx, actor, order, &rep, problem); err != nil || !done {
		return rep, err
	}
	if err := res.retireCreated(ctx, actor); err != nil {
		return rep, err
	}
	if dryRun {
		return rep, nil
	}
	return rep, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: "register.imported", EntityType: dealgate.EntityRegister, EntityID: "import",
		After: map[string]int{"rows": rep.Rows, "parties": rep.Parties, "agreements": rep.Agreements, "clauses": rep.Clauses},
	})
}

// group resolves each row's party, agreement and clause and groups the rows
// into agreements, in file order; the file's problems go to problem.
func (res *resolver) group(ctx context.Context, actor *dealgate.User, rows []csvformat.Row, problem func(int, string, string, ...any)) ([]*importAgreement, error) {
	var order []*importAgreement
	byRef := map[string]*importAgreement{}
	for _, row := range rows {
		ref := row.Cells["agreement_ref"]
		// The row's party first: a new party is created here, before any
		// agreement, so that later rows can name it.
		if err := res.rowParty(ctx, actor, row, func(col, msg string) { problem(row.Line, col, "%s", msg) }); err != nil {
			return nil, err
		}
		if ref == "" {
			if !csvformat.IsPartyRow(row.Cells) {
				problem(row.Line, "agreement_ref", "Give every row an agreement_ref; rows with the same ref are one agreement. "+
					"(A row that only adds a party has party and party_kind and leaves every agreement and clause column blank.)")
			}
			continue
		}
		a, seen := byRef[ref]
		if !seen {
			a = &importAgreement{ref: ref, line: row.Line, cells: row.Cells}
			byRef[ref] = a
			order = append(order, a)
			if err := res.agreement(ctx, a, func(col, msg string) { problem(row.Line, col, "%s", msg) }); err != nil {
				return nil, err
			}
		} else {
			for _, col := range csvformat.AgreementColumns {
				if v := row.Cells[col]; v != "" && v != a.cells[col] {
					problem(row.Line, col, "differs from line %d of agreement %s; leave it blank or repeat it exactly", a.line, ref)
				}
			}
		}
		if row.Cells["clause_kind"] == "" {
			if csvformat.HasClauseCells(row.Cells) {
				problem(row.Line, "clause_kind", "Give the clause kind, or leave every clause column blank")
			}
			continue
		}
		c, err := res.clause(ctx, a, row.Cells, func(col, msg string) { problem(row.Line, col, "%s", msg) })
		if err != nil {
			return nil, err
		}
		c.line = row.Line
		a.clauses = append(a.clauses, c)
	}
	return order, nil
}

// createImported creates the checked agreements and clauses in file order,
// counting them on rep; done is false when a problem was reported instead.
func (tx *Tx) createImported(ctx context.Context, actor *dealgate.User, order []*importAgreement, rep *ImportReport, problem func(int, string, string, ...any)) (done bool, err error) {
	for _, a := range order {
		created, err := tx.CreateAgreement(ctx, actor, a.input)
		if err != nil {
			if !reportable(err) {
				return false, err
			}
			reportError(problem, a.line, err)
			return false, nil
		}
		rep.Agreements++
		for _, c := range a.clauses {
			if _, err := tx.CreateClause(ctx, actor, created.ID, c.input); err != nil {
				if !reportable(err) {
					return false, err
				}
				reportError(problem, c.line, err)
				return false, nil
			}
			rep.Clauses++
		}
	}
	return true, nil
}

func reportable(err error) bool {
	c := dealgate.ErrorCode(err)
	return c == dealgate.EINVALID || c == dealgate.ENOTFOUND
}

func reportError(problem func(int, string, string, ...any), line int, err error) {
	fields := dealgate.ErrorFields(err)
	if len(fields) == 0 {
		problem(line, "", "%s", dealgate.ErrorMessage(err))
		return
	}
	for f, m := range fields {
		problem(line, csvformat.Column(f), "%s", m)
	}
}
