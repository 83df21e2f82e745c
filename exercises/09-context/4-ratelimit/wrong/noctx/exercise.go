//go:build coach

// Wrong: it waits on the limiter, but with a context of its own, so the
// caller's cancel is ignored while it is blocked waiting for a token.
package ratelimit

import (
	"context"

	"golang.org/x/time/rate"
)

// CallAll calls call(i) for i from 0 to n-1, each after lim lets it.
func CallAll(ctx context.Context, lim *rate.Limiter, n int, call func(i int)) error {
	for i := range n {
		if err := lim.Wait(context.Background()); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		call(i)
	}
	return nil
}
