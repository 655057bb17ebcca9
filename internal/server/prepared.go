package server

import "io"
import "net/http"
import "strconv"
import "strings"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/web/audit"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/reports"

// Prepared downloads: a long audit view's XLSX or PDF is built in the
// background (postgres.AuditExports.Prepare) and fetched from its status
// page, on any instance.
func (s *Server) registerPreparedRoutes() {
	s.post("/audit/export/prepare", need(dealgate.ActAuditView), s.handlePrepareExport)
	s.get("/exports/:id", need(dealgate.ActAuditView), s.handlePreparedStatus)
	s.get("/exports/:id/download", need(dealgate.ActAuditView), s.handlePreparedDownload)
}

func preparedPath(id int64) string { return "/exports/" + strconv.FormatInt(id, 10) }

// preparedFormats are the formats the audit page offers to prepare.
var preparedFormats = []audit.ExportLink{{Label: "Prepare Excel (XLSX)", Href: string(export.XLSX)}, {Label: "Prepare PDF report", Href: string(export.PDF)}}

// formatLabel names a format for people.
func formatLabel(f string) string {
	switch export.Format(f) {
	case export.XLSX:
		return "Excel file"
	case export.PDF:
		return "PDF report"
	}
	return strings.ToUpper(f) + " file"
}

// handlePrepareExport starts preparing the filtered view (the query string
// of the form's action) in the format posted, and sends the user to its
// status page. At the instance's limit it answers 429 "try again shortly".
func (s *Server) handlePrepareExport(c echo.Context) error {
	user := currentUser(c)
	format, ok := export.ParseFormat(c.FormValue("format"))
	if !ok || format.Streams() {
		return dealgate.Errorf(dealgate.EINVALID, "Choose XLSX or PDF to prepare; CSV and JSON Lines download at once.")
	}
	f, _, errs := readAuditFilter(c, user.Location())
	if len(errs) > 0 {
		return dealgate.Errorf(dealgate.EINVALID, "%s. Correct the filters on the audit trail page and try again.", errs[0].Message)
	}
	names := exportFilterNames(f)
	words := make([]string, 0, len(names))
	for _, n := range names {
		words = append(words, n.Name+": "+n.Value)
	}
	desc := "Every event"
	if len(words) > 0 {
		desc = "Events matching " + strings.Join(words, "; ")
	}
	q := cloneValues(c.QueryParams())
	id, err := s.exports.Prepare(c.Request().Context(), user, postgres.PrepareRequest{
		ExportRequest: postgres.ExportRequest{Filter: f, Format: format, Zone: user.Location(), Filters: names},
		Query:         q.Encode(), Description: desc,
	})
	if err != nil {
		return s.exportError(c, err)
	}
	return redirectSeeOther(c, preparedPath(id))
}

// handlePreparedStatus shows how a prepared export stands. htmx polls it
// while it builds; without JavaScript the page has a "Check again" link.
func (s *Server) handlePreparedStatus(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	user := currentUser(c)
	p, err := s.exports.Prepared(c.Request().Context(), user, id)
	if err != nil {
		return err
	}
	loc := user.Location()
	self := preparedPath(id)
	v := reports.PreparedView{
		Title: formatLabel(p.Format) + " of the audit trail", Description: p.Description,
		Building: p.State == dealgate.PreparedBuilding, Ready: p.State == dealgate.PreparedReady, Failed: p.State == dealgate.PreparedFailed,
		Error: p.Error, Started: formatMoment(p.CreatedAt, loc), SelfHref: self, DownloadHref: self + "/download",
		Expires: "at " + formatMoment(p.ExpiresAt, loc), BackHref: "/audit?" + p.Query,
		Facts: []components.SummaryRow{{Key: "Format", Value: formatLabel(p.Format)}, {Key: "Started", Value: formatMoment(p.CreatedAt, loc)}},
	}
	if v.Ready {
		v.DownloadText = "Download " + p.Filename + " (" + sizeText(p.Size) + ")"
		v.Facts = append(v.Facts, components.SummaryRow{Key: "Events", Value: groupThousands(int(p.Rows))},
			components.SummaryRow{Key: "Finished", Value: formatMoment(derefTime(p.FinishedAt), loc)})
	}
	return s.render(c, http.StatusOK, reports.Prepared(s.page(c, v.Title), v))
}

// handlePreparedDownload sends a ready prepared export, once.
func (s *Server) handlePreparedDownload(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	user := currentUser(c)
	if c.Request().Method == http.MethodHead {
		_, err := s.exports.Prepared(c.Request().Context(), user, id)
		if err != nil {
			return err
		}
		return c.NoContent(http.StatusOK) // a HEAD does not use up the download
	}
	err = s.exports.DownloadPrepared(c.Request().Context(), user, id, func(p dealgate.PreparedExport) (io.Writer, error) {
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, p.ContentType)
		h.Set("Content-Disposition", `attachment; filename="`+p.Filename+`"`)
		h.Set("Cache-Control", "no-store")
		h.Set(echo.HeaderContentLength, strconv.FormatInt(p.Size, 10))
		c.Response().WriteHeader(http.StatusOK)
		return c.Response(), nil
	})
	if err != nil && c.Response().Committed {
		s.log.Error("prepared export failed mid-download", "id", id, "err", err)
		return nil
	}
	return err
}
