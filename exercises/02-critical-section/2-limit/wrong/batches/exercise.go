//go:build coach

// Wrong: runs the jobs in batches of n and waits for a whole batch before
// starting the next, so a free slot stays empty while a slow job finishes.
package limit

import "sync"

// Limit runs every job, at most n (≥ 1) at a time, and returns when all have
// returned.
func Limit(n int, jobs []func()) {
	for len(jobs) > 0 {
		batch := jobs[:min(n, len(jobs))]
		jobs = jobs[len(batch):]
		var wg sync.WaitGroup
		for _, job := range batch {
			wg.Go(job)
		}
		wg.Wait()
	}
}
