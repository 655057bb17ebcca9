package postgres_test

import "slices"
import "sync"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"

// BenchmarkVoteConcurrent16 casts votes with 16 members voting on one
// review at once (each round, every member changes their vote), as the
// committee does when a review opens. Votes on one deal are serialised by
// the deal's row lock, so this measures the wait as well as the work. It
// reports each vote's latency at p50 and p95 (target: p95 under 20 ms).
func BenchmarkVoteConcurrent16(b *testing.B) {
	e := newReviewEnv(b)
	var members []*dealgate.User
	for i := range 16 {
		members = append(members, regUser(b, e.db, "bench-voter-"+string(rune('a'+i))+"@example.test", dealgate.RoleMember))
	}
	r := e.open(b, e.submittedBy(b, e.counsel, "NWS", 1))
	choices := []dealgate.VoteChoice{dealgate.VoteApprove, dealgate.VoteAbstain}
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	for n := 0; b.Loop(); n++ {
		var start, done sync.WaitGroup
		start.Add(1)
		for _, m := range members {
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				t0 := time.Now()
				_, err := e.reviews.Vote(e.ctx, m, r.ID, vote(choices[n%2]))
				d := time.Since(t0)
				if err != nil {
					b.Error(err)
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}()
		}
		start.Done()
		done.Wait()
	}
	b.StopTimer()
	slices.Sort(lat)
	at := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(float64(len(members)), "voters")
}
