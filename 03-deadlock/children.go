package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// A broken program deadlocks on purpose in its own main package, so a
// learner can run it alone and the lesson can run it as a child process.
type broken struct {
	name  string // the directory under 03-deadlock
	shape string // what goes wrong, in a few words
}

// Pkg is the package path relative to the module root.
func (b broken) Pkg() string { return "./03-deadlock/" + b.name }

var (
	abbaProgram = broken{"abba", "two transfers lock two accounts in opposite order"}
	otherShapes = []broken{
		{"unbuffered", "a send on an unbuffered channel with no receiver"},
		{"waitgroup", "a WaitGroup waiting for work that was never started"},
		{"nestedpool", "tasks in a full pool waiting for subtasks queued behind them"},
	}
	watchdogProgram = broken{"watchdog", "a partial ABBA deadlock while the rest of the program runs"}
)

// The runtime's verdict on a global deadlock, as Go 1.26 prints it.
const runtimeDeadlock = "fatal error: all goroutines are asleep - deadlock!"

// A crash is what a child's goroutine dump says: the fatal line, if any, and
// how many goroutines were parked in each wait state.
type crash struct {
	fatal  string
	states map[string]int
}

var goroutineHeader = regexp.MustCompile(`(?m)^goroutine \d+ \[([^\]]+)\]:$`)

// parseCrash reads the runtime's "fatal error" line and the wait state of
// every goroutine ("goroutine 7 [sync.Mutex.Lock]:") from a child's output.
// A state's extra details after a comma (how long it has waited, the
// synctest bubble) are dropped.
func parseCrash(out string) crash {
	c := crash{states: map[string]int{}}
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(line, "fatal error: ") && c.fatal == "" {
			c.fatal = line
		}
	}
	for _, m := range goroutineHeader.FindAllStringSubmatch(out, -1) {
		state, _, _ := strings.Cut(m[1], ",")
		c.states[state]++
	}
	return c
}

// String lists the states in a stable order: "1 in [chan send], 2 in [...]".
func (c crash) String() string {
	var parts []string
	for _, s := range slices.Sorted(maps.Keys(c.states)) {
		parts = append(parts, fmt.Sprintf("%d in [%s]", c.states[s], s))
	}
	return strings.Join(parts, ", ")
}

// runBroken builds p without -race (a -race binary links cgo, and the
// runtime skips its deadlock check in cgo binaries; see selectforever) and
// runs it with a timeout.
func runBroken(ctx context.Context, p broken, timeout time.Duration, args ...string) (harness.Result, crash, error) {
	res, err := harness.Run(ctx, p.Pkg(), harness.Options{Race: false, Timeout: timeout, Args: args})
	if err == nil {
		err = ctx.Err() // Ctrl-C killed the child: nothing to report
	}
	if err != nil {
		return res, crash{}, err
	}
	return res, parseCrash(res.Stderr), nil
}

// goTest runs one test of pkg in a child "go test" and returns its combined
// output and exit status. timeout, if not empty, is passed as -timeout.
func goTest(ctx context.Context, pkg, test, timeout string) (string, int, error) {
	root, err := harness.ModuleRoot()
	if err != nil {
		return "", 0, err
	}
	args := []string{"test", "-count=1", "-run", "^" + test + "$"}
	if timeout != "" {
		args = append(args, "-timeout", timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := harness.Command(ctx, "go", append(args, pkg)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err := ctx.Err(); err != nil {
		return string(out), 0, err
	}
	if cmd.ProcessState == nil {
		return string(out), 0, fmt.Errorf("go test %s: %w", pkg, err)
	}
	return string(out), cmd.ProcessState.ExitCode(), nil
}

// buildLeakProfile builds ./03-deadlock/leakprofile into dir with the Go
// 1.26 experiment that adds the goroutine leak profile, and returns the
// binary's path. The harness cannot do this (it builds with the parent's
// environment), so it is a plain go build with GOEXPERIMENT set.
func buildLeakProfile(ctx context.Context, dir string) (string, error) {
	root, err := harness.ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "leakprofile")
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := harness.Command(ctx, "go", "build", "-o", bin, "./03-deadlock/leakprofile")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=goroutineleakprofile")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("GOEXPERIMENT=goroutineleakprofile go build: %v\n%s", err, out)
	}
	return bin, nil
}
