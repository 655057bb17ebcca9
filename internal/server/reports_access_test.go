package server_test

// The reports' routes in the access matrix. The decision register is for
// admins and auditors (ActExport); the decision packet for admins, auditors
// and chairs (ActDecisionPacket), and the matrix's deals have no decision,
// so it is 404 to them; prepared exports are per user, and the matrix's IDs
// are nobody's, so 404 (another user's export is never revealed). An empty
// prepare form names no format: 422, nothing starts.
func init() {
	auditors := func(e expect) grant { return grant{"admin": e, "auditor": e} }
	for k, g := range map[string]grant{
		"GET /reports/decisions":        auditors(same(ok)),
		"GET /reports/decisions/export": auditors(same(ok)),
		"GET /deals/:id/packet.pdf":     {"admin": same(notFound), "chair": same(notFound), "auditor": same(notFound)},
		"POST /audit/export/prepare":    auditors(same(invalid)),
		"GET /exports/:id":              auditors(same(notFound)),
		"GET /exports/:id/download":     auditors(same(notFound)),
	} {
		matrix[k] = g
	}
}
