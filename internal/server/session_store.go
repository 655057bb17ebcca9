package server

import "context"
import "time"

import "github.com/alexedwards/scs/pgxstore"
import "github.com/alexedwards/scs/v2"
import "github.com/jackc/pgx/v5/pgxpool"
import "github.com/labstack/echo/v4"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/internal/postgres"

// sessionSlideEvery is how often a session in use has its idle timeout
// pushed back. In between, a page view writes nothing: the session row is
// written only when the session changes or a slide is due, so a reader
// costs one indexed read, not a WAL flush per page. The price is that an
// idle session may end up to this much before DEALGATE_SESSION_IDLE_TIMEOUT.
const sessionSlideEvery = time.Minute

// sessSlid is the session key holding when the session's expiry was last
// pushed back (Unix seconds).
const sessSlid = "slid"

// sessionStore is the Postgres session store (pgxstore's table, its expired-
// row cleanup) with request contexts, so its round trips count against the
// request, and with the idle timeout applied to the stored expiry: scs runs
// without an IdleTimeout of its own (that would rewrite the row on every
// request), and every commit stores min(absolute deadline, now + idle).
// Sign-out and destroyed sessions delete the row, which every instance reads
// on the next request, so ending a session takes effect at once everywhere.
//
// A row also names its user (user_id), so the one read of the session
// reads the user too, fresh, in the same statement; the request finds it
// through sessionUserFrom.
type sessionStore struct {
	*pgxstore.PostgresStore
	db   *postgres.DB
	pool *pgxpool.Pool
	idle time.Duration
	now  func() time.Time
}

// sessionUserSlot carries the user read with the session to authenticate.
type sessionUserSlot struct{ user *dealgate.User }

type sessionUserKey struct{}

// withSessionUserSlot gives the request a slot for the session's user.
func withSessionUserSlot(ctx context.Context) context.Context {
	return context.WithValue(ctx, sessionUserKey{}, &sessionUserSlot{})
}

// sessionUserFrom returns the user read with this request's session, if any.
func sessionUserFrom(ctx context.Context) *dealgate.User {
	if slot, ok := ctx.Value(sessionUserKey{}).(*sessionUserSlot); ok {
		return slot.user
	}
	return nil
}

var _ scs.CtxStore = (*sessionStore)(nil)

func newSessionStore(db *postgres.DB, idle time.Duration, now func() time.Time) *sessionStore {
	return &sessionStore{PostgresStore: pgxstore.NewWithCleanupInterval(db.Pool, 10*time.Minute), db: db, pool: db.Pool, idle: idle, now: now}
}

// FindCtx returns the data of a live session, and leaves its user in the
// request's slot.
func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	b, user, found, err := s.db.FindSession(ctx, token)
	if err != nil || !found {
		return nil, false, err
	}
	if slot, ok := ctx.Value(sessionUserKey{}).(*sessionUserSlot); ok {
		slot.user = user
	}
	return b, true, nil
}

// CommitCtx writes the session with its expiry capped at now + idle, and
// the user it signs in.
func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if idle := s.now().Add(s.idle); s.idle > 0 && idle.Before(expiry) {
		expiry = idle
	}
	var uid int64
	if _, values, err := (sessionCodec{}).Decode(b); err == nil {
		uid, _ = values[sessUserID].(int64)
	}
	return s.db.CommitSession(ctx, token, b, expiry, uid)
}

// DeleteCtx removes a session.
func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.pool.Exec(ctx, "DELETE FROM sessions WHERE token = $1", token)
	return err
}

// Find, Commit and Delete serve callers without a request.
func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s *sessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// slideSession pushes a stored session's idle expiry back at most once per
// sessionSlideEvery, by touching the session so scs commits it.
func (s *Server) slideSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if infrastructure(c) {
			return next(c)
		}
		ctx := c.Request().Context()
		if s.sessions.Token(ctx) != "" && s.sessions.Status(ctx) == scs.Unmodified {
			now := s.now()
			if now.Sub(time.Unix(s.sessions.GetInt64(ctx, sessSlid), 0)) >= sessionSlideEvery {
				s.sessions.Put(ctx, sessSlid, now.Unix())
			}
		}
		return next(c)
	}
}
