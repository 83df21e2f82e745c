//go:build coach

// Wrong: polls both inputs and sleeps between polls, so every value waits for the next poll.
package merge

import "time"

func Merge(a, b <-chan int) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		aOpen, bOpen := true, true
		for aOpen || bOpen {
			select {
			case v, ok := <-a:
				if !ok {
					aOpen, a = false, nil
					continue
				}
				out <- v
			case v, ok := <-b:
				if !ok {
					bOpen, b = false, nil
					continue
				}
				out <- v
			default:
				time.Sleep(time.Millisecond) // nothing ready: look again soon
			}
		}
	}()
	return out
}
