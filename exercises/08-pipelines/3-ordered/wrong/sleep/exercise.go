//go:build coach

// Wrong: gives each call a head start with time.Sleep and hopes they finish in the order they started.
package ordered

import (
	"sync"
	"time"
)

func OrderedMap(in <-chan int, workers int, f func(int) int) <-chan int {
	out := make(chan int)
	jobs := make(chan int)
	go func() {
		defer close(jobs)
		for v := range in {
			jobs <- v
			time.Sleep(time.Millisecond) // let it get ahead of the next one
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for v := range jobs {
				out <- f(v)
			}
		})
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}
