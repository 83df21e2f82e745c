//go:build coach

// Wrong: drains a, then b, so a value ready on b waits until a is closed.
package merge

func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for v := range a {
			out <- v
		}
		for v := range b {
			out <- v
		}
	}()
	return out
}
