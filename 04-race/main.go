// Command 04-race shows what goes wrong when goroutines share memory without
// rules, and four ways to make it right. Each broken program lives in its own
// directory and runs here as a child process, so this lesson itself stays
// race-free (try go run -race ./04-race):
//
//	racy/       count++ from many goroutines: lost updates, and what -race says
//	mapwrites/  the runtime's own "fatal error: concurrent map writes"
//	spin/       a goroutine spinning on a plain bool
//
// The check-then-act race has no data race in it, so it runs right here.
package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"

	"github.com/gocourse/concurrency/internal/harness"
	"github.com/gocourse/concurrency/internal/lesson"
)

// config is what the flags ask for.
type config struct {
	goroutines int  // goroutines that share the counter (sections 1 and 5)
	per        int  // increments per goroutine
	rounds     int  // check-then-act stress rounds (section 3)
	yield      bool // yield between check and act (section 3)
	children   bool // build and run the broken programs (needs the go command)
}

var cfg config

var chapter = &lesson.Lesson{
	Name:  "04-race",
	Title: "Races: lost updates, a fatal map, check-then-act, visibility, and four fixes.",
	Flags: func(f *lesson.Flags) {
		f.Int(&cfg.goroutines, "goroutines", 8, 1, 10_000, "goroutines that increment the shared counter")
		f.Int(&cfg.per, "n", 1_000_000, 1, 100_000_000, "increments per goroutine")
		f.Int(&cfg.rounds, "rounds", 200, 1, 1_000_000, "rounds of the check-then-act stress test")
		f.BoolVar(&cfg.yield, "yield", true, "call runtime.Gosched between the check and the act, to widen the window")
		f.BoolVar(&cfg.children, "children", true, "build and run the broken-on-purpose programs as child processes")
	},
	Sections: []lesson.Section{
		{Title: "Lost updates: count++ from many goroutines", Run: func(ctx context.Context, w io.Writer) error {
			return showRacy(ctx, w, root(), cfg)
		}},
		{Title: "Concurrent map writes: the runtime stops the program", Run: func(ctx context.Context, w io.Writer) error {
			return showMapWrites(ctx, w, root(), cfg)
		}},
		{Title: "Check-then-act: every step locked, the whole not", Run: func(ctx context.Context, w io.Writer) error {
			showCheckThenAct(w, cfg)
			return nil
		}},
		{Title: "Visibility: a plain bool as a stop flag", Run: func(ctx context.Context, w io.Writer) error {
			return showVisibility(ctx, w, root(), cfg)
		}},
		{Title: "The counter fixed four ways", Run: func(ctx context.Context, w io.Writer) error {
			showFixes(w, cfg)
			return nil
		}},
	},
	Around: func(ctx context.Context, w io.Writer, sections []int, run func() error) error {
		if cfg.children {
			if _, err := harness.ModuleRoot(); err != nil {
				return err
			}
			harness.BuildAll(ctx, children(sections)...)
		}
		return harness.CleanupAfter(run)
	},
	Next: "05-threadpool, where a fixed set of goroutines takes work from a queue.",
}

func main() { chapter.Main() }

// root is the module's root directory, which the children's reports are
// made relative to; "" when there is none (then -children=false is needed).
func root() string {
	r, _ := harness.ModuleRoot()
	return r
}

// children lists the broken programs the chosen sections run.
func children(sections []int) []harness.Program {
	builds := []struct {
		section int
		harness.Program
	}{
		{1, harness.Program{Pkg: "./04-race/racy"}}, {1, harness.Program{Pkg: "./04-race/racy", Race: true}},
		{2, harness.Program{Pkg: "./04-race/mapwrites"}},
		{4, harness.Program{Pkg: "./04-race/spin"}}, {4, harness.Program{Pkg: "./04-race/spin", Race: true}},
	}
	var out []harness.Program
	for _, b := range builds {
		if slices.Contains(sections, b.section) {
			out = append(out, b.Program)
		}
	}
	return out
}

// skipped says a broken child was not run, and how to run it by hand.
func skipped(w io.Writer, cmd string) {
	fmt.Fprintf(w, "(-children=false: not run; try %s)\n", cmd)
}

