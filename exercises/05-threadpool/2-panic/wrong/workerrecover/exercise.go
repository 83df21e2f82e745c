//go:build coach

// Wrong: recovers in the worker, around its whole loop: the program lives,
// but the worker does not, and the task's Future never completes.
package panics

import (
	"fmt"
	"sync"
)

// PanicError is the error a Future reports when its task panicked.
type PanicError struct {
	Value any // what the task passed to panic
}

func (p *PanicError) Error() string { return fmt.Sprintf("task panicked: %v", p.Value) }

// Unwrap returns the panic value when it is an error, so that errors.Is and
// errors.As see through a panic(err).
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// A Pool runs tasks on a fixed number of workers, in the order submitted.
type Pool struct {
	tasks chan func()
	wg    sync.WaitGroup
}

// NewPool starts workers goroutines. Up to 16 tasks wait in the queue
// before Submit blocks.
func NewPool(workers int) *Pool {
	p := &Pool{tasks: make(chan func(), 16)}
	for range workers {
		p.wg.Go(func() {
			defer func() { _ = recover() }()
			for task := range p.tasks {
				task()
			}
		})
	}
	return p
}

// Close lets the workers finish the queued tasks, then waits for them to
// exit. Submit must not be called after Close.
func (p *Pool) Close() {
	close(p.tasks)
	p.wg.Wait()
}

// A Future is the result of one task, available once the task has finished.
type Future[T any] struct {
	done chan struct{} // closed once val and err are set
	val  T
	err  error
}

// Wait blocks until the task has finished and returns its result and error:
// a *PanicError if it panicked.
func (f *Future[T]) Wait() (T, error) {
	<-f.done
	return f.val, f.err
}

// Submit queues fn on p and returns its Future.
func Submit[T any](p *Pool, fn func() (T, error)) *Future[T] {
	f := &Future[T]{done: make(chan struct{})}
	p.tasks <- func() {
		f.val, f.err = fn()
		close(f.done)
	}
	return f
}
