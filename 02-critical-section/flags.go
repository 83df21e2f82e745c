package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/gocourse/concurrency/internal/lesson"
)

// config is what the lesson's flags can change; the defaults tell the story
// in well under a second.
type config struct {
	workers   int
	transfers int
	accounts  int
	slow      time.Duration
	only      map[int]bool // parts to run; empty means all
}

// parts is how many numbered parts the lesson has.
const parts = 4

// runs reports whether part n is to be run.
func (c config) runs(n int) bool { return len(c.only) == 0 || c.only[n] }

// parseFlags reads args into a config. A bad value is an error of one line,
// meant to be printed after the program's name.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("02-critical-section", flag.ContinueOnError)
	// Errors come back to the caller as one line; the usage is printed
	// only when asked for with -h.
	fs.SetOutput(io.Discard)
	fs.IntVar(&c.workers, "workers", 8, "goroutines making transfers at the same time")
	fs.IntVar(&c.transfers, "transfers", 2000, "transfers each worker attempts")
	fs.IntVar(&c.accounts, "accounts", 10, "accounts in the bank, each starting with 100")
	fs.DurationVar(&c.slow, "slow", 30*time.Millisecond, "how long the slow fetch in part 4 takes")
	only := fs.String("only", "", "comma-separated parts to run, such as 1,4 (default all)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fs.SetOutput(stderr)
			fs.Usage()
		}
		return c, err
	}
	sel, err := lesson.ParseOnly(*only, parts, "part")
	if err != nil {
		return c, err
	}
	if sel != nil {
		c.only = map[int]bool{}
		for _, n := range sel {
			c.only[n] = true
		}
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case c.workers < 1:
		return c, fmt.Errorf("-workers must be ≥ 1, got %d", c.workers)
	case c.transfers < 1:
		return c, fmt.Errorf("-transfers must be ≥ 1, got %d", c.transfers)
	case c.accounts < 2:
		return c, fmt.Errorf("-accounts must be ≥ 2 (a transfer needs two), got %d", c.accounts)
	case c.slow <= 0 || c.slow > time.Second:
		return c, fmt.Errorf("-slow must be between 1ns and 1s, got %s", c.slow)
	}
	return c, nil
}
