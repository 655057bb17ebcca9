package postgres

// The agreement register's store. Register's methods are the use cases:
// each authorises the actor first, runs in one InTx, locks what it changes
// (SELECT … FOR UPDATE) and compares the version the user opened, makes the
// change and writes its audit event with before and after values.
//
// The same changes are also methods on *Tx (CreateParty, CreateAgreement …)
// for callers that compose them inside a transaction they already hold
// (the demo loader, the CSV import). Those do not authorise: the caller has.
//
// Files: register.go (service, parties), register_form.go (the form use
// cases handlers call), register_taxonomy.go and register_category_retire.go,
// register_agreement.go (agreements, clauses), register_document.go,
// register_list.go (lists, full-text search), register_expiry.go,
// register_csv.go and register_csv_resolve.go (import), register_export.go.

import "context"
import "fmt"
import "slices"
import "sort"
import "strconv"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// Register is the agreement register service.
type Register struct {
	DB *DB
	// MaxDocumentBytes limits uploads; 0 means dealgate.DefaultMaxDocumentBytes.
	MaxDocumentBytes int64
	// published caches published taxonomy versions, which never change.
	published taxonomyCache
	// Results keyed by the register change counter (read_cache.go).
	currentTaxonomyID versionCache[struct{}, int64]
	agreementPages    versionCache[agreementPageKey, dealgate.Page[dealgate.AgreementListItem]]
	partyPages        versionCache[dealgate.PartyFilter, dealgate.Page[dealgate.Party]]
	expiringCounts    versionCache[expiringKey, int]
	agreementClauses  versionCache[clausesKey, []dealgate.Clause]
	// Whole agreement pages, kept under the deal list stamp instead
	// (register_agreement_page.go).
	agreementPagesWhole versionCache[agreementPageWholeKey, AgreementPage]
}

// NewRegister returns the register service on db with the default limits.
func NewRegister(db *DB) *Register { return &Register{DB: db} }

func (s *Register) maxDocumentBytes() int64 {
	if s.MaxDocumentBytes > 0 {
		return s.MaxDocumentBytes
	}
	return dealgate.DefaultMaxDocumentBytes
}

// inTx runs fn in one transaction and returns its value. On ECONFLICT from a
// stale version, fn returns the current record with the error, and so does inTx.
func inTx[T any](ctx context.Context, db *DB, fn func(tx *Tx) (T, error)) (T, error) {
	var out T
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// authorized runs fn in one transaction once actor may perform act.
func authorized[T any](ctx context.Context, db *DB, actor *dealgate.User, act dealgate.Action, fn func(tx *Tx) (T, error)) (T, error) {
	if err := dealgate.Authorize(actor, act); err != nil {
		var zero T
		return zero, err
	}
	return inTx(ctx, db, fn)
}

// auditAs writes e as done by actor (when nil, the request's actor: the system for
// the demo loader and jobs).
func (tx *Tx) auditAs(ctx context.Context, actor *dealgate.User, e dealgate.AuditEvent) error {
	return tx.Audit(ctx, eventBy(actor, e))
}

// eventBy is e with actor as its actor (none: e as it is).
func eventBy(actor *dealgate.User, e dealgate.AuditEvent) dealgate.AuditEvent {
	if actor != nil {
		id := actor.ID
		e.ActorID, e.ActorLabel = &id, actor.Email
		if e.ActorLabel == "" {
			e.ActorLabel = actor.Name
		}
	}
	return e
}

// readAudited reads record id back with load once a change is written and
// audits action on it: before (nil for a creation) and the record as read,
// which it returns.
func readAudited[T any](ctx context.Context, tx *Tx, actor *dealgate.User, action, entity string, id int64, before any, load func(context.Context, int64) (T, error)) (T, error) {
	after, err := load(ctx, id)
	if err != nil {
		return after, err
	}
	return after, tx.auditAs(ctx, actor, dealgate.AuditEvent{
		Action: action, EntityType: entity, EntityID: idString(id), Before: before, After: after,
	})
}

func actorID(actor *dealgate.User) *int64 {
	if actor == nil || actor.ID == 0 {
		return nil
	}
	id := actor.ID
	return &id
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// today is the calendar day of the transaction, in UTC.
func (tx *Tx) today() time.Time { return dealgate.DateOf(tx.Now) }

func notFound(what string) *dealgate.Error {
	return &dealgate.Error{Code: dealgate.ENOTFOUND, Message: "No such " + what + "."}
}

// isNotFound reports whether err is ENOTFOUND or pgx's no rows.
func isNotFound(err error) bool {
	return dealgate.ErrorCode(translate(err)) == dealgate.ENOTFOUND
}

// orNotFound turns a missing row into ENOTFOUND naming what is missing.
func orNotFound(err error, what string) error {
	if err != nil && isNotFound(err) {
		return notFound(what)
	}
	return err
}

// mapFound maps a row read by its key with conv; a missing row is ENOTFOUND
// naming what, as orNotFound says it.
func mapFound[R, T any](r R, err error, what string, conv func(R) T) (T, error) {
	if err != nil {
		var zero T
		return zero, orNotFound(err, what)
	}
	return conv(r), nil
}

// mapRows maps the rows of a list read with conv; a failed read is wrapped
// naming what. No rows is a nil slice.
func mapRows[R, T any](rows []R, err error, what string, conv func(R) T) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var out []T
	for _, r := range rows {
		out = append(out, conv(r))
	}
	return out, nil
}

func int32Ptr(p *int) *int32 {
	if p == nil {
		return nil
	}
	v := int32(*p)
	return &v
}

func intPtr(p *int32) *int {
	if p == nil {
		return nil
	}
	v := int(*p)
	return &v
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ---------------------------------------------------------------------------
// Parties

// CreateParty adds a party with its aliases.
// Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID (fields, including a name or
// alias another party already uses), ECONFLICT (a concurrent create took the
// name).
func (s *Register) CreateParty(ctx context.Context, actor *dealgate.User, in dealgate.PartyInput) (dealgate.Party, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Party, error) {
		return tx.CreateParty(ctx, actor, in)
	})
}

// UpdateParty changes a party the user opened at version. On a stale
// version it returns the current party with ECONFLICT.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Register) UpdateParty(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.PartyInput) (dealgate.Party, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Party, error) {
		return tx.UpdateParty(ctx, actor, id, version, in)
	})
}

// RetireParty hides a party from pickers; agreements and clauses that name
// it keep doing so. On a stale version it returns the current party with
// ECONFLICT.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Register) RetireParty(ctx context.Context, actor *dealgate.User, id, version int64) (dealgate.Party, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Party, error) {
		return tx.setPartyRetired(ctx, actor, id, version, true)
	})
}

// RestoreParty undoes RetireParty.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, ECONFLICT.
func (s *Register) RestoreParty(ctx context.Context, actor *dealgate.User, id, version int64) (dealgate.Party, error) {
	return authorized(ctx, s.DB, actor, dealgate.ActRegisterEdit, func(tx *Tx) (dealgate.Party, error) {
		return tx.setPartyRetired(ctx, actor, id, version, false)
	})
}

// Party returns one party with its aliases.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) Party(ctx context.Context, actor *dealgate.User, id int64) (dealgate.Party, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Party, error) {
		return tx.party(ctx, id)
	})
}

// FindPartyByName returns the party whose name or alias is name, compared
// as dealgate.NormalizePartyName does ("aws" finds the party aliased "AWS").
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) FindPartyByName(ctx context.Context, actor *dealgate.User, name string) (dealgate.Party, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) (dealgate.Party, error) {
		return tx.FindPartyByName(ctx, name)
	})
}

// CorporateFamily returns the whole corporate family of a party: its
// topmost parent first, then every affiliate below it by name. A clause
// naming any of them covers them all.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Register) CorporateFamily(ctx context.Context, actor *dealgate.User, id int64) ([]dealgate.Party, error) {
	return readAuthorized(ctx, s.DB, actor, dealgate.ActRegisterView, func(tx *Tx) ([]dealgate.Party, error) {
		return tx.CorporateFamily(ctx, id)
	})
}

// CreateParty adds a party; the caller has authorised actor.
func (tx *Tx) CreateParty(ctx context.Context, actor *dealgate.User, in dealgate.PartyInput) (dealgate.Party, error) {
	return tx.createParty(ctx, actor, in, &dealgate.Validation{})
}

// createParty is CreateParty with the problems a form already found in v: the
// input is validated once, into v.
func (tx *Tx) createParty(ctx context.Context, actor *dealgate.User, in dealgate.PartyInput, v *dealgate.Validation) (dealgate.Party, error) {
	in.ValidateInto(v)
	if in.ParentID != nil {
		if _, err := tx.Q.GetParty(ctx, *in.ParentID); err != nil {
			if !isNotFound(err) {
				return dealgate.Party{}, err
			}
			v.Add("parent_id", "Choose a parent company from the register")
		}
	}
	if err := tx.checkPartyNames(ctx, 0, in, v); err != nil {
		return dealgate.Party{}, err
	}
	if err := v.Err(); err != nil {
		return dealgate.Party{}, err
	}
	id, err := tx.Q.InsertParty(ctx, sqlc.InsertPartyParams{
		Name: in.Name, Kind: string(in.Kind), ParentID: in.ParentID, Website: in.Website, Notes: in.Notes, Now: tx.Now,
	})
	if err != nil {
		return dealgate.Party{}, fmt.Errorf("insert party: %w", err)
	}
	if err := tx.writePartyNames(ctx, id, in); err != nil {
		return dealgate.Party{}, err
	}
	return readAudited(ctx, tx, actor, "party.created", dealgate.EntityParty, id, nil, tx.party)
}

