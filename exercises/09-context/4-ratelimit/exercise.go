//go:build coach

// Exercise 09.4: a rate-limited client.
//
// CallAll makes calls 0, 1, ..., n-1, in order, each only when lim has a
// token for it: the first burst go at once, the rest at lim's rate. When
// ctx ends, CallAll returns at that instant with ctx's error; the calls
// already made stay made, and no more start.
//
// This version makes every call at once, with no limit at all.
//
// TODO: take a token from lim before each call, waiting for it in a way that
// the caller's context can interrupt.
package ratelimit

import (
	"context"

	"golang.org/x/time/rate"
)

// CallAll calls call(i) for i from 0 to n-1, each after lim lets it.
func CallAll(ctx context.Context, lim *rate.Limiter, n int, call func(i int)) error {
	for i := range n {
		call(i)
	}
	return nil
}
