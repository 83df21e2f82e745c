//go:build coach

// Exercise 10.3, solved: read the results while the workers run, and tell
// the workers to stop when Map stops.
package stuck

import (
	"context"
	"sync"
)

// Map returns f(item) for every item, in order, computed by workers
// goroutines at once. At the first error, or when ctx is done, it stops
// and returns that error.
func Map(ctx context.Context, workers int, items []int, f func(context.Context, int) (int, error)) ([]int, error) {
	type result struct {
		i, v int
		err  error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int, len(items))
	for i := range items {
		jobs <- i
	}
	close(jobs)
	results := make(chan result)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				if ctx.Err() != nil {
					return
				}
				v, err := f(ctx, items[i])
				select {
				case results <- result{i, v, err}:
				case <-ctx.Done(): // Map has stopped reading
					return
				}
			}
		})
	}
	// Close results once every worker is done, from a goroutine of its own,
	// so Map can read while they run.
	go func() {
		wg.Wait()
		close(results)
	}()
	out := make([]int, len(items))
	var first error
	for r := range results {
		if r.err != nil && first == nil {
			first = r.err
			cancel() // the others stop; the loop drains until results closes
		}
		out[r.i] = r.v
	}
	if first == nil {
		first = ctx.Err()
	}
	if first != nil {
		return nil, first
	}
	return out, nil
}
