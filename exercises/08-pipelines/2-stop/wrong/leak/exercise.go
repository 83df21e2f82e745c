//go:build coach

// Wrong: cancels the context, but Squares ignores it and stays blocked on its send.
package stop

import "context"

func Squares(ctx context.Context, in <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for n := range in {
			out <- n * n
		}
	}()
	return out
}

func FirstOver(ctx context.Context, numbers func(ctx context.Context) <-chan int, limit int) (int, bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for sq := range Squares(ctx, numbers(ctx)) {
		if sq > limit {
			return sq, true
		}
	}
	return 0, false
}
