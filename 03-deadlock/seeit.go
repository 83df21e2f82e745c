package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// Section 3: what notices a deadlock. The runtime sees only a global one; a
// watchdog sees a partial one; synctest and the goroutine leak profile need
// a test binary or a special build, so they run only with -detectors.

func showDetectors(ctx context.Context, w io.Writer, c config) error {
	if !c.children {
		fmt.Fprintln(w, "(skipped: -children=false)")
		return nil
	}
	fmt.Fprintln(w, "The runtime only sees a global deadlock: every goroutine asleep. Sections 1 and 2")
	fmt.Fprintln(w, "were all global. Now two workers deadlock while a third keeps working:")
	fmt.Fprintf(w, "%s -stall=0 (no watchdog):\n", watchdogProgram.Pkg())
	res, cr, err := runBroken(ctx, watchdogProgram, time.Second, "-stall=0")
	if err != nil {
		return err
	}
	describe(w, res, crash{fatal: cr.fatal})
	fmt.Fprintf(w, "%s (watchdog: report workers with no progress for 500ms):\n", watchdogProgram.Pkg())
	res, cr, err = runBroken(ctx, watchdogProgram, 20*time.Second)
	if err != nil {
		return err
	}
	for line := range strings.Lines(res.Stdout) {
		fmt.Fprint(w, "  "+line)
	}
	fmt.Fprintf(w, "  exit status %d; the dump shows %d goroutines in [sync.Mutex.Lock]\n", res.ExitCode, cr.states["sync.Mutex.Lock"])

	if !c.detectors {
		fmt.Fprintln(w, "Two more detectors need a test binary or a special build; run them with -detectors, or:")
		fmt.Fprintln(w, "  go test -run TestChannelDeadlock ./03-deadlock/testdata/synctestdl")
		fmt.Fprintln(w, "  GOEXPERIMENT=goroutineleakprofile go run ./03-deadlock/leakprofile")
		return nil
	}
	return showSlowDetectors(ctx, w)
}

// showSlowDetectors runs testing/synctest in a child go test, and the leak
// profile in a child built with GOEXPERIMENT=goroutineleakprofile.
func showSlowDetectors(ctx context.Context, w io.Writer) error {
	const pkg = "./03-deadlock/testdata/synctestdl"
	for _, t := range []struct{ test, timeout string }{
		{"TestChannelDeadlock", ""},
		{"TestMutexABBA", "1s"},
	} {
		out, code, err := goTest(ctx, pkg, t.test, t.timeout)
		if err != nil {
			return err
		}
		verdict := "no verdict"
		for line := range strings.SplitSeq(out, "\n") {
			if strings.HasPrefix(line, "panic: ") {
				verdict, _, _ = strings.Cut(line, " [recovered")
				break
			}
		}
		fmt.Fprintf(w, "synctest %s: go test exit status %d: %s\n", t.test, code, verdict)
	}
	fmt.Fprintln(w, "  (a goroutine in Mutex.Lock is not durably blocked: synctest waits, and -timeout ends it)")
	dir, err := os.MkdirTemp("", "03-deadlock-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := buildLeakProfile(ctx, dir)
	if err != nil {
		return err
	}
	res, err := harness.Exec(ctx, bin, harness.Options{Timeout: 20 * time.Second})
	if err != nil {
		return err
	}
	fmt.Fprint(w, res.Stdout)
	return nil
}
