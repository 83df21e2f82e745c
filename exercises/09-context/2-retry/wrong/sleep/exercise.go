//go:build coach

// Wrong: the jitter is right, but it waits with time.Sleep, which no context
// can interrupt: a caller that gives up in the middle of a long wait is kept
// waiting until the wait is over.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Retry calls op until it returns nil, at most attempts times.
func Retry(ctx context.Context, attempts int, base time.Duration, rnd *rand.Rand, op func(context.Context) error) error {
	var err error
	for k := 0; k < attempts; k++ {
		if k > 0 {
			time.Sleep(time.Duration(rnd.Int64N(int64(base << (k - 1)))))
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
		}
		if err = op(ctx); err == nil {
			return nil
		}
	}
	return err
}
