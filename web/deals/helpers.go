package deals

import "github.com/dealgate/dealgate/web/components"
import "strconv"
import "strings"

// indent is the class that shifts a category under its parent in the picker.
func indent(depth int) string {
	return "category-choice--depth-" + strconv.Itoa(min(max(depth, 0), 4))
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
