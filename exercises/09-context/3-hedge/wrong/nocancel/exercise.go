//go:build coach

// Wrong: it hedges and takes the first answer, but never cancels the other
// call (the cancel function is dropped), so the loser runs to its end,
// holding a connection and a server's time for an answer nobody reads; and
// Hedged returns without waiting for it.
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
	ctx, _ = context.WithCancel(ctx)
	answers := make(chan answer, 2)
	ask := func(replica int) {
		go func() {
			v, err := get(ctx, replica)
			answers <- answer{v, err}
		}()
	}
	ask(0)
	select {
	case a := <-answers:
		return a.val, a.err
	case <-time.After(after):
		ask(1)
	}
	a := <-answers
	return a.val, a.err
}
