//go:build coach

// Exercise 09.4, solved: lim.Wait(ctx) blocks until a token is there, takes
// it, and returns early with the context's error when ctx ends first (or at
// once, when ctx's deadline comes before the token would). The bucket starts
// full, so the first burst calls go at once.
package ratelimit

import (
	"context"

	"golang.org/x/time/rate"
)

// CallAll calls call(i) for i from 0 to n-1, each after lim lets it.
func CallAll(ctx context.Context, lim *rate.Limiter, n int, call func(i int)) error {
	for i := range n {
		if err := lim.Wait(ctx); err != nil {
			return err
		}
		call(i)
	}
	return nil
}
