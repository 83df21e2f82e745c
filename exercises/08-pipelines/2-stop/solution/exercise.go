//go:build coach

// Exercise 08.2: stop a pipeline early (a solution).
package stop

import "context"

// Squares sends the square of every number it receives on the channel it
// returns, and closes that channel when in is closed or ctx is done.
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

// FirstOver returns the first square above limit, or false if the numbers
// run out first. When it returns, both stages have returned.
func FirstOver(ctx context.Context, numbers func(ctx context.Context) <-chan int, limit int) (int, bool) {
	ctx, cancel := context.WithCancel(ctx)
	nums := numbers(ctx)
	squares := Squares(ctx, nums)
	defer func() {
		cancel()
		// Each stage closes its channel as it returns, so a channel that
		// has been drained to its close is a stage that is gone.
		for range squares {
		}
		for range nums {
		}
	}()
	for sq := range squares {
		if sq > limit {
			return sq, true
		}
	}
	return 0, false
}
