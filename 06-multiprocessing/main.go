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
	"fmt"
	"io"
	"os"

	"github.com/gocourse/concurrency/internal/lesson"
)

// numbers is how many numbers the tutorial's example squares and cubes.
var numbers int

var chapter = &lesson.Lesson{
	Name:  "06-multiprocessing",
	Title: "Processes in Go: exit codes, pipes and queues, shared memory, a pool of worker processes.",
	Flags: func(f *lesson.Flags) {
		f.Int(&numbers, "n", 10, 1, 1000, "how many numbers the squares-and-cubes example uses")
	},
	Sections: sections,
	Around:   checkLeftovers,
	Next:     "07-pool-server, a socket server whose pool of goroutines serves thousands of clients.",
}

var sections = []lesson.Section{
	{Title: "Squares and cubes in two child processes (the tutorial's example)", Run: func(ctx context.Context, w io.Writer) error {
		r, err := runSeed(ctx, upTo(numbers))
		if err != nil {
			return err
		}
		printSeed(w, r)
		return nil
	}},
	{Title: "Processes: exit codes, terminate and kill, cancel, own memory, CPU time", Run: printProcesses},
	{Title: "Pipes and queues between processes", Run: printPipes},
	{Title: "A shared counter across processes", Run: printCounter},
	{Title: "A pool of worker processes", Run: printPool},
	{Title: "Leaving nothing behind", Run: printHygiene},
}

func main() {
	dispatchRole() // a child plays its role here and never returns
	chapter.Main()
}

// run is the lesson without the process around it, for the tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return chapter.Run(ctx, args, stdout, stderr)
}

// checkLeftovers runs the sections and then checks that they left no child
// unreaped and no descriptor open; after every section it sums the lesson up.
func checkLeftovers(ctx context.Context, w io.Writer, chosen []int, run func() error) error {
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
	if err := run(); err != nil {
		return err
	}
	if err := leftoverReport(w, fdsBefore); err != nil {
		return err
	}
	if len(chosen) == len(sections) {
		fmt.Fprintln(w, "\nSo: in Go, use processes for isolation, crash containment, memory limits")
		fmt.Fprintln(w, "and running other programs. Goroutines already run in parallel.")
	}
	return nil
}
