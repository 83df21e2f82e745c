//go:build coach

// Exercise 08.2: stop a pipeline early, and leave nothing behind.
//
// FirstOver runs a two-stage pipeline, numbers into Squares, and returns
// the first square above a limit. It returns as soon as it has one, and
// tells nobody: Squares stays blocked on its next send, and the source on
// its own, for the rest of the program. The answer is right; the test's
// leak check lists the goroutines left behind.
//
// TODO: when FirstOver returns, every goroutine of the pipeline has
// returned: Squares', and the source's too (the source may take a while to
// clean up after it is told to stop). Squares must stop when its context is
// done, and FirstOver must tell the stages and wait for them.
package stop

import "context"

// Squares sends the square of every number it receives on the channel it
// returns, and closes that channel when in is closed.
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

// FirstOver returns the first square above limit, or false if the numbers
// run out first. numbers starts the source stage: it sends on the channel it
// returns until it runs out or ctx is done, then cleans up and closes it.
func FirstOver(ctx context.Context, numbers func(ctx context.Context) <-chan int, limit int) (int, bool) {
	for sq := range Squares(ctx, numbers(ctx)) {
		if sq > limit {
			return sq, true
		}
	}
	return 0, false
}
