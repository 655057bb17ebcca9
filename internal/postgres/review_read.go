package postgres

import "context"
import "encoding/json"
import "fmt"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// reviewState is a review as its use cases need it: the review, its deal,
// the rules, its members with their recusals (self, declared interest,
// submitter), the votes and the tally.
type reviewState struct {
	review     dealgate.Review
	deal       dealgate.Deal
	rules      dealgate.CommitteeRules
	members    []dealgate.ReviewMember
	votes      []dealgate.Vote
	superseded map[int]bool
	tally      dealgate.Tally
}

func (st reviewState) me(u *dealgate.User) *dealgate.ReviewMember {
	for i := range st.members {
		if u != nil && st.members[i].UserID == u.ID {
			return &st.members[i]
		}
	}
	return nil
}

func (st reviewState) vote(userID int64) *dealgate.Vote {
	for i := range st.votes {
		if st.votes[i].UserID == userID {
			return &st.votes[i]
		}
	}
	return nil
}

// reviewState loads review id, checking that actor may see it and its deal.
func (tx *Tx) reviewState(ctx context.Context, actor *dealgate.User, id int64) (reviewState, error) {
	if err := dealgate.Authorize(actor, dealgate.ActReviewView); err != nil {
		return reviewState{}, err
	}
	var st reviewState
	var err error
	if st.review, err = tx.review(ctx, id); err != nil {
		return st, err
	}
	if st.deal, err = tx.authorizeDeal(ctx, actor, st.review.DealID, dealgate.DealRead); err != nil {
		return st, orNotFound(err, "review")
	}
	return tx.loadReviewState(ctx, st)
}

// loadReviewState completes st, whose review and deal are loaded, with the
// rules, members, votes and tally. The reminder job calls it directly.
func (tx *Tx) loadReviewState(ctx context.Context, st reviewState) (reviewState, error) {
	sup, err := tx.Q.SupersededVersions(ctx, st.deal.ID)
	if err != nil {
		return st, err
	}
	superseded := map[int]bool{}
	for _, n := range sup {
		superseded[int(n)] = true
	}
	// The current version's screening verdict decides whether the committee's
	// "a conflict needs unanimity" rule applies.
	ver, err := tx.Q.DealVersionState(ctx, sqlc.DealVersionStateParams{DealID: st.deal.ID, Number: int32(st.deal.CurrentVersion)})
	if err != nil {
		return st, fmt.Errorf("version state: %w", err)
	}
	return tx.completeReviewState(ctx, st, superseded, dealgate.ScreeningState(ver.ScreeningState), nil)
}

// completeReviewState completes st given its deal's superseded versions and
// its current version's verdict. family is the counterparty's corporate
// family when the caller has it (nil: read it if a member declared any
// interest).
func (tx *Tx) completeReviewState(ctx context.Context, st reviewState, superseded map[int]bool, verdict dealgate.ScreeningState, family []int64) (reviewState, error) {
	id := st.review.ID
	var err error
	if st.rules, err = tx.committeeRules(ctx); err != nil {
		return st, err
	}
	rows, err := tx.Q.ListReviewMembers(ctx, id)
	if err != nil {
		return st, fmt.Errorf("review members: %w", err)
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.UserID
	}
	// Recusal by declared interest: against the current counterparty's
	// whole corporate family.
	declared := map[int64]map[int64]string{}
	if len(ids) > 0 && st.deal.Content.Counterparty != nil {
		decl, err := tx.Q.DeclarationsOfUsers(ctx, ids)
		if err != nil {
			return st, fmt.Errorf("declarations: %w", err)
		}
		for _, d := range decl {
			if declared[d.UserID] == nil {
				declared[d.UserID] = map[int64]string{}
			}
			declared[d.UserID][d.PartyID] = d.PartyName
		}
	}
	if len(declared) > 0 && family == nil {
		if family, err = tx.FamilyIDs(ctx, st.deal.Content.Counterparty.ID); err != nil {
			return st, err
		}
	}
	for _, r := range rows {
		m := dealgate.ReviewMember{UserID: r.UserID, Name: r.Name, SelfRecused: r.RecusedAt != nil, Reason: r.RecusalReason,
			Submitter: r.UserID == st.deal.AuthorID}
		m.DeclaredParties = dealgate.TouchesFamily(declared[r.UserID], family)
		m.Declared = len(m.DeclaredParties) > 0
		st.members = append(st.members, m)
	}
	votes, err := tx.Q.ListVotes(ctx, id)
	if err != nil {
		return st, fmt.Errorf("votes: %w", err)
	}
	for _, v := range votes {
		st.votes = append(st.votes, dealgate.Vote{UserID: v.UserID, Name: v.Name, DealVersion: int(v.DealVersion),
			VoteInput: dealgate.VoteInput{Choice: dealgate.VoteChoice(v.Choice), Conditions: v.Conditions, Rationale: v.Rationale},
			CastAt:    v.CastAt, UpdatedAt: v.UpdatedAt})
	}
	st.superseded = superseded
	conflict := verdict == dealgate.ScreeningConflict
	st.tally = dealgate.CountVotes(st.rules, st.members, st.votes, func(v int) bool { return !st.superseded[v] }, conflict)
	return st, nil
}

