// Package auditbench holds the audit reports' benchmarks on a generated
// trail (demo.LoadAuditScale): CSV export against Postgres's own COPY of the
// same rows in the same run, XLSX, the PDF report, and a page deep in the
// audit browser. It has no production code. The trail's size is
// AUDITBENCH_EVENTS (default 1,000,000; the targets are for
// 1,000,000 events, the seeder's default is 2,000,000); run with
//
//	AUDITBENCH_EVENTS=1000000 go test -run '^$' -bench . -benchtime 1x -timeout 60m ./internal/auditbench
//
// With AUDITBENCH_DATABASE_URL set, the benchmarks use that database
// (migrated first) and keep it: it is topped up to AUDITBENCH_EVENTS events,
// so a long load is paid once; a larger trail there is used as it is.
//
// Each benchmark reports rows/s and the process's peak resident memory
// (peak-RSS-MB, from getrusage: the whole process, so the highest of the
// benchmarks run so far).
package auditbench
