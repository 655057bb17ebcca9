package components_test

import "bytes"
import "context"
import "strings"
import "testing"

import "github.com/PuerkitoBio/goquery"
import "github.com/a-h/templ"

import "github.com/dealgate/dealgate/web/components"

// render renders c and parses the result as an HTML fragment.
func render(t *testing.T, c templ.Component) (*goquery.Document, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc, buf.String()
}

// renderTH renders a header cell inside a table, where the parser keeps it.
func renderTH(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<table><thead><tr>" + buf.String() + "</tr></thead></table>"))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

func attr(t *testing.T, s *goquery.Selection, name string) string {
	t.Helper()
	if s.Length() == 0 {
		t.Fatalf("no element to read %q from", name)
	}
	v, ok := s.Attr(name)
	if !ok {
		t.Fatalf("element has no %q attribute", name)
	}
	return v
}

func TestErrorSummaryLinksToFields(t *testing.T) {
	doc, _ := render(t, components.ErrorSummary([]components.FieldError{
		{Field: "deal-title", Message: "Enter a title"},
		{Field: "counterparty", Message: "Choose a counterparty"},
	}))
	box := doc.Find("[data-error-summary]")
	if attr(t, box, "role") != "alert" || attr(t, box, "tabindex") != "-1" {
		t.Errorf("summary needs role=alert and tabindex=-1")
	}
	if got := box.Find("h2").Text(); got != "There is a problem" {
		t.Errorf("heading = %q", got)
	}
	links := box.Find("li a")
	if links.Length() != 2 {
		t.Fatalf("got %d links, want 2", links.Length())
	}
	if href := attr(t, links.First(), "href"); href != "#deal-title" {
		t.Errorf("first link href = %q, want #deal-title", href)
	}
	if txt := links.First().Text(); txt != "Enter a title" {
		t.Errorf("first link text = %q", txt)
	}
}

func TestErrorSummaryEmptyRendersNothing(t *testing.T) {
	_, html := render(t, components.ErrorSummary(nil))
	if html != "" {
		t.Errorf("got %q, want nothing", html)
	}
}

func TestTextFieldInError(t *testing.T) {
	doc, html := render(t, components.TextField(components.Field{
		ID: "deal-title", Name: "title", Label: "Deal title", Hint: "As the counterparty knows it",
		Value: `Acme <script>alert("x")</script> & "Co"`, Error: "Enter a shorter title", MaxLength: 200, Required: true,
	}))
	if strings.Contains(html, "<script>") {
		t.Fatalf("value not escaped: %s", html)
	}
	input := doc.Find("input#deal-title")
	if got := attr(t, input, "value"); got != `Acme <script>alert("x")</script> & "Co"` {
		t.Errorf("value = %q", got)
	}
	if attr(t, input, "name") != "title" || attr(t, input, "type") != "text" {
		t.Errorf("name/type wrong: %s", html)
	}
	if attr(t, input, "aria-invalid") != "true" {
		t.Error("aria-invalid missing")
	}
	if got := attr(t, input, "aria-describedby"); got != "deal-title-hint deal-title-error" {
		t.Errorf("aria-describedby = %q", got)
	}
	if attr(t, input, "maxlength") != "200" || attr(t, input, "aria-required") != "true" {
		t.Errorf("maxlength/aria-required wrong: %s", html)
	}
	if got := attr(t, doc.Find("label"), "for"); got != "deal-title" {
		t.Errorf("label for = %q", got)
	}
	msg := doc.Find("#deal-title-error")
	if !strings.HasPrefix(msg.Text(), "Error:") || !strings.Contains(msg.Text(), "Enter a shorter title") {
		t.Errorf("error message = %q", msg.Text())
	}
	if msg.Find(".visually-hidden").Text() != "Error:" {
		t.Error(`"Error:" prefix must be visually hidden`)
	}
	if !doc.Find(".form-group").HasClass("form-group--error") || !input.HasClass("input--error") {
		t.Error("error classes missing")
	}
}

func TestTextFieldValid(t *testing.T) {
	doc, _ := render(t, components.TextField(components.Field{ID: "email", Name: "email", Label: "Email", Type: "email", Value: "a@b.example"}))
	input := doc.Find("input#email")
	if _, ok := input.Attr("aria-invalid"); ok {
		t.Error("aria-invalid on a valid field")
	}
	if _, ok := input.Attr("aria-describedby"); ok {
		t.Error("aria-describedby without hint or error")
	}
	if attr(t, input, "type") != "email" {
		t.Error("type not kept")
	}
	if doc.Find(".error-message").Length() != 0 {
		t.Error("error message on a valid field")
	}
}

func TestTextAreaKeepsValue(t *testing.T) {
	doc, _ := render(t, components.TextArea(components.Field{ID: "rationale", Name: "rationale", Label: "Rationale", Value: "\nline one\n<b>two</b>", Error: "Too long"}))
	ta := doc.Find("textarea#rationale")
	if got := ta.Text(); got != "\nline one\n<b>two</b>" {
		t.Errorf("textarea value = %q", got)
	}
	if attr(t, ta, "aria-invalid") != "true" || attr(t, ta, "rows") != "5" {
		t.Error("aria-invalid or default rows missing")
	}
}

func TestSelectFieldSelectsValue(t *testing.T) {
	doc, _ := render(t, components.SelectField(components.Field{
		ID: "currency", Name: "currency", Label: "Currency", Value: "EUR",
		Options: []components.Option{{Value: "", Label: "Choose"}, {Value: "USD", Label: "US dollar"}, {Value: "EUR", Label: "Euro"}},
	}))
	sel := doc.Find("select#currency option[selected]")
	if sel.Length() != 1 || attr(t, sel, "value") != "EUR" {
		t.Errorf("selected options: %d", sel.Length())
	}
}

func TestCheckboxField(t *testing.T) {
	doc, _ := render(t, components.CheckboxField(components.Field{ID: "binding", Name: "binding", Label: "Binding agreement", Value: "true"}))
	cb := doc.Find("input#binding")
	if attr(t, cb, "type") != "checkbox" || attr(t, cb, "value") != "true" {
		t.Error("wrong checkbox")
	}
	if _, ok := cb.Attr("checked"); !ok {
		t.Error("checkbox not checked for Value true")
	}
	if attr(t, doc.Find("label"), "for") != "binding" {
		t.Error("label not linked")
	}
}

func TestCheckboxGroup(t *testing.T) {
	doc, _ := render(t, components.CheckboxGroup("Product categories", "categories", "Select all that apply", "Select at least one category", []components.Option{
		{Value: "1", Label: "Stateless model APIs"}, {Value: "2", Label: "Agent hosting", Selected: true},
	}))
	if doc.Find("fieldset legend").Text() != "Product categories" {
		t.Error("legend missing")
	}
	if got := attr(t, doc.Find("fieldset"), "aria-describedby"); got != "categories-hint categories-error" {
		t.Errorf("fieldset aria-describedby = %q", got)
	}
	inputs := doc.Find("input[type=checkbox][name=categories]")
	if inputs.Length() != 2 {
		t.Fatalf("got %d checkboxes", inputs.Length())
	}
	if attr(t, inputs.First(), "id") != components.GroupID("categories") {
		t.Error("first checkbox must carry the group id for error links")
	}
	if _, ok := inputs.Eq(1).Attr("checked"); !ok {
		t.Error("selected option not checked")
	}
	if attr(t, doc.Find("label").Eq(1), "for") != attr(t, inputs.Eq(1), "id") {
		t.Error("labels not linked")
	}
}

func TestRadioGroupsStackOrSitInline(t *testing.T) {
	opts := []components.Option{{Value: "both", Label: "Both"}, {Value: "app", Label: "App", Selected: true}}
	for _, tc := range []struct {
		name   string
		group  templ.Component
		inline bool
	}{
		{"stacked", components.RadioGroup("Review assigned", "review_assigned", "", "", opts), false},
		{"inline", components.InlineRadioGroup("Review assigned", "review_assigned", "", "Choose one", opts), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := render(t, tc.group)
			if doc.Find("fieldset legend").Text() != "Review assigned" {
				t.Error("legend missing")
			}
			list := doc.Find("fieldset .radios")
			if list.Length() != 1 || list.HasClass("radios--inline") != tc.inline {
				t.Errorf("radios list: %d, inline %v, want %v", list.Length(), list.HasClass("radios--inline"), tc.inline)
			}
			inputs := list.Find("input[type=radio][name=review_assigned]")
			if inputs.Length() != 2 || attr(t, inputs.First(), "id") != components.GroupID("review_assigned") {
				t.Fatalf("radios: %d", inputs.Length())
			}
			if _, ok := inputs.Eq(1).Attr("checked"); !ok {
				t.Error("selected option not checked")
			}
			if tc.inline && attr(t, inputs.First(), "aria-invalid") != "true" {
				t.Error("an error does not mark the radios invalid")
			}
		})
	}
}

