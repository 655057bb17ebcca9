package dealgate

// Page is one page of a list plus the total number of matching items.
type Page[T any] struct {
	Items []T
	Total int
	// TotalIsEstimate says Total is a lower bound: more than Total items
	// match. Only a search so broad that counting every match would cost
	// more than it tells sets it (see Register.ListAgreements).
	TotalIsEstimate bool
	Page            int // 1-based
	PerPage         int
	// Derived is shared by every request served this same page from a
	// cache (nil when the page was read for one request only).
	Derived *Derived
}

// Paging defaults and bounds shared by every list.
const (
	DefaultPerPage = 25
	MaxPerPage     = 100
)

// PageRequest is the page a list screen asks for.
type PageRequest struct {
	Page    int
	PerPage int
}

// Normalize clamps the request to sane bounds: page 1 or later, 1 to
// MaxPerPage items a page.
func (p PageRequest) Normalize() PageRequest {
	if p.Page < 1 {
		p.Page = 1
	}
	if p.PerPage < 1 {
		p.PerPage = DefaultPerPage
	}
	if p.PerPage > MaxPerPage {
		p.PerPage = MaxPerPage
	}
	return p
}

// Offset is the number of items before this page.
func (p PageRequest) Offset() int { return (p.Page - 1) * p.PerPage }

// Pages is the number of pages the total fills (at least 1).
func (p Page[T]) Pages() int {
	if p.PerPage <= 0 || p.Total <= 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}
