//go:build coach

// Exercise 09.2, solved: the wait is drawn from [0, base·2^(k-1)) with the
// caller's rnd, so every client waits its own time; and it is a timer in a
// select with ctx.Done(), so a cancel in the middle of a long wait ends
// Retry at that instant. The timer is stopped on the way out, and the
// context is checked before each call, so op never runs once ctx is done.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Retry calls op until it returns nil, at most attempts times, with full
// jitter between calls, and stops as soon as ctx ends. It returns nil, the
// last error of op, or the context's cause.
func Retry(ctx context.Context, attempts int, base time.Duration, rnd *rand.Rand, op func(context.Context) error) error {
	var err error
	for k := 0; k < attempts; k++ {
		if k > 0 {
			t := time.NewTimer(time.Duration(rnd.Int64N(int64(base << (k - 1)))))
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return context.Cause(ctx)
			}
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if err = op(ctx); err == nil {
			return nil
		}
	}
	return err
}
