package server

import "fmt"
import "net/url"
import "strconv"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"

// pageRequest reads ?page= and ?per_page=; nonsense becomes the defaults.
func pageRequest(c echo.Context) dealgate.PageRequest {
	page, _ := strconv.Atoi(c.QueryParam("page"))
	per, _ := strconv.Atoi(c.QueryParam("per_page"))
	return dealgate.PageRequest{Page: page, PerPage: per}.Normalize()
}

// withQuery returns the current URL with key set to value (removed when
// empty), keeping every other filter so links are shareable.
func withQuery(c echo.Context, kv ...string) string {
	q := url.Values{}
	for k, v := range c.QueryParams() {
		q[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	u := url.URL{Path: c.Request().URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// pager builds the pagination view model of a list page.
func pager[T any](c echo.Context, p dealgate.Page[T]) components.Pager {
	pages := p.Pages()
	pg := components.Pager{}
	if p.Total == 0 {
		pg.Summary = "No results"
		return pg
	}
	first := (p.Page-1)*p.PerPage + 1
	last := min(first+len(p.Items)-1, p.Total)
	if len(p.Items) == 0 {
		pg.Summary = fmt.Sprintf("No results on page %d of %d", p.Page, pages)
	} else if p.TotalIsEstimate { // a very broad search: Total is a lower bound
		pg.Summary = fmt.Sprintf("Showing %d–%d of more than %s matches", first, last, groupThousands(p.Total))
	} else {
		pg.Summary = fmt.Sprintf("Showing %d–%d of %d", first, last, p.Total)
	}
	link := func(n int) string { return withQuery(c, "page", strconv.Itoa(n)) }
	if p.Page > 1 {
		pg.Prev = link(min(p.Page-1, pages))
	}
	if p.Page < pages {
		pg.Next = link(p.Page + 1)
	}
	if pages <= 1 {
		return pg
	}
	gap := false
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= p.Page-2 && n <= p.Page+2) {
			pg.Links = append(pg.Links, components.PageLink{Label: strconv.Itoa(n), Href: link(n), Current: n == p.Page})
			gap = false
		} else if !gap {
			pg.Links = append(pg.Links, components.PageLink{Label: "…"})
			gap = true
		}
	}
	return pg
}

// sortHeader builds a sortable column header: clicking the sorted column
// flips its direction, clicking another sorts by it ascending.
func sortHeader(c echo.Context, label, key, currentSort string, desc bool) components.SortHeader {
	h := components.SortHeader{Label: label}
	dir := ""
	if key == currentSort {
		if desc {
			h.Sorted = "descending"
		} else {
			h.Sorted = "ascending"
			dir = "desc"
		}
	}
	h.Href = withQuery(c, "sort", key, "dir", dir, "page", "")
	return h
}
