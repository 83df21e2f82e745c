// Command 01-threads is the first lesson: what a thread is, in Go.
//
// It follows the tutorial's "What is a thread?": a thread is created with a
// function and its arguments, started, and joined; it shares its process's
// memory. In Go the unit is the goroutine, and each section below shows one
// part of the story, printing what really happened.
//
//	go run ./01-threads                 # the whole lesson, a few seconds
//	go run ./01-threads -limit 5000000  # more prime-counting work
//	go run ./01-threads -trace t.out && go tool trace t.out
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/trace"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
	"github.com/gocourse/concurrency/internal/lesson"
)

// config holds the lesson's sizes; flags change them.
type config struct {
	parked   int    // goroutines parked in section 5
	limit    int    // count primes below this in section 6
	workers  int    // goroutines that split the prime count
	width    int    // columns of the timelines
	children bool   // build and run the broken programs (needs the go command)
	trace    string // write a runtime/trace file here
}

var cfg config

var chapter = &lesson.Lesson{
	Name:  "01-threads",
	Title: "Threads in Go: start and join goroutines, share memory, split work.",
	Flags: func(f *lesson.Flags) {
		f.Int(&cfg.parked, "parked", 10_000, 1, 10_000_000, "goroutines to park while counting threads and memory")
		f.Int(&cfg.limit, "limit", 2_000_000, 2, 1_000_000_000, "count the primes below this number")
		f.Int(&cfg.workers, "workers", runtime.GOMAXPROCS(0), 1, 1024, "goroutines that share the prime counting")
		f.Int(&cfg.width, "width", 60, 10, 400, "columns of the timelines")
		f.BoolVar(&cfg.children, "children", true, "build and run the broken-on-purpose programs as child processes")
		f.StringVar(&cfg.trace, "trace", "", "write a runtime/trace `file` for go tool trace")
	},
	Sections: []lesson.Section{
		{Title: "Start and join", Run: func(ctx context.Context, w io.Writer) error {
			showJoins(w)
			return nil
		}},
		{Title: "Thread, Start, Join: the Python and Java model in Go", Run: func(ctx context.Context, w io.Writer) error {
			showThread(w)
			return nil
		}},
		{Title: "One address space", Run: func(ctx context.Context, w io.Writer) error {
			showShared(w)
			if !cfg.children {
				return nil
			}
			return showChild(ctx, w, "./01-threads/testdata/oldloop")
		}},
		{Title: "Forget the join", Run: showNoJoin},
		{Title: "Goroutines are not OS threads", Run: func(ctx context.Context, w io.Writer) error {
			showCost(w, cfg.parked)
			return nil
		}},
		{Title: "Splitting CPU-bound work", Run: func(ctx context.Context, w io.Writer) error {
			showSplit(w, cfg.limit, cfg.workers, cfg.width)
			return nil
		}},
	},
	Around: withTrace,
	Next:   "02-critical-section, where goroutines stop writing to their own\nslots and start sharing one variable.",
}

func main() { chapter.Main() }

// withTrace runs the sections, under runtime/trace when -trace asks, and
// removes the children's binaries afterwards.
func withTrace(ctx context.Context, w io.Writer, _ []int, run func() error) error {
	return harness.CleanupAfter(func() error { return traced(w, run) })
}

// traced calls run, under runtime/trace if -trace names a file.
func traced(w io.Writer, run func() error) (err error) {
	if cfg.trace == "" {
		return run()
	}
	f, err := os.Create(cfg.trace)
	if err != nil {
		return fmt.Errorf("cannot write the trace: %w", err)
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return fmt.Errorf("cannot start the trace: %w", err)
	}
	err = run()
	trace.Stop()
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err == nil {
		fmt.Fprintf(w, "\ntrace written to %s; open it with: go tool trace %s\n", cfg.trace, cfg.trace)
	}
	return err
}

// showNoJoin runs the program that forgets to join its goroutines.
func showNoJoin(ctx context.Context, w io.Writer) error {
	if !cfg.children {
		fmt.Fprintln(w, "(skipped: -children=false)")
		return nil
	}
	if err := showChild(ctx, w, "./01-threads/nojoin"); err != nil {
		return err
	}
	fmt.Fprintln(w, "no worker printed \"finished\": main returned, and the program ended with them")
	return nil
}

// showThread uses the Thread type the way Python code uses threading.Thread.
func showThread(w io.Writer) {
	var got string
	t := NewThread(func() { got = greet("Guido") })
	fmt.Fprintf(w, "created:  alive=%t\n", t.Alive())
	fmt.Fprintf(w, "join before start: %v\n", t.Join())
	if err := t.Start(); err != nil {
		fmt.Fprintln(w, "start:", err)
	}
	if err := t.Join(); err != nil {
		fmt.Fprintln(w, "join:", err)
	}
	fmt.Fprintf(w, "joined:   alive=%t, result %q\n", t.Alive(), got)
	fmt.Fprintf(w, "start again: %v\n", t.Start())
}

// showChild builds a program, runs it as a child process and prints what it
// printed, indented, with its exit status.
func showChild(ctx context.Context, w io.Writer, pkg string) error {
	res, err := harness.Run(ctx, pkg, harness.Options{Timeout: 20 * time.Second})
	if ctx.Err() != nil {
		return ctx.Err() // Ctrl-C: the child was killed, or never built
	}
	if err != nil {
		return fmt.Errorf("cannot run %s (run the lesson from the course's source, with go on the PATH, or pass -children=false): %w", pkg, err)
	}
	fmt.Fprintf(w, "$ go run %s\n", pkg)
	for line := range strings.Lines(res.Output()) {
		fmt.Fprintf(w, "  %s", line)
	}
	fmt.Fprintf(w, "  [exit status %d]\n", res.ExitCode)
	return nil
}
