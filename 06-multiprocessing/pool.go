//go:build unix

package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// A Pool runs one task function in worker processes, like Python's
// multiprocessing.Pool. A function cannot travel to another process (Python
// pickles it by name, and so do we): each worker is this program started
// with the "pool-worker" role and the name of a function from taskFuncs.
//
// What it promises that Python's Pool does not: a worker that dies in the
// middle of a task, whatever killed it, turns into an error for that task
// (or a retry on a fresh worker), never a hang (Python: bpo-22393). It knows
// at once, because each worker talks to the pool over its own socket pair,
// and a dead process's end of a socket reads as EOF.
//
// Map and Close may be called from any goroutine; calls run one at a time.
type Pool struct {
	fn    string
	opts  PoolOptions
	slots []*worker // one per worker goroutine; nil until needed

	spawned atomic.Int64 // workers started, replacements included
	mu      sync.Mutex   // one Map at a time
}

// PoolOptions say how a Pool works. The zero value means 2 workers, chunks
// of 1, workers that live as long as the pool, and no retries.
type PoolOptions struct {
	// Workers is how many worker processes run at once. Default 2.
	Workers int
	// ChunkSize is how many inputs go to a worker in one message. Bigger
	// chunks mean fewer round trips; smaller ones spread uneven work
	// better. Default 1.
	ChunkSize int
	// MaxTasksPerChild is how many chunks a worker handles before it is
	// replaced by a fresh one (Python's maxtasksperchild), to cap what a
	// leaky task can accumulate. 0 means no limit.
	MaxTasksPerChild int
	// Retries is how many more times a chunk is tried, each time on a fresh
	// worker, after the worker running it died. Default 0: report it.
	Retries int

	// onDispatch, if set, is called as a chunk is handed to worker pid,
	// just before it is written to the worker's stdin. Tests and the lesson
	// use it to SIGKILL the worker that holds a chunk. Killing it here, not
	// after the write, makes the death certain: once kill(2) has returned,
	// a SIGKILLed process runs no more code, so it cannot answer the chunk.
	// Killed after the write, a worker could finish a fast task (x*x) and
	// answer before the signal landed, and the test would see no failure.
	onDispatch func(pid, attempt int, inputs []int64)
}

// A WorkerError says a chunk's worker died while running it.
type WorkerError struct {
	PID      int     // the last worker that died on it
	Inputs   []int64 // the chunk
	Attempts int     // how many workers tried it
	How      string  // how the last one ended: "exit status 3", "signal: killed"
	Said     string  // the last line it wrote to stderr, if any
}

func (e *WorkerError) Error() string {
	s := fmt.Sprintf("pool: worker pid %d died (%s) running inputs %v, attempt %d", e.PID, e.How, e.Inputs, e.Attempts)
	if e.Said != "" {
		s += ": " + e.Said
	}
	return s
}

// A TaskError is an ordinary error a task function returned; the worker
// that ran it is fine and carries on.
type TaskError struct {
	Input int64
	Msg   string
}

func (e *TaskError) Error() string { return fmt.Sprintf("pool: input %d: %s", e.Input, e.Msg) }

type worker struct {
	c      *child
	conn   *Conn
	tasks  int
	stderr *lockedBuffer
}

// Messages between the pool and a worker.
type taskMsg struct{ Inputs []int64 }
type resultMsg struct {
	Outputs []int64
	Err     string // a TaskError's message, for input Inputs[ErrAt]
	ErrAt   int
}

// newPool makes a pool for the task function fn. Workers start when Map first
// needs them.
func newPool(fn string, opts PoolOptions) (*Pool, error) {
	if _, ok := taskFuncs[fn]; !ok {
		return nil, fmt.Errorf("pool: no task function %q", fn)
	}
	opts.Workers = cmp.Or(opts.Workers, 2)
	opts.ChunkSize = cmp.Or(opts.ChunkSize, 1)
	if opts.Workers < 0 || opts.ChunkSize < 0 || opts.MaxTasksPerChild < 0 || opts.Retries < 0 {
		return nil, errors.New("pool: options must not be negative")
	}
	return &Pool{fn: fn, opts: opts, slots: make([]*worker, opts.Workers)}, nil
}

// Spawned is how many worker processes the pool has started so far.
func (p *Pool) Spawned() int { return int(p.spawned.Load()) }

// Map applies the pool's function to every input and returns the outputs in
// input order, whatever order the workers finished in. If any chunk failed,
// the error is the failure of the earliest such chunk (a *WorkerError, a
// *TaskError or the context's error), and the outputs of failed chunks are
// left zero.
func (p *Pool) Map(ctx context.Context, inputs []int64) ([]int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]int64, len(inputs))
	type job struct{ from, to int }
	jobs := make(chan job)
	errs := make([]error, len(inputs)) // by the chunk's first index
	var wg sync.WaitGroup
	for slot := range p.slots {
		wg.Go(func() {
			for j := range jobs {
				res, err := p.run(ctx, slot, inputs[j.from:j.to])
				if err != nil {
					errs[j.from] = err
					continue
				}
				copy(out[j.from:j.to], res)
			}
		})
	}
	for from := 0; from < len(inputs); from += p.opts.ChunkSize {
		jobs <- job{from, min(from+p.opts.ChunkSize, len(inputs))}
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// run does one chunk on the worker in slot, replacing the worker as needed.
// Only the goroutine that owns slot touches p.slots[slot].
func (p *Pool) run(ctx context.Context, slot int, inputs []int64) ([]int64, error) {
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		w := p.slots[slot]
		if w == nil {
			var err error
			if w, err = p.startWorker(); err != nil {
				return nil, err
			}
			p.slots[slot] = w
		}
		res, err := w.call(ctx, inputs, func() {
			// Before the Send: see onDispatch.
			if p.opts.onDispatch != nil {
				p.opts.onDispatch(w.c.Pid(), attempt, inputs)
			}
		})
		var te *TaskError
		if err == nil || errors.As(err, &te) {
			w.tasks++
			if p.opts.MaxTasksPerChild > 0 && w.tasks >= p.opts.MaxTasksPerChild {
				p.slots[slot] = nil
				w.retire()
			}
			return res, err
		}
		// The worker is gone or unusable: make sure it is dead, reap it,
		// and say how it ended.
		p.slots[slot] = nil
		how, said := w.bury()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if attempt > p.opts.Retries {
			return nil, &WorkerError{PID: w.c.Pid(), Inputs: inputs, Attempts: attempt, How: how, Said: said}
		}
	}
}

