// Package redirect decides whether a destination a client sent (the "next"
// of a sign-in link) may be redirected to. The rule is built on what a
// browser would do with the value, not on string prefixes: a value is kept
// only when every browser resolves it, per the WHATWG URL standard, to a path
// on the site that sent the redirect.
package redirect

import "net/url"
import "path"
import "strings"

// MaxLen is the longest destination kept.
const MaxLen = 2000

// Local reports whether next is a path on this site that the sign-in flow
// may send the user to. Each rule closes one way to another origin or to a
// loop; Reason names the first rule a value breaks.
func Local(next string) bool { return Reason(next) == "" }

// Reason returns why next is refused, or "" when it is kept.
func Reason(next string) string {
	switch {
	case next == "":
		return "empty"
	case len(next) > MaxLen:
		return "too long"
	}
	for i := 0; i < len(next); i++ {
		c := next[i]
		switch {
		// Browsers drop tabs and newlines anywhere in a URL and trim
		// leading and trailing control characters and spaces, so those
		// could hide a "//"; non-ASCII and spaces have no place in a
		// path this application produces (it percent-encodes them).
		case c <= 0x20 || c >= 0x7f:
			return "control, space or non-ASCII character"
		// In http(s) URLs browsers read a backslash as a slash.
		case c == '\\':
			return "backslash"
		}
	}
	switch {
	case next[0] != '/':
		// "evil.example", "https:…", "javascript:…" and relative paths.
		return "not an absolute path"
	case len(next) > 1 && next[1] == '/':
		// "//host" is a network-path reference: another host.
		return "network-path reference"
	}
	u, err := url.Parse(next)
	if err != nil {
		return "does not parse"
	}
	if u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "names a scheme, host or user"
	}
	// Dot segments (also percent-encoded) and doubled slashes are resolved
	// by the browser; a path must already be in the form it resolves to.
	p := u.Path
	if clean := path.Clean(p); clean != strings.TrimSuffix(p, "/") && !(p == "/" && clean == "/") {
		return "dot segments or doubled slashes"
	}
	// Back to sign-in or straight to sign-out would be a loop or a trick.
	for _, loop := range []string{"/sign-in", "/sign-out"} {
		if strings.HasPrefix(p, loop) {
			return "sign-in or sign-out page"
		}
	}
	return ""
}

// Or returns next when it is Local, else fallback.
func Or(next, fallback string) string {
	if Local(next) {
		return next
	}
	return fallback
}
