package postgres

// Screening's store: it loads the engine's inputs from the register, keeps
// the built index keyed by the register change counter, screens deal
// versions on submission, on every new version and after register changes
// (jobs), and reads stored screenings back with their explanations.
//
// Correct across instances: every committed register change bumps
// register_change.counter in its own transaction (triggers in migration
// 000012). A screening reads the counter first and uses an index loaded at
// that counter or later; an instance whose index is older loads the
// register again, so no instance screens against a register older than the
// one it has seen committed.

import "context"
import "crypto/sha256"
import "encoding/binary"
import "encoding/json"
import "fmt"
import "strconv"
import "sync"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"
import "github.com/dealgate/dealgate/internal/screening"

// MaxStoredInfo is how many info findings a screening keeps as rows; the
// rest are counted. On the scale register a deal draws thousands of related
// notes, and every one of them would be rewritten by each re-screening.
const MaxStoredInfo = 20

// Screenings is the screening service. One per process: it holds the
// loaded index.
type Screenings struct {
	DB       *DB
	Register *Register

	mu     sync.Mutex
	loaded *loadedIndex
	// prev is the index loaded before: the base a re-screening compares
	// the register with when a submission loaded the new one first.
	prev *loadedIndex
}

// NewScreenings returns the screening service on db.
func NewScreenings(db *DB, reg *Register) *Screenings { return &Screenings{DB: db, Register: reg} }

// loadedIndex is the engine's index at one register state.
type loadedIndex struct {
	counter int64     // register_change.counter it was loaded at
	day     time.Time // the day agreements' effective status was judged on
	idx     *screening.Index
	taxID   int64
	// parties fingerprints the parties (names, kinds, families) and
	// clauses the indexed clauses' identities: what a re-screening diffs.
	parties [32]byte
	clauses map[int64][2]int64
	// rows are the identities of every live clause of an agreement in
	// force that was loaded (indexed or not): what the next load diffs
	// to load only the clauses that changed.
	rows map[int64][2]int64
	// incremental says the index was updated from the one before for the
	// clauses that changed, not loaded in full.
	incremental bool
}

// index returns an index at least as new as the register state tx sees:
// the cached one when it was loaded at the counter tx reads or later, else
// one loaded through tx (one load at a time per instance). Loading through
// the caller's transaction needs no second connection. Its statements may
// see changes committed after the counter was read; the index is then
// newer than its label, which only makes the next reader load again. A
// transaction that has itself changed the register (a deal proposing a new
// party) gets an index built from its own uncommitted view, never cached.
func (s *Screenings) index(ctx context.Context, tx *Tx) (*loadedIndex, error) {
	rc, err := tx.Q.RegisterChangeCounter(ctx)
	if err != nil {
		return nil, fmt.Errorf("register change counter: %w", err)
	}
	if rc.XactMine {
		return loadIndex(ctx, tx, s.Register, rc.Counter, nil)
	}
	day := tx.today()
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.loaded; l != nil && l.counter >= rc.Counter && l.day.Equal(day) {
		return l, nil
	}
	l, err := loadIndex(ctx, tx, s.Register, rc.Counter, s.loaded)
	if err != nil {
		return nil, err
	}
	s.prev, s.loaded = s.loaded, l
	return l, nil
}

// baseBefore is the newest index this instance loaded before register
// change counter, or nil.
func (s *Screenings) baseBefore(counter int64) *loadedIndex {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range []*loadedIndex{s.loaded, s.prev} {
		if l != nil && l.counter < counter {
			return l
		}
	}
	return nil
}

// changedClauses lists the clauses whose identity differs between base and
// l (changed, added or taken out of force), when the two share the taxonomy
// version, the parties and the day; ok is false when they do not, and every
// open deal must be screened again.
func changedClauses(base, l *loadedIndex) (ids []int64, ok bool) {
	if base == nil || base.taxID != l.taxID || base.parties != l.parties || !base.day.Equal(l.day) {
		return nil, false
	}
	for id, v := range l.clauses {
		if base.clauses[id] != v {
			ids = append(ids, id)
		}
	}
	for id := range base.clauses {
		if _, in := l.clauses[id]; !in {
			ids = append(ids, id)
		}
	}
	return ids, true
}

