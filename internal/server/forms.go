package server

import "context"
import "crypto/rand"
import "encoding/hex"
import "math"
import "net/http"
import "strconv"
import "strings"
import "time"

import "github.com/a-h/templ"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/pages"

// formErrors turns a domain error into the messages a form shows: one per
// field (beside the input) and the summary in the order fields appear. A
// message without a field lands on the first field so it is never lost.
// No error, no messages.
func formErrors(err error, order ...string) (map[string]string, []components.FieldError) {
	if err == nil {
		return nil, nil
	}
	fields := map[string]string{}
	for k, v := range dealgate.ErrorFields(err) {
		fields[k] = v
	}
	if len(fields) == 0 && len(order) > 0 {
		fields[order[0]] = dealgate.ErrorMessage(err)
	}
	var summary []components.FieldError
	seen := map[string]bool{}
	for _, f := range order {
		if msg, ok := fields[f]; ok {
			summary = append(summary, components.FieldError{Field: f, Message: msg})
			seen[f] = true
		}
	}
	for f, msg := range fields {
		if !seen[f] {
			summary = append(summary, components.FieldError{Field: f, Message: msg})
		}
	}
	return fields, summary
}

// formStatus is the status a re-rendered form answers with, for the errors
// a form handles itself; other errors go to the error handler. A throttled
// answer also tells the client when to come back (Retry-After).
func formStatus(c echo.Context, err error) (int, bool) {
	switch dealgate.ErrorCode(err) {
	case dealgate.EINVALID:
		return http.StatusUnprocessableEntity, true
	case dealgate.EUNAUTHORIZED:
		return http.StatusUnauthorized, true
	case dealgate.ECONFLICT:
		return http.StatusConflict, true
	case dealgate.ETOOMANY:
		if d := dealgate.RetryAfter(err); d > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
		}
		return http.StatusTooManyRequests, true
	}
	return 0, false
}

// formVersion reads the hidden version field of an edit form.
func formVersion(c echo.Context) (int64, error) {
	v, err := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if err != nil || v < 1 {
		return 0, dealgate.Errorf(dealgate.EINVALID, "This form is missing its version. Reload the page and try again.")
	}
	return v, nil
}

// idParam reads a positive numeric path parameter; anything else is a 404.
func idParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id < 1 {
		return 0, dealgate.Errorf(dealgate.ENOTFOUND, "There is nothing at this address.")
	}
	return id, nil
}

// readByID reads the record the path's :id names with read, as the
// signed-in user.
func readByID[T any](c echo.Context, read func(context.Context, *dealgate.User, int64) (T, error)) (T, error) {
	id, err := idParam(c, "id")
	if err != nil {
		var zero T
		return zero, err
	}
	return read(c.Request().Context(), currentUser(c), id)
}

// checked reads a checkbox that sends "true" when ticked.
func checked(c echo.Context, name string) bool { return c.FormValue(name) == "true" }

// onceField carries a create form's one-time token, which the create's
// service claims in its transaction: a double click or a resubmitted page
// is refused (ECONFLICT) instead of creating a second record.
const onceField = "_once"

// newOnceToken makes the one-time token a create form carries.
func newOnceToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// formKey is what identifies a form's submission: an edit form's version,
// or a create form's one-time token.
func formKey(version int64) templ.Component {
	if version > 0 {
		return pages.Hidden("version", strconv.FormatInt(version, 10))
	}
	return pages.Hidden(onceField, newOnceToken())
}

// alreadySubmitted answers a refused second submission of a create form:
// back to where the first one's result can be found, saying why.
func (s *Server) alreadySubmitted(c echo.Context, err error, to string) error {
	s.flash(c, "important", dealgate.ErrorMessage(err)+" Check the list for what the first submission created.")
	return redirectSeeOther(c, to)
}

// comparedField is one field a conflict notice compares: its label, the
// saved value and the value typed.
type comparedField struct{ label, saved, typed string }

// conflictNotice tells an editor that the record (what: "this party")
// changed while they edited it and names the fields whose saved values
// differ from what they typed, compared as norm makes them. noun names the
// record in the rest of the notice.
func conflictNotice(what, noun string, norm func(string) string, fields []comparedField) string {
	var differ []string
	for _, f := range fields {
		if norm(f.saved) != norm(f.typed) {
			differ = append(differ, f.label)
		}
	}
	msg := "Someone else changed " + what + " while you were editing, so your changes were not saved. The " + noun +
		" as saved now is shown above; your changes are kept in the form."
	if len(differ) > 0 {
		msg += " The saved " + strings.Join(differ, ", ") + " differ from what you entered."
	}
	return msg + " Check them and save again."
}

// historyLimit is how many audit events a record's page shows.
const historyLimit = 50

// readPeriod reads the from and to days (in the viewer's zone; to includes
// its whole day) of a GET form: a report's, the audit trail's filters.
func readPeriod(c echo.Context, loc *time.Location) (from, to time.Time, fieldErr map[string]string, errs []components.FieldError) {
	fieldErr = map[string]string{}
	day := func(name string) time.Time {
		v := strings.TrimSpace(c.QueryParam(name))
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			fieldErr[name] = "Enter a date like 2027-03-12"
			errs = append(errs, components.FieldError{Field: name, Message: fieldErr[name]})
		}
		return d
	}
	from = day("from")
	if to = day("to"); !to.IsZero() {
		to = to.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		fieldErr["to"] = "The end date must be on or after the start date"
		errs = append(errs, components.FieldError{Field: "to", Message: fieldErr["to"]})
	}
	return from, to, fieldErr, errs
}
