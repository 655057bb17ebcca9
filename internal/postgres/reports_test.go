package postgres_test

import "bytes"
import "compress/zlib"
import "context"
import "encoding/csv"
import "encoding/hex"
import "io"
import "regexp"
import "strconv"
import "strings"
import "testing"
import "time"

import "github.com/xuri/excelize/v2"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/export"
import "github.com/dealgate/dealgate/internal/postgres"

var pdfStreamRE = regexp.MustCompile(`(?s)stream\r?\n(.*?)endstream`)

// pdfText inflates a PDF's streams: the text it shows, for assertions.
func pdfText(data []byte) string {
	var out strings.Builder
	for _, m := range pdfStreamRE.FindAllSubmatch(data, -1) {
		if r, err := zlib.NewReader(bytes.NewReader(m[1])); err == nil {
			b, _ := io.ReadAll(r)
			out.Write(b)
		}
	}
	return out.String()
}

// decidedDeal runs a deal through review to an approval with conditions
// (m1 approves, the chair approves with conditions, m2 recuses; the
// submitter is not assigned) and records that negotiation started.
func decidedDeal(t *testing.T, e *reviewEnv) dealgate.Deal {
	t.Helper()
	d := e.submittedBy(t, e.both, "NWS", 1)
	r := e.open(t, d)
	if _, err := e.reviews.Vote(e.ctx, e.m1, r.ID, dealgate.VoteInput{Choice: dealgate.VoteApprove, Rationale: "Hosting is outside section 4.2."}); err != nil {
		t.Fatal(err)
	}
	if err := e.reviews.Recuse(e.ctx, e.m2, r.ID, "Former employer of Nimbus"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.reviews.Vote(e.ctx, e.chair, r.ID, vote(dealgate.VoteApproveConditions)); err != nil {
		t.Fatal(err)
	}
	dec := dealgate.DecisionInput{Outcome: dealgate.OutcomeApprovedConditions, Memo: "Approved: the memo of record.", Conditions: "No exclusivity over hosting."}
	if _, err := e.reviews.Decide(e.ctx, e.chair, r.ID, d.CurrentVersion, dec); err != nil {
		t.Fatalf("decide: %v %v", err, dealgate.ErrorFields(err))
	}
	cur, _ := e.deals.Deal(e.ctx, e.both, d.ID)
	if _, err := e.deals.StartNegotiation(e.ctx, e.both, d.ID, cur.Version); err != nil {
		t.Fatal(err)
	}
	return cur
}

func TestDecisionRegister(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	d := decidedDeal(t, e)
	reports := postgres.NewReports(e.db)
	all := dealgate.DecisionReportFilter{}
	for _, who := range []*dealgate.User{e.counsel, e.m1, e.chair} {
		if _, err := reports.DecisionRegister(e.ctx, who, all); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
			t.Errorf("%s reads the register: %v", who.Email, err)
		}
	}
	page, err := reports.DecisionRegister(e.ctx, e.auditor, all)
	if err != nil || page.Total != 1 || len(page.Items) != 1 {
		t.Fatalf("register %+v %v", page, err)
	}
	r := page.Items[0]
	if r.DealID != d.ID || r.Counterparty != "Nimbus Web Services" || r.For != 2 || r.Against != 0 || r.Recused != 1 ||
		r.Outcome != dealgate.OutcomeApprovedConditions || r.Conditions == "" || r.NegotiationBeforeClearance() != "no" ||
		len(r.Categories) != 1 || r.Value == nil {
		t.Errorf("record %+v", r)
	}
	// The period filters by the decision's time.
	later := dealgate.DecisionReportFilter{From: e.db.Now().Add(time.Hour)}
	if p, _ := reports.DecisionRegister(e.ctx, e.admin, later); p.Total != 0 {
		t.Errorf("a later period has %d decisions", p.Total)
	}

	// CSV, read back; the export is audited.
	var buf bytes.Buffer
	n, err := reports.ExportDecisionRegister(e.ctx, e.auditor, all, export.CSV, time.UTC, func(export.Meta) (io.Writer, error) { return &buf, nil })
	if err != nil || n != 1 {
		t.Fatalf("export: %d %v", n, err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(recs) != 2 || recs[1][4] != "Nimbus Web Services" || recs[1][19] != "no" {
		t.Fatalf("csv %q %v", recs, err)
	}
	if e.auditCount(t, "decisions.exported") != 1 {
		t.Error("the export is not audited")
	}
	// XLSX parses back with the decision.
	buf.Reset()
	if _, err := reports.ExportDecisionRegister(e.ctx, e.admin, all, export.XLSX, time.UTC, func(export.Meta) (io.Writer, error) { return &buf, nil }); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("Decisions", "N2"); v != "Approved with conditions" {
		t.Errorf("xlsx decision %q", v)
	}
	_ = f.Close()
	if _, err := reports.ExportDecisionRegister(e.ctx, e.admin, all, export.JSONL, time.UTC, nil); dealgate.ErrorCode(err) != dealgate.EINVALID {
		t.Errorf("jsonl register: %v", err)
	}

	// Computed from the records, not assumed: a negotiation record dated
	// before the decision shows.
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE deal_negotiation SET recorded_at = recorded_at - interval '2 hours'`); err != nil {
		t.Fatal(err)
	}
	page, _ = reports.DecisionRegister(e.ctx, e.auditor, all)
	if got := page.Items[0].NegotiationBeforeClearance(); got != "YES: recorded before the decision" {
		t.Errorf("tampered negotiation reads %q", got)
	}
}

func TestDecisionPacket(t *testing.T) {
	t.Parallel()
	e := newReviewEnv(t)
	d := decidedDeal(t, e)
	reports := postgres.NewReports(e.db)
	packet := func(who *dealgate.User, id int64) ([]byte, error) {
		var buf bytes.Buffer
		err := reports.DecisionPacket(e.ctx, who, id, 0, time.UTC, func(export.Meta) (io.Writer, error) { return &buf, nil })
		return buf.Bytes(), err
	}
	for _, who := range []*dealgate.User{e.m1, e.both} {
		if _, err := packet(who, d.ID); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
			t.Errorf("%s gets the packet: %v", who.Email, err)
		}
	}
	undecided := e.submittedBy(t, e.counsel, "NWS", 2)
	if _, err := packet(e.auditor, undecided.ID); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("packet without a decision: %v", err)
	}
	data, err := packet(e.chair, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var submitted []byte
	if err := e.db.Pool.QueryRow(e.ctx, `SELECT s.hash FROM audit_event a JOIN audit_seal s ON s.event_id = a.id
		WHERE a.action = 'deal.submitted' AND a.entity_id = $1`, idStr(d.ID)).Scan(&submitted); err != nil {
		t.Fatal(err)
	}
	text := pdfText(data)
	for _, want := range []string{"Approved: the memo of record.", "No exclusivity over hosting.", "Hosting is outside section 4.2.",
		"Former employer of Nimbus", "Agent hosting", "Definition of Agent hosting.", "deal.submitted", "review.vote_cast", "review.decided",
		hex.EncodeToString(submitted), "Nimbus Web Services"} {
		if !strings.Contains(text, want) {
			t.Errorf("packet lacks %q", want)
		}
	}
	if e.auditCount(t, "deal.packet_exported") != 1 {
		t.Error("the packet is not audited")
	}
}

func TestPreparedExportFlow(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	other := regUser(t, e.db, "auditor2@example.test", dealgate.RoleAuditor)
	s := postgres.NewAuditExports(e.db, postgres.ExportOptions{Conns: 1, Concurrent: 1})
	defer s.Close()
	req := postgres.PrepareRequest{ExportRequest: postgres.ExportRequest{Format: export.XLSX, Zone: time.UTC}, Query: "actor=x", Description: "Every event"}
	if _, err := s.Prepare(e.ctx, e.counsel, req); dealgate.ErrorCode(err) != dealgate.EFORBIDDEN {
		t.Fatalf("counsel prepares: %v", err)
	}

	// At the limit: a running export holds the one slot; preparing is
	// refused with "try again shortly" and records nothing.
	hold, release := make(chan struct{}), make(chan struct{})
	go func() {
		_, _ = s.Export(context.Background(), e.auditor, postgres.ExportRequest{Format: export.CSV}, func(export.Meta) (io.Writer, error) {
			close(hold)
			<-release
			return io.Discard, nil
		})
	}()
	<-hold
	if _, err := s.Prepare(e.ctx, e.auditor, req); dealgate.ErrorCode(err) != dealgate.ETOOMANY || dealgate.RetryAfter(err) <= 0 {
		t.Fatalf("prepare at the limit: %v", err)
	}
	close(release)

	var id int64
	var err error
	for range 100 { // the held export gives its slot back
		if id, err = s.Prepare(e.ctx, e.auditor, req); dealgate.ErrorCode(err) != dealgate.ETOOMANY {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	var p dealgate.PreparedExport
	for range 300 {
		if p, err = s.Prepared(e.ctx, e.auditor, id); err != nil || p.State != dealgate.PreparedBuilding {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil || p.State != dealgate.PreparedReady || p.Size == 0 || !strings.HasSuffix(p.Filename, ".xlsx") || p.Rows == 0 {
		t.Fatalf("prepared %+v %v", p, err)
	}
	// Someone else's export does not exist for them.
	if _, err := s.Prepared(e.ctx, other, id); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("another auditor sees it: %v", err)
	}
	if err := s.DownloadPrepared(e.ctx, other, id, func(dealgate.PreparedExport) (io.Writer, error) { return io.Discard, nil }); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("another auditor downloads it: %v", err)
	}
	var buf bytes.Buffer
	if err := s.DownloadPrepared(e.ctx, e.auditor, id, func(dealgate.PreparedExport) (io.Writer, error) { return &buf, nil }); err != nil {
		t.Fatal(err)
	}
	if int64(buf.Len()) != p.Size {
		t.Fatalf("downloaded %d bytes of %d", buf.Len(), p.Size)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("not an XLSX: %v", err)
	}
	if rows, _ := f.GetRows("Events"); int64(len(rows)-1) != p.Rows {
		t.Errorf("%d rows, prepared %d", len(rows)-1, p.Rows)
	}
	_ = f.Close()
	// Downloaded once: gone, with its chunks.
	if _, err := s.Prepared(e.ctx, e.auditor, id); dealgate.ErrorCode(err) != dealgate.ENOTFOUND {
		t.Errorf("still there after the download: %v", err)
	}
	var chunks int
	_ = e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM prepared_export_chunk`).Scan(&chunks)
	if chunks != 0 {
		t.Errorf("%d chunks left", chunks)
	}
	// The build's audit.exported event names the request's actor (the
	// system here: the test has no request).
	for _, action := range []string{"audit.export_started", "audit.exported", "audit.export_downloaded"} {
		var n int
		_ = e.db.Pool.QueryRow(e.ctx, `SELECT count(*) FROM audit_event WHERE action = $1`, action).Scan(&n)
		if n < 1 {
			t.Errorf("no %s event", action)
		}
	}

	// A build whose instance stopped beating shows as failed; expired
	// exports are purged.
	id, err = s.Prepare(e.ctx, e.auditor, postgres.PrepareRequest{ExportRequest: postgres.ExportRequest{Format: export.PDF, Zone: time.UTC}})
	if err != nil {
		t.Fatal(err)
	}
	for range 300 {
		if p, _ = s.Prepared(e.ctx, e.auditor, id); p.State != dealgate.PreparedBuilding {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE prepared_export SET state = 'building', finished_at = NULL, heartbeat_at = $1 WHERE id = $2`,
		e.db.Now().Add(-2*time.Minute), id); err != nil {
		t.Fatal(err)
	}
	if p, _ = s.Prepared(e.ctx, e.auditor, id); p.State != dealgate.PreparedFailed || !strings.Contains(p.Error, "stopped") {
		t.Errorf("stalled export %+v", p)
	}
	if _, err := e.db.Pool.Exec(e.ctx, `UPDATE prepared_export SET expires_at = $1`, e.db.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if n, err := e.db.PurgePreparedExports(e.ctx); err != nil || n != 1 {
		t.Errorf("purged %d %v", n, err)
	}
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }
