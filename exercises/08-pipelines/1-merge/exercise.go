//go:build coach

// Exercise 08.1: merge two channels.
//
// Merge forwards every value from a and b to one output channel, taking
// from whichever input has a value ready, and closes the output once both
// inputs are closed. This version stops at the first close: when one input
// closes early, every value still to come from the other is lost.
//
// TODO: keep going until both inputs are closed, without spinning on the
// one that closed first: a receive from a closed channel is always ready,
// so a loop that keeps selecting on it never waits. A receive from a nil
// channel is never ready.
package merge

// Merge returns a channel that delivers every value from a and b, as soon as
// each arrives, and is closed after both a and b are closed.
func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for {
			select {
			case v, ok := <-a:
				if !ok {
					return
				}
				out <- v
			case v, ok := <-b:
				if !ok {
					return
				}
				out <- v
			}
		}
	}()
	return out
}
