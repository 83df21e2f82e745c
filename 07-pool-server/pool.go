package main

import (
	"sync"
	"sync/atomic"
)

// A pool is a fixed number of worker goroutines fed by a bounded queue: the
// Go shape of Java's ThreadPoolExecutor with an ArrayBlockingQueue. What a
// job is depends on the mode: in mode pool a job is a whole connection, in
// mode request it is one request's handler.
//
// The queue is a buffered channel, so its bound is the channel's capacity
// and "how many are waiting" is len(queue). Nothing here can grow without
// limit: at most workers jobs run and at most queue jobs wait.
type pool struct {
	queue chan func()
	wg    sync.WaitGroup
	busy  atomic.Int64 // workers running a job right now
	size  int
}

// newPool starts workers goroutines reading from a queue of the given
// capacity. stop must be called to end them.
func newPool(workers, queue int) *pool {
	p := &pool{queue: make(chan func(), queue), size: workers}
	for range workers {
		p.wg.Go(func() {
			for job := range p.queue {
				p.busy.Add(1)
				job()
				p.busy.Add(-1)
			}
		})
	}
	return p
}

// trySubmit queues job if there is room and reports whether it did. It never
// waits: a full queue is the caller's signal to say "busy" (503) at once.
func (p *pool) trySubmit(job func()) bool {
	select {
	case p.queue <- job:
		return true
	default:
		return false
	}
}

// submit queues job, waiting for room. This is back-pressure: the caller
// (the accept loop, or a connection's goroutine) stops until a worker frees
// a slot.
func (p *pool) submit(job func()) { p.queue <- job }

// queued is how many jobs wait for a worker.
func (p *pool) queued() int { return len(p.queue) }

// stop lets the workers finish what is queued, then waits for them. Nobody
// may submit after stop is called.
func (p *pool) stop() {
	close(p.queue)
	p.wg.Wait()
}
