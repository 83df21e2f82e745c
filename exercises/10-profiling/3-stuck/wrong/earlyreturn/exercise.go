//go:build coach

// Wrong: reads while the workers run, but returns at the first error without stopping them, so the rest stay blocked sending.
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
				v, err := f(ctx, items[i])
				results <- result{i, v, err}
			}
		})
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	out := make([]int, len(items))
	for r := range results {
		if r.err != nil {
			return nil, r.err
		}
		out[r.i] = r.v
	}
	return out, ctx.Err()
}