// UpdateParty changes a party; the caller has authorised actor.
func (tx *Tx) UpdateParty(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.PartyInput) (dealgate.Party, error) {
	return tx.updateParty(ctx, actor, id, version, in, &dealgate.Validation{})
}

// updateParty is UpdateParty with the problems a form already found in v: the
// input is validated once, into v.
func (tx *Tx) updateParty(ctx context.Context, actor *dealgate.User, id, version int64, in dealgate.PartyInput, v *dealgate.Validation) (dealgate.Party, error) {
	before, err := tx.lockParty(ctx, id, version)
	if err != nil {
		return before, err
	}
	in.ValidateInto(v)
	if in.ParentID != nil {
		switch parent, err := tx.Q.GetParty(ctx, *in.ParentID); {
		case err != nil && !isNotFound(err):
			return dealgate.Party{}, err
		case err != nil:
			v.Add("parent_id", "Choose a parent company from the register")
		case parent.ID == id:
			v.Add("parent_id", "A party cannot be its own parent")
		default:
			below, err := tx.Q.PartyDescendantIDs(ctx, id)
			if err != nil {
				return dealgate.Party{}, err
			}
			if slices.Contains(below, parent.ID) {
				v.Add("parent_id", fmt.Sprintf("%s is an affiliate of %s, so it cannot also be its parent", parent.Name, before.Name))
			}
		}
	}
	if err := tx.checkPartyNames(ctx, id, in, v); err != nil {
		return dealgate.Party{}, err
	}
	if err := v.Err(); err != nil {
		return dealgate.Party{}, err
	}
	err = tx.Q.UpdateParty(ctx, sqlc.UpdatePartyParams{
		ID: id, Name: in.Name, Kind: string(in.Kind), ParentID: in.ParentID, Website: in.Website, Notes: in.Notes, Now: tx.Now,
	})
	if err != nil {
		return dealgate.Party{}, fmt.Errorf("update party: %w", err)
	}
	if err := tx.Q.DeletePartyNames(ctx, id); err != nil {
		return dealgate.Party{}, err
	}
	if err := tx.writePartyNames(ctx, id, in); err != nil {
		return dealgate.Party{}, err
	}
	return readAudited(ctx, tx, actor, "party.updated", dealgate.EntityParty, id, before, tx.party)
}

func (tx *Tx) setPartyRetired(ctx context.Context, actor *dealgate.User, id, version int64, retire bool) (dealgate.Party, error) {
	before, err := tx.lockParty(ctx, id, version)
	if err != nil {
		return before, err
	}
	if before.Retired() == retire {
		return before, nil
	}
	var at *time.Time
	action := "party.restored"
	if retire {
		at, action = &tx.Now, "party.retired"
	}
	if err := tx.Q.SetPartyRetired(ctx, sqlc.SetPartyRetiredParams{ID: id, RetiredAt: at, Now: tx.Now}); err != nil {
		return dealgate.Party{}, err
	}
	return readAudited(ctx, tx, actor, action, dealgate.EntityParty, id, before, tx.party)
}

// lockParty locks a party and checks the version the user opened. On a
// stale version it returns the current party with ECONFLICT.
func (tx *Tx) lockParty(ctx context.Context, id, version int64) (dealgate.Party, error) {
	current, err := tx.Q.LockParty(ctx, id)
	if err != nil {
		return dealgate.Party{}, orNotFound(err, "party")
	}
	p, err := tx.party(ctx, id)
	if err != nil {
		return dealgate.Party{}, err
	}
	if current != version {
		return p, dealgate.StaleError("party", current)
	}
	return p, nil
}