// Review returns the review page's overview (ReviewPage without the
// screening). Each member's vote is shown only as the policy allows
// (dealgate.CanSeeVotes).
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Reviews) Review(ctx context.Context, actor *dealgate.User, id int64) (dealgate.ReviewOverview, error) {
	p, err := s.ReviewPage(ctx, actor, id)
	return p.ReviewOverview, err
}

// ReviewPage is the review page: the review and the latest screening of
// the deal's current version (nil when it has not been screened), with
// its findings in the engine's words.
type ReviewPage struct {
	dealgate.ReviewOverview
	Screening *Stored
	// Derived is shared by the requests served this page from the cache.
	Derived *dealgate.Derived
}

// ReviewPage returns the review page. What it shows of the deal (the deal,
// its versions, clearance and screening) is the deal page's, served from
// the deal page cache under the deal's page stamp (deal_page.go); the
// committee's part (rules, members, votes, decision, discussion, earlier
// decisions) is read afresh. The screening is shared: callers must not
// change it.
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND.
func (s *Reviews) ReviewPage(ctx context.Context, actor *dealgate.User, id int64) (ReviewPage, error) {
	if err := dealgate.Authorize(actor, dealgate.ActReviewView); err != nil {
		return ReviewPage{}, err
	}
	if err := dealgate.Authorize(actor, dealgate.ActDealView); err != nil {
		return ReviewPage{}, err
	}
	deals := s.Deals
	if s.tx != nil {
		deals = deals.Within(s.tx)
	}
	return readBound(ctx, s.DB, s.tx, func(tx *Tx) (ReviewPage, error) {
		key := func(rc int64) reviewPageKey {
			return reviewPageKey{id: id, viewer: actor.ID, register: rc, day: tx.today()}
		}
		return cachedRead(ctx, s, tx, s.caches.pages, key, func() (ReviewPage, error) { return s.reviewPage(ctx, tx, deals, actor, id) },
			func(p *ReviewPage) { p.Derived = dealgate.NewDerived() },
			func(p ReviewPage, now time.Time) bool {
				return p.Clearance.ExpiresAt != nil && !now.Before(*p.Clearance.ExpiresAt)
			})
	})
}

// reviewPage reads the review page.
func (s *Reviews) reviewPage(ctx context.Context, tx *Tx, deals *Deals, actor *dealgate.User, id int64) (ReviewPage, error) {
	r, err := tx.review(ctx, id)
	if err != nil {
		return ReviewPage{}, err
	}
	dp, err := deals.dealPage(ctx, tx, actor, r.DealID)
	if err != nil {
		return ReviewPage{}, orNotFound(err, "review")
	}
	// The counterparty's family: for recusals by declared interest and
	// for the earlier decisions on the family, read once.
	var family []int64
	if c := dp.Deal.Content.Counterparty; c != nil {
		if family, err = s.familyIDs(ctx, tx, c.ID); err != nil {
			return ReviewPage{}, err
		}
	}
	o, err := tx.reviewOverview(ctx, actor, r, dp, family)
	return ReviewPage{ReviewOverview: o, Screening: dp.Screening}, err
}

