//go:build coach

// Exercise 05.1, solved: the workers count themselves out, and the one that
// brings the count to zero is the last sender, so it closes the channel.
// Every other worker's sends happened before its own decrement, and the
// atomic counter orders those decrements, so when the count reaches zero no
// send can follow the close.
//
// The chapter's Pool does the same with a WaitGroup and one more goroutine
// that waits for it and then closes: either way, the close comes after the
// last send. Waiting for the workers inside Pool itself would deadlock
// instead: they block sending results that nobody reads until Pool returns.
package lastsender

import "sync/atomic"

// A Result says which worker did which job.
type Result struct {
	Worker int // 1 … workers
	In     int
	Out    int
}

// Pool starts workers goroutines that run do on every job from jobs and send
// each result on the returned channel, which is closed once jobs is closed
// and every result has been sent. The caller must read the results to the
// end.
func Pool(workers int, jobs <-chan int, do func(in int) int) <-chan Result {
	results := make(chan Result)
	var live atomic.Int32
	live.Store(int32(workers)) // before any worker starts, so none sees 0 early
	for id := 1; id <= workers; id++ {
		go func() {
			defer func() {
				if live.Add(-1) == 0 {
					close(results) // the last sender closes
				}
			}()
			for in := range jobs {
				results <- Result{Worker: id, In: in, Out: do(in)}
			}
		}()
	}
	return results
}