// checkPartyNames adds a field problem for every name or alias of in that
// a party other than self already uses.
func (tx *Tx) checkPartyNames(ctx context.Context, self int64, in dealgate.PartyInput, v *dealgate.Validation) error {
	norms := []string{dealgate.NormalizePartyName(in.Name)}
	field := map[string]string{norms[0]: "name"}
	for _, a := range in.Aliases {
		n := dealgate.NormalizePartyName(a)
		norms = append(norms, n)
		if _, ok := field[n]; !ok {
			field[n] = "aliases"
		}
	}
	taken, err := tx.Q.FindPartyNames(ctx, norms)
	if err != nil {
		return fmt.Errorf("check party names: %w", err)
	}
	for _, t := range taken {
		if t.PartyID == self {
			continue
		}
		what := "the name"
		if t.IsAlias {
			what = "an alias"
		}
		f := field[t.Norm]
		subject := fmt.Sprintf("%q", t.Name)
		v.Add(f, fmt.Sprintf("%s is already %s of %s; a name or alias can belong to one party only", subject, what, t.PartyName))
	}
	return nil
}

func (tx *Tx) writePartyNames(ctx context.Context, id int64, in dealgate.PartyInput) error {
	names := []sqlc.InsertPartyNameParams{{Norm: dealgate.NormalizePartyName(in.Name), PartyID: id, Name: in.Name}}
	for _, a := range in.Aliases {
		names = append(names, sqlc.InsertPartyNameParams{Norm: dealgate.NormalizePartyName(a), PartyID: id, Name: a, IsAlias: true})
	}
	for _, n := range names {
		if err := tx.Q.InsertPartyName(ctx, n); err != nil {
			return fmt.Errorf("insert party name: %w", err)
		}
	}
	return nil
}

func (tx *Tx) party(ctx context.Context, id int64) (dealgate.Party, error) {
	ps, err := tx.parties(ctx, []int64{id})
	if err != nil {
		return dealgate.Party{}, err
	}
	if len(ps) == 0 {
		return dealgate.Party{}, notFound("party")
	}
	return ps[0], nil
}

// parties loads parties with their aliases, in the order of ids.
func (tx *Tx) parties(ctx context.Context, ids []int64) ([]dealgate.Party, error) {
	return loadParties(ctx, tx.Q, ids)
}

func loadParties(ctx context.Context, q *sqlc.Queries, ids []int64) ([]dealgate.Party, error) {
	rows, err := q.GetPartiesByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load parties: %w", err)
	}
	aliases, err := q.ListPartyAliases(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load party aliases: %w", err)
	}
	byID := map[int64]dealgate.Party{}
	for _, r := range rows {
		byID[r.ID] = dealgate.Party{
			ID: r.ID, Name: r.Name, Kind: dealgate.PartyKind(r.Kind), ParentID: r.ParentID, ParentName: r.ParentName,
			Website: r.Website, Notes: r.Notes, RetiredAt: r.RetiredAt, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
			Version: r.Version, Aliases: []string{},
		}
	}
	for _, a := range aliases {
		p := byID[a.PartyID]
		p.Aliases = append(p.Aliases, a.Name)
		byID[a.PartyID] = p
	}
	out := make([]dealgate.Party, 0, len(rows))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// FindPartyByName returns the party known by name or alias.
func (tx *Tx) FindPartyByName(ctx context.Context, name string) (dealgate.Party, error) {
	n := dealgate.NormalizePartyName(name)
	if n == "" {
		return dealgate.Party{}, notFound("party")
	}
	id, err := tx.Q.PartyIDByNorm(ctx, n)
	if err != nil {
		return dealgate.Party{}, orNotFound(err, "party")
	}
	return tx.party(ctx, id)
}

// CorporateFamily returns the party's topmost parent and everyone below it.
func (tx *Tx) CorporateFamily(ctx context.Context, id int64) ([]dealgate.Party, error) {
	if _, err := tx.Q.GetParty(ctx, id); err != nil {
		return nil, orNotFound(err, "party")
	}
	up, err := tx.Q.PartyAncestorIDs(ctx, id)
	if err != nil {
		return nil, err
	}
	root := id
	if len(up) > 0 {
		root = up[len(up)-1]
	}
	down, err := tx.Q.PartyDescendantIDs(ctx, root)
	if err != nil {
		return nil, err
	}
	ps, err := tx.parties(ctx, append([]int64{root}, down...))
	if err != nil {
		return nil, err
	}
	if len(ps) > 1 {
		rest := ps[1:]
		sort.SliceStable(rest, func(i, j int) bool { return rest[i].Name < rest[j].Name })
	}
	return ps, nil
}

// FamilyIDs returns the IDs of the party's whole corporate family.
func (tx *Tx) FamilyIDs(ctx context.Context, id int64) ([]int64, error) {
	fam, err := tx.CorporateFamily(ctx, id)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(fam))
	for i, p := range fam {
		ids[i] = p.ID
	}
	return ids, nil
}

// Now is the register's clock: what "today" is for the pages that show
// relative dates and clauses in force. Tests may replace DB.Now.
func (s *Register) Now() time.Time { return s.DB.Now() }
