//go:build coach

// Wrong: calls f on one value after another, so the order is right and nothing runs at once.
package ordered

func OrderedMap(in <-chan int, workers int, f func(int) int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range in {
			out <- f(v)
		}
	}()
	return out
}
