package redirect

import "net/url"
import "strings"
import "testing"

// base is the page that answers with the redirect.
const baseScheme, baseHost = "https", "dealgate.example"

// whatwgOrigin resolves ref against https://dealgate.example/sign-in the way
// the WHATWG URL standard's basic URL parser does, as far as deciding the
// scheme and host of the result goes: trim leading and trailing C0 controls
// and spaces, drop every tab and newline, read a scheme, then follow the
// special-scheme states in which "/" and "\" are alike and two of them start
// an authority. It returns the scheme and host the browser would go to.
func whatwgOrigin(ref string) (scheme, host string) {
	s := strings.TrimFunc(ref, func(r rune) bool { return r <= 0x20 })
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, s)
	isAlpha := func(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
	// scheme start and scheme states
	if len(s) > 0 && isAlpha(s[0]) {
		i := 1
		for i < len(s) && (isAlpha(s[i]) || s[i] >= '0' && s[i] <= '9' || s[i] == '+' || s[i] == '-' || s[i] == '.') {
			i++
		}
		if i < len(s) && s[i] == ':' {
			sch := strings.ToLower(s[:i])
			rest := s[i+1:]
			if sch != baseScheme {
				// Any other scheme is another origin (or an opaque one).
				return sch, ""
			}
			// special relative or authority state
			if strings.HasPrefix(rest, "//") {
				return baseScheme, authorityHost(rest[2:])
			}
			return relative(rest)
		}
	}
	return relative(s)
}

// relative is the relative state and the relative slash state.
func relative(s string) (string, string) {
	slash := func(i int) bool { return i < len(s) && (s[i] == '/' || s[i] == '\\') }
	if slash(0) && slash(1) {
		return baseScheme, authorityHost(s[2:])
	}
	return baseScheme, baseHost
}

// authorityHost is the special authority ignore slashes state, the
// authority state and the host state: skip slashes, read to the next
// delimiter, drop any userinfo, percent-decode and lower-case the host.
func authorityHost(s string) string {
	s = strings.TrimLeft(s, `/\`)
	if i := strings.IndexAny(s, `/\?#`); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.HasSuffix(s, "]") {
		s = s[:i]
	}
	if h, err := url.PathUnescape(s); err == nil {
		s = h
	}
	return strings.ToLower(s)
}

func TestWhatwgModel(t *testing.T) {
	// The model itself must see the tricks browsers fall for.
	for ref, want := range map[string]string{
		"/agreements":            baseHost,
		"//evil.example/x":       "evil.example",
		"/\\evil.example":        "evil.example",
		"\\\\evil.example":       "evil.example",
		"/\t/evil.example":       "evil.example",
		" //evil.example":        "evil.example",
		"/\n/evil.example":       "evil.example",
		"https:evil.example":     baseHost,
		"https://evil.example":   "evil.example",
		"https:\\\\evil.example": "evil.example",
		"//user@evil.example":    "evil.example",
		"//EVIL.example:443/":    "evil.example",
		"/%2F/evil.example":      baseHost,
	} {
		if _, got := whatwgOrigin(ref); got != want {
			t.Errorf("whatwgOrigin(%q) host %q, want %q", ref, got, want)
		}
	}
	if sch, _ := whatwgOrigin("javascript:alert(1)"); sch != "javascript" {
		t.Errorf("javascript: resolves to scheme %q", sch)
	}
}

// TestRules has one case per rule of Reason: undoing any rule lets its case
// through.
func TestRules(t *testing.T) {
	for _, tc := range []struct{ next, reason string }{
		{"", "empty"},
		{"/" + strings.Repeat("a", MaxLen), "too long"},
		{"/\t/evil.example", "control, space or non-ASCII character"},
		{"/\n/evil.example", "control, space or non-ASCII character"},
		{" //evil.example", "control, space or non-ASCII character"},
		{"/agreements?q=a b", "control, space or non-ASCII character"},
		{"/\x7f/evil.example", "control, space or non-ASCII character"},
		{"/caf\u00e9", "control, space or non-ASCII character"},
		{"/\\evil.example", "backslash"},
		{"/a\\b", "backslash"},
		{"https://evil.example/", "not an absolute path"},
		{"javascript:alert(1)", "not an absolute path"},
		{"agreements", "not an absolute path"},
		{"//evil.example/x", "network-path reference"},
		{"/%zz", "does not parse"},
		{"/./evil", "dot segments or doubled slashes"},
		{"/a/../b", "dot segments or doubled slashes"},
		{"/%2e%2e/b", "dot segments or doubled slashes"},
		{"/a//b", "dot segments or doubled slashes"},
		{"/sign-in", "sign-in or sign-out page"},
		{"/sign-in?next=/x", "sign-in or sign-out page"},
		{"/sign-out", "sign-in or sign-out page"},
		{"/%73ign-out", "sign-in or sign-out page"},
	} {
		if got := Reason(tc.next); got != tc.reason {
			t.Errorf("Reason(%q) = %q, want %q", tc.next, got, tc.reason)
		}
	}
	for _, ok := range []string{"/", "/account?tab=1", "/agreements/12", "/agreements/", "/audit?q=a%20b#top", "/agreements?next=//x"} {
		if r := Reason(ok); r != "" {
			t.Errorf("Reason(%q) = %q, want it kept", ok, r)
		}
	}
	if Or("//evil.example", "/") != "/" || Or("/x", "/") != "/x" {
		t.Error("Or")
	}
}

// FuzzLocal feeds mutated destinations and asserts that none that is kept
// resolves, per the WHATWG URL rules, to another origin.
func FuzzLocal(f *testing.F) {
	for _, s := range []string{
		"/", "/agreements?q=x", "//evil.example", "/\\evil.example", "/\t/evil.example", "/\r\n/evil.example",
		"\x00//evil.example", " /", "/%2F%2Fevil.example", "/%5Cevil.example", "https:evil.example",
		"https://user:pw@evil.example/", "/@evil.example", "/.//evil.example", "/..//evil.example",
		"HTTPS:\\\\evil.example", "/\u3000/evil.example", "/\u00a0/evil.example", "%2F%2Fevil.example",
		"/sign-in", "/x#//evil.example", "/x?//evil.example",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		if !Local(next) {
			return
		}
		if sch, host := whatwgOrigin(next); sch != baseScheme || host != baseHost {
			t.Fatalf("Local(%q) kept a value a browser resolves to %s://%s", next, sch, host)
		}
		// Resolved by Go as well: still this origin, and a path.
		base, _ := url.Parse(baseScheme + "://" + baseHost + "/sign-in")
		u, err := base.Parse(next)
		if err != nil || u.Host != baseHost || u.Scheme != baseScheme || u.User != nil {
			t.Fatalf("Local(%q) resolves to %v (%v)", next, u, err)
		}
	})
}
