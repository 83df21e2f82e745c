// Package executor runs tasks on a fixed set of worker goroutines fed by a
// bounded queue, and hands back a typed Future for each task. It is Python's
// concurrent.futures.ThreadPoolExecutor and Java's ThreadPoolExecutor said in
// Go: Submit returns a Future[T] with a Done channel and a Wait that takes a
// context; Map keeps input order; AsCompleted yields results as they finish.
//
// What it guarantees, each with a test beside it:
//   - the queue is bounded, and a full queue does what Config.Policy says:
//     block, reject with ErrQueueFull, run the task in the caller, or discard
//     the oldest queued task (its Future reports ErrDiscarded);
//   - a task that panics gives a *PanicError carrying the stack, and its
//     worker goes on with the next task; a task that calls runtime.Goexit
//     gives ErrGoexit and its worker is replaced under the same ID;
//   - Shutdown stops new work and waits for queued and running tasks;
//     ShutdownNow also cancels the tasks' context and returns the tasks that
//     never started, whose Futures report ErrShutdown;
//   - Submit racing Shutdown returns ErrShutdown or a Future that completes,
//     never a panic: there is no channel to send on after it is closed;
//   - every Future completes, whatever happens to its task.
package executor

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Policy says what Submit does when the queue is full.
type Policy int

const (
	// Block waits until a worker makes room (or the executor shuts down).
	Block Policy = iota
	// Reject returns ErrQueueFull at once (Java's AbortPolicy).
	Reject
	// CallerRuns runs the task in the submitting goroutine, which slows the
	// submitter down to the pool's pace (Java's CallerRunsPolicy).
	CallerRuns
	// DiscardOldest drops the task at the head of the queue, the next one a
	// worker would have taken, to make room; its Future reports ErrDiscarded
	// (Java's DiscardOldestPolicy, except that here the loss is visible).
	DiscardOldest
)

func (p Policy) String() string {
	switch p {
	case Block:
		return "block"
	case Reject:
		return "reject"
	case CallerRuns:
		return "caller-runs"
	case DiscardOldest:
		return "discard-oldest"
	}
	return fmt.Sprintf("Policy(%d)", int(p))
}

// DefaultQueuePerWorker is how many tasks may wait per worker when
// Config.QueueSize is zero.
const DefaultQueuePerWorker = 64

// Config sets an executor's size and behaviour. The zero value is usable:
// GOMAXPROCS workers, 64 queued tasks per worker, Block when full.
type Config struct {
	// Workers is the number of worker goroutines, started by New and kept
	// until shutdown. Zero means runtime.GOMAXPROCS(0).
	Workers int
	// QueueSize is how many submitted tasks may wait for a worker. Zero
	// means DefaultQueuePerWorker × Workers. There is no unbounded setting.
	QueueSize int
	// Policy is what Submit does when QueueSize tasks are already waiting.
	Policy Policy
}

// Executor is a pool of workers. Create one with New; all its methods and
// the package's functions that take it are safe for concurrent use.
type Executor struct {
	workers  int
	capacity int
	policy   Policy
	ctx      context.Context // what tasks receive; cancelled by ShutdownNow
	cancel   context.CancelCauseFunc

	mu         sync.Mutex
	notEmpty   sync.Cond // workers wait here for a task
	notFull    sync.Cond // Block submitters wait here for room
	q          queue
	seq        uint64
	closed     bool // no more submissions; set once
	live       int  // worker goroutines plus caller-run tasks in progress
	idle       int  // workers waiting in notEmpty
	terminated chan struct{}

	blocked   int // Block submitters waiting in notFull
	running   int64
	submitted int64
	completed int64

	rejected, panicked, discarded atomic.Int64 // rare events, counted outside the lock
}

