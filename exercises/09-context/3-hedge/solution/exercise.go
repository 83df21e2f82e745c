//go:build coach

// Exercise 09.3, solved: the calls share a context derived from the
// caller's, cancelled on the way out, so the loser stops as soon as there is
// a winner (and both stop if the caller gives up). The results channel has
// room for both answers, so the loser's send never blocks, and the deferred
// function cancels first and then waits: each goroutine Hedged started has
// returned before Hedged does.
package hedge

import (
	"context"
	"sync"
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
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	answers := make(chan answer, 2)
	ask := func(replica int) {
		wg.Go(func() {
			v, err := get(ctx, replica)
			answers <- answer{v, err}
		})
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
