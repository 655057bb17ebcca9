package dealgate

import "fmt"
import "slices"
import "strconv"
import "strings"
import "time"
import "unicode"
import "unicode/utf8"

// ---------------------------------------------------------------------------
// Dates and money

// DateOf returns the calendar day of t (in t's location) as midnight UTC.
func DateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Day builds a calendar day.
func Day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// DateLayout is how calendar days are written in forms, CSV and sentences.
const DateLayout = "2006-01-02"

// ParseDate reads an optional YYYY-MM-DD day; "" is nil.
func ParseDate(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return nil, Errorf(EINVALID, "Enter a date as YYYY-MM-DD, for example 2030-12-31")
	}
	if t.Year() < 1900 || t.Year() > 2200 {
		return nil, Errorf(EINVALID, "Enter a year between 1900 and 2200")
	}
	return &t, nil
}

// FormatDate writes an optional day as YYYY-MM-DD, "" for nil.
func FormatDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(DateLayout)
}

// Currency is an ISO 4217 currency the register accepts.
type Currency struct {
	Code     string
	Name     string
	Exponent int // digits after the decimal point (minor units)
}

// Currencies are the codes accepted for agreement values: the common ones.
var Currencies = []Currency{
	{"USD", "US dollar", 2}, {"EUR", "Euro", 2}, {"GBP", "Pound sterling", 2}, {"JPY", "Japanese yen", 0},
	{"CHF", "Swiss franc", 2}, {"CAD", "Canadian dollar", 2}, {"AUD", "Australian dollar", 2},
	{"NZD", "New Zealand dollar", 2}, {"CNY", "Chinese yuan", 2}, {"HKD", "Hong Kong dollar", 2},
	{"SGD", "Singapore dollar", 2}, {"INR", "Indian rupee", 2}, {"KRW", "South Korean won", 0},
	{"TWD", "New Taiwan dollar", 2}, {"SEK", "Swedish krona", 2}, {"NOK", "Norwegian krone", 2},
	{"DKK", "Danish krone", 2}, {"PLN", "Polish złoty", 2}, {"BRL", "Brazilian real", 2},
	{"MXN", "Mexican peso", 2}, {"ZAR", "South African rand", 2}, {"AED", "UAE dirham", 2},
	{"SAR", "Saudi riyal", 2}, {"ILS", "Israeli new shekel", 2},
}

// LookupCurrency returns the currency with code, which must be exactly three
// upper-case letters.
func LookupCurrency(code string) (Currency, bool) {
	for _, c := range Currencies {
		if c.Code == code {
			return c, true
		}
	}
	return Currency{}, false
}

// Money is an amount in minor units of a currency (cents for USD).
type Money struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

// String writes the amount in major units with thousands separators and
// the currency code: "USD 11,000,000,000.00".
func (m Money) String() string { return m.Currency + " " + m.Typed() }

// exponent is how many minor digits the currency has (2 when unknown).
func (m Money) exponent() int {
	if c, ok := LookupCurrency(m.Currency); ok {
		return c.Exponent
	}
	return 2
}

// Major is the amount in major units as a number, for spreadsheets (which
// hold numbers as floats); Amount is exact.
func (m Money) Major() float64 {
	f, _ := strconv.ParseFloat(m.Amount(), 64)
	return f
}

// Amount writes the amount in major units without separators, as ParseMoney
// reads it back ("11000000000.00").
func (m Money) Amount() string { return formatMinor(m.Minor, m.exponent(), false) }

// Typed writes the amount as a form shows it to edit: major units with
// thousands separators, no currency ("11,000,000,000.00"); ParseMoney reads
// it back.
func (m Money) Typed() string { return formatMinor(m.Minor, m.exponent(), true) }

func formatMinor(minor int64, exp int, group bool) string {
	neg := minor < 0
	if neg {
		minor = -minor
	}
	s := strconv.FormatInt(minor, 10)
	for len(s) <= exp {
		s = "0" + s
	}
	whole, frac := s[:len(s)-exp], s[len(s)-exp:]
	if group {
		var b strings.Builder
		for i, r := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(r)
		}
		whole = b.String()
	}
	out := whole
	if exp > 0 {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// ParseMoney reads an amount in major units ("11,000,000,000" or
// "1250.50") in currency. An empty amount is nil. Errors are EINVALID with a
// message for the "value" or "currency" field.
func ParseMoney(amount, currency string) (*Money, error) {
	amount = strings.TrimSpace(amount)
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if amount == "" {
		if currency != "" {
			if _, msg := validCurrency(currency); msg != "" {
				return nil, &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"currency": msg}}
			}
		}
		return nil, nil
	}
	bad := func(field, msg string) (*Money, error) {
		return nil, &Error{Code: EINVALID, Message: msg, Fields: map[string]string{field: msg}}
	}
	if currency == "" {
		return bad("currency", "Choose the currency of the value")
	}
	cur, msg := validCurrency(currency)
	if msg != "" {
		return bad("currency", msg)
	}
	amount = strings.NewReplacer(",", "", " ", "", "_", "").Replace(amount)
	whole, frac, hasFrac := strings.Cut(amount, ".")
	if whole == "" || !allDigits(whole) || (hasFrac && !allDigits(frac)) {
		return bad("value", "Enter the value as a number, for example 11,000,000,000 or 1,250.50")
	}
	if len(frac) > cur.Exponent {
		if cur.Exponent == 0 {
			return bad("value", cur.Code+" has no minor units; enter a whole number")
		}
		return bad("value", fmt.Sprintf("%s has %d digits after the decimal point at most", cur.Code, cur.Exponent))
	}
	frac += strings.Repeat("0", cur.Exponent-len(frac))
	minor, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return bad("value", "That value is too large")
	}
	return &Money{Minor: minor, Currency: cur.Code}, nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// validCurrency returns the currency with code, or a message saying why
