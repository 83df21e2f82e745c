//go:build coach

// Exercise 09.2: retry with backoff and jitter, and honour the context.
//
// Retry calls op until it succeeds, at most attempts times. Before retry
// number k (k = 1 for the first retry) it waits a random time in
// [0, base·2^(k-1)), drawn with rnd.Int64N: "full jitter", so that clients
// that failed together do not all come back together. When ctx ends, during
// a wait or not, Retry returns context.Cause(ctx) at once and calls op no
// more.
//
// This version waits exactly base·2^(k-1), the same for every client, and
// sleeps through a cancelled context.
//
// TODO: draw each wait with rnd, and wait with a timer and ctx.Done() in one
// select instead of time.Sleep.
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
			time.Sleep(base << (k - 1))
		}
		if err = op(ctx); err == nil {
			return nil
		}
	}
	return err
}
