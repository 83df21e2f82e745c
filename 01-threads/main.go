// Command 01-threads is the first lesson: what a thread is, in Go.
//
// It follows the seed tutorial's "What is a thread?": a thread is created
// with a function and its arguments, started, and joined; it shares its
// process's memory. In Go the unit is the goroutine, and each section below
// shows one part of the story, printing what really happened.
//
//	go run ./01-threads                 # the whole lesson, a few seconds
//	go run ./01-threads -limit 5000000  # more prime-counting work
//	go run ./01-threads -trace t.out && go tool trace t.out
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/trace"
	"slices"
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
	only     []int  // run only these sections; nil means all
}

// sections is how many numbered sections the lesson has.
const sections = 6

// wants reports whether section n is to run.
func (c config) wants(n int) bool { return len(c.only) == 0 || slices.Contains(c.only, n) }

// parseFlags reads the command line. Errors come back as one line that
// names the flag and what it must be.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	c := config{}
	fs := flag.NewFlagSet("01-threads", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.parked, "parked", 10_000, "goroutines to park while counting threads and memory")
	fs.IntVar(&c.limit, "limit", 2_000_000, "count the primes below this number")
	fs.IntVar(&c.workers, "workers", runtime.GOMAXPROCS(0), "goroutines that share the prime counting")
	fs.IntVar(&c.width, "width", 60, "columns of the timelines")
	fs.BoolVar(&c.children, "children", true, "build and run the broken-on-purpose programs as child processes")
	fs.StringVar(&c.trace, "trace", "", "write a runtime/trace `file` for go tool trace")
	only := fs.String("only", "", "run only these `sections`, comma-separated, such as 1,4")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	sel, err := lesson.ParseOnly(*only, sections, "section")
	if err != nil {
		return c, err
	}
	c.only = sel
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q (all options are flags; see -h)", fs.Arg(0))
	case c.parked < 1 || c.parked > 10_000_000:
		return c, fmt.Errorf("-parked must be between 1 and 10000000, got %d", c.parked)
	case c.limit < 2 || c.limit > 1_000_000_000:
		return c, fmt.Errorf("-limit must be between 2 and 1000000000, got %d", c.limit)
	case c.workers < 1 || c.workers > 1024:
		return c, fmt.Errorf("-workers must be between 1 and 1024, got %d", c.workers)
	case c.width < 10 || c.width > 400:
		return c, fmt.Errorf("-width must be between 10 and 400, got %d", c.width)
	}
	return c, nil
}

func main() {
	c, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "01-threads:", err)
		os.Exit(2)
	}
	if err := run(c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "01-threads:", err)
		os.Exit(1)
	}
}

// run tells the lesson, section by section.
func run(c config, w io.Writer) (err error) {
	if c.trace != "" {
		f, err := os.Create(c.trace)
		if err != nil {
			return fmt.Errorf("cannot write the trace: %w", err)
		}
		if err := trace.Start(f); err != nil {
			f.Close()
			return fmt.Errorf("cannot start the trace: %w", err)
		}
		defer func() {
			trace.Stop()
			if cerr := f.Close(); err == nil && cerr != nil {
				err = cerr
			}
			if err == nil {
				fmt.Fprintf(w, "\ntrace written to %s; open it with: go tool trace %s\n", c.trace, c.trace)
			}
		}()
	}
	defer harness.Cleanup()

	if c.wants(1) {
		section(w, "1. Start and join")
		showJoins(w)
	}
	if c.wants(2) {
		section(w, "2. Thread, Start, Join: the Python and Java model in Go")
		showThread(w)
	}
	if c.wants(3) {
		section(w, "3. One address space")
		showShared(w)
		if c.children {
			if err := showChild(w, "./01-threads/testdata/oldloop"); err != nil {
				return err
			}
		}
	}
	if c.wants(4) {
		section(w, "4. Forget the join")
		if c.children {
			if err := showChild(w, "./01-threads/nojoin"); err != nil {
				return err
			}
			fmt.Fprintln(w, "no worker printed \"finished\": main returned, and the program ended with them")
		} else {
			fmt.Fprintln(w, "(skipped: -children=false)")
		}
	}
	if c.wants(5) {
		section(w, "5. Goroutines are not OS threads")
		showCost(w, c.parked)
	}
	if c.wants(6) {
		section(w, "6. Splitting CPU-bound work")
		showSplit(w, c.limit, c.workers, c.width)
	}
	if !c.wants(sections) {
		return nil
	}
	fmt.Fprintln(w, "\nNext: 02-critical-section, where goroutines stop writing to their own")
	fmt.Fprintln(w, "slots and start sharing one variable.")
	return nil
}

func section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n== %s ==\n", title)
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
func showChild(w io.Writer, pkg string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := harness.Run(ctx, pkg, harness.Options{Timeout: 20 * time.Second})
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
