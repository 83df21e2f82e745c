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
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/gocourse/concurrency/internal/harness"
)

func main() {
	cfg, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "04-race:", err)
		os.Exit(2)
	}
	err = run(context.Background(), os.Stdout, cfg)
	if cerr := harness.Cleanup(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "04-race:", err)
		os.Exit(1)
	}
}

// run tells the story, one section after another.
func run(ctx context.Context, w io.Writer, cfg config) error {
	root, err := harness.ModuleRoot()
	if err != nil {
		return err
	}
	for i, s := range cfg.only {
		if i > 0 {
			fmt.Fprintln(w)
		}
		var err error
		switch s {
		case "racy":
			err = showRacy(ctx, w, root, cfg)
		case "mapwrites":
			err = showMapWrites(ctx, w, root)
		case "check-then-act":
			showCheckThenAct(w, cfg)
		case "visibility":
			err = showVisibility(ctx, w, root)
		case "fixes":
			showFixes(w, cfg)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func showRacy(ctx context.Context, w io.Writer, root string, cfg config) error {
	const runs = 5
	fmt.Fprintf(w, "racy: count++ from %d goroutines, %d times each (./04-race/racy)\n", cfg.goroutines, cfg.per)
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
	fmt.Fprintf(w, "  built without -race, %d runs: %s of %d updates lost\n", runs, strings.Join(lost, ", "), cfg.goroutines*cfg.per)

	// The detector needs no lucky overlap, only two accesses that nothing
	// orders, so a small run is enough.
	res, err := runChild(ctx, "./04-race/racy", true, "-goroutines", "2", "-n", "1000")
	if err != nil {
		return err
	}
	reports := parseRaces(res.Stderr, root)
	fmt.Fprintf(w, "  built with -race (2 x 1000): exit status %d, %d race report(s)\n", res.ExitCode, len(reports))
	for _, r := range reports[:min(1, len(reports))] {
		fmt.Fprintf(w, "  first report: %s\n", describe(r))
	}
	return nil
}

func showMapWrites(ctx context.Context, w io.Writer, root string) error {
	fmt.Fprintln(w, "mapwrites: 4 goroutines write one map (./04-race/mapwrites, no -race)")
	res, err := runChild(ctx, "./04-race/mapwrites", false)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  exit status %d: %s\n", res.ExitCode, firstLine(res.Stderr+res.Stdout))
	if at := firstFrameIn(res.Stderr, root, "04-race/mapwrites"); at != "" {
		fmt.Fprintf(w, "  at %s\n", at)
	}
	return nil
}

func showCheckThenAct(w io.Writer, cfg config) {
	const goroutines = 4
	fmt.Fprintf(w, "check-then-act: %d rounds, %d goroutines each try to withdraw 100 from 100\n", cfg.rounds, goroutines)
	for _, k := range wallets {
		r := stressWallet(k, cfg.rounds, goroutines, runtime.Gosched)
		fmt.Fprintf(w, "  %-17s overdrawn in %d of %d rounds", k.name+":", r.overdrawn, r.rounds)
		if r.overdrawn > 0 {
			fmt.Fprintf(w, " (lowest balance %d)", r.lowest)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "  every access is locked, so there is no data race: -race has nothing to say")
}

func showVisibility(ctx context.Context, w io.Writer, root string) error {
	fmt.Fprintln(w, "visibility: stop a spinning goroutine with a plain bool (./04-race/spin)")
	plain, err := runChild(ctx, "./04-race/spin", false)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  built without -race: %s", orExit(plain.Stdout, plain))
	raced, err := runChild(ctx, "./04-race/spin", true)
	if err != nil {
		return err
	}
	reports := parseRaces(raced.Stderr, root)
	fmt.Fprintf(w, "  built with -race:    exit status %d, %d race report(s)\n", raced.ExitCode, len(reports))
	for _, r := range reports[:min(1, len(reports))] {
		fmt.Fprintf(w, "  first report:        %s\n", describe(r))
	}
	for _, f := range stopFixes {
		f.run()
		fmt.Fprintf(w, "  fixed with %s: the spinner stopped\n", f.name)
	}
	return nil
}

func showFixes(w io.Writer, cfg config) {
	want := cfg.goroutines * cfg.per
	fmt.Fprintf(w, "fixes: the same count, %d goroutines x %d, want %d\n", cfg.goroutines, cfg.per, want)
	for _, s := range strategies {
		got := s.count(cfg.goroutines, cfg.per)
		fmt.Fprintf(w, "  %-9s %d  %s\n", s.name, got, s.how)
	}
}

// describe says which two accesses a race report names.
func describe(r raceReport) string {
	var parts []string
	for _, a := range r.accesses {
		p := a.op + " at " + a.where
		if a.previous {
			p = "earlier " + p
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " vs ")
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
