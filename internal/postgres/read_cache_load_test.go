package postgres

import "context"
import "errors"
import "sync"
import "sync/atomic"
import "testing"
import "time"

// TestVersionCacheLoadReadsOncePerStamp: requests that miss one key under
// one counter together share the first one's read; a failed read is not
// shared; a request inside a transaction reads for itself; a counter below
// 0 is never cached; a kept value that is no longer usable is read again.
func TestVersionCacheLoadReadsOncePerStamp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var c versionCache[string, int]
	var reads atomic.Int32
	release := make(chan struct{})
	slow := loader[int]{read: func() (int, error) {
		reads.Add(1)
		<-release
		return 42, nil
	}}
	var wg sync.WaitGroup
	got := make([]int, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = c.load(ctx, nil, 7, "k", slow)
		}()
	}
	// Let every request reach the cache before the read returns.
	deadline := time.Now().Add(5 * time.Second)
	for reads.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Errorf("16 requests missing together read %d times, want 1", n)
	}
	for i, v := range got {
		if v != 42 {
			t.Fatalf("request %d got %d", i, v)
		}
	}
	// Kept: no read.
	if v, err := c.load(ctx, nil, 7, "k", loader[int]{read: func() (int, error) { return 0, errors.New("read") }}); v != 42 || err != nil {
		t.Fatalf("kept value: %d %v", v, err)
	}
	// No longer usable: read again.
	if v, _ := c.load(ctx, nil, 7, "k", loader[int]{read: func() (int, error) { return 43, nil }, usable: func(v int) bool { return v != 42 }}); v != 43 {
		t.Fatalf("stale value served: %d", v)
	}
	// Counter -1: read every time, never kept.
	for range 2 {
		if v, _ := c.load(ctx, nil, -1, "u", loader[int]{read: func() (int, error) { reads.Add(1); return 1, nil }}); v != 1 {
			t.Fatal("uncached read")
		}
	}
	if _, ok := c.get(-1, "u"); ok || reads.Load() != 3 {
		t.Fatalf("a read under counter -1 was kept or skipped (reads %d)", reads.Load())
	}

	// A failed read is not handed to the requests waiting for it.
	var d versionCache[string, int]
	fail := make(chan struct{})
	var first sync.WaitGroup
	first.Add(1)
	var firstErr error
	go func() {
		defer first.Done()
		_, firstErr = d.load(ctx, nil, 1, "k", loader[int]{read: func() (int, error) { <-fail; return 0, errors.New("boom") }})
	}()
	for {
		d.mu.Lock()
		n := len(d.loads)
		d.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	waiter := make(chan int)
	go func() {
		v, _ := d.load(ctx, nil, 1, "k", loader[int]{read: func() (int, error) { return 5, nil }})
		waiter <- v
	}()
	time.Sleep(20 * time.Millisecond)
	close(fail)
	first.Wait()
	if firstErr == nil || <-waiter != 5 {
		t.Fatal("a failed read was shared")
	}

	// Inside a transaction a request does not wait: it reads for itself.
	if (&Tx{}).mayWait() {
		t.Fatal("a request inside a transaction may wait for another's read")
	}
	if !(&Tx{Tx: &noTx{}}).mayWait() {
		t.Fatal("a read outside a transaction may not wait")
	}
}
