package demo

import "context"
import "fmt"
import "math/rand/v2"
import "strings"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// ScaleOptions size the scale data set.
type ScaleOptions struct {
	Parties, Agreements, Clauses, Categories int
	// Deals and DealAttachments size the deal intake (see scale_deals.go);
	// zero adds none.
	Deals, DealAttachments int
	// OpenReviews and DecidedReviews are reviews of submitted deals, with
	// CommitteeMembers members (see scale_deals.go); zero adds none.
	OpenReviews, DecidedReviews, CommitteeMembers int
	// Seed makes the data reproducible; the same seed gives the same data.
	Seed uint64
}

// DefaultScale is the size the register is tested at: 5,000 parties,
// 20,000 agreements, 100,000 clauses and a 2,000-node taxonomy; 100,000
// deals with 50,000 attachments; a committee of 16 with 10,000 open and
// 5,000 decided reviews.
var DefaultScale = ScaleOptions{Parties: 5000, Agreements: 20000, Clauses: 100000, Categories: 2000, Deals: 100000, DealAttachments: 50000,
	OpenReviews: 10000, DecidedReviews: 5000, CommitteeMembers: 16, Seed: 1}

// ScaleResult says what LoadScale added and how long it took.
type ScaleResult struct {
	Parties, Agreements, Clauses, Categories int
	TaxonomyVersion                          int
	Elapsed                                  time.Duration
}