// reviewOverview is the review page's overview of review r, whose deal's
// page is dp and whose counterparty's corporate family is family.
func (tx *Tx) reviewOverview(ctx context.Context, actor *dealgate.User, r dealgate.Review, dp DealPage, family []int64) (dealgate.ReviewOverview, error) {
	superseded := map[int]bool{}
	for _, v := range dp.Versions {
		if v.SupersededAt != nil {
			superseded[v.Number] = true
		}
	}
	var verdict dealgate.ScreeningState
	if cur := dp.Current(); cur != nil {
		verdict = cur.Screening
	}
	st, err := tx.completeReviewState(ctx, reviewState{review: r, deal: dp.Deal}, superseded, verdict, family)
	if err != nil {
		return dealgate.ReviewOverview{}, err
	}
	o := dealgate.ReviewOverview{Review: st.review, Deal: st.deal, Rules: st.rules, Members: st.members, Tally: st.tally,
		Superseded: st.superseded, Today: tx.today(), Me: st.me(actor), Mine: st.vote(actor.ID),
		Versions: dp.Versions, Clearance: dp.Clearance}
	o.VotesVisible = dealgate.CanSeeVotes(actor, st.rules, st.review.State, o.Mine != nil)
	if o.VotesVisible {
		o.Votes = st.votes
	} else if o.Mine != nil {
		o.Votes = []dealgate.Vote{*o.Mine}
	}
	o.CanVote = dealgate.AuthorizeVote(actor, o.Me, st.review.State) == nil
	o.CanRecuse = o.Me != nil && !o.Me.Recused() && st.review.State == dealgate.ReviewOpen
	o.CanDecide = dealgate.Allowed(actor, dealgate.ActReviewChair) && st.review.State == dealgate.ReviewOpen
	if st.review.State == dealgate.ReviewDecided {
		d, err := tx.decisionOfReview(ctx, r.ID)
		if err != nil {
			return o, err
		}
		o.Decision = &d
	}
	o.CanComment = dealgate.Allowed(actor, dealgate.ActReviewVote) && st.review.State == dealgate.ReviewOpen
	o.CanAsk = o.CanDecide
	if o.Comments, err = tx.reviewComments(ctx, r.ID); err != nil {
		return o, err
	}
	if o.RFIs, err = tx.rfis(ctx, &r.ID, nil); err != nil {
		return o, err
	}
	o.EarlierDecisions, err = tx.familyDecisions(ctx, family, r.ID)
	return o, err
}

// clearance decides whether deal d is cleared to negotiate: its latest
// decision, on a version that is not superseded, approving and unexpired.
func (tx *Tx) clearance(ctx context.Context, d dealgate.Deal) (dealgate.Clearance, error) {
	var latest *dealgate.Decision
	superseded := false
	if d.Status != dealgate.DealDraft {
		row, err := tx.Q.LatestDecisionOfDeal(ctx, d.ID)
		switch {
		case err == nil:
			dec, err := decisionFromRow(sqlc.DecisionOfReviewRow(row))
			if err != nil {
				return dealgate.Clearance{}, err
			}
			latest, superseded = &dec, row.Superseded
		case !isNotFound(err):
			return dealgate.Clearance{}, err
		}
	}
	c := dealgate.ClearanceOf(d.Status, latest, superseded, tx.Now)
	if n, err := tx.Q.GetNegotiation(ctx, d.ID); err == nil {
		c.NegotiationStarted = &n.RecordedAt
	} else if !isNotFound(err) {
		return c, err
	}
	return c, nil
}

func (tx *Tx) decisionOfReview(ctx context.Context, reviewID int64) (dealgate.Decision, error) {
	row, err := tx.Q.DecisionOfReview(ctx, reviewID)
	if err != nil {
		return dealgate.Decision{}, orNotFound(err, "decision")
	}
	return decisionFromRow(row)
}

func decisionFromRow(r sqlc.DecisionOfReviewRow) (dealgate.Decision, error) {
	d := dealgate.Decision{
		ID: r.ID, ReviewID: r.ReviewID, DealID: r.DealID, DealVersion: int(r.DealVersion), Outcome: dealgate.DecisionOutcome(r.Outcome),
		Memo: r.Memo, Conditions: r.Conditions, ScreeningState: r.ScreeningState, TaxonomyVersionID: r.TaxonomyVersionID,
		DecidedBy: r.DecidedByName, DecidedAt: r.DecidedAt, ExpiresAt: r.ExpiresAt,
	}
	if err := json.Unmarshal(r.Tally, &d.Tally); err != nil {
		return d, fmt.Errorf("decision %d tally: %w", r.ID, err)
	}
	return d, nil
}

// listClearances sets the clearance of each deal of a list page, in one
// query (the latest decision of each deal).
func (tx *Tx) listClearances(ctx context.Context, items []dealgate.DealListItem) error {
	ids := make([]int64, 0, len(items))
	for _, d := range items {
		if d.Status != dealgate.DealDraft {
			ids = append(ids, d.ID)
		}
	}
	latest := map[int64]sqlc.DecisionOfReviewRow{}
	if len(ids) > 0 {
		rows, err := tx.Q.LatestDecisionsOfDeals(ctx, ids)
		if err != nil {
			return fmt.Errorf("latest decisions: %w", err)
		}
		for _, r := range rows {
			latest[r.DealID] = sqlc.DecisionOfReviewRow(r)
		}
	}
	for i := range items {
		var dec *dealgate.Decision
		row, ok := latest[items[i].ID]
		if ok {
			d, err := decisionFromRow(row)
			if err != nil {
				return err
			}
			dec = &d
		}
		items[i].Clearance = dealgate.ClearanceOf(items[i].Status, dec, row.Superseded, tx.Now)
	}
	return nil
}
