//go:build coach

// Wrong: Stop sleeps for a while instead of waiting for the workers, so it
// returns before a worker in the middle of a job is done (or, with a longer
// sleep, long after every worker is).
package stoptree

import (
	"context"
	"time"
)

// Pool is a set of workers started by Start.
type Pool struct{ cancel context.CancelFunc }

// Start starts n workers under ctx.
func Start(ctx context.Context, n int, jobs <-chan int, handle func(int)) *Pool {
	ctx, cancel := context.WithCancel(ctx)
	for range n {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-jobs:
					handle(j)
				}
			}
		}()
	}
	return &Pool{cancel: cancel}
}

// Stop cancels, then gives the workers 100ms to notice.
func (p *Pool) Stop() {
	p.cancel()
	time.Sleep(100 * time.Millisecond)
}
