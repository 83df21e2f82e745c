package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// sections are the parts of the lesson, in the order they run.
var sections = []string{"racy", "mapwrites", "check-then-act", "visibility", "fixes"}

// config is what the flags ask for.
type config struct {
	goroutines int      // goroutines that share the counter
	per        int      // increments per goroutine
	rounds     int      // check-then-act stress rounds
	only       []string // sections to run, in lesson order
}

// parseFlags reads args; a bad value is one clear error line.
func parseFlags(args []string, usage io.Writer) (config, error) {
	fs := flag.NewFlagSet("04-race", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors come back as one line; usage only on -h
	fs.Usage = func() {}
	c := config{}
	fs.IntVar(&c.goroutines, "goroutines", 8, "goroutines that increment the shared counter")
	fs.IntVar(&c.per, "n", 100_000, "increments per goroutine")
	fs.IntVar(&c.rounds, "rounds", 200, "rounds of the check-then-act stress test")
	only := fs.String("only", "", "comma-separated sections to run: "+strings.Join(sections, ", ")+" (default all)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(usage, "usage: go run ./04-race [flags]")
			fs.SetOutput(usage)
			fs.PrintDefaults()
		}
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case c.goroutines < 1:
		return c, fmt.Errorf("-goroutines must be ≥ 1, got %d", c.goroutines)
	case c.per < 1:
		return c, fmt.Errorf("-n must be ≥ 1, got %d", c.per)
	case c.rounds < 1:
		return c, fmt.Errorf("-rounds must be ≥ 1, got %d", c.rounds)
	}
	if *only == "" {
		c.only = sections
		return c, nil
	}
	var asked []string
	for s := range strings.SplitSeq(*only, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(sections, s) {
			return c, fmt.Errorf("-only: no section %q (have %s)", s, strings.Join(sections, ", "))
		}
		asked = append(asked, s)
	}
	for _, s := range sections { // keep the lesson's order whatever the flag's
		if slices.Contains(asked, s) {
			c.only = append(c.only, s)
		}
	}
	return c, nil
}
