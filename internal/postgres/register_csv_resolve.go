package postgres

import "context"
import "fmt"
import "slices"
import "strconv"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/csvformat"
import "github.com/dealgate/dealgate/internal/dealgate"

// resolver turns names in the file into IDs, with caches, and creates the
// parties the file adds.
type resolver struct {
	tx      *Tx
	parties map[string]*int64
	owners  map[string]*int64
	tax     *dealgate.Taxonomy
	created int            // parties created
	madeOn  map[int64]int  // party created → its line
	retire  []int64        // parties created that the file marks retired
	failed  map[string]int // normalised name of a party that could not be created → its line
}

func newResolver(tx *Tx) *resolver {
	return &resolver{tx: tx, parties: map[string]*int64{}, owners: map[string]*int64{}, madeOn: map[int64]int{}, failed: map[string]int{}}
}

// rowParty creates the row's party when the row's party columns describe
// one not in the register, or checks them against the party when it is.
func (r *resolver) rowParty(ctx context.Context, actor *dealgate.User, row csvformat.Row, bad func(col, msg string)) error {
	c := row.Cells
	given := false
	for _, col := range csvformat.PartyColumns {
		given = given || c[col] != ""
	}
	if !given {
		return nil
	}
	name := c["party"]
	if name == "" {
		bad("party", "Give the party that the party columns describe on this row too")
		return nil
	}
	id, ok, err := r.party(ctx, name)
	if err != nil {
		return err
	}
	if ok {
		return r.checkParty(ctx, id, c, bad)
	}
	norm := dealgate.NormalizePartyName(name)
	if line, failed := r.failed[norm]; failed {
		bad("party", fmt.Sprintf("%q could not be created: see line %d", name, line))
		return nil
	}
	if c["party_kind"] == "" {
		// Reported by the agreement (or, on a row without one, as a
		// missing agreement_ref), with the hint to fill in party_kind.
		if c["agreement_ref"] == "" {
			bad("party_kind", fmt.Sprintf("%q is not a party in the register; fill in party_kind to create it", name))
		}
		return nil
	}
	created, err := r.createParty(ctx, actor, row, bad)
	if err != nil || created {
		return err
	}
	r.failed[norm] = row.Line
	return nil
}

// createParty creates the new party that a row describes, through the
// register's own path (validation, names, the audit event). created is false
// when the row's problems were reported instead.
func (r *resolver) createParty(ctx context.Context, actor *dealgate.User, row csvformat.Row, bad func(col, msg string)) (created bool, err error) {
	c, name := row.Cells, row.Cells["party"]
	in := dealgate.PartyInput{Name: name, Aliases: dealgate.SplitList(c["party_aliases"]), Website: c["party_website"], Notes: c["party_notes"]}
	good := true
	retired, ok := partyRetired(c, bad)
	good = good && ok
	if k, err := dealgate.ParsePartyKind(c["party_kind"]); err != nil {
		bad("party_kind", dealgate.ErrorMessage(err))
		good = false
	} else {
		in.Kind = k
	}
	if parent := c["party_parent"]; parent != "" {
		pid, ok, err := r.party(ctx, parent)
		if err != nil {
			return false, err
		}
		if !ok {
			bad("party_parent", r.missingParty(parent, row.Line))
			good = false
		} else {
			in.ParentID = &pid
		}
	}
	if good {
		// The register's own path: validation, names, the audit event.
		p, err := r.tx.CreateParty(ctx, actor, in)
		switch {
		case err == nil:
			r.created++
			r.madeOn[p.ID] = row.Line
			if retired {
				r.retire = append(r.retire, p.ID)
			}
			for _, n := range append([]string{p.Name}, p.Aliases...) {
				id := p.ID
				r.parties[dealgate.NormalizePartyName(n)] = &id
			}
			return true, nil
		case !reportable(err):
			return false, err
		}
		fields := dealgate.ErrorFields(err)
		if len(fields) == 0 {
			bad("party", dealgate.ErrorMessage(err))
		}
		for f, m := range fields {
			bad(partyField(f), m)
		}
	}
	return false, nil
}

// partyField maps a party form field to its CSV column.
func partyField(f string) string {
	switch f {
	case "name":
		return "party"
	case "kind":
		return "party_kind"
	case "aliases":
		return "party_aliases"
	case "parent_id":
		return "party_parent"
	case "website":
		return "party_website"
	case "notes":
		return "party_notes"
	}
	return f
}

