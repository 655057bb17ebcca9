package users

// The account form, typed here so that handlers only pass the values as
// typed and the messages.

import "strings"

import "github.com/a-h/templ"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"

// Form is the account form as typed.
type Form struct {
	Name, Email, TimeZone string
	Roles                 []string
	NotifyEmail           bool
}

// RoleList is the form's ticked roles; the service validates them.
func (f Form) RoleList() []dealgate.Role {
	var out []dealgate.Role
	for _, r := range f.Roles {
		if strings.TrimSpace(r) != "" {
			out = append(out, dealgate.Role(r))
		}
	}
	return out
}

// FormFields are the account form's fields, filled in with in as typed and
// each field's message from errs.
func FormFields(in Form, errs map[string]string) []templ.Component {
	var roleOpts []components.Option
	for _, r := range dealgate.AllRoles {
		sel := false
		for _, have := range in.Roles {
			sel = sel || have == string(r)
		}
		roleOpts = append(roleOpts, components.Option{Value: string(r), Label: r.Label(), Selected: sel})
	}
	return []templ.Component{
		components.TextField(components.Field{ID: "name", Name: "name", Label: "Full name", Value: in.Name, Error: errs["name"], MaxLength: 200}),
		components.TextField(components.Field{ID: "email", Name: "email", Label: "Email address", Type: "email", Value: in.Email, Error: errs["email"], MaxLength: 254, Autocomplete: "off"}),
		components.CheckboxGroup("Roles", "roles", "Choose every role this person holds. A person never votes on a deal they submitted.", errs[components.GroupID("roles")], roleOpts),
		components.SelectField(components.TimeZoneField(in.TimeZone, errs["time_zone"])),
		components.CheckboxField(components.Field{ID: "notify_email", Name: "notify_email", Label: "Email notifications", Value: components.BoolValue(in.NotifyEmail)}),
	}
}