func (p *Pool) startWorker() (*worker, error) {
	conn, childEnd, err := newConnPair()
	if err != nil {
		return nil, err
	}
	w := &worker{conn: conn, stderr: &lockedBuffer{}}
	cmd := command(context.Background(), "pool-worker", p.fn)
	cmd.ExtraFiles = []*os.File{childEnd}
	cmd.Stderr = w.stderr
	w.c, err = start(cmd)
	childEnd.Close()
	if err != nil {
		conn.Close()
		return nil, err
	}
	p.spawned.Add(1)
	return w, nil
}

// call sends one chunk and reads its result. If ctx ends first, the worker's
// whole process group is killed, which ends the wait with EOF.
func (w *worker) call(ctx context.Context, inputs []int64, dispatch func()) ([]int64, error) {
	stop := context.AfterFunc(ctx, func() { killGroup(w.c.Pid(), unix.SIGKILL) })
	defer stop()
	dispatch()
	if err := w.conn.Send(taskMsg{Inputs: inputs}); err != nil {
		return nil, err
	}
	var r resultMsg
	if err := w.conn.Recv(&r); err != nil {
		return nil, err
	}
	if r.Err != "" {
		return r.Outputs, &TaskError{Input: inputs[r.ErrAt], Msg: r.Err}
	}
	return r.Outputs, nil
}

// retire lets a healthy worker go: closing our end is its signal to exit.
func (w *worker) retire() {
	w.conn.Close()
	w.c.Wait()
}

// bury kills a failed worker's process group, reaps it, and reports how it
// ended and the last thing it said on stderr.
func (w *worker) bury() (how, said string) {
	w.conn.Close()
	select {
	case <-w.c.Done():
	default:
		killGroup(w.c.Pid(), unix.SIGKILL)
	}
	w.c.Wait()
	how = w.c.State().String()
	lines := strings.Split(strings.TrimSpace(w.stderr.String()), "\n")
	return how, lines[len(lines)-1]
}

// Close stops every worker and waits for it. A Map after Close starts fresh
// workers, which a later Close stops again.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, w := range p.slots {
		if w != nil {
			w.retire()
			p.slots[i] = nil
		}
	}
	return nil
}

// taskFuncs are the functions a pool can run, by name.
var taskFuncs = map[string]func(int64) (int64, error){
	"square": func(x int64) (int64, error) { return x * x, nil },
	// pid reports which worker process ran the input.
	"pid": func(int64) (int64, error) { return int64(os.Getpid()), nil },
	// fragile squares, but a negative input is an ordinary error and 13
	// is poison: the worker process exits on the spot.
	"fragile": func(x int64) (int64, error) {
		switch {
		case x == 13:
			fmt.Fprintln(os.Stderr, "pool-worker: 13 is poison, exiting")
			os.Exit(3)
		case x < 0:
			return 0, fmt.Errorf("negative input")
		}
		return x * x, nil
	},
	// collatz counts the steps of the Collatz sequence from x: a little CPU
	// work per input, for measuring what chunking buys.
	"collatz": func(x int64) (int64, error) {
		steps := int64(0)
		for x > 1 {
			if x%2 == 0 {
				x /= 2
			} else {
				x = 3*x + 1
			}
			steps++
		}
		return steps, nil
	},
}

// poolWorker serves chunks on fd 3 until the pool closes its end.
func poolWorker(args []string) int {
	fn := taskFuncs[args[0]]
	if fn == nil {
		fmt.Fprintf(os.Stderr, "pool-worker: no task function %q\n", args[0])
		return 2
	}
	conn := newConn(os.NewFile(3, "pool"))
	defer conn.Close()
	for {
		var t taskMsg
		if err := conn.Recv(&t); err == io.EOF {
			return 0
		} else if err != nil {
			fmt.Fprintln(os.Stderr, "pool-worker:", err)
			return 1
		}
		r := resultMsg{Outputs: make([]int64, len(t.Inputs))}
		for i, x := range t.Inputs {
			y, err := fn(x)
			if err != nil {
				r.Err, r.ErrAt = err.Error(), i
				break
			}
			r.Outputs[i] = y
		}
		if err := conn.Send(r); err != nil {
			fmt.Fprintln(os.Stderr, "pool-worker:", err)
			return 1
		}
	}
}

func init() { register("pool-worker", poolWorker) }

// distinct counts the different values in xs.
func distinct(xs []int64) int {
	s := slices.Clone(xs)
	slices.Sort(s)
	return len(slices.Compact(s))
}

// upTo is 1, 2, ..., n.
func upTo(n int) []int64 {
	xs := make([]int64, n)
	for i := range xs {
		xs[i] = int64(i + 1)
	}
	return xs
}
