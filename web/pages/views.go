// Package pages holds the pages that belong to no feature: home and errors.
package pages

import "strconv"

// HomeView is the view model of the home page. Checks are short status lines
// (for example "Database" / "Connected" / "cleared"); Kind is a Tag kind.
type HomeView struct {
	SignedIn bool
	Checks   []HomeCheck
	// Greeting names the signed-in person and their roles.
	Greeting string
	// Tasks are the places this person's roles let them work.
	Tasks []HomeTask
	// RegisterHref and NewDealHref link the two steps the page describes,
	// each only when the viewer may open it; empty, the step is plain text.
	RegisterHref, NewDealHref string
}

// HomeTask is one place to go from the home page.
type HomeTask struct {
	Label, Href, Hint string
}

// HomeCheck is one status line on the home page.
type HomeCheck struct {
	Label, Status, Kind string
}

// ErrorView is the view model of an error page or fragment. RequestID is
// the reference the user quotes to support.
type ErrorView struct {
	Status         int
	Title, Message string
	RequestID      string
}

func errorTitle(e ErrorView) string {
	if e.Title != "" {
		return e.Title
	}
	if e.Status > 0 {
		return "Error " + strconv.Itoa(e.Status)
	}
	return "Something went wrong"
}
