//go:build coach

// Exercise 09.1: stop a worker tree with one cancel, and wait for all of it.
//
// Start runs n workers that take jobs from a channel and hand each to
// handle. Stop must end them all and return only once every worker has
// returned, whatever each one was doing: waiting for a job (the jobs channel
// is never closed: it is shared with other code), or in the middle of
// handle, which Stop lets finish.
//
// This version starts the workers and cannot stop them: they range over a
// channel that nobody closes, and Stop does nothing.
//
// TODO: give the workers a context to watch while they wait for a job, and
// make Stop cancel it and wait for every worker.
package stoptree

import "context"

// Pool is a set of workers started by Start.
type Pool struct{}

// Start starts n workers under ctx. Each receives jobs and calls handle on
// them, one at a time, until ctx ends or Stop is called.
func Start(ctx context.Context, n int, jobs <-chan int, handle func(int)) *Pool {
	for range n {
		go func() {
			for j := range jobs {
				handle(j)
			}
		}()
	}
	return &Pool{}
}

// Stop tells every worker to stop and returns once all have returned. A
// worker in the middle of handle finishes that job first.
func (p *Pool) Stop() {}
