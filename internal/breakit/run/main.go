// Command run runs the "Break it" experiments of every chapter (make
// breakit): each NN-topic/testdata/breakit/NAME.patch is applied to a
// temporary copy of the module and its command is run and checked against
// what the page says. See package breakit for the file format.
//
//	go run ./internal/breakit/run                  # all of them
//	go run ./internal/breakit/run -run '^04-race/'  # some of them
//	go run ./internal/breakit/run -list             # names and commands only
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"syscall"
	"time"

	"github.com/gocourse/concurrency/internal/breakit"
	"github.com/gocourse/concurrency/internal/harness"
)

func main() {
	fs := flag.NewFlagSet("breakit", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: go run ./internal/breakit/run [-run REGEX] [-j N] [-v] [-list]")
		fs.PrintDefaults()
	}
	runRE := fs.String("run", "", "run only the experiments whose `NN-topic/NAME` matches this regexp")
	par := fs.Int("j", 2, "experiments at once")
	verbose := fs.Bool("v", false, "print every experiment's output")
	list := fs.Bool("list", false, "list the experiments and their commands; run nothing")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "breakit: unexpected argument %q\n", fs.Arg(0))
		os.Exit(2)
	}
	if *par < 1 {
		fmt.Fprintf(os.Stderr, "breakit: -j must be ≥ 1, got %d\n", *par)
		os.Exit(2)
	}
	var filter *regexp.Regexp
	if *runRE != "" {
		var err error
		if filter, err = regexp.Compile(*runRE); err != nil {
			fmt.Fprintf(os.Stderr, "breakit: -run: %v\n", err)
			os.Exit(2)
		}
	}
	os.Exit(run(filter, *par, *verbose, *list))
}

func run(filter *regexp.Regexp, par int, verbose, list bool) int {
	root, err := harness.ModuleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "breakit:", err)
		return 1
	}
	all, err := breakit.Find(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "breakit:", err)
		return 1
	}
	var exps []*breakit.Experiment
	for _, e := range all {
		if filter == nil || filter.MatchString(e.ID()) {
			exps = append(exps, e)
		}
	}
	if len(exps) == 0 {
		fmt.Fprintln(os.Stderr, "breakit: no experiments match")
		return 1
	}
	if list {
		for _, e := range exps {
			fmt.Printf("%-40s %s\n", e.ID(), e.Run)
		}
		return 0
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	r := &breakit.Runner{Root: root, Parallel: par, Report: func(res *breakit.Result) {
		status := "ok  "
		if !res.OK() {
			status = "DIFF"
		}
		fmt.Printf("%s %-40s %5.1fs  %s\n", status, res.Exp.ID(), res.Elapsed.Seconds(), res.Exp.Title)
		if verbose {
			fmt.Println(res.Output)
		}
	}}
	results, err := r.Run(ctx, exps)
	if err != nil {
		fmt.Fprintln(os.Stderr, "breakit:", err)
		return 1
	}
	var bad []*breakit.Result
	for _, res := range results {
		if !res.OK() {
			bad = append(bad, res)
		}
	}
	took := time.Since(start).Round(time.Second)
	if len(bad) == 0 {
		fmt.Printf("%d experiments, all as the pages say (%s)\n", len(results), took)
		return 0
	}
	fmt.Printf("\n%d of %d experiments differ from their pages (%s):\n", len(bad), len(results), took)
	for _, res := range bad {
		fmt.Printf("\n--- %s (%s)\n    %s\n    run: %s\n", res.Exp.ID(), res.Exp.Path, res.Exp.Title, res.Exp.Run)
		if res.Err != nil {
			fmt.Printf("    error: %v\n", res.Err)
			continue
		}
		for _, d := range res.Diffs {
			fmt.Printf("    %s\n", d)
		}
		fmt.Printf("    exit status %d after %.1fs; the output's last lines:\n%s\n", res.ExitCode, res.Elapsed.Seconds(), breakit.Tail(res.Output, 30))
	}
	return 1
}
