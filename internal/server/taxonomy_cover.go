package server

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/taxonomy"

// coveringShown is how many agreements the category page lists; the link
// under them opens the filtered agreement list with all of them.
const coveringShown = 10

// coveringAgreements lists, for the category page, the first agreements
// with a live clause covering category id on the screening engine's
// relation, each with the path that matched.
func (s *Server) coveringAgreements(c echo.Context, id int64) ([]taxonomy.CoveringRow, int, error) {
	page, err := s.register.ListAgreements(c.Request().Context(), currentUser(c),
		dealgate.AgreementFilter{CategoryID: id, Sort: "title", PerPage: coveringShown})
	if err != nil {
		return nil, 0, err
	}
	rows := make([]taxonomy.CoveringRow, 0, len(page.Items))
	for _, a := range page.Items {
		rows = append(rows, taxonomy.CoveringRow{Title: a.Title, Href: agreementPath(a.ID), Status: a.Status.Label(),
			StatusKind: statusKind(a.Status), Cover: coverText(a.Cover)})
	}
	return rows, page.Total, nil
}
