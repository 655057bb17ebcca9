// Package layout holds the page shell that every full-page response uses.
package layout

import "strconv"

// NavItem is one link of the main navigation; Current marks the section the
// page belongs to (rendered as aria-current="page").
type NavItem struct {
	Label, Href string
	Current     bool
}

// Flash is a one-off message shown at the top of the next page after an
// action. Kind is "success", "important" or "error".
type Flash struct {
	Kind, Message string
}

// Page is what the shell needs to know about the request.
//
// Title is the page's own title (the document title gets " – Dealgate").
// UserName is empty for anonymous visitors. CSRFToken is used by the sign-out
// form. SignOutURL defaults to "/sign-out"; the "Sign in" link shows only when
// UserName is empty and SignInURL is set. Env is shown as a badge unless it is
// "" or "production".
type Page struct {
	Title      string
	Nav        []NavItem
	UserName   string
	Flashes    []Flash
	CSRFToken  string
	SignOutURL string
	SignInURL  string
	Env        string
	// Bell shows the notifications link in the header with Unread, the
	// number of unread notifications (capped at 100: "99+").
	Bell   bool
	Unread int
}

// DefaultSignOutURL is where the sign-out form posts when Page.SignOutURL is
// empty.
const DefaultSignOutURL = "/sign-out"

func documentTitle(title string) string {
	if title == "" {
		return "Dealgate"
	}
	return title + " – Dealgate"
}

func signOutURL(p Page) string {
	if p.SignOutURL != "" {
		return p.SignOutURL
	}
	return DefaultSignOutURL
}

func showEnv(env string) bool {
	return env != "" && env != "production"
}

// htmxConfig keeps htmx within the Content-Security-Policy: no injected
// indicator <style>, no eval (so no hx-on / js: values), no inline scripts
// from swapped content, and no page snapshots kept in localStorage.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"historyCacheSize":0}`

// unreadText is the bell's count as shown.
func unreadText(n int) string {
	if n > 99 {
		return "99+"
	}
	return strconv.Itoa(n)
}

// bellLabel is the bell link's accessible name.
func bellLabel(n int) string {
	switch {
	case n == 0:
		return "Notifications, none unread"
	case n > 99:
		return "Notifications, more than 99 unread"
	case n == 1:
		return "Notifications, 1 unread"
	}
	return "Notifications, " + strconv.Itoa(n) + " unread"
}
