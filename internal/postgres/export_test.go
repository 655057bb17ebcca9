package postgres

import "context"

// AuditActionsSQL is auditActionsSQL, for the plan test in the external
// test package.
const AuditActionsSQL = auditActionsSQL

// QueueMail is tx.queueMail, for the outbox tests in the external test
// package.
func QueueMail(ctx context.Context, tx *Tx, to, subject, body string) error {
	return tx.queueMail(ctx, nil, to, "", subject, body, "")
}

// RescreenBusyBatch is rescreenBusyBatch, for the re-screening tests.
const RescreenBusyBatch = rescreenBusyBatch
