// Command 05-threadpool builds a thread pool in Go, step by step: the
// tutorial's ThreadPoolExecutor example first, then a goroutine per task, a
// fixed pool of workers, errgroup, and an executor with futures. Each section
// draws a timeline of who ran what when.
//
//	go run ./05-threadpool                   # everything, about five seconds
//	go run ./05-threadpool -only 1           # only the tutorial's example
//	go run ./05-threadpool -only 1 -python   # and the same in CPython, if python3 is installed
//	go run ./05-threadpool -only 3,5 -workers 2 -tasks 9
package main

import (
	"context"
	"io"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

// options is what the flags say.
type options struct {
	pool       int // the pool size of the tutorial's example
	workers    int // workers (or errgroup limit) in sections 3-5
	tasks      int // demo tasks per section
	unit       time.Duration
	goroutines int  // section 2's unbounded burst
	python     bool // also time the tutorial's example in CPython
}

var opts options

var chapter = &lesson.Lesson{
	Name:  "05-threadpool",
	Title: "A thread pool in Go, step by step, with a timeline of who ran what when.",
	Flags: func(f *lesson.Flags) {
		f.Int(&opts.pool, "pool", 4, 1, 1000, "workers in the tutorial's example (it uses 4)")
		f.Int(&opts.workers, "workers", 3, 1, 100, "workers in sections 3-5 (the errgroup limit in section 4)")
		f.Int(&opts.tasks, "tasks", 6, 2, 100, "tasks per section; task i takes (i%3+1) units")
		f.Duration(&opts.unit, "unit", 100*time.Millisecond, time.Microsecond, 5*time.Second, "one time unit of a demo task")
		f.Int(&opts.goroutines, "goroutines", 10000, 1, 2_000_000, "goroutines section 2 keeps alive at once to show their cost")
		f.BoolVar(&opts.python, "python", false, "also run the tutorial's example in CPython (python3 on PATH) and compare")
	},
	Sections: []lesson.Section{
		{Title: "The tutorial's example: four counts on a pool", Run: func(ctx context.Context, w io.Writer) error {
			return runSeed(ctx, w, opts.pool, opts.python)
		}},
		{Title: "A goroutine per task, joined with a WaitGroup", Run: func(ctx context.Context, w io.Writer) error {
			runStep1(w, opts)
			return nil
		}},
		{Title: "A fixed pool of workers reading one job channel", Run: func(ctx context.Context, w io.Writer) error {
			runStep2(w, opts)
			return nil
		}},
		{Title: "errgroup: a limit, a shared context, a failing task", Run: func(ctx context.Context, w io.Writer) error {
			runStep3(w, opts)
			return nil
		}},
		{Title: "The executor: futures, a priority, a panic", Run: func(ctx context.Context, w io.Writer) error {
			return runStep4(w, opts)
		}},
	},
	Next: "06-multiprocessing, where the workers are processes instead of goroutines.",
}

func main() { chapter.Main() }