// code is not accepted.
func validCurrency(code string) (Currency, string) {
	if len(code) != 3 || !isLetters(code) {
		return Currency{}, "Enter a three-letter ISO 4217 currency code in capitals, for example USD"
	}
	c, ok := LookupCurrency(code)
	if !ok {
		return Currency{}, code + " is not a currency the register accepts"
	}
	return c, ""
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// Region is a territory a clause may be limited to.
type Region struct {
	Code, Name string
}

// Regions are the territories clauses name, besides "worldwide".
var Regions = []Region{
	{"US", "United States"}, {"CA", "Canada"}, {"NA", "North America"}, {"LATAM", "Latin America"},
	{"BR", "Brazil"}, {"UK", "United Kingdom"}, {"EU", "European Union"}, {"EEA", "European Economic Area"},
	{"DE", "Germany"}, {"FR", "France"}, {"EMEA", "Europe, Middle East and Africa"},
	{"MEA", "Middle East and Africa"}, {"APAC", "Asia-Pacific"}, {"CN", "China"}, {"JP", "Japan"},
	{"KR", "South Korea"}, {"IN", "India"}, {"SG", "Singapore"}, {"AU", "Australia"},
}

// LookupRegion returns the region with code.
func LookupRegion(code string) (Region, bool) {
	for _, r := range Regions {
		if r.Code == code {
			return r, true
		}
	}
	return Region{}, false
}

// ---------------------------------------------------------------------------
// Text

// Highlight markers: ts_headline wraps matches in these private-use
// characters, which cleanText removes from everything stored, so they can
// only come from the search and the snippet splits back safely.
const (
	HighlightStart = "\uE000"
	HighlightStop  = "\uE001"
)

// HighlightSegment is a run of snippet text; Match marks a search hit.
type HighlightSegment struct {
	Text  string
	Match bool
}

// Highlight is a search snippet as plain-text segments. Templates render
// each segment escaped, wrapping matches in <mark>; no HTML comes from the
// database.
type Highlight []HighlightSegment

// ParseHighlight splits text marked with HighlightStart/HighlightStop.
func ParseHighlight(s string) Highlight {
	var h Highlight
	match := false
	for s != "" {
		sep := HighlightStart
		if match {
			sep = HighlightStop
		}
		before, after, found := strings.Cut(s, sep)
		if before != "" {
			h = append(h, HighlightSegment{Text: before, Match: match})
		}
		if !found {
			break
		}
		s = after
		match = !match
	}
	return h
}

// String is the snippet as plain text.
func (h Highlight) String() string {
	var b strings.Builder
	for _, s := range h {
		b.WriteString(s.Text)
	}
	return b.String()
}

// HasMatch reports whether any segment is a hit.
func (h Highlight) HasMatch() bool {
	return slices.ContainsFunc(h, func(s HighlightSegment) bool { return s.Match })
}

// cleanText trims s, unifies line endings and drops characters that must
// never be stored: NUL, the highlight markers and other control characters
// except tab and newline.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case r == 0xE000 || r == 0xE001, unicode.IsControl(r), r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// CleanText is cleanText for callers outside the domain (notes, memos).
func CleanText(s string) string { return cleanText(s) }

// cleanLine is cleanText for one-line fields: runs of white space become one space.
func cleanLine(s string) string {
	return strings.Join(strings.Fields(cleanText(s)), " ")
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// searchQuery is a list filter's full-text query: one clean line of at most
// 200 characters, cut rather than refused so a pasted paragraph still searches.
func searchQuery(q string) string {
	q = cleanLine(q)
	if tooLong(q, 200) {
		q = string([]rune(q)[:200])
	}
	return q
}

// known is v when it is one of all and the zero value otherwise, so a filter
// never passes an unknown value on.
func known[T comparable](v T, all []T) T {
	if slices.Contains(all, v) {
		return v
	}
	var zero T
	return zero
}

// SplitList splits a textarea or CSV cell into trimmed, non-empty items, one
// per line or separated by semicolons (commas are left alone: "Foo, Inc.").
func SplitList(s string) []string {
	var out []string
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ';' }) {
		if line = cleanLine(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}
