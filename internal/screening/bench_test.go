package screening_test

import "math/rand/v2"
import "runtime"
import "slices"
import "sync"
import "syscall"
import "testing"
import "time"

import "github.com/dealgate/dealgate/internal/screening"

// Benchmarks on a register of the scale seeder's size: 5,000 parties,
// 20,000 agreements, 100,000 clauses, a 2,000-node taxonomy. Run with
//
//	go test -run '^$' -bench . -benchtime 2000x ./internal/screening/
//
// BenchmarkScreen reports the p50, p95 and p99 wall time of single
// screenings and the p50 and p95 of their own CPU time (their thread's,
// which other work on a shared machine does not inflate) besides ns/op;
// BenchmarkLoadedMemory the bytes the inputs and the index hold.

var (
	scaleOnce sync.Once
	scaleReg  *synthetic
	scaleIdx  *screening.Index
)

func scale(b *testing.B) (*synthetic, *screening.Index) {
	b.Helper()
	scaleOnce.Do(func() {
		scaleReg = newSynthetic(scaleSize, 1)
		idx, err := scaleReg.index()
		if err != nil {
			panic(err)
		}
		scaleIdx = idx
		// As a server would: keep the index, drop the loaded clauses.
		scaleReg.clauses = nil
		runtime.GC()
	})
	return scaleReg, scaleIdx
}

func benchScreen(b *testing.B, explain, narrow bool, maxInfo int) {
	s, idx := scale(b)
	r := rand.New(rand.NewPCG(7, 7))
	deals := make([]screening.Deal, 1000)
	for i := range deals {
		deals[i] = s.deal(r)
		if narrow {
			deals[i].CategoryIDs = []int64{s.leaves[r.IntN(len(s.leaves))]}
		}
	}
	var sev [4]int
	durations := make([]time.Duration, 0, b.N)
	threadTimes := make([]time.Duration, 0, b.N)
	findings := 0
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		start, thread0 := time.Now(), threadCPU()
		rep, err := idx.ScreenUpTo(deals[i%len(deals)], s.today, maxInfo)
		if err != nil {
			b.Fatal(err)
		}
		if explain {
			for _, f := range rep.Findings {
				_ = f.Explanation()
			}
		}
		durations = append(durations, time.Since(start))
		threadTimes = append(threadTimes, threadCPU()-thread0)
		findings += rep.Count(screening.Conflict) + rep.Count(screening.Caution) + rep.Count(screening.Info)
		sev[rep.Verdict.Rank()]++
	}
	b.StopTimer()
	// Process CPU time per screening: steadier than wall time on a machine
	// shared with other work (it includes the garbage collector's share).
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	slices.Sort(durations)
	slices.Sort(threadTimes)
	pct := func(d []time.Duration, p float64) float64 { return float64(d[int(float64(len(d)-1)*p)].Nanoseconds()) }
	b.ReportMetric(pct(durations, 0.50)/1e6, "p50-ms")
	b.ReportMetric(pct(durations, 0.95)/1e6, "p95-ms")
	b.ReportMetric(pct(durations, 0.99)/1e6, "p99-ms")
	// The screening's own CPU time (its thread's), by percentile.
	b.ReportMetric(pct(threadTimes, 0.50)/1e6, "cpu-p50-ms")
	b.ReportMetric(pct(threadTimes, 0.95)/1e6, "cpu-p95-ms")
	b.ReportMetric(float64(findings)/float64(b.N), "findings/op")
	b.ReportMetric(float64(sev[3])/float64(b.N), "conflict-verdicts/op")
}

// storedInfo is how many info findings the application keeps and shows
// (postgres.MaxStoredInfo): it screens with ScreenUpTo(deal, today, 20).
const storedInfo = 20

// BenchmarkScreen screens one deal (one to three categories, leaves or
// broader ones, as synthetic.deal makes them) against the loaded index as
// the application does: every conflict and caution, the first 20 info
// findings written out and the rest counted.
func BenchmarkScreen(b *testing.B) { benchScreen(b, false, false, storedInfo) }

// BenchmarkScreenOneLeaf screens deals naming one leaf category.
func BenchmarkScreenOneLeaf(b *testing.B) { benchScreen(b, false, true, storedInfo) }

// BenchmarkScreenAllFindings writes out every finding, the thousands of
// info notes included.
func BenchmarkScreenAllFindings(b *testing.B) { benchScreen(b, false, false, screening.AllInfo) }

// BenchmarkScreenExplained also writes the explanation of every finding
// written out, as the deal page does.
func BenchmarkScreenExplained(b *testing.B) { benchScreen(b, true, false, storedInfo) }

// BenchmarkNewIndex builds the index from loaded inputs.
func BenchmarkNewIndex(b *testing.B) {
	s := newSynthetic(scaleSize, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.index(); err != nil {
			b.Fatal(err)
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkLoadedMemory measures the heap the engine's inputs take: the
// taxonomy, parties and clauses as loaded (inputs-bytes), the index built
// on them (index-bytes), and what stays once the loaded clauses are
// dropped and only the index is kept (retained-bytes).
func BenchmarkLoadedMemory(b *testing.B) {
	var inputs, index, retained int64
	for i := 0; i < b.N; i++ {
		before := heap()
		s := newSynthetic(scaleSize, uint64(i+1))
		loaded := heap()
		idx, err := s.index()
		if err != nil {
			b.Fatal(err)
		}
		built := heap()
		runtime.KeepAlive(s) // the loaded clauses count until here
		s = nil
		kept := heap()
		inputs += int64(loaded) - int64(before)
		index += int64(built) - int64(loaded)
		retained += int64(kept) - int64(before)
		runtime.KeepAlive(idx)
	}
	b.ReportMetric(float64(inputs)/float64(b.N), "inputs-bytes")
	b.ReportMetric(float64(index)/float64(b.N), "index-bytes")
	b.ReportMetric(float64(retained)/float64(b.N), "retained-bytes")
	b.ReportMetric(float64(retained)/float64(b.N)/(1<<20), "retained-MB")
}
