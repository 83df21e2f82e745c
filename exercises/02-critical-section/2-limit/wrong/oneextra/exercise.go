//go:build coach

// Wrong: a semaphore with room for n+1 tokens, so n+1 jobs run at once.
package limit

import "sync"

// Limit runs every job, at most n (≥ 1) at a time, and returns when all have
// returned.
func Limit(n int, jobs []func()) {
	slots := make(chan struct{}, n+1)
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			job()
		})
	}
	wg.Wait()
}
