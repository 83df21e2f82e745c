//go:build coach

// Wrong: waits for Squares but not for the source, which is fine only when the source stops at once.
package stop

import "context"

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
	squares := Squares(ctx, numbers(ctx))
	defer func() {
		cancel()
		for range squares {
		}
	}()
	for sq := range squares {
		if sq > limit {
			return sq, true
		}
	}
	return 0, false
}
