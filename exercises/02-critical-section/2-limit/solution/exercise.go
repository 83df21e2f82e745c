//go:build coach

// Exercise 02.2, solved: a counting semaphore. The channel has room for n
// tokens; a goroutine puts one in before its job and takes one out after.
// While n jobs run, the channel is full and every other goroutine waits in
// its send. Each receive frees a slot, and one waiting goroutine gets in at
// once: nobody waits for the rest of a batch. ChanLock is the same thing
// with n = 1.
package limit

import "sync"

// Limit runs every job, at most n (≥ 1) at a time, and returns when all have
// returned.
func Limit(n int, jobs []func()) {
	slots := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Go(func() {
			slots <- struct{}{}        // take a slot; waits while n jobs run
			defer func() { <-slots }() // give it back, even if job panics
			job()
		})
	}
	wg.Wait()
}
