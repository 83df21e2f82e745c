// Command 03-deadlock is the lesson on deadlocks: make one, see it, detect
// it, prevent it.
//
// The tutorial defines a deadlock as two parties each waiting for a
// resource the other holds. Every program that really deadlocks runs here as
// a child process with a timeout (its own main under 03-deadlock/, which you
// can also run alone), so the lesson itself never hangs.
//
//	go run ./03-deadlock              # the whole story, a few seconds
//	go run ./03-deadlock -detectors   # also synctest and the leak profile
//	go run ./03-deadlock/abba         # one deadlock on its own
package main

import (
	"context"
	"io"
	"slices"

	"github.com/gocourse/concurrency/internal/harness"
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
}

var cfg config

var chapter = &lesson.Lesson{
	Name:  "03-deadlock",
	Title: "Deadlocks: make one, see it, detect it, prevent it.",
	Flags: func(f *lesson.Flags) {
		f.Int(&cfg.rounds, "rounds", 1000, 1, 1_000_000, "transfers per goroutine when showing each prevention")
		f.Int(&cfg.philosophers, "philosophers", 5, 2, 20, "philosophers (and forks) at the table")
		f.Int(&cfg.meals, "meals", 3, 1, 100, "meals each philosopher eats")
		f.Int(&cfg.width, "width", 60, 10, 400, "columns of the timelines")
		f.BoolVar(&cfg.children, "children", true, "build and run the deadlocking programs as child processes")
		f.BoolVar(&cfg.detectors, "detectors", false, "also run the synctest and goroutine-leak-profile detectors (slower: builds test binaries)")
	},
	Sections: []lesson.Section{
		{Title: "Make it: ABBA", Run: func(ctx context.Context, w io.Writer) error { return showABBA(ctx, w, cfg) }},
		{Title: "Other shapes of being stuck", Run: func(ctx context.Context, w io.Writer) error { return showShapes(ctx, w, cfg) }},
		{Title: "See it: what notices a deadlock", Run: func(ctx context.Context, w io.Writer) error { return showDetectors(ctx, w, cfg) }},
		{Title: "Prevent it: break one of the four conditions", Run: func(ctx context.Context, w io.Writer) error {
			showPrevention(w, cfg)
			return nil
		}},
	},
	Around: func(ctx context.Context, w io.Writer, sections []int, run func() error) error {
		if cfg.children {
			harness.BuildAll(ctx, children(sections)...)
		}
		return harness.CleanupAfter(run)
	},
	Next: "04-race, where goroutines share memory with no lock at all.",
}

func main() { chapter.Main() }

// children lists the broken programs the chosen sections run, all built
// without -race, which would switch the runtime's deadlock detector off.
func children(sections []int) []harness.Program {
	var progs []broken
	if slices.Contains(sections, 1) {
		progs = append(progs, abbaProgram)
	}
	if slices.Contains(sections, 2) {
		progs = append(progs, otherShapes...)
	}
	if slices.Contains(sections, 3) {
		progs = append(progs, watchdogProgram)
	}
	var out []harness.Program
	for _, p := range progs {
		out = append(out, harness.Program{Pkg: p.Pkg()})
	}
	return out
}