// New starts an executor with cfg.Workers workers. It panics if a size is
// negative, as make does.
func New(cfg Config) *Executor {
	if cfg.Workers < 0 || cfg.QueueSize < 0 {
		panic(fmt.Sprintf("executor: negative size in %+v", cfg))
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.QueueSize == 0 {
		cfg.QueueSize = DefaultQueuePerWorker * cfg.Workers
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	e := &Executor{
		workers:    cfg.Workers,
		capacity:   cfg.QueueSize,
		policy:     cfg.Policy,
		ctx:        ctx,
		cancel:     cancel,
		live:       cfg.Workers,
		terminated: make(chan struct{}),
	}
	e.notEmpty.L = &e.mu
	e.notFull.L = &e.mu
	for id := 1; id <= cfg.Workers; id++ {
		go e.worker(id)
	}
	return e
}

// Submit queues fn and returns its Future. fn receives a context that is
// cancelled by ShutdownNow, and from which WorkerID reads the worker's ID.
// When the queue is full, Submit follows the executor's Policy. After
// Shutdown or ShutdownNow it returns ErrShutdown and no Future.
func Submit[T any](e *Executor, fn func(context.Context) (T, error)) (*Future[T], error) {
	return SubmitPriority(e, 0, fn)
}

// SubmitPriority is Submit with a priority: a waiting task with a higher
// priority is started before any with a lower one, and tasks of equal
// priority start in submission order. A running task is never interrupted.
func SubmitPriority[T any](e *Executor, priority int, fn func(context.Context) (T, error)) (*Future[T], error) {
	f := &Future[T]{fn: fn}
	if err := e.enqueue(f, &f.seq, priority); err != nil {
		return nil, err
	}
	return f, nil
}

func (e *Executor) enqueue(j job, seq *uint64, priority int) error {
	e.mu.Lock()
	for !e.closed && e.q.len() >= e.capacity {
		switch e.policy {
		case Reject:
			e.mu.Unlock()
			e.rejected.Add(1)
			return ErrQueueFull
		case CallerRuns:
			e.seq++
			*seq = e.seq
			e.submitted++
			e.live++ // Shutdown waits for this task too
			started := j.start()
			if started {
				e.running++
			}
			e.mu.Unlock()
			e.runHere(j, started)
			return nil
		case DiscardOldest:
			// Complete the dropped Future before unlocking, so that no
			// Shutdown can return while a task is neither queued nor final.
			if e.q.pop().j.abandon(ErrDiscarded) {
				e.discarded.Add(1)
			}
		default: // Block
			e.blocked++
			e.notFull.Wait()
			e.blocked--
		}
	}
	if e.closed {
		e.mu.Unlock()
		e.rejected.Add(1)
		return ErrShutdown
	}
	e.seq++
	*seq = e.seq
	e.submitted++
	e.q.push(entry{j: j, priority: priority, seq: e.seq})
	if e.idle > 0 {
		e.notEmpty.Signal()
	}
	e.mu.Unlock()
	return nil
}

// runHere runs j in the submitting goroutine, for CallerRuns.
func (e *Executor) runHere(j job, started bool) {
	defer func() {
		e.mu.Lock()
		if started {
			e.running--
			e.completed++
		}
		e.exit()
		e.mu.Unlock()
	}()
	if started {
		e.execute(e.ctx, j)
	}
}

type workerKey struct{}

// WorkerID reports which worker is running the task that received ctx: a
// stable number from 1 to Workers, kept for the executor's whole life. It is
// 0 for a task run by its submitter under CallerRuns, or any other context.
func WorkerID(ctx context.Context) int {
	id, _ := ctx.Value(workerKey{}).(int)
	return id
}

func (e *Executor) worker(id int) {
	ctx := context.WithValue(e.ctx, workerKey{}, id)
	exited := false
	defer func() {
		if !exited {
			// A task called runtime.Goexit, which ends this goroutine
			// whatever we do. Count the task as finished and keep the pool
			// at strength with a new goroutine under the same ID.
			e.mu.Lock()
			e.running--
			e.completed++
			e.mu.Unlock()
			go e.worker(id)
		}
	}()
	ran := false
	for {
		j, ok := e.take(ran)
		if !ok {
			exited = true
			return
		}
		e.execute(ctx, j)
		ran = true
	}
}

// take counts the task the worker just ran (if ran), then waits for the
// next task and marks it started. Cancelled tasks are skipped here. False
// means the executor is shut down and the queue is empty, and the worker
// has been counted out. The counters live under the mutex that take holds
// anyway, rather than in atomics that every worker and submitter would
// fight over on every task.
func (e *Executor) take(ran bool) (job, bool) {
	e.mu.Lock()
	if ran {
		e.running--
		e.completed++
	}
	for {
		for e.q.len() == 0 && !e.closed {
			e.idle++
			e.notEmpty.Wait()
			e.idle--
		}
		if e.q.len() == 0 {
			e.exit()
			e.mu.Unlock()
			return nil, false
		}
		j := e.q.pop().j
		if e.blocked > 0 {
			e.notFull.Signal()
		}
		if j.start() {
			e.running++
			e.mu.Unlock()
			return j, true
		}
	}
}

// execute runs a started job and makes sure its Future completes, whether
// the task returns, panics or calls runtime.Goexit.
func (e *Executor) execute(ctx context.Context, j job) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if r := recover(); r != nil {
			e.panicked.Add(1)
			j.fail(&PanicError{Value: r, Stack: debug.Stack()})
			return
		}
		j.fail(ErrGoexit)
	}()
	j.run(ctx)
	returned = true
}