// LoadScale adds a large, realistic-looking register for load tests and
// benchmarks, next to whatever is there: parties (with aliases and
// parents), a new published taxonomy version holding the existing
// categories plus opts.Categories new ones, agreements and clauses with
// generated legal text (so full-text search has something to find), their
// categories and restricted parties. Rows go in with COPY in one
// transaction with one audit event; the tables are analysed afterwards.
// It refuses to run while a taxonomy draft is open. Never use it in production.
func LoadScale(ctx context.Context, db *postgres.DB, opts ScaleOptions) (ScaleResult, error) {
	start := time.Now()
	if opts.Parties < 2 || opts.Agreements < 1 || opts.Clauses < 0 || opts.Categories < 1 {
		return ScaleResult{}, fmt.Errorf("scale: need at least 2 parties, 1 agreement and 1 category")
	}
	g := &scaleGen{rnd: rand.New(rand.NewPCG(opts.Seed, 0x5ca1e)), opts: opts}
	var res ScaleResult
	err := db.InTx(ctx, func(tx *postgres.Tx) error {
		var drafts int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM taxonomy_version WHERE status = 'draft'`).Scan(&drafts); err != nil {
			return err
		}
		if drafts > 0 {
			return dealgate.Errorf(dealgate.EINVALID, "A taxonomy draft is open; publish or discard it before loading scale data.")
		}
		if err := g.bases(ctx, tx); err != nil {
			return err
		}
		steps := []func(context.Context, *postgres.Tx) error{g.taxonomy, g.parties, g.agreements, g.clauses, g.sequences, g.deals, g.reviews}
		for _, step := range steps {
			if err := step(ctx, tx); err != nil {
				return err
			}
		}
		res = ScaleResult{Parties: opts.Parties, Agreements: opts.Agreements, Clauses: opts.Clauses, Categories: opts.Categories, TaxonomyVersion: g.versionNumber}
		return tx.Audit(ctx, dealgate.AuditEvent{
			Action: "register.scale_seeded", EntityType: dealgate.EntityRegister, EntityID: "scale",
			After: map[string]any{"parties": opts.Parties, "agreements": opts.Agreements, "clauses": opts.Clauses,
				"categories": opts.Categories, "taxonomy_version": g.versionNumber, "seed": opts.Seed,
				"deals": opts.Deals, "deal_attachments": opts.DealAttachments,
				"open_reviews": opts.OpenReviews, "decided_reviews": opts.DecidedReviews, "committee_members": opts.CommitteeMembers},
		})
	})
	if err != nil {
		return res, err
	}
	// Fresh statistics, so the planner sees the new sizes at once; VACUUM
	// also sets the visibility map and merges the full-text indexes' pending
	// lists, as autovacuum would soon do, so plans match a settled database.
	if _, err := db.Pool.Exec(ctx, `VACUUM (ANALYZE) party, party_name, taxonomy_version, category, category_revision,
		agreement, clause, clause_category, clause_party, users, deal, deal_version, deal_share, deal_attachment,
		review, review_member, review_vote, review_decision`); err != nil {
		return res, fmt.Errorf("vacuum analyze: %w", err)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

type scaleGen struct {
	rnd  *rand.Rand
	opts ScaleOptions
	now  time.Time

	partyBase, agreementBase, clauseBase, categoryBase int64
	versionID                                          int64
	dealBase                                           int64 // the deals before the scale deals
	versionNumber                                      int

	partyKinds  []dealgate.PartyKind // by party index
	partyNames  []string
	leafCats    []int64 // new categories that have no children
	allCats     []int64
	catNames    map[int64]string
	agrParty    []int64 // party ID by agreement index
	agrFrom     []time.Time
	agrUntil    []*time.Time
	agrPartyIdx []int
}

func (g *scaleGen) bases(ctx context.Context, tx *postgres.Tx) error {
	g.now = tx.Now
	return tx.QueryRow(ctx, `SELECT coalesce((SELECT max(id) FROM party), 0), coalesce((SELECT max(id) FROM agreement), 0),
		coalesce((SELECT max(id) FROM clause), 0), coalesce((SELECT max(id) FROM category), 0)`).Scan(
		&g.partyBase, &g.agreementBase, &g.clauseBase, &g.categoryBase)
}

func (g *scaleGen) pick(list []string) string { return list[g.rnd.IntN(len(list))] }

func copyRows(ctx context.Context, tx *postgres.Tx, table string, cols []string, rows [][]any) error {
	n, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if int(n) != len(rows) {
		return fmt.Errorf("copy %s: wrote %d of %d rows", table, n, len(rows))
	}
	return nil
}

// startDraft opens the draft the generated categories go into, a copy of
// the published taxonomy when there is one.
func (g *scaleGen) startDraft(ctx context.Context, tx *postgres.Tx) error {
	var basedOn *int64
	var cur int64
	if err := tx.QueryRow(ctx, `SELECT id FROM taxonomy_version WHERE status = 'published' ORDER BY number DESC LIMIT 1`).Scan(&cur); err == nil {
		basedOn = &cur
	}
	if err := tx.QueryRow(ctx, `INSERT INTO taxonomy_version (status, based_on_id, created_at) VALUES ('draft', $1, $2) RETURNING id`,
		basedOn, g.now).Scan(&g.versionID); err != nil {
		return err
	}
	if basedOn != nil {
		if _, err := tx.Exec(ctx, `INSERT INTO category_revision (taxonomy_version_id, category_id, parent_id, name, definition,
				inclusion_examples, exclusion_examples, position, retired, version)
			SELECT $1, category_id, parent_id, name, definition, inclusion_examples, exclusion_examples, position, retired, version
			FROM category_revision WHERE taxonomy_version_id = $2`, g.versionID, cur); err != nil {
			return err
		}
	}
	return nil
}

// liveSiblingNames are the draft's live categories as parent|lower(name).
func (g *scaleGen) liveSiblingNames(ctx context.Context, tx *postgres.Tx) (map[string]bool, error) {
	sibling := map[string]bool{}
	existing, err := tx.Query(ctx, `SELECT coalesce(parent_id, 0), lower(name) FROM category_revision
		WHERE taxonomy_version_id = $1 AND NOT retired`, g.versionID)
	if err != nil {
		return nil, err
	}
	for existing.Next() {
		var parent int64
		var name string
		if err := existing.Scan(&parent, &name); err != nil {
			existing.Close()
			return nil, err
		}
		sibling[fmt.Sprint(parent)+"|"+name] = true
	}
	existing.Close()
	if err := existing.Err(); err != nil {
		return nil, err
	}
	return sibling, nil
}

// taxonomy publishes a new version: the current one plus a generated tree.
func (g *scaleGen) taxonomy(ctx context.Context, tx *postgres.Tx) error {
	if err := g.startDraft(ctx, tx); err != nil {
		return err
	}
	n := g.opts.Categories
	roots := max(1, min(12, n/150))
	g.catNames = map[int64]string{}
	depth := map[int64]int{}
	children := map[int64]int{}
	// Live siblings must have distinct names, the copied ones included.
	sibling, err := g.liveSiblingNames(ctx, tx)
	if err != nil {
		return err
	}
	cats := make([][]any, 0, n)
	revs := make([][]any, 0, n)
	for i := range n {
		id := g.categoryBase + int64(i) + 1
		var parent *int64
		d := 0
		if i >= roots {
			// Parents come from earlier nodes above the leaf level, so the
			// tree is broad and three to four levels deep.
			for {
				p := g.allCats[g.rnd.IntN(len(g.allCats))]
				if depth[p] < 3 {
					parent, d = &p, depth[p]+1
					break
				}
			}
		}
		name := g.pick(scaleCatAdjectives) + " " + g.pick(scaleProducts)
		if d == 0 {
			name = scaleRootNames[i%len(scaleRootNames)]
		}
		pkey := fmt.Sprint(derefInt(parent))
		for k := 2; sibling[pkey+"|"+strings.ToLower(name)]; k++ {
			name = fmt.Sprintf("%s %d", strings.TrimRight(name, " 0123456789"), k)
		}
		sibling[pkey+"|"+strings.ToLower(name)] = true
		key := fmt.Sprintf("%s-%d", dealgate.CategoryKeyFromName(name), id)
		def := fmt.Sprintf("%s offered to third parties, including %s and %s, whether delivered as a managed service or under licence.",
			name, g.pick(scaleProducts), g.pick(scaleProducts))
		cats = append(cats, []any{id, key, g.now})
		revs = append(revs, []any{g.versionID, id, parent, name, def,
			[]string{g.pick(scaleProducts), g.pick(scaleProducts)}, []string{g.pick(scaleProducts)}, i, false})
		depth[id] = d
		if parent != nil {
			children[*parent]++
		}
		g.allCats = append(g.allCats, id)
		g.catNames[id] = name
	}
	for _, id := range g.allCats {
		if children[id] == 0 {
			g.leafCats = append(g.leafCats, id)
		}
	}
	if err := copyRows(ctx, tx, "category", []string{"id", "key", "created_at"}, cats); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "category_revision", []string{"taxonomy_version_id", "category_id", "parent_id", "name",
		"definition", "inclusion_examples", "exclusion_examples", "position", "retired"}, revs); err != nil {
		return err
	}
	var num int32
	err = tx.QueryRow(ctx, `UPDATE taxonomy_version SET status = 'published',
			number = (SELECT coalesce(max(number), 0) + 1 FROM taxonomy_version),
			change_note = $2, published_at = $3
		WHERE id = $1 RETURNING number`, g.versionID, fmt.Sprintf("Scale data: %d generated categories.", n), g.now).Scan(&num)
	g.versionNumber = int(num)
	return err
}

func derefInt(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (g *scaleGen) parties(ctx context.Context, tx *postgres.Tx) error {
	n := g.opts.Parties
	taken := map[string]bool{}
	var existing []string
	rows, err := tx.Query(ctx, `SELECT norm FROM party_name`)
	if err != nil {
		return err
	}
	existing, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, e := range existing {
		taken[e] = true
	}
	unique := func(s string) string {
		base := s
		for k := 2; taken[dealgate.NormalizePartyName(s)]; k++ {
			s = fmt.Sprintf("%s %d", base, k)
		}
		taken[dealgate.NormalizePartyName(s)] = true
		return s
	}
	parties := make([][]any, 0, n)
	names := make([][]any, 0, n*2)
	for i := range n {
		id := g.partyBase + int64(i) + 1
		kind := dealgate.AllPartyKinds[weighted(g.rnd, []int{30, 25, 20, 15, 10})]
		name := unique(g.pick(scalePrefixes) + " " + g.pick(scaleSuffixes) + " " + scaleKindWord[kind][g.rnd.IntN(len(scaleKindWord[kind]))])
		var parent *int64
		if i > 20 && g.rnd.IntN(10) == 0 {
			p := g.partyBase + int64(g.rnd.IntN(i)) + 1
			parent = &p
		}
		parties = append(parties, []any{id, name, string(kind), parent, "https://" + dealgate.CategoryKeyFromName(name) + ".example",
			"Generated for scale tests.", g.now, g.now})
		names = append(names, []any{dealgate.NormalizePartyName(name), id, name, false})
		if g.rnd.IntN(3) == 0 {
			words := strings.Fields(name)
			alias := words[0] + " " + words[1]
			if !taken[dealgate.NormalizePartyName(alias)] {
				taken[dealgate.NormalizePartyName(alias)] = true
				names = append(names, []any{dealgate.NormalizePartyName(alias), id, alias, true})
			}
		}
		g.partyKinds = append(g.partyKinds, kind)
		g.partyNames = append(g.partyNames, name)
	}
	if err := copyRows(ctx, tx, "party", []string{"id", "name", "kind", "parent_id", "website", "notes", "created_at", "updated_at"}, parties); err != nil {
		return err
	}
	return copyRows(ctx, tx, "party_name", []string{"norm", "party_id", "name", "is_alias"}, names)
}

func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (g *scaleGen) agreements(ctx context.Context, tx *postgres.Tx) error {
	n := g.opts.Agreements
	today := dealgate.DateOf(g.now)
	rows := make([][]any, 0, n)
	currencies := []string{"USD", "USD", "USD", "EUR", "GBP", "JPY", "CHF"}
	for i := range n {
		id := g.agreementBase + int64(i) + 1
		pi := g.rnd.IntN(len(g.partyNames))
		kind := dealgate.AllAgreementKinds[weighted(g.rnd, []int{25, 10, 30, 15, 10, 10})]
		status := dealgate.AllAgreementStatuses[weighted(g.rnd, []int{8, 70, 14, 8})]
		effective := dealgate.Day(2016+g.rnd.IntN(11), time.Month(1+g.rnd.IntN(12)), 1+g.rnd.IntN(28))
		signed := effective.AddDate(0, 0, -g.rnd.IntN(60))
		var expires *time.Time
		if g.rnd.IntN(8) != 0 {
			e := effective.AddDate(1+g.rnd.IntN(8), g.rnd.IntN(12), 0)
			switch status {
			case dealgate.StatusActive:
				if e.Before(today) {
					e = today.AddDate(0, 0, g.rnd.IntN(3000))
				}
				if e.Before(effective) {
					e = effective.AddDate(1, 0, 0)
				}
			case dealgate.StatusExpired:
				if !e.Before(today) {
					e = today.AddDate(0, 0, -1-g.rnd.IntN(900))
				}
				if e.Before(effective) {
					effective = e.AddDate(-1, 0, 0)
					signed = effective
				}
			}
			expires = &e
		} else if status == dealgate.StatusExpired {
			status = dealgate.StatusTerminated
		}
		var value *int64
		var currency *string
		if g.rnd.IntN(4) != 0 {
			v := int64(1+g.rnd.IntN(5000)) * 1_000_000_00
			c := currencies[g.rnd.IntN(len(currencies))]
			if c == "JPY" {
				v /= 100
			}
			value, currency = &v, &c
		}
		party := g.partyNames[pi]
		product := g.pick(scaleProducts)
		title := fmt.Sprintf("%s %s %s %d", party, product, scaleAgreementWord[kind], effective.Year())
		summary := fmt.Sprintf("%s with %s covering %s and %s. %s %s",
			dealgate.AgreementKind(kind).Label(), party, product, g.pick(scaleProducts), g.sentence(party), g.sentence(party))
		rows = append(rows, []any{id, title, g.partyBase + int64(pi) + 1, string(kind), g.rnd.IntN(5) != 0, string(status),
			signed, effective, expires, value, currency, summary, "", g.now, g.now})
		g.agrParty = append(g.agrParty, g.partyBase+int64(pi)+1)
		g.agrPartyIdx = append(g.agrPartyIdx, pi)
		g.agrFrom = append(g.agrFrom, effective)
		g.agrUntil = append(g.agrUntil, expires)
	}
	return copyRows(ctx, tx, "agreement", []string{"id", "title", "party_id", "kind", "binding", "status", "signed_on",
		"effective_on", "expires_on", "value_minor", "currency", "summary", "notes", "created_at", "updated_at"}, rows)
}

func (g *scaleGen) sentence(party string) string {
	return fmt.Sprintf(g.pick(scaleSentences), party, g.pick(scaleProducts), g.pick(scaleQualifiers), 15*(1+g.rnd.IntN(8)))
}

// randomRegions is a clause's territory: nil (worldwide) two times in
// three, else one to three of codes.
func (g *scaleGen) randomRegions(codes []string) []string {
	var regions []string
	if g.rnd.IntN(3) == 0 {
		for range 1 + g.rnd.IntN(3) {
			r := codes[g.rnd.IntN(len(codes))]
			if !containsStr(regions, r) {
				regions = append(regions, r)
			}
		}
	}
	return regions
}

func (g *scaleGen) clauses(ctx context.Context, tx *postgres.Tx) error {
	n := g.opts.Clauses
	clauses := make([][]any, 0, n)
	cats := make([][]any, 0, n*2)
	parties := make([][]any, 0, n/2)
	regionCodes := make([]string, len(dealgate.Regions))
	for i, r := range dealgate.Regions {
		regionCodes[i] = r.Code
	}
	for i := range n {
		id := g.clauseBase + int64(i) + 1
		ai := g.rnd.IntN(len(g.agrParty))
		kind := dealgate.AllClauseKinds[weighted(g.rnd, []int{25, 10, 10, 15, 10, 10, 12, 8})]
		beneficiary := g.agrParty[ai]
		benName := g.partyNames[g.agrPartyIdx[ai]]
		if g.rnd.IntN(10) == 0 {
			pi := g.rnd.IntN(len(g.partyNames))
			beneficiary, benName = g.partyBase+int64(pi)+1, g.partyNames[pi]
		}
		scope := dealgate.AllRestrictionScopes[weighted(g.rnd, []int{35, 45, 20})]
		var rkind *string
		if scope == dealgate.RestrictKind {
			k := string(dealgate.AllPartyKinds[g.rnd.IntN(len(dealgate.AllPartyKinds))])
			rkind = &k
		}
		regions := g.randomRegions(regionCodes)
		var until *time.Time
		if u := g.agrUntil[ai]; u != nil && g.rnd.IntN(4) == 0 {
			d := g.agrFrom[ai].AddDate(0, 0, int(u.Sub(g.agrFrom[ai]).Hours()/24)/2)
			until = &d
		}
		var notice *int32
		if kind == dealgate.ClauseNoticeRequired || g.rnd.IntN(10) == 0 {
			v := int32(15 * (1 + g.rnd.IntN(8)))
			notice = &v
		}
		covered := g.leafCats[g.rnd.IntN(len(g.leafCats))]
		product := g.catNames[covered]
		text := fmt.Sprintf(scaleClauseText[kind], benName, strings.ToLower(product), g.pick(scaleQualifiers)) + " " + g.sentence(benName)
		clauses = append(clauses, []any{id, g.agreementBase + int64(ai) + 1, string(kind), beneficiary, string(scope), rkind,
			regions == nil, nonNil(regions), nil, until, notice, fmt.Sprintf("%d.%d", 1+g.rnd.IntN(14), 1+g.rnd.IntN(9)), text, g.now, g.now})
		chosen := []int64{covered}
		cats = append(cats, []any{id, covered, false})
		if g.rnd.IntN(3) == 0 {
			if extra := g.leafCats[g.rnd.IntN(len(g.leafCats))]; !containsID(chosen, extra) {
				chosen = append(chosen, extra)
				cats = append(cats, []any{id, extra, false})
			}
		}
		if g.rnd.IntN(10) == 0 {
			if ex := g.allCats[g.rnd.IntN(len(g.allCats))]; !containsID(chosen, ex) {
				cats = append(cats, []any{id, ex, true})
			}
		}
		switch scope {
		case dealgate.RestrictNamed:
			p := g.partyBase + int64(g.rnd.IntN(len(g.partyNames))) + 1
			parties = append(parties, []any{id, p, "restricted"})
		case dealgate.RestrictKind:
			if g.rnd.IntN(2) == 0 {
				parties = append(parties, []any{id, beneficiary, "exception"})
			}
		}
	}
	if err := copyRows(ctx, tx, "clause", []string{"id", "agreement_id", "kind", "beneficiary_id", "restriction_scope",
		"restricted_kind", "worldwide", "regions", "valid_from", "valid_until", "notice_days", "section", "text",
		"created_at", "updated_at"}, clauses); err != nil {
		return err
	}
	if err := copyRows(ctx, tx, "clause_category", []string{"clause_id", "category_id", "excluded"}, cats); err != nil {
		return err
	}
	return copyRows(ctx, tx, "clause_party", []string{"clause_id", "party_id", "role"}, parties)
}

func containsID(list []int64, id int64) bool {
	for _, v := range list {
		if v == id {
			return true
		}
	}
	return false
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// sequences moves the identity sequences past the copied IDs.
func (g *scaleGen) sequences(ctx context.Context, tx *postgres.Tx) error {
	for _, t := range []string{"party", "category", "agreement", "clause"} {
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM `+pgx.Identifier{t}.Sanitize()+`))`, t); err != nil {
			return fmt.Errorf("sequence %s: %w", t, err)
		}
	}
	return nil
}