// checkParty reports every party column of a row that contradicts the
// party (in the register or created above): an import never changes one.
func (r *resolver) checkParty(ctx context.Context, id int64, c map[string]string, bad func(col, msg string)) error {
	p, err := r.tx.party(ctx, id)
	if err != nil {
		return err
	}
	where := "the register"
	if line, ok := r.madeOn[id]; ok {
		where = fmt.Sprintf("line %d", line)
	}
	const fix = "an import does not change a party that exists: leave the column blank, or edit the party in the register"
	if kc := c["party_kind"]; kc != "" {
		if k, err := dealgate.ParsePartyKind(kc); err != nil {
			bad("party_kind", dealgate.ErrorMessage(err))
		} else if k != p.Kind {
			bad("party_kind", fmt.Sprintf("Party %s exists as %s (from %s), not %s; write %s or leave party_kind blank",
				p.Name, withArticle(p.Kind.Noun()), where, withArticle(k.Noun()), p.Kind))
		}
	}
	if ac := c["party_aliases"]; ac != "" {
		known := map[string]bool{dealgate.NormalizePartyName(p.Name): true}
		for _, a := range p.Aliases {
			known[dealgate.NormalizePartyName(a)] = true
		}
		var extra []string
		for _, a := range dealgate.SplitList(ac) {
			if !known[dealgate.NormalizePartyName(a)] {
				extra = append(extra, a)
			}
		}
		if len(extra) > 0 {
			bad("party_aliases", fmt.Sprintf("Party %s (from %s) is not also known as %s; %s",
				p.Name, where, strings.Join(extra, ", "), fix))
		}
	}
	if pc := c["party_parent"]; pc != "" {
		pid, ok, err := r.party(ctx, pc)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			bad("party_parent", r.missingParty(pc, 0))
		case p.ParentID == nil:
			bad("party_parent", fmt.Sprintf("Party %s (from %s) has no parent company; %s", p.Name, where, fix))
		case *p.ParentID != pid:
			bad("party_parent", fmt.Sprintf("The parent company of %s (from %s) is %s; %s", p.Name, where, p.ParentName, fix))
		}
	}
	same := dealgate.PartyInput{Name: p.Name, Kind: p.Kind, Website: c["party_website"], Notes: c["party_notes"]}
	var v dealgate.Validation
	same.ValidateInto(&v)
	if c["party_website"] != "" && same.Website != p.Website {
		was := "no web address"
		if p.Website != "" {
			was = "the web address " + p.Website
		}
		bad("party_website", fmt.Sprintf("Party %s (from %s) has %s; %s", p.Name, where, was, fix))
	}
	if c["party_notes"] != "" && same.Notes != p.Notes {
		bad("party_notes", fmt.Sprintf("Party %s (from %s) has other notes; %s", p.Name, where, fix))
	}
	// A party created above is retired once the agreements exist.
	isRetired := p.Retired() || slices.Contains(r.retire, id)
	if retired, ok := partyRetired(c, bad); ok && c["party_retired"] != "" && retired != isRetired {
		state := "live"
		if isRetired {
			state = "retired"
		}
		bad("party_retired", fmt.Sprintf("Party %s is %s (from %s); %s", p.Name, state, where, fix))
	}
	return nil
}

// partyRetired reads a row's party_retired cell (blank: no); ok is false,
// with the problem reported, when it is neither yes nor no.
func partyRetired(c map[string]string, bad func(col, msg string)) (retired, ok bool) {
	if c["party_retired"] == "" {
		return false, true
	}
	retired, ok = csvformat.ParseYesNo(c["party_retired"])
	if !ok {
		bad("party_retired", "Write yes or no")
	}
	return retired, ok
}

// retireCreated retires the parties the file created retired, once the
// file's agreements (which may name them) exist.
func (r *resolver) retireCreated(ctx context.Context, actor *dealgate.User) error {
	for _, id := range r.retire {
		p, err := r.tx.party(ctx, id)
		if err != nil {
			return err
		}
		if _, err := r.tx.setPartyRetired(ctx, actor, id, p.Version, true); err != nil {
			return err
		}
	}
	return nil
}