// LoadedIncrementally reports whether the index this instance holds was
// updated in place from its previous one for the clauses that changed,
// rather than loaded in full (for the logs and tests).
func (s *Screenings) LoadedIncrementally() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loaded != nil && s.loaded.incremental
}

// Warm loads the index for the register as it is now, so that the first
// submission after start does not wait for it and the first re-screening
// has a base to compare with.
func (s *Screenings) Warm(ctx context.Context) error {
	_, err := inTx(ctx, s.DB, func(tx *Tx) (*loadedIndex, error) { return s.index(ctx, tx) })
	return err
}

// Loaded reports the register change counter of the index this instance
// holds (0 when none is loaded).
func (s *Screenings) Loaded() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loaded == nil {
		return 0
	}
	return s.loaded.counter
}

// dealOf is what screening needs of a deal version's content.
func dealOf(c dealgate.DealContent) screening.Deal {
	d := screening.Deal{CategoryIDs: c.CategoryIDs(), Worldwide: c.Worldwide, Regions: c.Regions,
		TermStart: c.TermStart, TermEnd: c.TermEnd}
	if c.Counterparty != nil {
		d.CounterpartyID = c.Counterparty.ID
	}
	if c.NegotiationStart != nil {
		d.NegotiationDate = *c.NegotiationStart
	}
	return d
}

// Screening reasons.
const (
	ReasonSubmission = "submission"
	ReasonVersion    = "version"
	ReasonRegister   = "register"
)

// fingerprint is what a recorded report says, less its wording and the day
// it was judged on: its counts and the findings it stores (every conflict
// and caution, the first MaxStoredInfo info notes). Two reports with the
// same fingerprint need no second record.
func fingerprint(rep screening.Report, taxID int64) []byte {
	h := sha256.New()
	var b [8]byte
	put := func(v int64) { binary.BigEndian.PutUint64(b[:], uint64(v)); h.Write(b[:]) }
	put(taxID)
	h.Write([]byte(rep.Verdict))
	for _, sev := range screening.AllSeverities {
		put(int64(rep.Count(sev)))
	}
	for _, f := range rep.Findings {
		put(f.ClauseID)
		put(f.ClauseVersion)
		put(f.AgreementVersion)
		h.Write([]byte{0})
		h.Write([]byte(f.Severity))
		h.Write([]byte(f.Relation))
		h.Write([]byte(f.Party.Kind))
		put(f.Category.Deal.ID)
		put(f.Category.Clause.ID)
		if f.ActBy != nil {
			put(f.ActBy.Unix())
		}
		if f.Passed {
			h.Write([]byte{1})
		}
	}
	return h.Sum(nil)
}

// screenVersion screens version number of deal dealID (content c) with l
// and records the result, unless the version already has a screening from
// a newer register state or one that says the same. It reports whether it
// recorded a screening and the verdict before and after.
func (s *Screenings) screenVersion(ctx context.Context, tx *Tx, actor *dealgate.User, l *loadedIndex, dealID int64, number int32, c dealgate.DealContent, reason string) (recorded bool, before, after dealgate.ScreeningState, err error) {
	rep, err := l.idx.ScreenUpTo(dealOf(c), tx.today(), MaxStoredInfo)
	return s.recordIfChanged(ctx, tx, actor, l, dealID, number, rep, err, reason)
}

