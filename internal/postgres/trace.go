package postgres

import "context"
import "sync/atomic"
import "time"

import "github.com/jackc/pgx/v5"
import "github.com/jackc/pgx/v5/pgxpool"

// RequestStats counts what one request asked of the database: round trips
// (each statement, batch, COPY or prepare sent to the server, BEGIN and
// COMMIT included) and the time spent waiting for a pooled connection.
// The HTTP layer puts one in each request's context (WithRequestStats) and
// reports it in /metrics.
type RequestStats struct {
	roundTrips atomic.Int64
	poolWait   atomic.Int64 // nanoseconds
}

// RoundTrips is the number of round trips so far.
func (s *RequestStats) RoundTrips() int64 { return s.roundTrips.Load() }

// PoolWait is the time spent waiting for connections so far.
func (s *RequestStats) PoolWait() time.Duration { return time.Duration(s.poolWait.Load()) }

type requestStatsKey struct{}

// WithRequestStats returns ctx carrying a fresh RequestStats that every
// database call made with the context counts into.
func WithRequestStats(ctx context.Context) (context.Context, *RequestStats) {
	st := &RequestStats{}
	return context.WithValue(ctx, requestStatsKey{}, st), st
}

func requestStatsFrom(ctx context.Context) *RequestStats {
	st, _ := ctx.Value(requestStatsKey{}).(*RequestStats)
	return st
}

// countRoundTrip counts one round trip into ctx's RequestStats, if any, and
// returns ctx: each Trace…Start below is one statement, batch, COPY or prepare.
func countRoundTrip(ctx context.Context) context.Context {
	if st := requestStatsFrom(ctx); st != nil {
		st.roundTrips.Add(1)
	}
	return ctx
}

// statsTracer is the pool's pgx tracer: it feeds RequestStats and does
// nothing for contexts without one. Each Trace…Start is one round trip;
// the interfaces' other hooks are endHooks, which ignore everything.
type statsTracer struct{ endHooks }

var (
	_ pgx.QueryTracer       = statsTracer{}
	_ pgx.BatchTracer       = statsTracer{}
	_ pgx.CopyFromTracer    = statsTracer{}
	_ pgx.PrepareTracer     = statsTracer{}
	_ pgxpool.AcquireTracer = statsTracer{}
)

func (statsTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return countRoundTrip(ctx)
}

func (statsTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return countRoundTrip(ctx)
}

func (statsTracer) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	return countRoundTrip(ctx)
}

func (statsTracer) TracePrepareStart(ctx context.Context, _ *pgx.Conn, _ pgx.TracePrepareStartData) context.Context {
	return countRoundTrip(ctx)
}

// endHooks are the tracer interfaces' hooks that statsTracer has no use for.
type endHooks struct{}

func (endHooks) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData)       {}
func (endHooks) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData)   {}
func (endHooks) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)       {}
func (endHooks) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}
func (endHooks) TracePrepareEnd(context.Context, *pgx.Conn, pgx.TracePrepareEndData)   {}

type acquireStartKey struct{}

func (statsTracer) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	if requestStatsFrom(ctx) == nil {
		return ctx
	}
	return context.WithValue(ctx, acquireStartKey{}, time.Now())
}

func (statsTracer) TraceAcquireEnd(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireEndData) {
	st := requestStatsFrom(ctx)
	start, ok := ctx.Value(acquireStartKey{}).(time.Time)
	if st != nil && ok {
		st.poolWait.Add(int64(time.Since(start)))
	}
}
