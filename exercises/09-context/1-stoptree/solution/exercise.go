//go:build coach

// Exercise 09.1, solved: one context for the whole tree, derived from the
// caller's, so that either the caller or Stop ends it. Each worker waits for
// a job and for the context in one select, so a worker blocked on an empty
// channel still hears the cancel. Stop cancels, then waits on the
// WaitGroup: it returns when the last worker has returned, not after a
// guess at how long that takes.
package stoptree

import (
	"context"
	"sync"
)

// Pool is a set of workers started by Start.
type Pool struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start starts n workers under ctx. Each receives jobs and calls handle on
// them, one at a time, until ctx ends or Stop is called.
func Start(ctx context.Context, n int, jobs <-chan int, handle func(int)) *Pool {
	ctx, cancel := context.WithCancel(ctx)
	p := &Pool{cancel: cancel}
	for range n {
		p.wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-jobs:
					handle(j)
				}
			}
		})
	}
	return p
}

// Stop tells every worker to stop and returns once all have returned. A
// worker in the middle of handle finishes that job first.
func (p *Pool) Stop() {
	p.cancel()
	p.wg.Wait()
}
