package export

import "encoding/hex"
import "fmt"
import "io"
import "strconv"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/screening"

// PacketData is what a deal's decision packet holds: the decision and the
// deal version it rests on, the screening it relied on (findings with their
// explanations and the clauses they cite), the taxonomy definitions used,
// the review's members with their recusals and their votes with
// rationales, and the deal's audit events with their chain hashes.
type PacketData struct {
	Deal       dealgate.Deal
	Version    dealgate.DealVersion
	Decision   dealgate.Decision
	Round      int
	Members    []dealgate.ReviewMember
	Votes      []dealgate.Vote
	Superseded map[int]bool // deal versions a material change superseded
	// Screening: nil when the version was never screened.
	Screening *PacketScreening
	// Definitions are the categories the deal and the findings name, as
	// the decision's taxonomy version defines them.
	Definitions []dealgate.CategoryDefinition
	Events      []dealgate.ChainedEvent
	// EventsCut says the deal has more events than the packet lists.
	EventsCut bool
}

// PacketScreening is the screening of the decided version.
type PacketScreening struct {
	Verdict       string
	Taxonomy      string
	ScreenedAt    time.Time
	Findings      []screening.Finding
	InfoNotStored int
}

// WriteDecisionPacket writes d as a PDF to w: one portrait document a board
// or regulator can read on its own.
func WriteDecisionPacket(w io.Writer, m Meta, d PacketData) error {
	title := fmt.Sprintf("Decision packet: deal %d", d.Deal.ID)
	doc := newPDFDoc(title, m, false)
	doc.coverHead(title, "")
	doc.packetDecision(d)
	doc.packetDeal(d)
	doc.packetScreening(d)
	doc.packetDefinitions(d)
	doc.packetVotes(d)
	doc.packetEvents(d)
	return doc.pdf.Output(w)
}

func (x *pdfDoc) day(t *time.Time) string {
	if t == nil {
		return "not given"
	}
	return t.Format("2006-01-02")
}

func (x *pdfDoc) moment(t time.Time) string {
	return t.In(x.meta.zone()).Format("2006-01-02 15:04 MST")
}

func (x *pdfDoc) packetDecision(d PacketData) {
	dec := d.Decision
	x.heading("Decision")
	x.line("Deal", d.Version.Content.Title)
	x.line("Decision", dec.Outcome.Label())
	x.line("Decided by", dec.DecidedBy)
	x.line("Decided at", x.moment(dec.DecidedAt))
	x.line("Review round", strconv.Itoa(d.Round))
	x.line("Rests on", fmt.Sprintf("version %d of the deal", dec.DealVersion))
	if dec.ExpiresAt != nil {
		x.line("Clearance until", x.moment(*dec.ExpiresAt))
	}
	x.line("Votes", dec.Tally.Summary())
	if dec.Conditions != "" {
		x.line("Conditions", dec.Conditions)
	}
	x.line("Memo", dec.Memo)
}

func (x *pdfDoc) packetDeal(d PacketData) {
	c := d.Version.Content
	x.heading(fmt.Sprintf("The deal as decided (version %d)", d.Version.Number))
	cp := "not given"
	if c.Counterparty != nil {
		cp = c.Counterparty.Name
	}
	cats := make([]string, len(c.Categories))
	for i, cat := range c.Categories {
		cats[i] = cat.Name
	}
	val := "not given"
	if c.Value != nil {
		val = c.Value.String()
	}
	x.line("Counterparty", cp)
	x.line("Categories", strings.Join(cats, "; "))
	x.line("Estimated value", val)
	x.line("Term", x.day(c.TermStart)+" to "+x.day(c.TermEnd))
	x.line("Territory", c.Territory())
	x.line("Negotiation start", x.day(c.NegotiationStart))
	x.line("Submitted", x.moment(d.Version.CreatedAt)+" by "+d.Version.CreatedByName)
	if d.Version.ChangeNote != "" {
		x.line("Change note", d.Version.ChangeNote)
	}
	x.line("Description", c.Description)
	x.line("Rationale", c.Rationale)
}