func TestPasswordFieldNeverEchoesValue(t *testing.T) {
	doc, html := render(t, components.PasswordField(components.Field{ID: "password", Name: "password", Label: "Password", Value: "hunter2", Error: "Wrong"}))
	if strings.Contains(html, "hunter2") {
		t.Error("password echoed back")
	}
	in := doc.Find("input#password")
	if attr(t, in, "type") != "password" || attr(t, in, "autocomplete") != "current-password" || attr(t, in, "aria-invalid") != "true" {
		t.Errorf("bad password input: %s", html)
	}
}

func TestCSRFField(t *testing.T) {
	doc, _ := render(t, components.CSRFField(`tok"en`))
	in := doc.Find(`input[type=hidden][name=_csrf]`)
	if attr(t, in, "value") != `tok"en` {
		t.Error("token not kept")
	}
}

func TestTag(t *testing.T) {
	doc, _ := render(t, components.Tag("approved-conditions", "Approved with conditions"))
	tag := doc.Find("strong.tag.tag--approved-conditions")
	if tag.Text() != "Approved with conditions" {
		t.Errorf("tag text = %q", tag.Text())
	}
	doc, _ = render(t, components.Tag(`x" onclick="y`, "Odd"))
	if _, ok := doc.Find("strong").Attr("onclick"); ok {
		t.Error("kind escaped its attribute")
	}
}

func TestNotificationBanner(t *testing.T) {
	doc, _ := render(t, components.NotificationBanner("success", "", "Deal submitted"))
	b := doc.Find(".notification-banner")
	if attr(t, b, "role") != "alert" || !b.HasClass("notification-banner--success") {
		t.Error("success banner must be an alert")
	}
	if doc.Find(".notification-banner__title").Text() != "Success" {
		t.Error("default title missing")
	}
	doc, _ = render(t, components.NotificationBanner("important", "Review due", "The review closes on 12 March 2027"))
	b = doc.Find(".notification-banner")
	if attr(t, b, "role") != "region" {
		t.Error("important banner must be a region")
	}
	if id := attr(t, b, "aria-labelledby"); doc.Find("#"+id).Text() != "Review due" {
		t.Errorf("aria-labelledby %q does not name the title", id)
	}
}

func TestSummaryList(t *testing.T) {
	doc, _ := render(t, components.SummaryList([]components.SummaryRow{
		{Key: "Title", Value: "Agent hosting deal", ActionHref: "/deals/1/edit#title"},
		{Key: "Counterparty", Value: ""},
	}))
	rows := doc.Find(".summary-list__row")
	if rows.Length() != 2 {
		t.Fatalf("rows = %d", rows.Length())
	}
	a := rows.First().Find(".summary-list__actions a")
	if attr(t, a, "href") != "/deals/1/edit#title" || !strings.HasPrefix(a.Text(), "Change") || a.Find(".visually-hidden").Text() != " title" {
		t.Errorf("action link = %q", a.Text())
	}
	if !rows.Eq(1).HasClass("summary-list__row--no-actions") {
		t.Error("row without action must be padded")
	}
	if rows.Eq(1).Find(".summary-list__value").Text() != "Not provided" {
		t.Error("empty value not marked")
	}
}

