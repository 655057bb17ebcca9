package postgres

// AuditActionsSQL is auditActionsSQL, for the plan test in the external
// test package.
const AuditActionsSQL = auditActionsSQL
