// Command 03-deadlock is the lesson on deadlocks: make one, see it, detect
// it, prevent it.
//
// The seed tutorial defines a deadlock as two parties each waiting for a
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
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
	"github.com/gocourse/concurrency/internal/timeline"
)

func main() {
	c, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "03-deadlock:", err)
		os.Exit(2)
	}
	err = run(c, os.Stdout)
	if cerr := harness.Cleanup(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "03-deadlock:", err)
		os.Exit(1)
	}
}

// run tells the lesson, section by section.
func run(c config, w io.Writer) error {
	ctx := context.Background()
	if c.children {
		prebuild(ctx, c)
	}
	if c.wants(1) {
		section(w, "1. Make it: ABBA")
		if err := showABBA(ctx, w, c); err != nil {
			return err
		}
	}
	if c.wants(2) {
		section(w, "2. Other shapes of being stuck")
		if err := showShapes(ctx, w, c); err != nil {
			return err
		}
	}
	if c.wants(3) {
		section(w, "3. See it: what notices a deadlock")
		if err := showDetectors(ctx, w, c); err != nil {
			return err
		}
	}
	if c.wants(4) {
		section(w, "4. Prevent it: break one of the four conditions")
		showPrevention(w, c)
	}
	return nil
}

func section(w io.Writer, title string) { fmt.Fprintf(w, "\n== %s ==\n", title) }

// prebuild compiles the children in parallel so that the sections that run
// them do not wait for one build after another.
func prebuild(ctx context.Context, c config) {
	var progs []broken
	if c.wants(1) {
		progs = append(progs, abbaProgram)
	}
	if c.wants(2) {
		progs = append(progs, otherShapes...)
	}
	if c.wants(3) {
		progs = append(progs, watchdogProgram)
	}
	var wg sync.WaitGroup
	for _, p := range progs {
		wg.Go(func() { _, _ = harness.Build(ctx, p.Pkg(), false) })
	}
	wg.Wait()
}

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

func showPrevention(w io.Writer, c config) {
	// Circular wait: one global order.
	accounts := []*Account{NewAccount(1, 100), NewAccount(2, 100)}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range c.rounds {
				_ = TransferOrdered(accounts[g%2], accounts[(g+1)%2], int64(k%3))
			}
		})
	}
	wg.Wait()
	fmt.Fprintf(w, "lock order by ID (circular wait): 4 goroutines x %d transfers, half 1->2, half 2->1: done, total %d\n",
		c.rounds, Total(accounts))

	// Hold and wait: TryLock, let go, back off with jitter.
	accounts = []*Account{NewAccount(1, 100), NewAccount(2, 100)}
	var retries [4]int
	for g := range 4 {
		wg.Go(func() {
			p := Politeness{Backoff: time.Microsecond, Jitter: UniformJitter(uint64(g), 20*time.Microsecond), MaxAttempts: 1_000_000}
			for k := range c.rounds {
				n, _ := TransferPolite(accounts[g%2], accounts[(g+1)%2], int64(k%3), p)
				retries[g] += n - 1
			}
		})
	}
	wg.Wait()
	fmt.Fprintf(w, "TryLock, back off with jitter (hold and wait): 4 goroutines x %d transfers: done, total %d, %d retries\n",
		c.rounds, Total(accounts), retries[0]+retries[1]+retries[2]+retries[3])

	// The price of politeness: no jitter, a livelock.
	lockstep := Politeness{Hold: time.Millisecond, Backoff: time.Millisecond, MaxAttempts: 20}
	for _, jitter := range []bool{false, true} {
		var j [2]func() time.Duration
		label := "no jitter  "
		if jitter {
			j = [2]func() time.Duration{UniformJitter(1, 4*time.Millisecond), UniformJitter(2, 4*time.Millisecond)}
			label = "with jitter"
		}
		r := Livelock(NewAccount(1, 100), NewAccount(2, 100), lockstep, j)
		fmt.Fprintf(w, "polite pair, %s: 1->2 %s, 2->1 %s\n", label, outcome(r, 0), outcome(r, 1))
	}

	// No preemption: a wait that can give up.
	for _, kind := range []struct {
		name string
		lock func() CtxLocker
	}{{"channel lock", func() CtxLocker { return NewChanMutex() }}, {"x/sync/semaphore", func() CtxLocker { return NewSemMutex() }}} {
		a, b := NewVault(1, 100, kind.lock()), NewVault(2, 100, kind.lock())
		errs, _ := abbaWithTimeouts(a, b, 50*time.Millisecond, time.Second)
		fmt.Fprintf(w, "ABBA with timeouts, %s: 1->2 (50ms): %s; 2->1 (1s): %s\n", kind.name, errOrDone(errs[0]), errOrDone(errs[1]))
	}

	// Dining philosophers: both cures, and who ate when.
	for _, s := range []Strategy{Hierarchy, Waiter} {
		var rec timeline.Recorder
		t := Table{N: c.philosophers, Meals: c.meals, Eat: 10 * time.Millisecond, Think: time.Millisecond, Strategy: s}
		meals := Dine(t, &rec)
		fmt.Fprintf(w, "dining philosophers, %s: meals eaten %v\n", s, meals)
		lanes := make([]string, c.philosophers)
		for i := range lanes {
			lanes[i] = Lane(i)
		}
		_ = timeline.Render(w, rec.Spans(), timeline.Options{Width: c.width, Lanes: lanes})
	}
}

func outcome(r LivelockResult, i int) string {
	if r.Errs[i] != nil {
		return fmt.Sprintf("gave up after %d attempts", r.Attempts[i])
	}
	return fmt.Sprintf("done in %d attempts", r.Attempts[i])
}

func errOrDone(err error) string {
	if err != nil {
		return err.Error()
	}
	return "done"
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
