// Package migrations embeds the versioned schema so the binary carries it.
// Files are golang-migrate pairs: NNNNNN_name.up.sql / .down.sql. Never edit a
// migration that has landed on main; add a new one.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