// exit is called with mu held when a worker or a caller-run task is done.
func (e *Executor) exit() {
	e.live--
	if e.live == 0 && e.closed {
		e.cancel(ErrShutdown)
		close(e.terminated)
	}
}

// Shutdown stops accepting tasks, lets the workers finish every queued and
// running task, and returns nil once they have all exited. If ctx ends
// first it returns ctx.Err() and the work goes on; call it again to keep
// waiting, or ShutdownNow to give up on the queue. Any number of goroutines
// may call it, any number of times.
func (e *Executor) Shutdown(ctx context.Context) error {
	e.close()
	select {
	case <-e.terminated:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Executor) close() {
	e.mu.Lock()
	e.closeLocked()
	e.mu.Unlock()
}

func (e *Executor) closeLocked() {
	if e.closed {
		return
	}
	e.closed = true
	e.notEmpty.Broadcast() // idle workers wake, find the queue closed, and exit once it is empty
	e.notFull.Broadcast()  // blocked submitters wake and get ErrShutdown
}

// A Task describes a task that ShutdownNow removed from the queue.
type Task struct {
	ID       uint64 // the Future's ID
	Priority int
}

// ShutdownNow stops accepting tasks, removes every task still waiting in
// the queue, completes their Futures with ErrShutdown, cancels the context
// that running tasks received (context.Cause reports ErrShutdown), and
// returns the removed tasks in the order they would have run. It does not
// wait: running tasks stop only if they watch their context. Call Shutdown
// afterwards to wait until they have.
func (e *Executor) ShutdownNow() []Task {
	var never []Task
	e.mu.Lock()
	e.closeLocked()
	// The Futures are completed under the lock, so a Shutdown that returns
	// (it needs the lock to see the last worker leave) finds them final.
	for e.q.len() > 0 {
		w := e.q.pop()
		if w.j.abandon(ErrShutdown) { // false if its Future was cancelled
			never = append(never, Task{ID: w.j.id(), Priority: w.priority})
		}
	}
	e.mu.Unlock()
	e.cancel(ErrShutdown)
	return never
}

// Metrics is a snapshot of an executor's counters.
type Metrics struct {
	Workers   int   // worker goroutines
	Active    int   // tasks running now
	Queued    int   // tasks waiting for a worker (cancelled ones included until a worker skips them)
	Submitted int64 // tasks accepted by Submit
	Completed int64 // tasks that ran to an end (returned, panicked or Goexited), counted when their worker comes back for more
	Rejected  int64 // Submit calls refused: queue full under Reject, or shut down
	Panicked  int64 // tasks that panicked
	Discarded int64 // tasks dropped by DiscardOldest
}

// Metrics returns the current counters, read together under the
// executor's lock. Rejected, Panicked and Discarded are counted outside
// it, so while tasks run they may be a step ahead of the others.
func (e *Executor) Metrics() Metrics {
	e.mu.Lock()
	queued, running, submitted, completed := e.q.len(), e.running, e.submitted, e.completed
	e.mu.Unlock()
	return Metrics{
		Workers:   e.workers,
		Active:    int(running),
		Queued:    queued,
		Submitted: submitted,
		Completed: completed,
		Rejected:  e.rejected.Load(),
		Panicked:  e.panicked.Load(),
		Discarded: e.discarded.Load(),
	}
}