// recordIfChanged records the report rep (or the engine's error err) for
// the version unless it says what the version's screening already says.
func (s *Screenings) recordIfChanged(ctx context.Context, tx *Tx, actor *dealgate.User, l *loadedIndex, dealID int64, number int32, rep screening.Report, err error, reason string) (recorded bool, before, after dealgate.ScreeningState, _ error) {
	if err != nil {
		// A version the engine cannot screen (its counterparty or a
		// category no longer in the published taxonomy) keeps its state.
		if dealgate.ErrorCode(err) == dealgate.EINVALID {
			return false, "", "", nil
		}
		return false, "", "", err
	}
	cur, err := tx.Q.LockDealVersionScreening(ctx, sqlc.LockDealVersionScreeningParams{DealID: dealID, Number: number})
	if err != nil {
		return false, "", "", orNotFound(err, "deal version")
	}
	before = dealgate.ScreeningState(cur.ScreeningState)
	fp := fingerprint(rep, l.taxID)
	if cur.ScreeningID != nil && (cur.RegisterChange > l.counter || string(cur.Fingerprint) == string(fp)) {
		return false, before, before, nil
	}
	return true, before, dealgate.ScreeningState(rep.Verdict), s.record(ctx, tx, actor, l, dealID, number, rep, fp, reason, before)
}

// record writes a screening, its findings, the version's state and the
// audit event.
func (s *Screenings) record(ctx context.Context, tx *Tx, actor *dealgate.User, l *loadedIndex, dealID int64, number int32, rep screening.Report, fp []byte, reason string, before dealgate.ScreeningState) error {
	id, err := tx.Q.InsertScreening(ctx, sqlc.InsertScreeningParams{
		DealID: dealID, DealVersion: number, Verdict: string(rep.Verdict), TaxonomyVersionID: l.taxID,
		RegisterChange: l.counter, JudgedOn: rep.Today, Reason: reason, Conflicts: int32(rep.Count(screening.Conflict)),
		Cautions: int32(rep.Count(screening.Caution)), Infos: int32(rep.Count(screening.Info)), Fingerprint: fp, Now: tx.Now,
	})
	if err != nil {
		return fmt.Errorf("insert screening: %w", err)
	}
	rows := make([]sqlc.InsertScreeningFindingsParams, 0, len(rep.Findings))
	infos := 0
	for i, f := range rep.Findings {
		if f.Severity == screening.Info {
			if infos++; infos > MaxStoredInfo {
				continue
			}
		}
		party, err := json.Marshal(f.Party)
		if err != nil {
			return err
		}
		cat, err := json.Marshal(f.Category)
		if err != nil {
			return err
		}
		rows = append(rows, sqlc.InsertScreeningFindingsParams{
			ScreeningID: id, Ord: int32(i), ClauseID: f.ClauseID, ClauseVersion: f.ClauseVersion, AgreementID: f.AgreementID,
			AgreementVersion: f.AgreementVersion, Severity: string(f.Severity), Relation: string(f.Relation), Party: party,
			Category: cat, InForceOnNeg: f.InForceOnNeg, NegotiationOn: f.NegotiationDate, ActBy: f.ActBy, Passed: f.Passed,
		})
	}
	if len(rows) > 0 {
		if _, err := tx.Q.InsertScreeningFindings(ctx, rows); err != nil {
			return fmt.Errorf("insert findings: %w", err)
		}
	}
	if err := tx.Q.SetVersionScreening(ctx, sqlc.SetVersionScreeningParams{ScreeningID: &id, Verdict: string(rep.Verdict), DealID: dealID, Number: number}); err != nil {
		return fmt.Errorf("set version screening: %w", err)
	}
	snap := func(v dealgate.ScreeningState) map[string]any {
		return map[string]any{"version": number, "screening": v.Label()}
	}
	after := snap(dealgate.ScreeningState(rep.Verdict))
	after["findings"] = fmt.Sprintf("%d conflict, %d caution, %d info", rep.Count(screening.Conflict), rep.Count(screening.Caution), rep.Count(screening.Info))
	after["taxonomy"] = rep.Taxonomy.Label()
	after["reason"] = reason
	if before == "" {
		before = dealgate.ScreeningAwaiting
	}
	e := dealgate.AuditEvent{Action: "deal.screened", EntityType: dealgate.EntityDeal, EntityID: idString(dealID),
		Before: snap(before), After: after}
	if actor == nil {
		e.ActorLabel = "screening"
	}
	return tx.auditAs(ctx, actor, e)
}

