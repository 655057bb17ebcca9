// Package components holds Dealgate's reusable templ components and the view
// models they take. Markup follows the GOV.UK Design System patterns (forms,
// error summary, summary list, tags) and GitHub Primer (dense lists,
// timelines); the class names are styled by web/static/css/app.css.
package components

import "crypto/sha256"
import "encoding/hex"
import "strconv"
import "strings"

// FieldError is one entry of an error summary. Field is the id of the input
// the entry links to (for a CheckboxGroup or RadioGroup, GroupID(name)).
type FieldError struct {
	Field, Message string
}

// Option is one choice of a select, checkbox group or radio group.
type Option struct {
	Value, Label string
	Selected     bool
}

// Field is the view model of one form control. ID is the input's id (and the
// target of error summary links); Name is the form field name. Type defaults
// to "text"; Rows (textarea) defaults to 5. Error, when set, marks the field
// invalid and is shown beside it.
type Field struct {
	ID, Name, Label, Hint, Type, Value, Error, Autocomplete string
	Required                                                bool
	MaxLength                                               int
	Options                                                 []Option
	Rows                                                    int
	Inputmode                                               string
}

// SummaryRow is one row of a summary list. ActionLabel defaults to "Change"
// when ActionHref is set.
type SummaryRow struct {
	Key, Value, ActionHref, ActionLabel string
	// ValueHref makes the value a link to the record it names.
	ValueHref string
}

// PageLink is one numbered link of a Pager. A link with an empty Href is
// shown as plain text (use Label "…" for a gap).
type PageLink struct {
	Label, Href string
	Current     bool
}

// Pager is the view model of Pagination. Summary is the result count, for
// example "Showing 1–25 of 312"; Prev and Next are URLs, empty when there is
// no such page.
type Pager struct {
	Summary    string
	Prev, Next string
	Links      []PageLink
}

// SortHeader is a sortable column header. Sorted is "", "ascending" or
// "descending"; Href is the URL that sorts by this column (usually toggling
// the direction when the column is already sorted).
type SortHeader struct {
	Label, Href string
	Sorted      string
}

// TimelineEvent is one audit event shown in a Timeline. When is already
// formatted in the viewer's time zone.
type TimelineEvent struct {
	Who, What, When, Where string
	Detail                 string
}

// ErrorID returns the id of the error message shown beside the input id.
func ErrorID(id string) string { return id + "-error" }

// HintID returns the id of the hint shown beside the input id.
func HintID(id string) string { return id + "-hint" }

// GroupID returns the id used for a CheckboxGroup or RadioGroup with the given
// field name: the id of its first input, so an error summary entry with
// Field: GroupID(name) moves focus to the group.
func GroupID(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if b.Len() == 0 {
		return "group"
	}
	return b.String()
}

// groupItemID is the id of the i-th input of a group: the first takes the
// group id itself (GOV.UK's convention), the others a numeric suffix.
func groupItemID(groupID string, i int) string {
	if i == 0 {
		return groupID
	}
	return groupID + "-" + strconv.Itoa(i+1)
}

// describedBy lists the ids of the hint and error shown for a control.
func describedBy(id, hint, err string) string {
	var ids []string
	if hint != "" {
		ids = append(ids, HintID(id))
	}
	if err != "" {
		ids = append(ids, ErrorID(id))
	}
	return strings.Join(ids, " ")
}

func inputType(t string) string {
	if t == "" {
		return "text"
	}
	return t
}

func textareaRows(n int) string {
	if n <= 0 {
		n = 5
	}
	return strconv.Itoa(n)
}

// textareaValue protects a leading newline, which the HTML parser drops
// right after <textarea>.
func textareaValue(v string) string {
	if strings.HasPrefix(v, "\n") || strings.HasPrefix(v, "\r\n") {
		return "\n" + v
	}
	return v
}

func optionSelected(f Field, o Option) bool {
	return o.Selected || (f.Value != "" && o.Value == f.Value)
}

// token reduces s to a safe class-name suffix: lower-case letters, digits and
// hyphens.
func token(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			b.WriteRune(r)
		case r == '_' || r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// bannerKind normalises a notification banner kind.
func bannerKind(kind string) string {
	switch kind {
	case "success", "error":
		return kind
	default:
		return "important"
	}
}

func bannerTitle(kind, title string) string {
	if title != "" {
		return title
	}
	switch bannerKind(kind) {
	case "success":
		return "Success"
	case "error":
		return "There is a problem"
	default:
		return "Important"
	}
}

// bannerID derives a stable id from the banner's content, so that several
// banners on one page get distinct ids and output stays deterministic.
func bannerID(kind, title, body string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + title + "\x00" + body))
	return "banner-" + hex.EncodeToString(sum[:4])
}

func buttonClass(variant string) string {
	switch variant {
	case "secondary", "warning":
		return "button button--" + variant
	default:
		return "button"
	}
}

func actionLabel(r SummaryRow) string {
	if r.ActionLabel != "" {
		return r.ActionLabel
	}
	return "Change"
}

func sortValue(s string) string {
	switch s {
	case "ascending", "descending":
		return s
	default:
		return "none"
	}
}

func choiceListClass(kind string) string {
	if kind == "radio" {
		return "radios"
	}
	return "checkboxes"
}

// anyActions tells whether some row has an action: then rows without one get
// an empty cell so that the columns line up.
func anyActions(rows []SummaryRow) bool {
	for _, r := range rows {
		if r.ActionHref != "" {
			return true
		}
	}
	return false
}

// BoolValue is a ticked checkbox's value: "true", or "" when unticked.
func BoolValue(b bool) string {
	if b {
		return "true"
	}
	return ""
}

// splitEmail splits an address before its last "@"; anything else is all
// local part.
func splitEmail(addr string) (local, domain string) {
	if i := strings.LastIndex(addr, "@"); i > 0 {
		return addr[:i], addr[i:]
	}
	return addr, ""
}
