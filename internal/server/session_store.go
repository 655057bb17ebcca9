package server

import (
	"context"
	"errors"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
)

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
type sessionStore struct {
	*pgxstore.PostgresStore
	pool *pgxpool.Pool
	idle time.Duration
	now  func() time.Time
}

var _ scs.CtxStore = (*sessionStore)(nil)

func newSessionStore(pool *pgxpool.Pool, idle time.Duration, now func() time.Time) *sessionStore {
	return &sessionStore{PostgresStore: pgxstore.NewWithCleanupInterval(pool, 10*time.Minute), pool: pool, idle: idle, now: now}
}

// FindCtx returns the data of a live session.
func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, "SELECT data FROM sessions WHERE token = $1 AND current_timestamp < expiry", token).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return b, true, nil
}

// CommitCtx writes the session with its expiry capped at now + idle.
func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if idle := s.now().Add(s.idle); s.idle > 0 && idle.Before(expiry) {
		expiry = idle
	}
	_, err := s.pool.Exec(ctx, "INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3) ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry",
		token, b, expiry.UTC())
	return err
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
