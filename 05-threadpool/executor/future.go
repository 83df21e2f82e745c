package executor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// State is where a task is in its life. A Future's state only moves forward:
// Pending to Running to Completed, or Pending to Cancelled. A Future's Done
// channel is closed when it reaches either of the last two.
type State uint32

const (
	Pending   State = iota // queued, not started
	Running                // a worker (or, under CallerRuns, the submitter) is running it
	Completed              // it ran; Wait gives its result or error
	Cancelled              // it never ran and never will; Wait gives the reason
)

func (s State) String() string {
	switch s {
	case Pending:
		return "pending"
	case Running:
		return "running"
	case Completed:
		return "completed"
	case Cancelled:
		return "cancelled"
	}
	return fmt.Sprintf("State(%d)", uint32(s))
}

// PanicError is the error a Future reports when its task panicked. The
// worker that ran the task recovers, records the panic here, and goes on to
// the next task, so one bad task costs one result, not the pool or the process.
type PanicError struct {
	Value any    // what the task passed to panic
	Stack []byte // the panicking goroutine's stack, from runtime/debug.Stack
}

func (p *PanicError) Error() string { return fmt.Sprintf("executor: task panicked: %v", p.Value) }

// Unwrap returns the panic value when it is an error, so errors.Is and
// errors.As see through a panic(err).
func (p *PanicError) Unwrap() error {
	if err, ok := p.Value.(error); ok {
		return err
	}
	return nil
}

// A Future is the result of one submitted task, available once the task has
// finished: Python's concurrent.futures.Future, Java's Future<T>, with a
// context instead of a timeout. All methods are safe to call from any
// goroutine, any number of times.
type Future[T any] struct {
	fn    func(context.Context) (T, error)
	seq   uint64
	state atomic.Uint32

	final atomic.Bool // set, after val and err, when the result is final

	mu    sync.Mutex
	done  chan struct{} // made on first need and closed, under mu, when final
	val   T
	err   error
	onFin []func() // run once when the result is final; see AsCompleted
}

// closed is the Done channel of a Future that was final before anyone
// asked for its channel: most tasks finish unobserved, and making a channel
// only when someone needs one saves an allocation per task.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// ID is the task's place in the order of submission, counting from 1. It is
// the ID that ShutdownNow reports for tasks that never started.
func (f *Future[T]) ID() uint64 { return f.seq }

// Done returns a channel that is closed when the result is final: the task
// ran (successfully or not) or will never run. Use it in a select.
func (f *Future[T]) Done() <-chan struct{} {
	if f.final.Load() {
		return closedChan
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done == nil {
		if f.final.Load() {
			return closedChan
		}
		f.done = make(chan struct{})
	}
	return f.done
}

// State reports where the task is now. The answer may be stale as soon as it
// is returned, except for Completed and Cancelled, which are final.
func (f *Future[T]) State() State { return State(f.state.Load()) }

// Wait blocks until the task's result is final or ctx is done, whichever is
// first. After the task ran it returns the task's result and error (a
// *PanicError if it panicked); for a task that never ran, the zero value and
// ErrCancelled, ErrDiscarded or ErrShutdown. If ctx ends first, Wait returns
// ctx.Err() and the task carries on: giving up waiting does not stop it.
func (f *Future[T]) Wait(ctx context.Context) (T, error) {
	if f.final.Load() {
		return f.val, f.err
	}
	select {
	case <-f.Done():
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// Cancel stops the task from starting, if it has not started yet, and
// reports whether it did; the Future then reports ErrCancelled. Like
// Python's Future.cancel, it cannot stop a task that is already running:
// that needs the task's own cooperation through its context.
func (f *Future[T]) Cancel() bool { return f.abandon(ErrCancelled) }

// start moves Pending to Running; false means the task was cancelled and
// must not run.
func (f *Future[T]) start() bool {
	return f.state.CompareAndSwap(uint32(Pending), uint32(Running))
}

func (f *Future[T]) run(ctx context.Context) {
	v, err := f.fn(ctx)
	f.finish(Completed, v, err)
}

// fail ends a running task that did not return: it panicked or called
// runtime.Goexit.
func (f *Future[T]) fail(err error) {
	var zero T
	f.finish(Completed, zero, err)
}

// abandon moves Pending to Cancelled with err as the reason.
func (f *Future[T]) abandon(err error) bool {
	if !f.state.CompareAndSwap(uint32(Pending), uint32(Cancelled)) {
		return false
	}
	var zero T
	f.finish(Cancelled, zero, err)
	return true
}

func (f *Future[T]) id() uint64 { return f.seq }

func (f *Future[T]) finish(s State, v T, err error) {
	f.mu.Lock()
	f.val, f.err = v, err
	f.state.Store(uint32(s))
	f.final.Store(true)
	if f.done != nil {
		close(f.done)
	}
	fin := f.onFin
	f.onFin = nil
	f.mu.Unlock()
	for _, fn := range fin {
		fn()
	}
}

// whenDone runs fn once the result is final: at once if it already is.
// fn must not block.
func (f *Future[T]) whenDone(fn func()) {
	f.mu.Lock()
	if f.final.Load() {
		f.mu.Unlock()
		fn()
		return
	}
	f.onFin = append(f.onFin, fn)
	f.mu.Unlock()
}

// job is what the queue holds: a Future of any result type.
type job interface {
	start() bool
	run(ctx context.Context)
	fail(err error)
	abandon(err error) bool
	id() uint64
}

// Errors that explain why a task did not run or did not return.
var (
	ErrShutdown  = errors.New("executor: shut down")
	ErrQueueFull = errors.New("executor: queue full")
	ErrDiscarded = errors.New("executor: discarded from a full queue to make room")
	ErrCancelled = errors.New("executor: cancelled before it started")
	ErrGoexit    = errors.New("executor: task called runtime.Goexit (t.Fatal or t.SkipNow in a task?)")
)