// ScreenSubmitted screens version number of a deal just frozen in tx (on
// submission or a new version), in the same transaction: the deal is never
// submitted without its screening.
func (s *Screenings) ScreenSubmitted(ctx context.Context, tx *Tx, actor *dealgate.User, dealID int64, number int, c dealgate.DealContent) error {
	l, err := s.index(ctx, tx)
	if err != nil {
		return err
	}
	reason := ReasonSubmission
	if number > 1 {
		reason = ReasonVersion
	}
	_, _, _, err = s.screenVersion(ctx, tx, actor, l, dealID, int32(number), c, reason)
	return err
}

// PreCheckResult is a draft's pre-check: the draft and the taxonomy the
// form shows (also when the check fails), and the report.
type PreCheckResult struct {
	Deal     dealgate.Deal
	Taxonomy *dealgate.Taxonomy
	Report   screening.Report
}

// PreCheck screens a draft's form as it stands, without recording or saving
// anything: the draft form's "Check now". The form needs a counterparty of
// the register, categories, a territory and a negotiation date; their
// problems come back under the form's field names.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN, EINVALID.
func (s *Screenings) PreCheck(ctx context.Context, actor *dealgate.User, deals *Deals, dealID int64, in dealgate.DealInput) (PreCheckResult, error) {
	return inTx(ctx, s.DB, func(tx *Tx) (PreCheckResult, error) {
		var res PreCheckResult
		d, err := tx.authorizeDeal(ctx, actor, dealID, dealgate.DealEdit)
		if err != nil {
			return res, err
		}
		res.Deal = d
		look, err := deals.lookup(ctx, tx, in)
		if err != nil {
			return res, err
		}
		res.Taxonomy = look.Taxonomy
		c, newParty, err := in.Validate(tx.Now, dealgate.CheckDraft, look)
		if err != nil {
			return res, err
		}
		if newParty != nil {
			var v dealgate.Validation
			v.Add("counterparty", "Choose a party of the register to check the deal against it; a proposed new party is added when you save the draft")
			return res, v.Err()
		}
		l, err := s.index(ctx, tx)
		if err != nil {
			return res, err
		}
		res.Report, err = l.idx.ScreenUpTo(dealOf(c), tx.today(), MaxStoredInfo)
		return res, remapFields(err, map[string]string{"counterparty_id": "counterparty", "negotiation_date": "negotiation_start"})
	})
}

// Stored is a recorded screening read back: its findings are the engine's,
// rebuilt from the stored structure and the clauses as they now read, so
// their explanations are the engine's wording.
type Stored struct {
	ID             int64
	DealID         int64
	Version        int
	Verdict        screening.Severity
	TaxonomyLabel  string
	RegisterChange int64
	JudgedOn       time.Time
	ScreenedAt     time.Time
	Reason         string
	Conflicts      int
	Cautions       int
	Infos          int
	Findings       []screening.Finding
	// ClauseChanged[i] says finding i's clause has a newer version than the
	// one screened (a re-screening is on its way).
	ClauseChanged []bool
}

// InfoNotStored is how many info findings were counted but not kept.
func (st Stored) InfoNotStored() int {
	n := 0
	for _, f := range st.Findings {
		if f.Severity == screening.Info {
			n++
		}
	}
	return st.Infos - n
}

// Latest returns the latest screening of version number of a deal actor
// may see, or nil when the version has not been screened. The review issue
// reads the verdict from here.
// Errors: EUNAUTHORIZED, ENOTFOUND, EFORBIDDEN.
func (s *Screenings) Latest(ctx context.Context, actor *dealgate.User, dealID int64, number int) (*Stored, error) {
	return inTx(ctx, s.DB, func(tx *Tx) (*Stored, error) {
		if _, err := tx.authorizeDeal(ctx, actor, dealID, dealgate.DealRead); err != nil {
			return nil, err
		}
		id, err := tx.Q.LatestScreeningID(ctx, sqlc.LatestScreeningIDParams{DealID: dealID, Number: int32(number)})
		if err != nil {
			return nil, orNotFound(err, "deal version")
		}
		if id == nil {
			return nil, nil
		}
		return tx.storedScreening(ctx, *id)
	})
}

