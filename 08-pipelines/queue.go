package main

import "sync"

// sliceQueue is the hand-off a Java or Python programmer would write by
// hand (it is what queue.Queue and LinkedBlockingQueue are inside): a
// slice guarded by a mutex, and a condition variable that a Get waits on
// while the slice is empty. The benchmarks hand values over with it and
// with channels, to put a price on each.
type sliceQueue struct {
	mu       sync.Mutex
	nonEmpty sync.Cond // signalled by Put; its L is &mu
	items    []int     // guarded by mu
	closed   bool      // guarded by mu
}

func newSliceQueue() *sliceQueue {
	q := &sliceQueue{}
	q.nonEmpty.L = &q.mu
	return q
}

// Put appends v and wakes one waiting Get.
func (q *sliceQueue) Put(v int) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
	q.nonEmpty.Signal()
}

// Close wakes every waiting Get; Get reports ok=false once the queue is
// closed and empty, as a receive from a closed channel does.
func (q *sliceQueue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.nonEmpty.Broadcast()
}

// Get takes the oldest value, waiting while the queue is empty.
func (q *sliceQueue) Get() (v int, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.nonEmpty.Wait()
	}
	if len(q.items) == 0 {
		return 0, false
	}
	v = q.items[0]
	q.items = q.items[1:]
	return v, true
}
