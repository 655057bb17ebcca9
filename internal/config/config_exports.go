package config

import "strconv"

// loadExportSettings reads the audit exports' and the background jobs'
// budgets into c.
func loadExportSettings(get func(name, def string) string, bad func(name, format string, args ...any), c *Config) {
	read := func(name, def string, lo, hi int) int {
		raw := get(name, def)
		n, err := strconv.Atoi(raw)
		if err != nil || n < lo || n > hi {
			bad(name, "must be a whole number from %d to %d, not %q", lo, hi, raw)
		}
		return n
	}
	c.ExportConcurrency = read("DEALGATE_EXPORT_CONCURRENCY", "2", 1, 50)
	c.ExportDBConns = int32(read("DEALGATE_EXPORT_DB_CONNS", "2", 1, 50))
	c.JobWorkers = read("DEALGATE_JOB_WORKERS", "4", 1, 100)
}
