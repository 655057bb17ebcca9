// Package registerbench holds the agreement register's scale tests: the
// benchmarks of the agreement list and full-text search on the scale data
// set (demo.LoadScale) and the query-plan checks. It has no production code;
// run the benchmarks with
//
//	go test -run '^$' -bench . -benchtime 400x ./internal/registerbench
package registerbench
