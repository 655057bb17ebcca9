// Package users renders the admin screens for accounts.
package users

import "github.com/dealgate/dealgate/web/components"

// Row is one account in the users list.
type Row struct {
	Href, Name, Email, Roles string
	Status, StatusKind       string
	LastSignIn, TwoFactor    string
}

// ListView is the users list with its GET filters.
type ListView struct {
	Query     components.Field
	Role      components.Field
	Status    components.Field
	Headers   []components.SortHeader
	Rows      []Row
	Pager     components.Pager
	Filtered  bool
	CanCreate bool
}

// Action is a button-like link on a user's page.
type Action struct {
	Label, Href, Variant string
}

// ShowView is one account: its details, what an admin may do, its history.
type ShowView struct {
	Name       string
	StatusText string
	StatusKind string
	Details    []components.SummaryRow
	Actions    []Action
	History    []components.TimelineEvent
}
