//go:build coach

// Exercise 08.1: merge two channels (a solution).
package merge

// Merge returns a channel that delivers every value from a and b, as soon as
// each arrives, and is closed after both a and b are closed.
func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for a != nil || b != nil {
			select {
			case v, ok := <-a:
				if !ok {
					a = nil // never ready again: select stops choosing this case
					continue
				}
				out <- v
			case v, ok := <-b:
				if !ok {
					b = nil
					continue
				}
				out <- v
			}
		}
	}()
	return out
}
