//go:build coach

// Exercise 10.3: a pool that never hangs.
//
// Map runs f on every item with a fixed number of workers. It hangs as soon
// as there is one item: the workers send their results on an unbuffered
// channel, and Map reads them only after wg.Wait(). Each
// worker blocks in its first send, Map blocks in Wait, and a goroutine dump
// (SIGQUIT with GOTRACEBACK=all) shows exactly that: "[chan send]" in the
// workers, "[sync.WaitGroup.Wait]" in Map. It also returns at the first
// error and leaves the other workers blocked forever.
//
// TODO: make Map return for any number of items, stop early at the first
// error (or when ctx is cancelled) and return it, and in every case leave no
// goroutine behind, blocked or running. Keep the results in input order and
// keep `workers` goroutines running f at once. The check runs Map inside a
// testing/synctest bubble, which fails at once, naming the blocked
// goroutines, when any goroutine is left blocked.
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
	wg.Wait()
	close(results)
	out := make([]int, len(items))
	for r := range results {
		if r.err != nil {
			return nil, r.err
		}
		out[r.i] = r.v
	}
	return out, nil
}
