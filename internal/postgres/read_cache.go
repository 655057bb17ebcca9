package postgres

import "cmp"
import "context"
import "fmt"
import "sync"
import "sync/atomic"

// Caches of register reads, keyed by the register change counter.
//
// register_change.counter (migration 000012) is bumped, in the same
// transaction, by every committed change to a party, its names, an
// agreement, a clause, its categories or parties, and by publishing a
// taxonomy version. So a result computed from the register after reading
// counter N is the register's state at N or later, and stays right until
// the counter moves. Each instance keeps such results in memory under the
// counter they were read at, and serves them only to a request that read
// the same counter: a change through any instance bumps the counter in the
// database, and every instance's next request reads the new counter and
// misses. Nothing is shared or invalidated between instances; the counter
// is the only key.
//
// What is cached is what the register decides alone: party list pages, the
// current taxonomy version's ID, counts, an agreement's clauses. Agreement
// list pages show their owners' names too, so they are keyed as well by the
// users' names stamp (userNamesStamp), which every rename bumps.
//
// The counter and the stamp cost no round trip on a signed-in page: the
// statement that reads the session reads them too (FindSession) and leaves
// them in the request's context. A request that has itself committed a
// change (InTx) forgets them and reads them afresh.

// versionCacheMax bounds the entries kept for one counter value.
const versionCacheMax = 512

// versionCache keeps values computed at one register change counter. An
// entry is served only for that counter; a put at a higher counter drops
// every entry of the lower one.
type versionCache[K comparable, V any] struct {
	// limit bounds the entries kept for one counter value (0: versionCacheMax).
	limit   int
	mu      sync.Mutex
	counter int64
	m       map[K]V
	// loads are the reads in progress, by the counter they run under.
	loads map[flightKey[K]]*flight[V]
}

type flightKey[K comparable] struct {
	counter int64
	k       K
}

// flight is one read in progress; done is closed when v and err are set.
type flight[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// loader says how versionCache.load reads and keeps one value.
type loader[V any] struct {
	read   func() (V, error) // reads the value afresh
	usable func(V) bool      // whether a kept value may still be served (nil: always)
	kept   func(*V)          // prepares a value read for keeping (nil: nothing)
}

// load returns the value kept under counter and k, or reads it and keeps
// it. A counter below 0 means "do not cache": the value is read and not
// kept. Reads of one key under one counter run once at a time: when a
// cached page's stamp moves, the requests that miss together wait for the
// first one's read instead of each running the same statements (a
// stampede that, under load, kept a busy page's statements running
// back to back for as long as the stamp kept moving). A request waits only
// if it holds no connection the read may need (tx.mayWait); one inside a
// transaction reads for itself.
func (c *versionCache[K, V]) load(ctx context.Context, tx *Tx, counter int64, k K, l loader[V]) (V, error) {
	if counter < 0 {
		return l.read()
	}
	fk := flightKey[K]{counter, k}
	for {
		c.mu.Lock()
		if v, ok := c.m[k]; ok && c.counter == counter && (l.usable == nil || l.usable(v)) {
			c.mu.Unlock()
			return v, nil
		}
		f, running := c.loads[fk]
		if !running || !tx.mayWait() {
			break
		}
		c.mu.Unlock()
		select {
		case <-f.done:
			if f.err == nil && (l.usable == nil || l.usable(f.v)) {
				return f.v, nil
			}
			// Its read failed or is already stale: read afresh.
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
	// Holding c.mu: this request reads.
	f := &flight[V]{done: make(chan struct{})}
	if c.loads == nil {
		c.loads = map[flightKey[K]]*flight[V]{}
	}
	if _, running := c.loads[fk]; !running {
		c.loads[fk] = f
	}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if c.loads[fk] == f {
			delete(c.loads, fk)
		}
		c.mu.Unlock()
		close(f.done)
	}()
	f.v, f.err = l.read()
	if f.err == nil {
		if l.kept != nil {
			l.kept(&f.v)
		}
		c.put(counter, k, f.v)
	}
	return f.v, f.err
}

func (c *versionCache[K, V]) get(counter int64, k K) (V, bool) {
	if counter < 0 {
		var zero V
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.counter != counter {
		var zero V
		return zero, false
	}
	v, ok := c.m[k]
	return v, ok
}

func (c *versionCache[K, V]) put(counter int64, k K, v V) {
	if counter < 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case counter < c.counter:
		return // computed at an older counter than the cache holds
	case counter > c.counter || c.m == nil || len(c.m) >= cmp.Or(c.limit, versionCacheMax):
		c.counter, c.m = counter, map[K]V{}
	}
	c.m[k] = v
}

// registerSeen carries, per request, the register change counter and the
// users' names stamp the session's statement read (-1: not read, or no
// longer valid).
type registerSeen struct{ counter, names atomic.Int64 }

type registerSeenKey struct{}

// WithRegisterCounterSlot returns ctx with an empty slot that FindSession
// fills with the register change counter, so that the request's register
// reads need not read it again.
func WithRegisterCounterSlot(ctx context.Context) context.Context {
	s := &registerSeen{}
	s.counter.Store(-1)
	s.names.Store(-1)
	return context.WithValue(ctx, registerSeenKey{}, s)
}

func registerSeenFrom(ctx context.Context) *registerSeen {
	s, _ := ctx.Value(registerSeenKey{}).(*registerSeen)
	return s
}

// forgetRegisterCounter drops the counter the request read: the request
// has committed a change, so its reads must see it.
func forgetRegisterCounter(ctx context.Context) {
	if s := registerSeenFrom(ctx); s != nil {
		s.counter.Store(-1)
		s.names.Store(-1)
	}
}

// registerCounter is the register change counter for this request's
// reads: the one read with the session, else read now.
func registerCounter(ctx context.Context, tx *Tx) (int64, error) {
	if s := registerSeenFrom(ctx); s != nil {
		if n := s.counter.Load(); n >= 0 {
			return n, nil
		}
	}
	rc, err := tx.Q.RegisterChangeCounter(ctx)
	if err != nil {
		return 0, fmt.Errorf("register change counter: %w", err)
	}
	if rc.XactMine {
		// This transaction has changed the register: its own reads see
		// changes no counter names yet. Never cache them.
		return -1, nil
	}
	return rc.Counter, nil
}

// userNamesStampSQL is the users' names stamp: the number of deal_change
// rows for deal 0, which a trigger adds, in the renaming transaction, for
// every change of a user's name or email (migration 000032), and which
// nothing removes. A cached page that shows users' names is keyed by it as
// well as by the register change counter.
const userNamesStampSQL = `SELECT count(*) FROM deal_change WHERE deal_id = 0`

// userNamesStamp is the users' names stamp for this request's reads: the
// one read with the session, else read now.
func userNamesStamp(ctx context.Context, tx *Tx) (int64, error) {
	if s := registerSeenFrom(ctx); s != nil {
		if n := s.names.Load(); n >= 0 {
			return n, nil
		}
	}
	var n int64
	if err := tx.QueryRow(ctx, userNamesStampSQL).Scan(&n); err != nil {
		return 0, fmt.Errorf("user names stamp: %w", err)
	}
	return n, nil
}
