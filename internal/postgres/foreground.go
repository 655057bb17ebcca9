package postgres

import "context"
import "sync/atomic"
import "time"

// Foreground counts the requests an instance is serving, so that its
// background work (re-screening) can give way to them. Both share the
// instance's cores, and the Go scheduler does not rank goroutines: a
// re-screening that screens flat out beside page requests takes about a core
// of two, and every page request's latency grows by as much.
type Foreground struct{ serving atomic.Int64 }

// Begin marks one request in flight until End. A pair of calls, not a
// returned func: it runs on every request, and a closure would allocate.
func (f *Foreground) Begin() { f.serving.Add(1) }

// End marks the request Begin marked as done.
func (f *Foreground) End() { f.serving.Add(-1) }

// InFlight is the number of requests in flight.
func (f *Foreground) InFlight() int64 { return f.serving.Load() }

// Busy reports whether a request is in flight.
func (f *Foreground) Busy() bool { return f.InFlight() > 0 }

// backgroundShare bounds the share of wall time background work takes in
// its bursts while requests are in flight: after a burst of d it rests
// d·(1−share)/share. On an idle instance it does not rest at all.
const backgroundShare = 0.25

// maxRest caps one rest, so that long bursts still make steady progress.
const maxRest = 250 * time.Millisecond

// rest is how long background work rests after a burst that took busy:
// nothing while no request is in flight, else enough that the work takes
// at most backgroundShare of the time, up to maxRest.
func (f *Foreground) rest(busy time.Duration) time.Duration {
	if !f.Busy() {
		return 0
	}
	return min(time.Duration(float64(busy)*(1-backgroundShare)/backgroundShare), maxRest)
}

// giveWay rests after a burst of background work that took busy (see
// rest) and returns how long it rested. It returns early when ctx ends.
func (f *Foreground) giveWay(ctx context.Context, busy time.Duration) time.Duration {
	d := f.rest(busy)
	if d <= 0 {
		return 0
	}
	start := time.Now()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
	return time.Since(start)
}
