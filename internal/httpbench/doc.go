// Package httpbench is the load benchmark of whole page requests (make
// bench-http). It starts the real server in-process on the scale data set
// and, in the same run and on the same database, a reference handler of the
// TechEmpower "Fortunes" shape (echo + pgx + html/template, one query, 12
// escaped rows); it drives each with 64 concurrent keep-alive clients for a
// fixed number of requests and prints requests/s, p50, p99 and the ratio to
// the reference. It has no production code; the pages are the table in
// pages_test.go, one line each. See docs/performance.md.
package httpbench
