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
	n int // how many numbers the seed example squares and cubes
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("06-multiprocessing", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.IntVar(&c.n, "n", 10, "how many numbers the squares-and-cubes example uses (1..1000)")
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

func lesson(ctx context.Context, c config, w io.Writer) error {
	input := make([]int64, c.n)
	for i := range input {
		input[i] = int64(i + 1)
	}
	fmt.Fprintln(w, "== 1. squares and cubes in two child processes (the seed's example)")
	r, err := runSeed(ctx, input)
	if err != nil {
		return err
	}
	printSeed(w, r)
	// Counted now, not at the start: the runtime opens its poller (an epoll
	// and an eventfd on Linux) the first time a pipe is used, and keeps it.
	fdsBefore, err := openFDs()
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== 2. processes: exit codes, terminate and kill, cancel, own memory, CPU time")
	if err := printProcesses(ctx, w); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== 3. pipes and queues between processes")
	if err := printPipes(ctx, w); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== 4. a shared counter across processes")
	if err := printCounter(ctx, w); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== 5. a pool of worker processes")
	if err := printPool(ctx, w); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== 6. leaving nothing behind")
	if err := printHygiene(ctx, w); err != nil {
		return err
	}
	if err := leftoverReport(w, fdsBefore); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n== 7. so: processes for isolation, crash containment, memory limits and")
	fmt.Fprintln(w, "other programs; goroutines already run in parallel (go test -bench . ./06-multiprocessing)")
	return nil
}