func showRacy(ctx context.Context, w io.Writer, root string, cfg config) error {
	const runs = 5
	fmt.Fprintf(w, "./04-race/racy: %d goroutines, count++ %d times each, want %d\n", cfg.goroutines, cfg.per, cfg.goroutines*cfg.per)
	if !cfg.children {
		skipped(w, "go run ./04-race/racy")
		return nil
	}
	args := []string{"-goroutines", fmt.Sprint(cfg.goroutines), "-n", fmt.Sprint(cfg.per)}
	var lost []string
	for range runs {
		res, err := runChild(ctx, "./04-race/racy", false, args...)
		if err != nil {
			return err
		}
		n, ok := lostUpdates(res.Stdout)
		if !ok {
			return fmt.Errorf("./04-race/racy did not report its count: %s", res)
		}
		lost = append(lost, fmt.Sprint(n))
	}
	fmt.Fprintf(w, "built without -race, %d runs: %s updates lost\n", runs, strings.Join(lost, ", "))

	// The detector needs no lucky overlap, only two accesses that nothing
	// orders, so a small run is enough.
	res, err := runChild(ctx, "./04-race/racy", true, "-goroutines", "2", "-n", "1000")
	if err != nil {
		return err
	}
	showReports(w, "built with -race, 2 goroutines x 1000", res, root)
	return nil
}

func showMapWrites(ctx context.Context, w io.Writer, root string, cfg config) error {
	fmt.Fprintln(w, "./04-race/mapwrites: 4 goroutines write to one map, no lock")
	if !cfg.children {
		skipped(w, "go run ./04-race/mapwrites")
		return nil
	}
	res, err := runChild(ctx, "./04-race/mapwrites", false)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "built without -race: exit status %d, %s\n", res.ExitCode, firstLine(res.Stderr+res.Stdout))
	if at := firstFrameIn(res.Stderr, root, "04-race/mapwrites"); at != "" {
		fmt.Fprintf(w, "  at %s\n", at)
	}
	return nil
}

func showCheckThenAct(w io.Writer, cfg config) {
	const goroutines = 4
	pause, between := func() {}, "nothing"
	if cfg.yield {
		pause, between = runtime.Gosched, "runtime.Gosched()"
	}
	fmt.Fprintf(w, "%d rounds: a wallet holds 100, %d goroutines each try to withdraw 100\n", cfg.rounds, goroutines)
	fmt.Fprintf(w, "between the check and the act: %s\n", between)
	for _, k := range wallets {
		r := stressWallet(k, cfg.rounds, goroutines, pause)
		fmt.Fprintf(w, "%-18s overdrawn in %d of %d rounds", k.name+":", r.overdrawn, r.rounds)
		if r.overdrawn > 0 {
			fmt.Fprintf(w, " (lowest balance %d)", r.lowest)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "every access is under a lock: no data race, so -race stays silent (go run -race ./04-race -only 3)")
}

func showVisibility(ctx context.Context, w io.Writer, root string, cfg config) error {
	fmt.Fprintln(w, "./04-race/spin: a goroutine spins until main sets a plain bool")
	if cfg.children {
		res, err := runChild(ctx, "./04-race/spin", false)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "built without -race: %s", orExit(res.Stdout, res))
		res, err = runChild(ctx, "./04-race/spin", true)
		if err != nil {
			return err
		}
		showReports(w, "built with -race", res, root)
	} else {
		skipped(w, "go run ./04-race/spin")
	}
	for _, f := range stopFixes {
		f.run()
		fmt.Fprintf(w, "fixed with %s: the spinner stopped\n", f.name)
	}
	return nil
}

func showFixes(w io.Writer, cfg config) {
	want := cfg.goroutines * cfg.per
	fmt.Fprintf(w, "%d goroutines, %d increments each, want %d\n", cfg.goroutines, cfg.per, want)
	for _, s := range strategies {
		got := s.count(cfg.goroutines, cfg.per)
		fmt.Fprintf(w, "%-9s %d  %s\n", s.name, got, s.how)
	}
}

// showReports prints a race-detector run: its exit status and the two
// accesses of its first report.
func showReports(w io.Writer, what string, res harness.Result, root string) {
	reports := parseRaces(res.Stderr, root)
	fmt.Fprintf(w, "%s: exit status %d, %d race report(s)", what, res.ExitCode, len(reports))
	if len(reports) == 0 {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintln(w, "; the first:")
	for _, a := range reports[0].accesses {
		if a.previous {
			fmt.Fprintf(w, "  and earlier %-5s at %s\n", a.op, a.where)
		} else {
			fmt.Fprintf(w, "  %-5s at %s\n", a.op, a.where)
		}
	}
}

// orExit is what a child printed when it ran to the end, or why it did not.
func orExit(out string, r harness.Result) string {
	switch {
	case r.TimedOut:
		return fmt.Sprintf("killed after %s: %q\n", r.Elapsed.Round(1e6), out)
	case r.ExitCode != 0:
		return fmt.Sprintf("exit status %d: %s", r.ExitCode, out)
	}
	return out
}
