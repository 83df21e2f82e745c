//go:build coach

// Wrong: it honours the context but waits exactly base·2^(k-1), with no
// jitter, so every client that failed at the same moment retries at the
// same moment: a synchronized herd.
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
			t := time.NewTimer(base << (k - 1))
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return context.Cause(ctx)
			}
		}
		if err = op(ctx); err == nil {
			return nil
		}
	}
	return err
}
