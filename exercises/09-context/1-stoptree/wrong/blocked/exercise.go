//go:build coach

// Wrong: the workers check the context only between jobs, and block on the
// jobs channel without it, so a worker waiting for a job never hears the
// cancel and Stop waits for ever.
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

// Start starts n workers under ctx.
func Start(ctx context.Context, n int, jobs <-chan int, handle func(int)) *Pool {
	ctx, cancel := context.WithCancel(ctx)
	p := &Pool{cancel: cancel}
	for range n {
		p.wg.Go(func() {
			for ctx.Err() == nil {
				j, ok := <-jobs // blocked here, deaf to the cancel
				if !ok {
					return
				}
				handle(j)
			}
		})
	}
	return p
}

// Stop cancels and waits.
func (p *Pool) Stop() {
	p.cancel()
	p.wg.Wait()
}
