package dealgate

import "strings"

// AuditPage is one keyset page of the audit trail, newest first. Count is
// exact up to AuditCountCap; beyond it CountCapped is set and Count is the cap.
type AuditPage struct {
	Items         []AuditEvent
	HasNewer      bool
	HasOlder      bool
	Count         int
	CountCapped   bool
	Before, After int64 // the cursor the page was read with
	PerPage       int
	NewestID      int64
	OldestID      int64
	// Derived keeps what the server derives from a cached page (its
	// rendered content); nil when the page is not cached.
	Derived *Derived
}

// AuditCountCap bounds the count shown above the audit trail: counting
// millions of events on every page costs more than it tells.
const AuditCountCap = 10000

// actionNames are the plain names of the actions whose generated name
// (ActionName) would read badly.
var actionNames = map[string]string{
	"auth.signed_in":                  "Signed in",
	"auth.signed_out":                 "Signed out",
	"auth.signed_out_everywhere":      "Signed out everywhere else",
	"auth.sign_in_failed":             "Sign-in failed",
	"auth.reauth_failed":              "Password confirmation failed",
	"auth.throttled":                  "Sign-in attempts throttled",
	"audit.exported":                  "Audit trail exported",
	"register.exported":               "Register exported",
	"decisions.exported":              "Decision register exported",
	"deal.packet_exported":            "Decision packet exported",
	"register.imported":               "Register imported",
	"register.scale_seeded":           "Scale data loaded",
	"taxonomy.published":              "Taxonomy version published",
	"taxonomy.draft_started":          "Taxonomy draft started",
	"taxonomy.draft_discarded":        "Taxonomy draft discarded",
	"user.totp_enabled":               "Two-step verification turned on",
	"user.totp_removed":               "Two-step verification removed",
	"user.totp_reset":                 "Two-step verification reset by an admin",
	"user.recovery_codes_regenerated": "Recovery codes replaced",
	"user.password_reset_issued":      "Password link issued",
	"user.password_reset_used":        "Password set from a link",
	"secrets.resealed":                "Secrets sealed under a new key",
	"demo.step_loaded":                "Demo data step loaded",
	"demo.story_loaded":               "Demo data loaded",
	"agreement_document.downloaded":   "Agreement document downloaded",
	"deal_attachment.downloaded":      "Deal attachment downloaded",
}

// ActionName is the plain name of an audit action: "deal.submitted" reads
// "Deal submitted", "agreement_document.added" "Agreement document added".
func ActionName(action string) string {
	if n, ok := actionNames[action]; ok {
		return n
	}
	s := strings.NewReplacer(".", " ", "_", " ").Replace(action)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ActionGroupName is the plain name of the events of one kind of record,
// e.g. "deal." reads "All deal events".
func ActionGroupName(prefix string) string {
	return "All " + strings.ReplaceAll(strings.TrimSuffix(prefix, "."), "_", " ") + " events"
}
