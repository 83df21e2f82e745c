// Command nestedpool deadlocks on purpose: tasks running in a fixed pool
// submit a subtask to the same pool and wait for its result.
//
// The pool has two workers. Both take a parent task; each parent queues a
// child and waits for it. The children sit in the queue behind their
// parents, but every worker is busy waiting, so nobody ever runs them. The
// same thing happens with Python's ThreadPoolExecutor or a Java
// ExecutorService when a task calls submit(...).get() on its own pool. Here
// nothing else is running, so the runtime sees it:
//
//	fatal error: all goroutines are asleep - deadlock!
//
// Fixes: run the child inline, give children a pool of their own, or never
// block a worker on work queued behind it (chapter 05).
package main

import (
	"fmt"
	"sync"
)

// pool is the smallest fixed pool: workers goroutines reading one queue.
type pool struct{ tasks chan func() }

func newPool(workers, queue int) *pool {
	p := &pool{tasks: make(chan func(), queue)}
	for range workers {
		go func() {
			for task := range p.tasks {
				task()
			}
		}()
	}
	return p
}

// submit queues f and returns a channel that receives f's result.
func (p *pool) submit(f func() int) <-chan int {
	result := make(chan int, 1)
	p.tasks <- func() { result <- f() }
	return result
}

func main() {
	const workers = 2
	p := newPool(workers, 10)

	var started sync.WaitGroup // every worker holds a parent before any child is queued
	started.Add(workers)
	var parents []<-chan int
	for i := 1; i <= workers; i++ {
		parents = append(parents, p.submit(func() int {
			started.Done()
			started.Wait()
			fmt.Printf("parent %d: running on a worker, submitting its child and waiting\n", i)
			child := p.submit(func() int { return i * 10 })
			return <-child // waits for a task queued behind every busy worker
		}))
	}
	for i, r := range parents {
		fmt.Printf("parent %d returned %d\n", i+1, <-r) // never printed
	}
}
