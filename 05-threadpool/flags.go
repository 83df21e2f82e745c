package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

type options struct {
	steps      []string // which parts to run, in the order given
	pool       int      // the seed example's pool size
	workers    int      // workers (or errgroup limit) for steps 2-4
	tasks      int      // demo tasks per step
	unit       time.Duration
	goroutines int  // step 1's unbounded burst
	python     bool // also time the seed example in CPython
}

var allSteps = []string{"seed", "1", "2", "3", "4"}

// parseFlags reads the command line. A bad value is one error line.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("05-threadpool", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by the caller, in one line
	steps := fs.String("steps", strings.Join(allSteps, ","), "comma-separated parts to run: seed,1,2,3,4")
	fs.IntVar(&o.pool, "pool", 4, "workers in the seed example (the seed uses 4)")
	fs.IntVar(&o.workers, "workers", 3, "workers in steps 2-4 (the errgroup limit in step 3)")
	fs.IntVar(&o.tasks, "tasks", 6, "tasks per step; task i takes (i%3+1) units")
	fs.DurationVar(&o.unit, "unit", 100*time.Millisecond, "one time unit of a demo task")
	fs.BoolVar(&o.python, "python", false, "also run the seed example in CPython (python3 on PATH) and compare")
	fs.IntVar(&o.goroutines, "goroutines", 10000, "goroutines step 1 keeps alive at once to show their cost")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stderr)
			fmt.Fprintln(stderr, "Usage of 05-threadpool:")
			fs.PrintDefaults()
		}
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, s := range strings.Split(*steps, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(allSteps, s) {
			return o, fmt.Errorf("-steps: unknown step %q (want some of %s)", s, strings.Join(allSteps, ","))
		}
		o.steps = append(o.steps, s)
	}
	switch {
	case o.pool < 1 || o.pool > 1000:
		return o, fmt.Errorf("-pool must be 1-1000, got %d", o.pool)
	case o.workers < 1 || o.workers > 100:
		return o, fmt.Errorf("-workers must be 1-100, got %d", o.workers)
	case o.tasks < 2 || o.tasks > 100:
		return o, fmt.Errorf("-tasks must be 2-100, got %d", o.tasks)
	case o.unit <= 0 || o.unit > 5*time.Second:
		return o, fmt.Errorf("-unit must be >0 and ≤5s, got %v", o.unit)
	case o.goroutines < 1 || o.goroutines > 2_000_000:
		return o, fmt.Errorf("-goroutines must be 1-2000000, got %d", o.goroutines)
	}
	return o, nil
}
