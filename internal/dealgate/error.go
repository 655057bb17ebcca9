// Package dealgate is the domain: its types, validation, errors with codes,
// the workflow rules and the authorisation policy. It imports no web,
// database or template framework, so every rule here can be read and tested
// on its own.
package dealgate

import "errors"
import "fmt"

// Error codes. Each maps to exactly one HTTP status in internal/server.
const (
	EINVALID      = "invalid"      // the input breaks a rule; the user can fix it
	ENOTFOUND     = "not_found"    // no such record, or the user may not know it exists
	EFORBIDDEN    = "forbidden"    // the user is known but may not do this
	EUNAUTHORIZED = "unauthorized" // no one is signed in
	ECONFLICT     = "conflict"     // the record changed or already exists
	ETOOMANY      = "too_many"     // throttled; try again later
	EINTERNAL     = "internal"     // a bug or an outage; details go to the log only
)

// Error is the one error type of the application. Message is safe to show to
// users; Fields carries per-field messages for forms.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	// Err is the underlying cause, logged but never shown.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("dealgate %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("dealgate %s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a code and a user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure; its text stays in the logs.
func Internal(err error) *Error {
	return &Error{Code: EINTERNAL, Message: "Internal error.", Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors never
// reveal their text.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Internal error."
}

// ErrorFields returns the per-field messages of err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects per-field problems and turns them into one EINVALID.
type Validation struct {
	fields map[string]string
	order  []string
}

// Add records msg for field unless the field already has a message; the first
// problem found is the one the user should fix first.
func (v *Validation) Add(field, msg string) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, ok := v.fields[field]; ok {
		return
	}
	v.fields[field] = msg
	v.order = append(v.order, field)
}

// maxChars adds msg for field when s is longer than n characters.
func (v *Validation) maxChars(field, s string, n int, msg string) {
	if tooLong(s, n) {
		v.Add(field, msg)
	}
}

// validated runs validate on a fresh Validation and returns its error: the
// one-call form of an input's ValidateInto.
func validated(validate func(v *Validation)) error {
	var v Validation
	validate(&v)
	return v.Err()
}

// Has reports whether field has a problem.
func (v *Validation) Has(field string) bool { _, ok := v.fields[field]; return ok }

// Err returns nil when nothing was added, else an EINVALID *Error.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Check the highlighted fields.", Fields: v.fields}
}

// Order lists the fields with problems in the order they were found.
func (v *Validation) Order() []string { return v.order }

// AddErr records one problem and returns the resulting EINVALID error.
func (v *Validation) AddErr(field, msg string) error {
	v.Add(field, msg)
	return v.Err()
}
