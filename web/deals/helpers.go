package deals

import "github.com/dealgate/dealgate/web/components"
import "strings"

// regionsDescribedBy is what describes the territory group: its hint, and
// its error when it has one.
func regionsDescribedBy(err string) string {
	if err != "" {
		return "regions-hint regions-error"
	}
	return "regions-hint"
}

func joinExamples(xs []string) string { return strings.Join(xs, "; ") }

func orNotYet(s string) string {
	if s == "" {
		return "Not provided yet."
	}
	return s
}

func shareAccessError(errs []components.FieldError) string {
	for _, e := range errs {
		if e.Field == "access" {
			return e.Message
		}
	}
	return ""
}
