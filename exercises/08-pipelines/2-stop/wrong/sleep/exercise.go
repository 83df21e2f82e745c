//go:build coach

// Wrong: cancels, then sleeps a little instead of waiting for the stages to finish.
package stop

import (
	"context"
	"time"
)

func Squares(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for n := range in {
			select {
			case out <- n * n:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func FirstOver(ctx context.Context, numbers func(ctx context.Context) <-chan int, limit int) (int, bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		time.Sleep(10 * time.Millisecond) // surely enough for them to stop
	}()
	for sq := range Squares(ctx, numbers(ctx)) {
		if sq > limit {
			return sq, true
		}
	}
	return 0, false
}
