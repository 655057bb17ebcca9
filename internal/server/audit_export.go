package server

import "encoding/hex"
import "encoding/json"
import "fmt"
import "io"
import "net/http"
import "net/url"
import "sort"
import "strconv"
import "strings"
import "time"

import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/web/audit"
import "github.com/dealgate/dealgate/web/components"

func (s *Server) registerAuditExportRoutes() {
	s.get("/audit/export", need(dealgate.ActAuditView), s.handleAuditExport)
	s.get("/audit/chain", need(dealgate.ActAuditView), s.handleAuditChain)
	s.get("/audit/:id", need(dealgate.ActAuditView), s.handleAuditEvent)
	s.post("/audit/chain", need(dealgate.ActAuditView), s.handleAuditChainVerify)
}

// auditExportLinks are the filtered view's download links: the list's
// query string without its paging, and the format.
func auditExportLinks(q url.Values) []audit.ExportLink {
	q = exportQuery(q)
	labels := map[export.Format]string{export.CSV: "CSV", export.XLSX: "Excel (XLSX)", export.PDF: "PDF report", export.JSONL: "JSON Lines"}
	var out []audit.ExportLink
	for _, f := range export.Formats {
		q.Set("format", string(f))
		out = append(out, audit.ExportLink{Label: labels[f], Href: "/audit/export?" + q.Encode()})
	}
	return out
}

// exportQuery is the list's query string without its paging.
func exportQuery(q url.Values) url.Values {
	q = cloneValues(q)
	for _, k := range []string{"page", "per_page", "after", "before", "format"} {
		q.Del(k)
	}
	return q
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// exportFilterNames names the filters of f for the report's cover.
func exportFilterNames(f dealgate.AuditFilter) []export.Filter {
	var out []export.Filter
	for _, kv := range [][2]string{{"Action starts with", f.ActionPrefix}, {"Actor", f.Actor},
		{"Record type", f.EntityType}, {"Record ID", f.EntityID}} {
		if kv[1] != "" {
			out = append(out, export.Filter{Name: kv[0], Value: kv[1]})
		}
	}
	return out
}

// handleAuditExport downloads the filtered view. CSV and JSON Lines stream
// row by row from the database; XLSX and PDF are built in a temporary file
// and served with their length. The file name is chosen here.
func (s *Server) handleAuditExport(c echo.Context) error {
	user := currentUser(c)
	format, ok := export.CSV, true
	if v := c.QueryParam("format"); v != "" {
		format, ok = export.ParseFormat(v)
	}
	if !ok {
		return dealgate.Errorf(dealgate.ENOTFOUND, "There is no such export format.")
	}
	f, _, errs := readAuditFilter(c, user.Location())
	if len(errs) > 0 {
		return dealgate.Errorf(dealgate.EINVALID, "%s. Correct the filters on the audit trail page and export again.", errs[0].Message)
	}
	h := c.Response().Header()
	if c.Request().Method == http.MethodHead {
		// A HEAD request is not an export: it is neither run nor audited.
		if err := dealgate.Authorize(user, dealgate.ActAuditView); err != nil {
			return err
		}
		h.Set(echo.HeaderContentType, format.ContentType())
		return c.NoContent(http.StatusOK)
	}
	req := postgres.ExportRequest{Filter: f, Format: format, Zone: user.Location(), Filters: exportFilterNames(f)}
	headers := func(m export.Meta) {
		h.Set(echo.HeaderContentType, format.ContentType())
		h.Set("Content-Disposition", `attachment; filename="`+export.FileName("audit", m, string(format))+`"`)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Dealgate-Chain-Head", strconv.FormatInt(m.HeadSeq, 10)+" "+hex.EncodeToString(m.HeadHash))
	}
	// A long export may outlast the server's write timeout, which is meant
	// for pages: give this response up to an hour.
	_ = http.NewResponseController(c.Response()).SetWriteDeadline(time.Now().Add(time.Hour))
	ctx := c.Request().Context()
	if format.Streams() {
		_, err := s.exports.Export(ctx, user, req, func(m export.Meta) (io.Writer, error) {
			headers(m)
			c.Response().WriteHeader(http.StatusOK)
			return c.Response(), nil
		})
		if err != nil && c.Response().Committed {
			// The client has a file without its proof, which fails
			// verification; the log says why.
			s.log.Error("audit export failed mid-stream", "format", format, "err", err)
			return nil
		}
		return s.exportError(c, err)
	}
	return s.serveBuilt(c, format.ContentType(), func(w io.Writer) (string, error) {
		var name string
		_, err := s.exports.Export(ctx, user, req, func(m export.Meta) (io.Writer, error) {
			h.Set("X-Dealgate-Chain-Head", strconv.FormatInt(m.HeadSeq, 10)+" "+hex.EncodeToString(m.HeadHash))
			name = export.FileName("audit", m, string(format))
			return w, nil
		})
		return name, err
	})
}

// servedWithLength skips compression for the exports that are already
// compressed files (XLSX, PDF) and are served with their length.
func servedWithLength(c echo.Context) bool {
	switch c.Path() {
	case "/audit/export", "/reports/decisions/export":
		f, _ := export.ParseFormat(c.QueryParam("format"))
		return f == export.XLSX || f == export.PDF
	case "/deals/:id/packet.pdf", "/exports/:id/download":
		return true
	}
	return false
}

// exportError adds Retry-After to a busy answer.
func (s *Server) exportError(c echo.Context, err error) error {
	if d := dealgate.RetryAfter(err); d > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(d.Seconds())))
	}
	return err
}

