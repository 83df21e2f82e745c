//go:build coach

// Wrong: closes exactly once, with a sync.Once, but when the first worker
// runs out of jobs, not the last: the others may still be sending.
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
	var once sync.Once
	for id := 1; id <= workers; id++ {
		go func() {
			defer once.Do(func() { close(results) })
			for in := range jobs {
				results <- Result{Worker: id, In: in, Out: do(in)}
			}
		}()
	}
	return results
}