func TestPaginationMarksCurrentPage(t *testing.T) {
	doc, _ := render(t, components.Pagination(components.Pager{
		Summary: "Showing 26–50 of 312",
		Prev:    "/deals?page=1", Next: "/deals?page=3",
		Links: []components.PageLink{
			{Label: "1", Href: "/deals?page=1"},
			{Label: "2", Href: "/deals?page=2", Current: true},
			{Label: "3", Href: "/deals?page=3"},
			{Label: "…"},
			{Label: "13", Href: "/deals?page=13"},
		},
	}))
	nav := doc.Find("nav")
	if attr(t, nav, "aria-label") != "Pagination" {
		t.Error("nav not labelled")
	}
	cur := nav.Find(`[aria-current="page"]`)
	if cur.Length() != 1 || cur.Text() != "2" || attr(t, cur, "href") != "/deals?page=2" {
		t.Errorf("current page wrong: %d %q", cur.Length(), cur.Text())
	}
	if attr(t, nav.Find(`a[rel=prev]`), "href") != "/deals?page=1" || attr(t, nav.Find(`a[rel=next]`), "href") != "/deals?page=3" {
		t.Error("prev/next links wrong")
	}
	if nav.Find(".pagination__item--ellipsis").Text() != "…" {
		t.Error("gap not shown")
	}
	if !strings.Contains(nav.Find(".pagination__summary").Text(), "of 312") {
		t.Error("summary missing")
	}
}

func TestSortableTH(t *testing.T) {
	doc := renderTH(t, components.SortableTH(components.SortHeader{Label: "Negotiation date", Href: "/deals?sort=-date", Sorted: "ascending"}))
	th := doc.Find("th")
	if attr(t, th, "aria-sort") != "ascending" || attr(t, th, "scope") != "col" {
		t.Error("aria-sort/scope wrong")
	}
	if attr(t, th.Find("a"), "href") != "/deals?sort=-date" {
		t.Error("sort link wrong")
	}
	doc = renderTH(t, components.SortableTH(components.SortHeader{Label: "Title", Href: "/deals?sort=title"}))
	if attr(t, doc.Find("th"), "aria-sort") != "none" {
		t.Error("unsorted column should say none")
	}
}

func TestUnsafeHrefIsSanitised(t *testing.T) {
	doc, _ := render(t, components.ButtonLink("Go", "javascript:alert(1)", ""))
	if href := attr(t, doc.Find("a"), "href"); strings.HasPrefix(href, "javascript:") {
		t.Errorf("unsafe href kept: %q", href)
	}
}

func TestTimelineKeepsOrder(t *testing.T) {
	doc, _ := render(t, components.Timeline([]components.TimelineEvent{
		{Who: "Ada", What: "approved the deal", When: "12 March 2027, 10:02", Where: "10.0.0.1"},
		{Who: "Bob", What: "submitted the deal", When: "11 March 2027, 09:00"},
	}))
	items := doc.Find("ol.timeline > li")
	if items.Length() != 2 || !strings.Contains(items.First().Text(), "Ada") {
		t.Error("timeline order not kept")
	}
}

func TestEmptyStateAndButtons(t *testing.T) {
	doc, _ := render(t, components.EmptyState("No deals yet", "Submit a proposed deal to screen it.", "/deals/new", "Submit a deal"))
	a := doc.Find(".empty-state a.button")
	if attr(t, a, "href") != "/deals/new" || a.Text() != "Submit a deal" {
		t.Error("empty state action wrong")
	}
	doc, _ = render(t, components.Button("Withdraw deal", "warning"))
	b := doc.Find("button")
	if attr(t, b, "type") != "submit" || !b.HasClass("button--warning") {
		t.Error("warning button wrong")
	}
}

func TestEmailWrapsBeforeTheAt(t *testing.T) {
	for addr, want := range map[string]string{
		"counsel2@dealgate.example": "counsel2<wbr>@dealgate.example",
		"system":                    "system<wbr>",
	} {
		if _, html := render(t, components.Email(addr)); !strings.Contains(html, want) {
			t.Errorf("%q renders %q, want %q", addr, html, want)
		}
	}
}
