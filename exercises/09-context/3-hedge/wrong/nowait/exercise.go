//go:build coach

// Wrong: it cancels the loser, but returns without waiting for it: the
// goroutine it started is still running (closing its connection, say) when
// the caller has moved on.
package hedge

import (
	"context"
	"time"
)

type answer struct {
	val string
	err error
}

// Hedged returns the first answer of get(ctx, 0) and, if that has not come
// within after, get(ctx, 1).
func Hedged(ctx context.Context, after time.Duration, get func(ctx context.Context, replica int) (string, error)) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	answers := make(chan answer, 2)
	ask := func(replica int) {
		go func() {
			v, err := get(ctx, replica)
			answers <- answer{v, err}
		}()
	}
	ask(0)
	t := time.NewTimer(after)
	defer t.Stop()
	select {
	case a := <-answers:
		return a.val, a.err
	case <-t.C:
		ask(1)
	case <-ctx.Done():
		return "", ctx.Err()
	}
	select {
	case a := <-answers:
		return a.val, a.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