func (tx *Tx) storedScreening(ctx context.Context, id int64) (*Stored, error) {
	r, err := tx.Q.GetScreening(ctx, id)
	if err != nil {
		return nil, orNotFound(err, "screening")
	}
	st := &Stored{ID: r.ID, DealID: r.DealID, Version: int(r.DealVersion), Verdict: screening.Severity(r.Verdict),
		TaxonomyLabel: "Version " + strconv.Itoa(int(derefInt32(r.TaxonomyNumber))), RegisterChange: r.RegisterChange,
		JudgedOn: r.JudgedOn, ScreenedAt: r.ScreenedAt, Reason: r.Reason, Conflicts: int(r.Conflicts),
		Cautions: int(r.Cautions), Infos: int(r.Infos)}
	rows, err := tx.Q.ScreeningFindings(ctx, id)
	if err != nil {
		return nil, translate(err)
	}
	ids := make([]int64, 0, len(rows))
	for _, f := range rows {
		ids = append(ids, f.ClauseID)
	}
	clauses, err := tx.clauses(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*dealgate.Clause, len(clauses))
	for i := range clauses {
		byID[clauses[i].ID] = &clauses[i]
	}
	for _, f := range rows {
		c, ok := byID[f.ClauseID]
		if !ok {
			continue
		}
		fd := screening.Finding{ClauseFacts: screening.FactsOf(c, f.AgreementVersion), Severity: screening.Severity(f.Severity),
			Relation: screening.Relation(f.Relation), InForceOnNeg: f.InForceOnNeg, NegotiationDate: f.NegotiationOn,
			ActBy: f.ActBy, Passed: f.Passed, Today: r.JudgedOn}
		if err := json.Unmarshal(f.Party, &fd.Party); err != nil {
			return nil, fmt.Errorf("finding party: %w", err)
		}
		if err := json.Unmarshal(f.Category, &fd.Category); err != nil {
			return nil, fmt.Errorf("finding category: %w", err)
		}
		st.Findings = append(st.Findings, fd)
		st.ClauseChanged = append(st.ClauseChanged, c.Version != f.ClauseVersion)
	}
	return st, nil
}

func derefInt32(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

// Touching is an open deal whose current screening has a finding on a
// clause of an agreement.
type Touching struct {
	DealID   int64
	Title    string
	Version  int
	ClauseID int64
	Section  string
	Severity screening.Severity
	Relation screening.Relation
}

// TouchingAgreement lists the open deals (submitted, current version) the
// agreement's clauses have findings on that actor may see, worst first,
// at most 200, with the latest re-screening job.
// Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Screenings) TouchingAgreement(ctx context.Context, actor *dealgate.User, agreementID int64) ([]Touching, *Job, error) {
	type result struct {
		items []Touching
		job   *Job
	}
	res, err := readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (result, error) {
		rows, err := tx.Q.OpenDealsTouchingAgreement(ctx, sqlc.OpenDealsTouchingAgreementParams{AgreementID: agreementID, MaxRows: 200})
		if err != nil {
			return result{}, translate(err)
		}
		var out result
		seen, err := tx.dealRelations(ctx, actor, rows)
		if err != nil {
			return result{}, err
		}
		for _, r := range rows {
			rel, ok := seen[r.DealID]
			if !ok || dealgate.AuthorizeDeal(actor, rel, dealgate.DealRead) != nil {
				continue
			}
			out.items = append(out.items, Touching{DealID: r.DealID, Title: r.Title, Version: int(r.Number), ClauseID: r.ClauseID, Section: r.Section,
				Severity: screening.Severity(r.Severity), Relation: screening.Relation(r.Relation)})
		}
		j, err := tx.Q.LatestRescreenJob(ctx)
		if err == nil {
			out.job = jobOf(j)
		} else if !isNotFound(err) {
			return result{}, translate(err)
		}
		return out, nil
	})
	return res.items, res.job, err
}
