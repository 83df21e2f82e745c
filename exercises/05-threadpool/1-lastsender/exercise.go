//go:build coach

// Exercise 05.1: the last sender closes.
//
// Pool is step 2 of the chapter: workers goroutines take jobs from one
// channel and send results on another. The reader ranges over the results,
// so the results channel must be closed, or its loop never ends. Here every
// worker closes it when its own jobs run out. With one worker that is right;
// with two, the first to finish closes the channel while the other still
// sends on it or is about to close it again: the race detector reports the
// send racing with the close, and the program panics with "send on closed
// channel" or "close of closed channel".
//
// TODO: close results exactly once, after the last worker has sent its last
// result. Keep the rest of Pool as it is: results unbuffered, worker IDs
// 1…workers, and Pool returning at once (the caller reads while the workers
// work).
package lastsender

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
	for id := 1; id <= workers; id++ {
		go func() {
			defer close(results) // every worker closes it: one too many
			for in := range jobs {
				results <- Result{Worker: id, In: in, Out: do(in)}
			}
		}()
	}
	return results
}
