package account

// The fields of a person's own forms (profile, password, two-step
// verification) and of the sign-in forms, typed here so that handlers only
// pass the values as typed and the messages.

import "github.com/a-h/templ"

import "github.com/dealgate/dealgate/web/components"

// ProfileFields are the profile form's fields, with the name and time zone
// as typed. Notification choices have their own form
// (/account/notifications), which keeps the stored flags as they are.
func ProfileFields(name, timeZone string, errs map[string]string) []templ.Component {
	return []templ.Component{
		components.TextField(components.Field{ID: "name", Name: "name", Label: "Name", Value: name, Error: errs["name"], MaxLength: 200, Autocomplete: "name"}),
		components.SelectField(components.TimeZoneField(timeZone, errs["time_zone"])),
	}
}

// PasswordFields are the fields of "Change your password".
func PasswordFields(errs map[string]string) []templ.Component {
	return []templ.Component{
		components.PasswordField(components.Field{ID: "current_password", Name: "current_password", Label: "Current password", Autocomplete: "current-password", Error: errs["current_password"]}),
		newPasswordField(errs, "At least 12 characters. Avoid common passwords and your name or email."),
		confirmPasswordField(errs),
	}
}

// PasswordLinkFields are the fields of "Set your password", reached by a
// one-time link (whose intro gives the rules, so the field has no hint).
func PasswordLinkFields(errs map[string]string) []templ.Component {
	return []templ.Component{newPasswordField(errs, ""), confirmPasswordField(errs)}
}

func newPasswordField(errs map[string]string, hint string) templ.Component {
	return components.PasswordField(components.Field{ID: "new_password", Name: "new_password", Label: "New password",
		Hint: hint, Autocomplete: "new-password", Error: errs["new_password"]})
}

func confirmPasswordField(errs map[string]string) templ.Component {
	return components.PasswordField(components.Field{ID: "confirm_password", Name: "confirm_password", Label: "Confirm new password",
		Autocomplete: "new-password", Error: errs["confirm_password"]})
}

// TwoFactorSetupFields are the fields of "Set up two-step verification".
func TwoFactorSetupFields(errs map[string]string) []templ.Component {
	return []templ.Component{
		components.TextField(components.Field{ID: "code", Name: "code", Label: "Code from the app", Autocomplete: "one-time-code", Inputmode: "numeric", MaxLength: 10, Error: errs["code"]}),
	}
}

// TwoFactorRemoveFields are the fields of the form that turns two-step
// verification off: the password, or a code from the app.
func TwoFactorRemoveFields(errs map[string]string) []templ.Component {
	return []templ.Component{
		components.PasswordField(components.Field{ID: "current_password", Name: "current_password", Label: "Your password", Autocomplete: "current-password", Error: errs["current_password"]}),
		components.TextField(components.Field{ID: "code", Name: "code", Label: "Or a code from your app", Autocomplete: "one-time-code", MaxLength: 32, Error: errs["code"]}),
	}
}

// RecoveryCodesFields are the fields of the form that makes new recovery
// codes. Its password field has its own ID beside the remove form's.
func RecoveryCodesFields(errs map[string]string) []templ.Component {
	return []templ.Component{
		components.PasswordField(components.Field{ID: "codes_password", Name: "current_password", Label: "Your password", Autocomplete: "current-password", Error: errs["codes_password"]}),
	}
}

// SignInFields are the sign-in form's fields, with the email as typed.
func SignInFields(email string, errs map[string]string) []templ.Component {
	return []templ.Component{
		components.TextField(components.Field{ID: "email", Name: "email", Label: "Email address", Type: "email",
			Autocomplete: "username", Value: email, Error: errs["email"], MaxLength: 254}),
		components.PasswordField(components.Field{ID: "password", Name: "password", Label: "Password",
			Autocomplete: "current-password", Error: errs["password"]}),
	}
}

// SecondFactorFields are the fields of sign-in's second step.
func SecondFactorFields(errs map[string]string) []templ.Component {
	return []templ.Component{
		components.TextField(components.Field{ID: "code", Name: "code", Label: "Verification or recovery code",
			Autocomplete: "one-time-code", Inputmode: "text", Error: errs["code"], MaxLength: 32}),
	}
}
