//go:build coach

// Wrong: keeps selecting on an input after it closed, so the loop spins instead of waiting.
package merge

func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		aOpen, bOpen := true, true
		for aOpen || bOpen {
			select {
			case v, ok := <-a:
				if !ok {
					aOpen = false // but a stays in the select, always ready
					continue
				}
				out <- v
			case v, ok := <-b:
				if !ok {
					bOpen = false
					continue
				}
				out <- v
			}
		}
	}()
	return out
}
