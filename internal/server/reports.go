package server

import "fmt"
import "io"
import "net/http"
import "net/url"
import "os"
import "strconv"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/web/components"
import "github.com/dealgate/dealgate/web/reports"

func (s *Server) registerReportRoutes() {
	s.get("/reports/decisions", need(dealgate.ActExport), s.handleDecisionRegister)
	s.get("/reports/decisions/export", need(dealgate.ActExport), s.handleDecisionRegisterExport)
	s.get("/deals/:id/packet.pdf", need(dealgate.ActDecisionPacket), s.handleDecisionPacket)
	s.registerPreparedRoutes()
}

// handleDecisionRegister shows the decisions of a period, a page at a time,
// with the period's downloads.
func (s *Server) handleDecisionRegister(c echo.Context) error {
	user := currentUser(c)
	loc := user.Location()
	from, to, fieldErr, errs := readPeriod(c, loc)
	v := reports.DecisionsView{Errors: errs, Filters: []components.Field{
		{ID: "from", Name: "from", Label: "Decided from", Hint: "In your time zone, " + loc.String(), Type: "date", Value: c.QueryParam("from"), Error: fieldErr["from"]},
		{ID: "to", Name: "to", Label: "Decided to", Type: "date", Value: c.QueryParam("to"), Error: fieldErr["to"]},
	}}
	if len(errs) > 0 {
		return s.render(c, http.StatusUnprocessableEntity, reports.Decisions(s.page(c, "Decision register"), v))
	}
	f := dealgate.DecisionReportFilter{From: from, To: to, PageRequest: pageRequest(c)}
	page, err := s.reports.DecisionRegister(c.Request().Context(), user, f)
	if err != nil {
		return err
	}
	v.Period = export.Meta{From: from, To: to, Zone: loc}.Period()
	canPacket := dealgate.Allowed(user, dealgate.ActDecisionPacket)
	for _, r := range page.Items {
		row := reports.DecisionRow{
			Decided: formatMoment(r.DecidedAt, loc), Deal: fmt.Sprintf("%s (deal %d, version %d)", r.Title, r.DealID, r.DealVersion),
			DealHref: dealPath(r.DealID), Counterparty: r.Counterparty, Verdict: r.VerdictLabel(),
			Votes:    votesText(r),
			Decision: r.Outcome.Label(), DecisionKind: string(r.Outcome), Days: decisionDaysText(r.DaysToDecision()),
			Negotiation: r.NegotiationBeforeClearance(),
		}
		row.NegotiatedEarly, _ = r.NegotiationRecordBefore()
		if canPacket {
			row.PacketHref = dealPath(r.DealID) + "/packet.pdf?decision=" + strconv.FormatInt(r.DecisionID, 10)
		}
		v.Rows = append(v.Rows, row)
	}
	v.Pager = pager(c, page)
	q := url.Values{}
	for _, k := range []string{"from", "to"} {
		if c.QueryParam(k) != "" {
			q.Set(k, c.QueryParam(k))
		}
	}
	for _, d := range []struct {
		label string
		f     export.Format
	}{{"CSV", export.CSV}, {"Excel (XLSX)", export.XLSX}, {"PDF", export.PDF}} {
		q.Set("format", string(d.f))
		v.Downloads = append(v.Downloads, reports.Download{Label: d.label, Href: "/reports/decisions/export?" + q.Encode()})
	}
	return s.render(c, http.StatusOK, reports.Decisions(s.page(c, "Decision register"), v))
}

// handleDecisionRegisterExport downloads the period's decisions as CSV,
// XLSX or PDF, built first and served with its length.
func (s *Server) handleDecisionRegisterExport(c echo.Context) error {
	user := currentUser(c)
	format, ok := export.ParseFormat(c.QueryParam("format"))
	if c.QueryParam("format") == "" {
		format, ok = export.CSV, true
	}
	if !ok || format == export.JSONL {
		return dealgate.Errorf(dealgate.ENOTFOUND, "The decision register is offered as CSV, XLSX or PDF.")
	}
	from, to, _, errs := readPeriod(c, user.Location())
	if len(errs) > 0 {
		return dealgate.Errorf(dealgate.EINVALID, "%s. Correct the period on the decision register page and download again.", errs[0].Message)
	}
	if c.Request().Method == http.MethodHead {
		c.Response().Header().Set(echo.HeaderContentType, format.ContentType())
		return c.NoContent(http.StatusOK) // not an export: neither run nor audited
	}
	f := dealgate.DecisionReportFilter{From: from, To: to}
	return s.serveBuilt(c, format.ContentType(), func(w io.Writer) (string, error) {
		var name string
		_, err := s.reports.ExportDecisionRegister(c.Request().Context(), user, f, format, user.Location(), func(m export.Meta) (io.Writer, error) {
			name = export.FileName("decisions", m, string(format))
			return w, nil
		})
		return name, err
	})
}

// handleDecisionPacket downloads a deal's decision packet: its latest
// decision, or ?decision=.
func (s *Server) handleDecisionPacket(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var decision int64
	if v := c.QueryParam("decision"); v != "" {
		if decision, err = strconv.ParseInt(v, 10, 64); err != nil || decision < 1 {
			return dealgate.Errorf(dealgate.ENOTFOUND, "This deal has no such decision.")
		}
	}
	user := currentUser(c)
	if c.Request().Method == http.MethodHead {
		c.Response().Header().Set(echo.HeaderContentType, export.PDF.ContentType())
		return c.NoContent(http.StatusOK)
	}
	return s.serveBuilt(c, export.PDF.ContentType(), func(w io.Writer) (string, error) {
		err := s.reports.DecisionPacket(c.Request().Context(), user, id, decision, user.Location(), func(export.Meta) (io.Writer, error) { return w, nil })
		return fmt.Sprintf("dealgate-decision-packet-deal-%d.pdf", id), err
	})
}

// serveBuilt builds a file into a temporary file (build returns its
// download name), then serves it with its length, so a failure is an error
// page rather than half a file.
func (s *Server) serveBuilt(c echo.Context, contentType string, build func(io.Writer) (string, error)) error {
	tmp, err := os.CreateTemp("", "dealgate-export-*")
	if err != nil {
		return dealgate.Internal(err)
	}
	defer func() { _ = tmp.Close(); _ = os.Remove(tmp.Name()) }()
	name, err := build(tmp)
	if err != nil {
		return s.exportError(c, err)
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return dealgate.Internal(err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return dealgate.Internal(err)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
	c.Response().WriteHeader(http.StatusOK)
	_, err = io.Copy(c.Response(), tmp)
	return err
}

// votesText is a decision's tally in the vote form's words: "Approve 2,
// Flag 0, Abstain 0, Recused 0" (approvals with conditions count as Approve).
func votesText(r dealgate.DecisionRecord) string {
	return fmt.Sprintf("%s %d, %s %d, %s %d, Recused %d", dealgate.VoteApprove.Label(), r.For, dealgate.VoteFlag.Label(), r.Against,
		dealgate.VoteAbstain.Label(), r.Abstained, r.Recused)
}

// decisionDaysText is the time from submission to decision as the register shows
// it: "under 1 day", else whole or tenth days ("3", "2.5").
func decisionDaysText(days float64) string {
	if days < 1 {
		return "under 1 day"
	}
	return strconv.FormatFloat(days, 'f', -1, 64)
}
