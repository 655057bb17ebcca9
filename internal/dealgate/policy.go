package dealgate

// The one authorisation policy. Services call these functions before they
// read or change anything; handlers never decide access on their own.
//
// Visibility, from PRODUCT.md: counsel see the register, their own deals and
// deals shared with them; committee members and chairs see every submitted
// deal but no one's drafts; auditors see everything and change nothing;
// admins manage users, settings and exports, and vote only if they are also
// members. Nobody votes on a deal they submitted.

// Action is something a user may be allowed to do.
type Action string

const (
	ActSignedIn        Action = "signed_in"        // any active user: home, own profile
	ActUserManage      Action = "user.manage"      // list, create, edit, deactivate users
	ActRegisterView    Action = "register.view"    // parties, taxonomy, agreements, clauses
	ActRegisterEdit    Action = "register.edit"    // create, edit, retire register records
	ActTaxonomyPublish Action = "taxonomy.publish" // publish a new taxonomy version
	ActAuditView       Action = "audit.view"       // read the audit trail
	ActExport          Action = "export"           // export reports: the decision register
	ActRegisterExport  Action = "register.export"  // export the agreement register as CSV
	ActDecisionPacket  Action = "decision.packet"  // a decided deal's decision packet (PDF)
	ActSettingsManage  Action = "settings.manage"  // committee rules and other settings
	ActDealView        Action = "deal.view"        // the deal list and deal pages; each deal is checked by CanSeeDeal
	ActDealDraft       Action = "deal.draft"       // start a deal (counsel)
	ActReviewView      Action = "review.view"      // the committee's reviews, decisions and queue
	ActReviewChair     Action = "review.chair"     // open reviews, record decisions (chairs)
	ActReviewVote      Action = "review.vote"      // vote, recuse, declare interests (members and chairs)
)

// Allowed reports whether u may perform a. Deactivated or missing users may
// do nothing.
func Allowed(u *User, a Action) bool {
	if !u.Active() {
		return false
	}
	switch a {
	case ActSignedIn:
		return true
	case ActUserManage, ActSettingsManage:
		return u.Has(RoleAdmin)
	case ActRegisterView:
		return u.Has(RoleCounsel) || u.Has(RoleAdmin) || u.Has(RoleMember) || u.Has(RoleChair) || u.Has(RoleAuditor)
	case ActRegisterEdit:
		return u.Has(RoleCounsel) || u.Has(RoleAdmin)
	case ActTaxonomyPublish:
		return u.Has(RoleAdmin)
	case ActAuditView:
		return u.Has(RoleAdmin) || u.Has(RoleAuditor)
	case ActExport:
		return u.Has(RoleAdmin) || u.Has(RoleAuditor)
	case ActRegisterExport:
		// Counsel keep the register, so they take it out too.
		return u.Has(RoleCounsel) || u.Has(RoleAdmin) || u.Has(RoleAuditor)
	case ActDecisionPacket:
		// The chair records the decision and answers for it to the board;
		// admins and auditors hand packets to regulators.
		return u.Has(RoleChair) || u.Has(RoleAdmin) || u.Has(RoleAuditor)
	case ActDealView:
		return u.Has(RoleCounsel) || u.Has(RoleAdmin) || u.Has(RoleMember) || u.Has(RoleChair) || u.Has(RoleAuditor)
	case ActDealDraft:
		return u.Has(RoleCounsel)
	case ActReviewView:
		return u.Has(RoleChair) || u.Has(RoleMember) || u.Has(RoleAuditor) || u.Has(RoleAdmin)
	case ActReviewChair:
		return u.Has(RoleChair)
	case ActReviewVote:
		return u.Has(RoleChair) || u.Has(RoleMember)
	}
	return false
}

// Authorize returns nil when u may perform a, EUNAUTHORIZED when nobody is
// signed in, and EFORBIDDEN otherwise.
func Authorize(u *User, a Action) error {
	if u == nil {
		return Errorf(EUNAUTHORIZED, "Sign in to continue.")
	}
	if Allowed(u, a) {
		return nil
	}
	return Errorf(EFORBIDDEN, "Your account does not have permission to do this.")
}

// EntityRef names one audited record: its entity type and ID as the audit
// trail writes them.
type EntityRef struct{ Type, ID string }

// viewActions is, per audited entity type, the action that lets a user see
// a record of that type. The history of a record is shown to whoever may
// view the record, so this is also the rule for history.
var viewActions = map[string]Action{
	EntityParty:           ActRegisterView,
	EntityAgreement:       ActRegisterView,
	EntityClause:          ActRegisterView,
	EntityDocument:        ActRegisterView,
	EntityCategory:        ActRegisterView,
	EntityTaxonomyVersion: ActRegisterView,
	EntityUser:            ActUserManage,
	EntityReview:          ActReviewView,
	EntityCommitteeRules:  ActReviewView,
	EntityInterests:       ActReviewView,
}

// EntityUser is the audit entity type of a user account.
const EntityUser = "user"

// AuthorizeHistory returns nil when u may read the audit history of every
// record in refs: whoever may view a record may read its history. A type
// the policy does not know is refused (EFORBIDDEN), so a new kind of record
// must state who sees it before its history can be read.
func AuthorizeHistory(u *User, refs ...EntityRef) error {
	if err := Authorize(u, ActSignedIn); err != nil {
		return err
	}
	for _, r := range refs {
		act, ok := viewActions[r.Type]
		if !ok {
			return Errorf(EFORBIDDEN, "Your account does not have permission to do this.")
		}
		if err := Authorize(u, act); err != nil {
			return err
		}
	}
	return nil
}

