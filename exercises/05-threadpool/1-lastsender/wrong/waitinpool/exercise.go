//go:build coach

// Wrong: Pool waits for the workers before it returns, but they wait for a
// reader that only starts once Pool has returned.
package lastsender

import "sync"

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
	var wg sync.WaitGroup
	for id := 1; id <= workers; id++ {
		wg.Go(func() {
			for in := range jobs {
				results <- Result{Worker: id, In: in, Out: do(in)}
			}
		})
	}
	wg.Wait()
	close(results)
	return results
}
