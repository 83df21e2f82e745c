package main

import "sync"

// Section 3: a fixed pool. N worker goroutines, started once, each with a
// stable ID, take jobs from one channel (the tutorial's "task queue") and send
// results back on another. This is the classic Go worker pool and all the
// tutorial's "thread kept ready for tasks" means: a goroutine blocked in a
// receive until the next job arrives.

// A Result says which worker did which job.
type Result[In, Out any] struct {
	Worker int // 1 … workers: the same goroutine for the pool's whole life
	In     In
	Out    Out
}

// Pool starts workers goroutines that run do on every job from jobs and
// send each result on the returned channel, which is closed once jobs is
// closed and drained and every worker has finished. Results arrive in the
// order jobs finish, not the order they were sent. The caller must read
// the results channel to the end, or the workers block and leak.
func Pool[In, Out any](workers int, jobs <-chan In, do func(worker int, in In) Out) <-chan Result[In, Out] {
	results := make(chan Result[In, Out])
	var wg sync.WaitGroup
	for id := 1; id <= workers; id++ {
		wg.Go(func() {
			for in := range jobs {
				results <- Result[In, Out]{Worker: id, In: in, Out: do(id, in)}
			}
		})
	}
	// Close results only after every worker has stopped sending, so the
	// reader's range loop ends and no send can hit a closed channel.
	go func() {
		wg.Wait()
		close(results)
	}()
	return results
}