// withArticle puts "a" or "an" before a noun.
func withArticle(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// missingParty says that name is not a party; line is the row asking, to
// leave out a pointer to itself.
func (r *resolver) missingParty(name string, line int) string {
	if at, ok := r.failed[dealgate.NormalizePartyName(name)]; ok && at != line {
		return fmt.Sprintf("%q is not a party in the register, and the row that would create it (line %d) has problems", name, at)
	}
	return fmt.Sprintf("%q is not a party in the register or created by a row above this one (names and aliases are matched)", name)
}

func (r *resolver) load(ctx context.Context) error {
	t, err := r.tx.CurrentTaxonomy(ctx)
	if err != nil && !isNotFound(err) {
		return err
	}
	if t == nil {
		t = dealgate.NewTaxonomy(dealgate.TaxonomyVersion{}, nil)
	}
	r.tax = t
	return nil
}

func (r *resolver) party(ctx context.Context, name string) (int64, bool, error) {
	n := dealgate.NormalizePartyName(name)
	if id, ok := r.parties[n]; ok {
		return derefID(id), id != nil, nil
	}
	id, err := r.tx.Q.PartyIDByNorm(ctx, n)
	if err != nil {
		if isNotFound(err) {
			r.parties[n] = nil
			return 0, false, nil
		}
		return 0, false, err
	}
	r.parties[n] = &id
	return id, true, nil
}

func derefID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (r *resolver) partyList(ctx context.Context, cell string, col string, bad func(string, string)) ([]int64, error) {
	var ids []int64
	for _, name := range dealgate.SplitList(cell) {
		id, ok, err := r.party(ctx, name)
		if err != nil {
			return nil, err
		}
		if !ok {
			bad(col, r.missingParty(name, 0))
			continue
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (r *resolver) categories(cell, col string, bad func(string, string)) []int64 {
	var ids []int64
	for _, ref := range dealgate.SplitList(cell) {
		c, ok := r.tax.ByKey(strings.ToLower(ref))
		if !ok {
			var matches []dealgate.Category
			for _, cand := range r.tax.Categories {
				if strings.EqualFold(cand.Name, ref) && !cand.Retired {
					matches = append(matches, cand)
				}
			}
			switch len(matches) {
			case 1:
				c, ok = matches[0], true
			case 0:
				bad(col, fmt.Sprintf("%q is not a category key or name in the current taxonomy", ref))
				continue
			default:
				bad(col, fmt.Sprintf("%q names %d categories; use the key instead", ref, len(matches)))
				continue
			}
		}
		if c.Retired {
			bad(col, fmt.Sprintf("%s is retired in the current taxonomy", c.Name))
			continue
		}
		ids = append(ids, c.ID)
	}
	return ids
}

// agreement builds a's input from its first row.
func (r *resolver) agreement(ctx context.Context, a *importAgreement, bad func(col, msg string)) error {
	c := a.cells
	in := dealgate.AgreementInput{Title: c["title"], Summary: c["summary"], Notes: c["notes"]}
	if c["party"] == "" {
		bad("party", "Give the party the agreement is with")
	} else if id, ok, err := r.party(ctx, c["party"]); err != nil {
		return err
	} else if !ok {
		if at, failed := r.failed[dealgate.NormalizePartyName(c["party"])]; failed {
			if at != a.line { // else the party's own problems are on this line already
				bad("party", r.missingParty(c["party"], a.line))
			}
		} else {
			bad("party", fmt.Sprintf("%q is not a party in the register (names and aliases are matched); fill in party_kind to create it, or add it to the register first", c["party"]))
		}
	} else {
		in.PartyID = id
	}
	if c["agreement_kind"] == "" {
		bad("agreement_kind", "Give the agreement's kind")
	} else if k, err := dealgate.ParseAgreementKind(c["agreement_kind"]); err != nil {
		bad("agreement_kind", dealgate.ErrorMessage(err))
	} else {
		in.Kind = k
	}
	if b, ok := csvformat.ParseYesNo(c["binding"]); !ok {
		bad("binding", "Write yes or no")
	} else {
		in.Binding = b
	}
	if c["status"] == "" {
		bad("status", "Give the agreement's status")
	} else if st, err := dealgate.ParseAgreementStatus(c["status"]); err != nil {
		bad("status", dealgate.ErrorMessage(err))
	} else {
		in.Status = st
	}
	for col, dst := range map[string]**time.Time{"signed_on": &in.SignedOn, "effective_on": &in.EffectiveOn, "expires_on": &in.ExpiresOn} {
		d, err := dealgate.ParseDate(c[col])
		if err != nil {
			bad(col, dealgate.ErrorMessage(err))
		}
		*dst = d
	}
	m, err := dealgate.ParseMoney(c["value"], c["currency"])
	if err != nil {
		for f, msg := range dealgate.ErrorFields(err) {
			bad(f, msg)
		}
	}
	in.Value = m
	if email := strings.TrimSpace(c["owner_email"]); email != "" {
		id, cached := r.owners[strings.ToLower(email)]
		if !cached {
			uid, err := r.tx.Q.UserIDByEmail(ctx, email)
			switch {
			case err == nil:
				id = &uid
			case !isNotFound(err):
				return err
			}
			r.owners[strings.ToLower(email)] = id
		}
		if id == nil {
			bad("owner_email", fmt.Sprintf("No Dealgate user has the email %s", email))
		}
		in.OwnerID = id
	}
	var v dealgate.Validation
	in.ValidateInto(&v, r.tx.today())
	for _, f := range v.Order() {
		if f == "party_id" && in.PartyID == 0 || f == "kind" && in.Kind == "" || f == "status" && in.Status == "" {
			continue // already reported
		}
		bad(csvformat.Column(f), dealgate.ErrorFields(v.Err())[f])
	}
	a.input = in
	return nil
}

func (r *resolver) clause(ctx context.Context, a *importAgreement, c map[string]string, bad func(col, msg string)) (importClause, error) {
	var in dealgate.ClauseInput
	if k, err := dealgate.ParseClauseKind(c["clause_kind"]); err != nil {
		bad("clause_kind", dealgate.ErrorMessage(err))
	} else {
		in.Kind = k
	}
	in.Section, in.Text = c["section"], c["clause_text"]
	if c["beneficiary"] == "" {
		in.BeneficiaryID = a.input.PartyID
	} else if id, ok, err := r.party(ctx, c["beneficiary"]); err != nil {
		return importClause{}, err
	} else if !ok {
		bad("beneficiary", r.missingParty(c["beneficiary"], 0))
	} else {
		in.BeneficiaryID = id
	}
	in.CategoryIDs = r.categories(c["categories"], "categories", bad)
	in.ExcludedCategoryIDs = r.categories(c["excluded_categories"], "excluded_categories", bad)
	var err error
	if in.RestrictedPartyIDs, err = r.partyList(ctx, c["restricted_parties"], "restricted_parties", bad); err != nil {
		return importClause{}, err
	}
	if in.ExceptionPartyIDs, err = r.partyList(ctx, c["exceptions"], "exceptions", bad); err != nil {
		return importClause{}, err
	}
	switch restricts := strings.TrimSpace(c["restricts"]); {
	case restricts == "" && c["restricted_parties"] != "":
		in.Scope = dealgate.RestrictNamed
	case restricts == "":
		in.Scope = dealgate.RestrictAny
	default:
		if sc, err := dealgate.ParseRestrictionScope(restricts); err == nil {
			in.Scope = sc
		} else if k, err := dealgate.ParsePartyKind(restricts); err == nil {
			in.Scope, in.RestrictedKind = dealgate.RestrictKind, k
		} else {
			bad("restricts", fmt.Sprintf("Write named, any or a party kind (cloud_provider, model_developer, reseller, investor, other), not %q", restricts))
		}
	}
	if t := strings.TrimSpace(c["territory"]); t == "" || strings.EqualFold(t, "worldwide") {
		in.Worldwide = true
	} else {
		in.Regions = dealgate.SplitList(t) // validation upper-cases the codes, and echoes a bad one as typed
	}
	for col, dst := range map[string]**time.Time{"valid_from": &in.ValidFrom, "valid_until": &in.ValidUntil} {
		d, err := dealgate.ParseDate(c[col])
		if err != nil {
			bad(col, dealgate.ErrorMessage(err))
		}
		*dst = d
	}
	if s := strings.TrimSpace(c["notice_days"]); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			bad("notice_days", "Write the notice period as a whole number of days")
		} else {
			in.NoticeDays = &n
		}
	}
	agr := dealgate.Agreement{EffectiveOn: a.input.EffectiveOn, ExpiresOn: a.input.ExpiresOn}
	var v dealgate.Validation
	in.ValidateInto(&v, agr)
	reported := map[string]bool{
		"kind": in.Kind == "", "beneficiary_id": in.BeneficiaryID == 0 && c["beneficiary"] != "",
		"category_ids": c["categories"] != "" && len(in.CategoryIDs) == 0, "restriction_scope": in.Scope == "",
	}
	for _, f := range v.Order() {
		if !reported[f] {
			bad(csvformat.Column(f), dealgate.ErrorFields(v.Err())[f])
		}
	}
	return importClause{input: in}, nil
}
