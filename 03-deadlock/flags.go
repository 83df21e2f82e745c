package main

import (
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/gocourse/concurrency/internal/lesson"
)

// config holds the lesson's sizes; flags change them.
type config struct {
	rounds       int  // transfers per goroutine in the prevention section
	philosophers int  // seats at the table
	meals        int  // meals each philosopher eats
	width        int  // columns of the timelines
	children     bool // build and run the deadlocking programs as children
	detectors    bool // also run the slower detectors: synctest and the leak profile
	only         []int
}

// sections is how many numbered sections the lesson has.
const sections = 4

func (c config) wants(n int) bool { return len(c.only) == 0 || slices.Contains(c.only, n) }

// parseFlags reads the command line. An error is one line that names the
// flag and what it must be.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	c := config{}
	fs := flag.NewFlagSet("03-deadlock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.rounds, "rounds", 1000, "transfers per goroutine when showing each prevention")
	fs.IntVar(&c.philosophers, "philosophers", 5, "philosophers (and forks) at the table")
	fs.IntVar(&c.meals, "meals", 3, "meals each philosopher eats")
	fs.IntVar(&c.width, "width", 60, "columns of the timelines")
	fs.BoolVar(&c.children, "children", true, "build and run the deadlocking programs as child processes")
	fs.BoolVar(&c.detectors, "detectors", false, "also run the synctest and goroutine-leak-profile detectors (slower: builds test binaries)")
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
	case c.rounds < 1 || c.rounds > 1_000_000:
		return c, fmt.Errorf("-rounds must be between 1 and 1000000, got %d", c.rounds)
	case c.philosophers < 2 || c.philosophers > 20:
		return c, fmt.Errorf("-philosophers must be between 2 and 20, got %d", c.philosophers)
	case c.meals < 1 || c.meals > 100:
		return c, fmt.Errorf("-meals must be between 1 and 100, got %d", c.meals)
	case c.width < 10 || c.width > 400:
		return c, fmt.Errorf("-width must be between 10 and 400, got %d", c.width)
	}
	return c, nil
}