// Vocabulary for generated text. Realistic enough that searches for
// products, kinds of restriction and party names find a few hundred rows,
// not all or none.
var (
	scalePrefixes = []string{"Aurora", "Basalt", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper",
		"Keystone", "Lattice", "Meridian", "Nova", "Onyx", "Pioneer", "Quartz", "Redwood", "Summit", "Tidal", "Umbra",
		"Vantage", "Willow", "Xenon", "Yarrow", "Zephyr", "Atlas", "Beacon", "Cascade", "Drift", "Echo", "Falcon",
		"Glacier", "Helix", "Ion", "Jade", "Kinetic", "Lumina", "Mosaic", "Nimbus", "Orbit", "Prism", "Quill", "Radiant",
		"Sable", "Titan", "Unity", "Vertex", "Wave", "Zenith"}
	scaleSuffixes = []string{"Analytics", "Compute", "Dynamics", "Networks", "Systems", "Labs", "Works", "Logic", "Data",
		"Digital", "Forge", "Grid", "Horizon", "Intelligence", "Machines", "Partners", "Signal", "Stack", "Vision", "Ventures",
		"Robotics", "Cognition", "Circuit", "Scale", "Nexus", "Frontier", "Pulse", "Spark", "Core", "Fusion"}
	scaleKindWord = map[dealgate.PartyKind][]string{
		dealgate.PartyCloudProvider:  {"Cloud", "Cloud Services", "Hosting", "Datacenters"},
		dealgate.PartyModelDeveloper: {"AI", "Labs", "Research", "Models"},
		dealgate.PartyReseller:       {"Resellers", "Distribution", "Channel Partners", "Solutions"},
		dealgate.PartyInvestor:       {"Capital", "Ventures", "Holdings", "Investments"},
		dealgate.PartyOther:          {"Group", "Inc", "Ltd", "Co"},
	}
	scaleAgreementWord = map[dealgate.AgreementKind]string{
		dealgate.AgreementPartnership: "partnership", dealgate.AgreementInvestment: "investment agreement",
		dealgate.AgreementCloudServices: "cloud services agreement", dealgate.AgreementLicence: "licence",
		dealgate.AgreementMoU: "memorandum", dealgate.AgreementOther: "agreement",
	}
	scaleProducts = []string{"stateless model APIs", "agent hosting", "agent orchestration", "inference capacity",
		"training clusters", "embedding endpoints", "vector search", "speech recognition", "image generation",
		"fine-tuning", "data labelling", "marketplace listing", "edge inference", "GPU reservations", "model weights",
		"evaluation tooling", "content moderation", "translation services", "code assistants", "robotics control",
		"synthetic data", "retrieval augmentation", "video generation", "document understanding", "voice agents",
		"customer support copilots", "search ranking", "recommendation models", "fraud detection", "medical imaging",
		"legal drafting assistants", "sovereign cloud regions", "confidential computing", "model distillation",
		"safety classifiers", "observability dashboards", "workflow automation", "browser agents", "chip design tools",
		"storage tiers", "network peering", "quantisation toolkits", "on-device models", "multilingual chat",
		"knowledge graphs", "forecasting models", "satellite imagery analysis", "genomics pipelines",
		"industrial inspection", "tax automation"}
	scaleQualifiers = []string{"during the Term", "in the Territory", "for the Initial Period", "subject to Schedule B",
		"save as required by law", "for any Affiliate", "within the Field", "for enterprise customers",
		"for government customers", "for consumer products", "for research use only", "on a non-exclusive basis elsewhere"}
	scaleSentences = []string{
		"%[1]s will review %[2]s quarterly %[3]s.",
		"Pricing for %[2]s is fixed %[3]s with a %[4]d-day adjustment window.",
		"Either party may terminate the %[2]s schedule on %[4]d days' notice %[3]s.",
		"%[1]s provides service credits for %[2]s outages %[3]s.",
		"Data processed for %[2]s stays in the agreed region %[3]s.",
		"The steering committee reviews %[2]s roadmaps with %[1]s every %[4]d days.",
	}
	scaleClauseText = map[dealgate.ClauseKind]string{
		dealgate.ClauseExclusivity:             "%[1]s shall be the exclusive provider of %[2]s %[3]s, and no other party shall host or supply %[2]s.",
		dealgate.ClauseRightOfFirstRefusal:     "Before accepting any third-party offer for %[2]s, the Company shall give %[1]s the right to match that offer %[3]s.",
		dealgate.ClauseRightOfFirstNegotiation: "The Company shall first negotiate in good faith with %[1]s before discussing %[2]s with any third party %[3]s.",
		dealgate.ClausePreferredProvider:       "%[1]s shall be the preferred provider of %[2]s %[3]s and shall be considered first for new requirements.",
		dealgate.ClauseNonCompete:              "The Company shall not offer or procure competing %[2]s %[3]s, for the benefit of %[1]s.",
		dealgate.ClauseMostFavouredNation:      "The Company shall offer %[1]s terms for %[2]s no less favourable than those offered to any other customer %[3]s.",
		dealgate.ClauseNoticeRequired:          "The Company shall give %[1]s prior written notice before entering negotiations for %[2]s %[3]s.",
		dealgate.ClauseConsentRequired:         "The Company shall obtain the prior written consent of %[1]s before granting rights in %[2]s %[3]s.",
	}
	scaleCatAdjectives = []string{"Managed", "Hosted", "Enterprise", "Regional", "Dedicated", "Sovereign", "Open", "Embedded",
		"Real-time", "Batch", "Private", "Federated", "Multimodal", "Autonomous", "Assisted", "Specialised"}
	scaleRootNames = []string{"AI services", "Compute", "Data services", "Distribution", "Applications", "Infrastructure",
		"Security", "Research", "Devices", "Networking", "Professional services", "Content"}
)
