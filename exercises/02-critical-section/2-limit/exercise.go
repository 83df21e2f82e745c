//go:build coach

// Exercise 02.2: at most N at once.
//
// Limit runs every job in its own goroutine and returns when all of them
// are done. It is meant to let at most n jobs run at the same time (n
// downloads, n connections to a database), but nothing limits them: all
// the jobs start at once, and the test counts them running side by side.
//
// TODO: make Limit run at most n jobs at a time. A job must start as soon as
// a slot is free: no waiting for a whole batch to finish. ChanLock in
// 02-critical-section/semaphorebank.go is a semaphore of one; you want one
// of n.
package limit

import "sync"

// Limit runs every job, at most n (≥ 1) at a time, and returns when all have
// returned.
func Limit(n int, jobs []func()) {
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Go(func() {
			job()
		})
	}
	wg.Wait()
}
