package postgres

import "context"
import "errors"
import "strconv"
import "time"

import "github.com/jackc/pgx/v5"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres/sqlc"

// FindSession reads a live session's data and, in the same statement, the
// user the session row names (nil when it names none or the user is gone).
// The user is read fresh, as ByID would: nothing is cached, so a role
// change, deactivation or epoch change is seen on the next request. The
// same statement counts the user's unread notifications for the header's
// bell (capped at 100, on notification_unread_idx), so the bell costs no
// round trip of its own, and reads the register change counter into ctx's
// slot, if it has one, with the users' names stamp (WithRegisterCounterSlot;
// see read_cache.go), the deal list stamp or the audit stamp into its slot,
// only if ctx has one (WithDealListStampSlot, deal_list_cache.go;
// WithAuditStampSlot, audit_list.go), and a deal page's
// stamp with the user's relation to the deal, only if ctx has a deal page
// slot (WithDealPageSlot; see deal_page.go).
func (db *DB) FindSession(ctx context.Context, token string) (data []byte, user *dealgate.User, found bool, err error) {
	var (
		u       sqlc.User
		hasUser bool
		unread  int
		counter int64
		names   int64
		stamp   int64
		dp      sqlc.DealPageStampRow
		dpSeen  bool
	)
	stampSlot, pageSlot := stampSeenFrom(ctx), dealPageSeenFrom(ctx)
	kind := stampKind(0)
	if stampSlot != nil {
		kind = stampSlot.kind
	}
	sql, args := sessionOnlySQL, []any{token, int32(kind)}
	if pageSlot != nil {
		sql, args = sessionWithDealPageSQL, append(args, pageSlot.id)
	}
	// Without a user (LEFT JOIN), the user columns read as harmless
	// defaults and hasUser is false.
	err = db.Pool.QueryRow(ctx, sql, args...).Scan(
		&data, &hasUser, &u.ID, &u.Email, &u.Name, &u.Roles, &u.Status, &u.TimeZone, &u.TotpEnabled,
		&u.NotifyEmail, &u.SessionEpoch, &u.CreatedAt, &u.UpdatedAt, &u.LastSignInAt, &u.Version, &unread, &counter, &names, &stamp,
		&dpSeen, &dp.Status, &dp.AuthorID, &dp.ShareAccess, &dp.Stamp)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	if seen := registerSeenFrom(ctx); seen != nil {
		seen.counter.Store(counter)
		seen.names.Store(names)
	}
	if stampSlot != nil {
		stampSlot.stamp.Store(stamp)
	}
	if pageSlot != nil && dpSeen && hasUser {
		pageSlot.row.Store(&dealPageStampRead{viewer: u.ID, row: dp})
	}
	if hasUser {
		user = toUser(u)
		user.UnreadNotifications = unread
	}
	return data, user, true, nil
}

// CommitSession writes a session row with the user it belongs to (0: none).
func (db *DB) CommitSession(ctx context.Context, token string, data []byte, expiry time.Time, userID int64) error {
	var uid *int64
	if userID != 0 {
		uid = &userID
	}
	_, err := db.Pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry, user_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry, user_id = EXCLUDED.user_id`,
		token, data, expiry.UTC(), uid)
	return err
}

// FindSession's statement, in two forms: the second also reads the deal
// page's stamp and the viewer's relation to deal $3 (DealPageStamp's
// columns), for a request with a deal page slot.
var sessionColumnsSQL = `
		SELECT s.data, u.id IS NOT NULL, coalesce(u.id, 0), coalesce(u.email, ''), coalesce(u.name, ''),
		       coalesce(u.roles, '{}'), coalesce(u.status, ''), coalesce(u.time_zone, ''), coalesce(u.totp_enabled, false),
		       coalesce(u.notify_email, false), coalesce(u.session_epoch, 0),
		       coalesce(u.created_at, 'epoch'), coalesce(u.updated_at, 'epoch'), u.last_sign_in_at, coalesce(u.version, 0),
		       (SELECT count(*) FROM (SELECT 1 FROM notification n
		         WHERE n.recipient_id = u.id AND n.in_app AND n.read_at IS NULL LIMIT 100) unread),
		       (SELECT counter FROM register_change), (` + userNamesStampSQL + `),
		       CASE $2::int WHEN ` + strconv.Itoa(int(stampDealList)) + ` THEN ` + dealListStampSQL +
	` WHEN ` + strconv.Itoa(int(stampAudit)) + ` THEN ` + auditStampSQL + ` ELSE -1 END`

var (
	sessionOnlySQL = sessionColumnsSQL + `, false, '', 0::bigint, '', 0::bigint
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id
		WHERE s.token = $1 AND current_timestamp < s.expiry`
	// The lateral part is DealPageStamp (queries/deals.sql) for the
	// session's user.
	sessionWithDealPageSQL = sessionColumnsSQL + `, dp.status IS NOT NULL, coalesce(dp.status, ''), coalesce(dp.author_id, 0),
		       coalesce(dp.share_access, ''), coalesce(dp.stamp, 0)
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id
		LEFT JOIN LATERAL (SELECT d.status, d.author_id, coalesce(sh.access, '')::text AS share_access,
		       (SELECT count(*) FROM deal_change c WHERE c.deal_id IN (d.id, 0))::bigint AS stamp
		     FROM deal d LEFT JOIN deal_share sh ON sh.deal_id = d.id AND sh.user_id = u.id
		     WHERE d.id = $3) dp ON true
		WHERE s.token = $1 AND current_timestamp < s.expiry`
)