func (s *Server) handleAuditChain(c echo.Context) error {
	if err := dealgate.Authorize(currentUser(c), dealgate.ActAuditView); err != nil {
		return err
	}
	p := s.page(c, "Audit chain")
	return s.render(c, http.StatusOK, audit.Chain(p, audit.ChainView{CSRFToken: p.CSRFToken}))
}

// handleAuditChainVerify runs the chain verification and shows its result.
func (s *Server) handleAuditChainVerify(c echo.Context) error {
	user := currentUser(c)
	rep, at, err := s.exports.VerifyChain(c.Request().Context(), user)
	if err != nil {
		return s.exportError(c, err)
	}
	p := s.page(c, "Audit chain")
	v := audit.ChainView{CSRFToken: p.CSRFToken, Ran: true, OK: rep.OK(), RanAt: formatMoment(at, user.Location()),
		Result: []components.SummaryRow{
			{Key: "Checked", Value: formatMoment(at, user.Location())},
			{Key: "Events verified", Value: strconv.FormatInt(rep.Count, 10)},
			{Key: "Head event", Value: strconv.FormatInt(rep.HeadSeq, 10)},
			{Key: "Head hash", Value: hex.EncodeToString(rep.HeadHash)},
			{Key: "Waiting to be sealed", Value: plural(int(rep.Pending), "event")},
		}}
	if rep.Pending > 0 {
		v.Pending = fmt.Sprintf("%s written since the last seal %s not in the chain yet (the oldest at %s), so this check does not cover %s. "+
			"Events are sealed moments after they are written, once every transaction that began before theirs has ended.",
			plural(int(rep.Pending), "event"), isAre(rep.Pending), formatMoment(rep.OldestPending, user.Location()), themIt(rep.Pending))
	}
	if !rep.OK() {
		v.Problem = fmt.Sprintf("Event %d does not verify: %s.", rep.BrokenAt, rep.Reason)
	}
	return s.render(c, http.StatusOK, audit.Chain(p, v))
}

// handleAuditEvent shows one event with its whole before and after.
func (s *Server) handleAuditEvent(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	user := currentUser(c)
	e, err := s.audit.Event(c.Request().Context(), user, id)
	if err != nil {
		return err
	}
	loc := user.Location()
	record := entityLabel(e.EntityType, e.EntityID)
	if href := entityHref(e.EntityType, e.EntityID); href != "" {
		record += " (" + href + ")"
	}
	facts := []components.SummaryRow{
		{Key: "When", Value: formatMoment(e.OccurredAt, loc)},
		{Key: "Who", Value: e.ActorLabel},
		{Key: "What happened", Value: dealgate.ActionName(e.Action) + " (" + e.Action + ")"},
		{Key: "Record", Value: record, ActionHref: entityHref(e.EntityType, e.EntityID), ActionLabel: "Open"},
		{Key: "From address", Value: e.ClientIP},
		{Key: "Request reference", Value: e.RequestID},
	}
	v := audit.EventView{ID: e.ID, Title: dealgate.ActionName(e.Action), Facts: facts, Changes: eventChanges(e.Before, e.After)}
	return s.render(c, http.StatusOK, audit.Event(s.page(c, "Audit event "+strconv.FormatInt(e.ID, 10)), v))
}

// eventChanges lays an event's before and after side by side, field by
// field, with nested values shown in full.
func eventChanges(before, after any) []audit.Change {
	b, a := asMap(before), asMap(after)
	if b == nil && a == nil {
		return nil
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	show := func(m map[string]any, k string) (string, bool) {
		if m == nil {
			return "—", false
		}
		v, ok := m[k]
		if !ok {
			return "—", false
		}
		if v == nil {
			return "none", true
		}
		if s, isString := v.(string); isString {
			return s, true
		}
		out, _ := json.MarshalIndent(v, "", "  ")
		return string(out), true
	}
	var out []audit.Change
	for _, k := range names {
		bv, inB := show(b, k)
		av, inA := show(a, k)
		out = append(out, audit.Change{Field: strings.ReplaceAll(k, "_", " "), Before: bv, After: av,
			Changed: (inB || b == nil) && (inA || a == nil) && bv != av})
	}
	return out
}

func isAre(n int64) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func themIt(n int64) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