func (x *pdfDoc) packetScreening(d PacketData) {
	x.heading("Screening findings")
	s := d.Screening
	if s == nil {
		x.para("This version was not screened: no findings were recorded.", 10)
		return
	}
	x.line("Verdict", s.Verdict)
	x.line("Screened", x.moment(s.ScreenedAt)+", taxonomy "+s.Taxonomy)
	if len(s.Findings) == 0 {
		x.para("No clause of the register applied.", 10)
	}
	for i, f := range s.Findings {
		x.pdf.Ln(2)
		x.pdf.SetFont("Helvetica", "B", 10)
		x.pdf.MultiCell(0, 5.5, x.tr(fmt.Sprintf("%d. %s: %s", i+1, strings.ToUpper(string(f.Severity)), f.Headline())), "", "L", false)
		x.para(f.Explanation(), 9.5)
		x.pdf.SetFont("Helvetica", "I", 9)
		x.pdf.MultiCell(0, 4.8, x.tr(fmt.Sprintf("Clause cited (%s, %s): \"%s\"", f.Ref(), bindingWord(f.Binding), f.Text)), "", "L", false)
	}
	if s.InfoNotStored > 0 {
		x.para(fmt.Sprintf("%d more related clauses (info) were counted but not kept.", s.InfoNotStored), 9)
	}
}

func bindingWord(b bool) string {
	if b {
		return "binding"
	}
	return "non-binding"
}

func (x *pdfDoc) packetDefinitions(d PacketData) {
	x.heading("Taxonomy definitions used")
	if len(d.Definitions) == 0 {
		x.para("The decision names no taxonomy version.", 10)
	}
	for _, def := range d.Definitions {
		x.pdf.SetFont("Helvetica", "B", 10)
		x.pdf.MultiCell(0, 5.5, x.tr(def.Path), "", "L", false)
		x.para(def.Definition, 9.5)
	}
}

func (x *pdfDoc) packetVotes(d PacketData) {
	x.heading("Members, recusals and votes")
	votes := map[int64]dealgate.Vote{}
	for _, v := range d.Votes {
		votes[v.UserID] = v
	}
	for _, m := range d.Members {
		x.pdf.SetFont("Helvetica", "B", 10)
		v, voted := votes[m.UserID]
		switch {
		case m.Recused():
			x.pdf.MultiCell(0, 5.5, x.tr(m.Name+": does not vote. "+m.RecusalText()), "", "L", false)
		case !voted:
			x.pdf.MultiCell(0, 5.5, x.tr(m.Name+": did not vote"), "", "L", false)
		default:
			head := fmt.Sprintf("%s: %s (on version %d, %s)", m.Name, v.Choice.Label(), v.DealVersion, x.moment(v.UpdatedAt))
			if d.Superseded[v.DealVersion] {
				head += ", on a superseded version: not counted"
			}
			x.pdf.MultiCell(0, 5.5, x.tr(head), "", "L", false)
			if v.Conditions != "" {
				x.para("Conditions: "+v.Conditions, 9.5)
			}
			x.para("Rationale: "+v.Rationale, 9.5)
		}
	}
}

func (x *pdfDoc) packetEvents(d PacketData) {
	x.heading("Audit events of the deal")
	x.para("Each event's hash links it into the audit chain; check them against `dealgate audit verify` or the audit chain page.", 9)
	p := x.pdf
	widths := []float64{34, 50, 82, 20}
	p.SetFont("Helvetica", "B", 8)
	for i, h := range []string{"When", "Who", "Action and record", "Seq"} {
		p.CellFormat(widths[i], 6, h, "B", 0, "L", false, 0, "")
	}
	p.Ln(-1)
	for _, e := range d.Events {
		seq, hash := "unsealed", "not yet in the chain"
		if e.Seq > 0 {
			seq, hash = strconv.FormatInt(e.Seq, 10), hex.EncodeToString(e.Hash)
		}
		p.SetFont("Helvetica", "", 8)
		cells := []string{e.OccurredAt.In(x.meta.zone()).Format("2006-01-02 15:04:05"), e.ActorLabel,
			e.Action + " " + e.EntityType + " " + e.EntityID, seq}
		for i, c := range cells {
			p.CellFormat(widths[i], 4.5, x.fit(c, widths[i]), "", 0, "L", false, 0, "")
		}
		p.Ln(-1)
		p.SetFont("Courier", "", 7)
		p.CellFormat(0, 4, "hash "+hash, "B", 1, "L", false, 0, "")
	}
	if d.EventsCut {
		x.para(fmt.Sprintf("Only the first %d events are listed; the audit trail filtered by this deal has them all.", len(d.Events)), 9)
	}
}
