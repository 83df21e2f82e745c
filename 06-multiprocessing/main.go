//go:build unix

// Command 06-multiprocessing shows processes in Go: starting and waiting for
// them, what their exit codes mean, pipes and queues between them, memory
// they share, and a pool of worker processes that survives a worker dying.
//
// Go has no fork, so every child here is this same program started again with
// a role to play (see roles.go). Run it with:
//
//	go run ./06-multiprocessing
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	dispatchRole() // a child plays its role here and never returns
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// config is what the flags say.
type config struct {
	n    int // how many numbers the seed example squares and cubes
	part int // run only this part; 0 means all
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("06-multiprocessing", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&c.n, "n", 10, "how many numbers the squares-and-cubes example uses (1..1000)")
	fs.IntVar(&c.part, "part", 0, "run only this part of the lesson (1..6); 0 runs them all")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fs.SetOutput(stderr)
			fs.PrintDefaults()
		}
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.n < 1 || c.n > 1000 {
		return c, fmt.Errorf("-n must be between 1 and 1000, got %d", c.n)
	}
	if c.part < 0 || c.part > len(parts) {
		return c, fmt.Errorf("-part must be between 0 and %d, got %d", len(parts), c.part)
	}
	return c, nil
}

// run is the lesson. It returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "06-multiprocessing:", err)
		return 2
	}
	if err := lesson(ctx, c, stdout); err != nil {
		fmt.Fprintln(stderr, "06-multiprocessing:", err)
		return 1
	}
	return 0
}

// A part is one section of the lesson.
type part struct {
	title string
	run   func(context.Context, config, io.Writer) error
}

var parts = []part{
	{"squares and cubes in two child processes (the seed's example)", func(ctx context.Context, c config, w io.Writer) error {
		r, err := runSeed(ctx, upTo(c.n))
		if err != nil {
			return err
		}
		printSeed(w, r)
		return nil
	}},
	{"processes: exit codes, terminate and kill, cancel, own memory, CPU time", wrap(printProcesses)},
	{"pipes and queues between processes", wrap(printPipes)},
	{"a shared counter across processes", wrap(printCounter)},
	{"a pool of worker processes", wrap(printPool)},
	{"leaving nothing behind", wrap(printHygiene)},
}

func wrap(f func(context.Context, io.Writer) error) func(context.Context, config, io.Writer) error {
	return func(ctx context.Context, _ config, w io.Writer) error { return f(ctx, w) }
}

func lesson(ctx context.Context, c config, w io.Writer) error {
	// The runtime opens its poller (an epoll and an eventfd on Linux) the
	// first time a pipe is used, and keeps it; open it now so that counting
	// descriptors before and after compares like with like.
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}
	fdsBefore, err := openFDs()
	if err != nil {
		return err
	}
	for i, p := range parts {
		if c.part != 0 && c.part != i+1 {
			continue
		}
		if c.part == 0 && i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== %d. %s\n", i+1, p.title)
		if err := p.run(ctx, c, w); err != nil {
			return err
		}
	}
	if err := leftoverReport(w, fdsBefore); err != nil {
		return err
	}
	if c.part == 0 {
		fmt.Fprintln(w, "\nSo: in Go, use processes for isolation, crash containment, memory limits")
		fmt.Fprintln(w, "and running other programs. Goroutines already run in parallel.")
	}
	return nil
}
