//go:build coach

// Wrong: it sleeps one interval (1/rate) before each call instead of
// waiting on the limiter: the burst is never used, the first call is late,
// and a cancelled context is not heard until the sleep is over.
package ratelimit

import (
	"context"
	"time"

	"golang.org/x/time/rate"
)

// CallAll calls call(i) for i from 0 to n-1, each after lim lets it.
func CallAll(ctx context.Context, lim *rate.Limiter, n int, call func(i int)) error {
	for i := range n {
		time.Sleep(time.Duration(float64(time.Second) / float64(lim.Limit())))
		if err := ctx.Err(); err != nil {
			return err
		}
		call(i)
	}
	return nil
}
