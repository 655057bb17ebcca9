package server

import "fmt"
import "strconv"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/postgres"
import "github.com/dealgate/dealgate/internal/screening"
import screeningview "github.com/dealgate/dealgate/web/screening"

// Screening results as views: the deal page's screening, the draft's
// pre-check and the agreement page's open deals.

// verdictKind is the tag kind of a verdict: "cleared" for clear.
func verdictKind(v screening.Severity) string {
	if v == screening.Clear {
		return "cleared"
	}
	return string(v)
}

// verdictSummary says what the verdict means and counts the findings.
func verdictSummary(v screening.Severity, conflicts, cautions, infos int) string {
	if v == screening.Clear {
		return "No clause of the register applies to this deal."
	}
	return fmt.Sprintf("%s, %s, %s.", plural(conflicts, "conflict"), plural(cautions, "caution"), plural(infos, "info note"))
}

// findingCard is one finding in the engine's words.
func findingCard(f screening.Finding) screeningview.FindingCard {
	verdict := f.ActionSentence()
	if verdict == "" {
		verdict = f.CategorySentence()
	}
	explain := []string{f.PartySentence(), f.CategorySentence()}
	if w := f.WhenSentence(); w != "" {
		explain = append(explain, w)
	}
	path := "Deal category " + f.Category.Deal.Name + " · " + f.Relation.Label() + " · clause covers " + f.Category.Clause.Name
	if f.Category.Common.Name != "" && f.Relation == screening.Related {
		path += " · both under " + f.Category.Common.Name
	}
	agreement := agreementPath(f.AgreementID)
	return screeningview.FindingCard{
		Severity: f.Severity.Label(), SeverityKind: string(f.Severity), Headline: f.Headline(), Verdict: verdict,
		Explanation: strings.Join(explain, " "), Quote: f.Text, CategoryPath: path,
		AgreementHref: agreement, ClauseHref: agreement + "#clause-" + strconv.FormatInt(f.ClauseID, 10),
	}
}

// storedReportView is a recorded screening of a deal version.
// infoShownFirst is how many of a screening's listed info notes a deal or
// review page shows at first: every conflict and caution is shown, and the
// related-category notes, which ask nothing of anyone, follow a link
// (?info=all) past the first few.
const infoShownFirst = 5

// storedReportView is a stored screening; allInfo shows every listed info
// note, else the first infoShownFirst with a link to the rest.
func storedReportView(st *postgres.Stored, loc *time.Location, allInfo bool) screeningview.ReportView {
	v := screeningview.ReportView{Heading: "Screening", Verdict: st.Verdict.Label(), VerdictKind: verdictKind(st.Verdict),
		Summary: verdictSummary(st.Verdict, st.Conflicts, st.Cautions, st.Infos)}
	why := map[string]string{postgres.ReasonSubmission: "on submission", postgres.ReasonVersion: "on the new version",
		postgres.ReasonRegister: "after a register change"}[st.Reason]
	v.Meta = fmt.Sprintf("Version %d screened %s, %s, against taxonomy %s and register state %d; dates judged on %s.",
		st.Version, why, formatMoment(st.ScreenedAt, loc), inSentence(st.TaxonomyLabel), st.RegisterChange, st.JudgedOn.Format("2 January 2006"))
	infos, hidden := 0, 0
	for i, f := range st.Findings {
		if f.Severity == screening.Info {
			if infos++; infos > infoShownFirst && !allInfo {
				hidden++
				continue
			}
		}
		card := findingCard(f)
		if st.ClauseChanged[i] {
			card.Changed = "This clause has changed since; re-screening is under way."
		}
		v.Findings = append(v.Findings, card)
	}
	if hidden > 0 {
		v.AllInfoHref = "?info=all#screening-heading"
		v.AllInfoText = fmt.Sprintf("Show the other %d listed info notes", hidden)
	}
	if n := st.InfoNotStored(); n > 0 {
		v.More = fmt.Sprintf("%s more related clauses are counted but not listed.", strconv.Itoa(n))
	}
	return v
}

// preCheckView is a draft's pre-check, which is not recorded.
func preCheckView(rep screening.Report) screeningview.ReportView {
	v := screeningview.ReportView{Heading: "Check now: screening of this draft", Verdict: rep.Verdict.Label(),
		VerdictKind: verdictKind(rep.Verdict),
		Summary:     verdictSummary(rep.Verdict, rep.Count(screening.Conflict), rep.Count(screening.Caution), rep.Count(screening.Info)),
		Meta:        fmt.Sprintf("Against taxonomy %s and the register as it is now; dates judged on %s.", inSentence(rep.Taxonomy.Label()), rep.Today.Format("2 January 2006")),
		Note:        "This check is not recorded: the deal is screened and the result kept when you submit it."}
	shown := 0
	for _, f := range rep.Findings {
		if f.Severity == screening.Info {
			if shown >= postgres.MaxStoredInfo {
				continue
			}
			shown++
		}
		v.Findings = append(v.Findings, findingCard(f))
	}
	if n := rep.Count(screening.Info) - shown; n > 0 {
		v.More = fmt.Sprintf("%d more related clauses are counted but not listed.", n)
	}
	return v
}

// touchingView lists the open deals touching an agreement.
func touchingView(items []postgres.Touching, job *postgres.Job, loc *time.Location) screeningview.TouchingView {
	var v screeningview.TouchingView
	for _, t := range items {
		v.Rows = append(v.Rows, screeningview.TouchingRow{
			Deal: fmt.Sprintf("%s (version %d)", t.Title, t.Version), DealHref: dealPath(t.DealID),
			Clause: clauseRefText(t.Section, t.ClauseID), ClauseHref: "#clause-" + strconv.FormatInt(t.ClauseID, 10),
			Severity: t.Severity.Label(), SeverityKind: string(t.Severity), Relation: t.Relation.Label(),
		})
	}
	v.Job = jobText(job, loc)
	return v
}

// jobText says what the latest register change re-screened.
func jobText(j *postgres.Job, loc *time.Location) string {
	if j == nil {
		return ""
	}
	switch j.State {
	case "pending", "running":
		return fmt.Sprintf("The register changed %s; open deals are being re-screened.", formatMoment(j.CreatedAt, loc))
	case "failed":
		return fmt.Sprintf("Re-screening after the register change of %s failed and will be retried.", formatMoment(j.CreatedAt, loc))
	}
	return fmt.Sprintf("The latest register change (%s) re-screened %s; %s.", formatMoment(j.CreatedAt, loc),
		plural(j.Deals, "open deal"), changedText(j.Changed))
}

func changedText(n int) string {
	if n == 0 {
		return "no verdict changed"
	}
	return plural(n, "changed verdict")
}

// inSentence is a label ("Version 3", "Draft") as it reads inside a
// sentence: "against taxonomy version 3".
func inSentence(label string) string {
	if label == "" {
		return label
	}
	return strings.ToLower(label[:1]) + label[1:]
}

// clauseRefText cites a clause by its section ("§4.2"), or its number.
func clauseRefText(section string, id int64) string {
	if section != "" {
		return "§" + strings.TrimPrefix(section, "§")
	}
	return "Clause " + strconv.FormatInt(id, 10)
}
