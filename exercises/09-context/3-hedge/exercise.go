//go:build coach

// Exercise 09.3: a hedged fetch.
//
// Hedged asks replica 0 with get. If replica 0 has not answered after
// `after`, it asks replica 1 too, and returns whichever answer comes first.
// The other call is then useless: Hedged must cancel it at once, and return
// only when it has returned, because Hedged started it. If ctx ends first,
// Hedged cancels both, waits for both, and returns ctx's error.
//
// This version never hedges: a slow replica 0 is waited out however long
// it takes.
//
// TODO: start replica 1 after `after`, take the first answer, cancel the
// other call, and wait for every call you started.
package hedge

import (
	"context"
	"time"
)

// Hedged returns the first answer of get(ctx, 0) and, if that has not come
// within after, get(ctx, 1).
func Hedged(ctx context.Context, after time.Duration, get func(ctx context.Context, replica int) (string, error)) (string, error) {
	return get(ctx, 0)
}
