package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"

	"github.com/gocourse/concurrency/internal/lesson"
)

// titles are the lesson's numbered sections, in the order they run.
var titles = []string{
	1: "Lost updates: count++ from many goroutines",
	2: "Concurrent map writes: the runtime stops the program",
	3: "Check-then-act: every step locked, the whole not",
	4: "Visibility: a plain bool as a stop flag",
	5: "The counter fixed four ways",
}

// sections is how many numbered sections the lesson has.
var sections = len(titles) - 1

// config is what the flags ask for.
type config struct {
	goroutines int   // goroutines that share the counter (sections 1 and 5)
	per        int   // increments per goroutine
	rounds     int   // check-then-act stress rounds (section 3)
	yield      bool  // yield between check and act (section 3)
	children   bool  // build and run the broken programs (needs the go command)
	only       []int // run only these sections; nil means all
}

// wants reports whether section n is to run.
func (c config) wants(n int) bool { return len(c.only) == 0 || slices.Contains(c.only, n) }

// parseFlags reads args. A bad value comes back as one error line that names
// the flag; the usage is printed only when asked for with -h.
func parseFlags(args []string, usage io.Writer) (config, error) {
	fs := flag.NewFlagSet("04-race", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	c := config{}
	fs.IntVar(&c.goroutines, "goroutines", 8, "goroutines that increment the shared counter")
	fs.IntVar(&c.per, "n", 1_000_000, "increments per goroutine")
	fs.IntVar(&c.rounds, "rounds", 200, "rounds of the check-then-act stress test")
	fs.BoolVar(&c.yield, "yield", true, "call runtime.Gosched between the check and the act, to widen the window")
	fs.BoolVar(&c.children, "children", true, "build and run the broken-on-purpose programs as child processes")
	only := fs.String("only", "", "run only these `sections`, comma-separated, such as 1,4")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(usage, "usage: go run ./04-race [flags]")
			fs.SetOutput(usage)
			fs.PrintDefaults()
		}
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
	case c.goroutines < 1 || c.goroutines > 10_000:
		return c, fmt.Errorf("-goroutines must be between 1 and 10000, got %d", c.goroutines)
	case c.per < 1 || c.per > 100_000_000:
		return c, fmt.Errorf("-n must be between 1 and 100000000, got %d", c.per)
	case c.rounds < 1 || c.rounds > 1_000_000:
		return c, fmt.Errorf("-rounds must be between 1 and 1000000, got %d", c.rounds)
	}
	return c, nil
}