// AuthorizeUserRead returns nil when actor may read the account id: admins
// read every account, everyone reads their own.
func AuthorizeUserRead(actor *User, id int64) error {
	if actor != nil && actor.ID == id {
		return Authorize(actor, ActSignedIn)
	}
	return Authorize(actor, ActUserManage)
}

// OffersAccountAction reports whether an account's page offers actor action
// a on target: a applies to the account as it is, and it is not the
// deactivation of actor's own account, which CheckAdminRemoval refuses.
func OffersAccountAction(actor, target *User, a AccountAction) bool {
	if a == AccountDeactivate && actor != nil && target != nil && actor.ID == target.ID {
		return false
	}
	return a.Applies(target)
}

// CheckAdminRemoval is the rule for taking an account's admin standing away,
// by removing its admin role or, when deactivating, the account itself:
// nobody does it to themselves, and at least one active admin must remain.
// activeAdmins returns the active admins' IDs; the caller locks them, and
// it is only called when target is an admin.
func CheckAdminRemoval(actor *User, target int64, targetIsAdmin, deactivating bool, activeAdmins func() ([]int64, error)) error {
	if actor != nil && actor.ID == target {
		if deactivating {
			return Errorf(EINVALID, "%s", OwnDeactivation)
		}
		if targetIsAdmin {
			return fieldError("roles", "You cannot remove your own admin role; ask another admin to do it.")
		}
	}
	if !targetIsAdmin {
		return nil
	}
	ids, err := activeAdmins()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id != target {
			return nil
		}
	}
	return fieldError("roles", "At least one active admin must remain.")
}

// OwnDeactivation is why nobody deactivates their own account.
const OwnDeactivation = "You cannot deactivate your own account; ask another admin to do it."

// fieldError is an EINVALID error whose message is also field's.
func fieldError(field, msg string) error {
	return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}

// DealRelation is how a user stands to one deal: its author, a counsel it
// is shared with (Share) or neither, and the deal's status.
type DealRelation struct {
	Author bool
	Share  ShareAccess // "" when not shared with the user
	Status DealStatus
}

// DealOp is something done to one deal.
type DealOp int

const (
	DealRead   DealOp = iota // see the deal, its versions, attachments and history
	DealEdit                 // change the draft, attach files, submit, make a new version, withdraw
	DealManage               // share the deal, delete the draft: its author only
)

// CanSeeDeal reports whether u may see a deal: its author and the counsel
// it is shared with always; once submitted, also the committee (chairs and
// members), auditors and admins. No other counsel ever, and nobody else a draft.
func CanSeeDeal(u *User, r DealRelation) bool {
	if !u.Active() {
		return false
	}
	if r.Author || r.Share != "" {
		return true
	}
	return r.Status != DealDraft && SeesSubmittedDeals(u)
}

// AuthorizeDeal returns nil when u may do op to a deal. A deal u may not see
// is ENOTFOUND, so drafts and other counsel's deals do not reveal that they
// exist; a deal u sees but may not change is EFORBIDDEN. Editing needs the
// counsel role and authorship or an edit share; sharing and deleting a draft
// need authorship.
func AuthorizeDeal(u *User, r DealRelation, op DealOp) error {
	if u == nil {
		return Errorf(EUNAUTHORIZED, "Sign in to continue.")
	}
	if !CanSeeDeal(u, r) {
		return Errorf(ENOTFOUND, "No such deal.")
	}
	switch op {
	case DealRead:
		return nil
	case DealEdit:
		if u.Has(RoleCounsel) && (r.Author || r.Share == ShareEdit) {
			return nil
		}
	case DealManage:
		if u.Has(RoleCounsel) && r.Author {
			return nil
		}
	}
	return Errorf(EFORBIDDEN, "Only the deal's counsel may change it.")
}

// SeesSubmittedDeals reports whether u sees every submitted deal (the
// committee, auditors and admins), not only their own and those shared.
func SeesSubmittedDeals(u *User) bool {
	return u.Active() && (u.Has(RoleChair) || u.Has(RoleMember) || u.Has(RoleAuditor) || u.Has(RoleAdmin))
}

// IsCommitteeMember reports whether u sits on the committee: members and
// chairs are assigned to reviews by default.
func IsCommitteeMember(u *User) bool {
	return u.Active() && (u.Has(RoleMember) || u.Has(RoleChair))
}

// AuthorizeVote returns nil when u may vote in a review: an open review u
// is assigned to and not recused from (the submitter never votes).
func AuthorizeVote(u *User, m *ReviewMember, state ReviewState) error {
	if err := Authorize(u, ActReviewVote); err != nil {
		return err
	}
	switch {
	case m == nil:
		return Errorf(EFORBIDDEN, "You are not assigned to this review.")
	case m.Submitter:
		return Errorf(EFORBIDDEN, "You submitted this deal, so you do not vote on it.")
	case m.Recused():
		return Errorf(EFORBIDDEN, "You are recused from this review (%s), so you do not vote.", m.RecusalText())
	case state != ReviewOpen:
		return Errorf(EINVALID, "This review is no longer open for votes.")
	}
	return nil
}

// CanSeeVotes reports whether u sees each member's vote in a review: always
// once it is decided, when the rules do not hide votes, to auditors and
// admins, and to a member once they have voted themselves.
func CanSeeVotes(u *User, rules CommitteeRules, state ReviewState, voted bool) bool {
	if !Allowed(u, ActReviewView) {
		return false
	}
	return state != ReviewOpen || !rules.HideVotes || voted || (!IsCommitteeMember(u) && (u.Has(RoleAuditor) || u.Has(RoleAdmin)))
}
