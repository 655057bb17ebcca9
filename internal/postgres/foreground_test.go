package postgres

import "context"
import "testing"
import "time"

func TestForegroundRestsBackgroundWorkOnlyWhileServing(t *testing.T) {
	t.Parallel()
	var f Foreground
	if f.Busy() || f.rest(40*time.Millisecond) != 0 {
		t.Fatal("an idle instance: background work should not rest")
	}
	f.Begin()
	f.Begin()
	if !f.Busy() {
		t.Fatal("two requests in flight: want busy")
	}
	// A quarter of the time: a 10 ms burst rests 30 ms; long bursts rest
	// at most maxRest.
	if got := f.rest(10 * time.Millisecond); got != 30*time.Millisecond {
		t.Errorf("rest after 10 ms = %s, want 30ms", got)
	}
	if got := f.rest(time.Second); got != maxRest {
		t.Errorf("rest after 1 s = %s, want %s", got, maxRest)
	}
	f.End()
	if !f.Busy() {
		t.Fatal("one request still in flight: want busy")
	}
	// A rest ends with its context.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	f.giveWay(ctx, time.Second)
	if waited := time.Since(start); waited >= maxRest {
		t.Errorf("giveWay with an ended context waited %s", waited)
	}
	f.End()
	if f.Busy() || f.rest(time.Second) != 0 {
		t.Fatal("every request ended: want idle")
	}
}
