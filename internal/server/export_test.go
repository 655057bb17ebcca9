package server

import "time"

// AdvanceClock moves the clock sessions slide by d ahead, for tests.
func (s *Server) AdvanceClock(d time.Duration) { s.clockSkew.Add(int64(d)) }

// EntityHref is the audit trail's link to a record, for tests.
var EntityHref = entityHref
