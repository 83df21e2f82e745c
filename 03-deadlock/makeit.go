package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// Sections 1 and 2: make a deadlock, and meet its other shapes. Each
// program runs as a child, built without -race (which would switch the
// runtime's deadlock detector off), with a timeout.

func showABBA(ctx context.Context, w io.Writer, c config) error {
	if !c.children {
		fmt.Fprintln(w, "(skipped: -children=false)")
		return nil
	}
	fmt.Fprintf(w, "%s: %s (a child, built without -race):\n", abbaProgram.Pkg(), abbaProgram.shape)
	res, cr, err := runBroken(ctx, abbaProgram, 20*time.Second)
	if err != nil {
		return err
	}
	for _, line := range sortedLines(res.Stdout) {
		fmt.Fprintln(w, "  "+line)
	}
	describe(w, res, cr)
	fmt.Fprintln(w, "All four Coffman conditions hold, so it can deadlock:")
	fmt.Fprintln(w, "  mutual exclusion  an account's mutex has one holder at a time")
	fmt.Fprintln(w, "  hold and wait     each transfer holds one account while it waits for the other")
	fmt.Fprintln(w, "  no preemption     nothing can take a mutex away from the goroutine holding it")
	fmt.Fprintln(w, "  circular wait     1->2 waits for 2->1, which waits for 1->2")
	return nil
}

// describe prints how a child ended: its status, the runtime's verdict and
// the wait states from its goroutine dump.
func describe(w io.Writer, res harness.Result, cr crash) {
	switch {
	case res.TimedOut:
		fmt.Fprintf(w, "  still running after %v: killed by the harness; the runtime said nothing\n", res.Elapsed.Round(100*time.Millisecond))
	case cr.fatal != "":
		fmt.Fprintf(w, "  exit status %d: %s\n", res.ExitCode, cr.fatal)
	default:
		fmt.Fprintf(w, "  exit status %d\n", res.ExitCode)
	}
	if len(cr.states) > 0 {
		fmt.Fprintf(w, "  goroutine dump: %s\n", cr)
	}
}

func showShapes(ctx context.Context, w io.Writer, c config) error {
	if !c.children {
		fmt.Fprintln(w, "(skipped: -children=false)")
		return nil
	}
	for _, p := range otherShapes {
		res, cr, err := runBroken(ctx, p, 20*time.Second)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: %s\n", p.Pkg(), p.shape)
		describe(w, res, cr)
	}
	fmt.Fprintln(w, "A livelock is the fifth shape: nobody is blocked, nobody gets anywhere (section 4).")
	return nil
}

// sortedLines returns the non-empty lines of s in sorted order: children's
// goroutines print in whatever order they ran.
func sortedLines(s string) []string {
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	slices.Sort(lines)
	return lines
}
