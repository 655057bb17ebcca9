package jobs

import (
	"context"
	"time"
)

// every runs pass at once, then once each interval, until ctx ends. A pass
// that overruns the interval is followed by the next at once, never by two.
func every(ctx context.Context, interval time.Duration, pass func(context.Context)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
