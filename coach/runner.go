package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/gocourse/concurrency/internal/harness"
)

// An Outcome is what checking an exercise said.
type Outcome struct {
	Passed bool
	Output string // go test's output
	Vet    string // go vet's findings, when it had any
	// Stopped is set when the check was stopped before it finished (Ctrl-C,
	// or a file changed under it): there is no verdict, and nothing is
	// recorded.
	Stopped bool
	// Untagged is set when a file lost its //go:build coach line: the
	// coach does not run it, since it would break go vet ./....
	Untagged bool
}

const (
	// runs is how many times a check runs an exercise's tests (go test
	// -count): an answer right only in some interleavings must not pass by
	// luck, so the solution opens only after a clean repeated pass.
	runs = 3
	// finishWithin bounds one run of an exercise's tests, all repeats
	// included (go test -timeout): an infinite loop is reported within
	// about this long. A correct answer takes a second or two.
	finishWithin = 20 * time.Second
	// buildWithin bounds the whole go command, building included: the first
	// check builds the race runtime, which can take a minute.
	buildWithin = 3 * time.Minute
)

// A check says what to run: the package in Dir (inside the module at
// Root), with the shipped test files of Ex laid over whatever test files
// Dir holds, and Replace laid over the rest (file in Dir → file to read
// instead).
type check struct {
	Root    string
	Ex      Exercise
	Dir     string
	Replace map[string]string
	Count   int      // go test -count; runs when 0
	Env     []string // more environment for go test, NAME=value
}

// runTests checks the learner's copy in dir: go vet, then go test -race.
func runTests(ctx context.Context, root string, ex Exercise, dir string) (Outcome, error) {
	return runCheck(ctx, check{Root: root, Ex: ex, Dir: dir})
}

// runCheck runs go vet and go test -race on a check's package. It never
// trusts the test files in Dir: the shipped ones are laid over them with an
// overlay (go help build, -overlay), so a deleted or emptied test cannot
// pass, and nothing is written into the module. It returns an error only
// when the go command could not be run at all.
func runCheck(ctx context.Context, c check) (Outcome, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return Outcome{}, errors.New("the go command is not on your PATH; install Go 1.26 (https://go.dev/dl) and try again")
	}
	rel, err := filepath.Rel(c.Root, c.Dir)
	if err != nil {
		return Outcome{}, err
	}
	pkg := "./" + filepath.ToSlash(rel)
	overlay, err := writeOverlay(c)
	if err != nil {
		return Outcome{}, err
	}
	defer os.Remove(overlay)
	count := c.Count
	if count == 0 {
		count = runs
	}

	ctx, cancel := context.WithTimeout(ctx, buildWithin)
	defer cancel()
	// vet and test side by side: vet is quick, and its build is not the
	// race build that test waits for.
	var vetOut string
	var vetErr error
	vetDone := make(chan struct{})
	go func() {
		defer close(vetDone)
		vetOut, vetErr = goCmd(ctx, goBin, c.Root, nil, "vet", "-tags", "coach", "-overlay", overlay, pkg)
	}()
	out, testErr := goCmd(ctx, goBin, c.Root, c.Env, "test", "-race", "-tags", "coach", "-overlay", overlay,
		fmt.Sprintf("-count=%d", count), "-failfast", "-timeout", finishWithin.String(), pkg)
	<-vetDone
	switch ctx.Err() {
	case nil:
	case context.DeadlineExceeded:
		return Outcome{Output: out + fmt.Sprintf("\n(the coach stopped go test after %s)\n", buildWithin)}, nil
	default:
		return Outcome{Stopped: true}, nil
	}
	for _, err := range []error{vetErr, testErr} {
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			return Outcome{}, fmt.Errorf("go: %v", err)
		}
	}
	o := Outcome{Output: out}
	if vetErr != nil && !strings.Contains(out, "[build failed]") && !strings.Contains(out, "[setup failed]") {
		o.Vet = vetFindings(vetOut)
	}
	// Pass means: exit 0, the package's own ok line, tests that ran, and
	// nothing from vet.
	o.Passed = testErr == nil && okLine.MatchString(out) && !strings.Contains(out, "[no test files]") &&
		!strings.Contains(out, "no tests to run") && o.Vet == ""
	return o, nil
}

var okLine = regexp.MustCompile(`(?m)^ok\s`)

// goCmd runs the go command in root with the environment a check wants and
// returns its combined output, with root's path taken off file names.
func goCmd(ctx context.Context, goBin, root string, env []string, args ...string) (string, error) {
	cmd := harness.Command(ctx, goBin, args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"), "GOFLAGS=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return strings.ReplaceAll(string(out), root+string(filepath.Separator), ""), err
}

// writeOverlay writes the overlay file for c into the temporary directory.
func writeOverlay(c check) (string, error) {
	replace := map[string]string{}
	if c.Dir != c.Ex.Dir {
		mine, err := filepath.Glob(filepath.Join(c.Dir, "*_test.go"))
		if err != nil {
			return "", err
		}
		for _, f := range mine {
			replace[f] = "" // deleted: only the shipped tests count
		}
		shipped, err := filepath.Glob(filepath.Join(c.Ex.Dir, "*_test.go"))
		if err != nil {
			return "", err
		}
		for _, f := range shipped {
			replace[filepath.Join(c.Dir, filepath.Base(f))] = f
		}
	}
	for k, v := range c.Replace {
		replace[k] = v
	}
	data, err := json.Marshal(struct{ Replace map[string]string }{replace})
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp("", "coach-overlay-*.json")
	if err != nil {
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), f.Close()
}

// vetFindings keeps go vet's own lines, without the package header.
func vetFindings(out string) string {
	var b strings.Builder
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// explanations turn what a failing test printed into plain words, most
// specific first.
var explanations = []struct{ marker, words string }{
	{"[build failed]", "It does not compile yet. The compiler says:"},
	{"[setup failed]", "It does not compile yet. The compiler says:"},
	{"[no test files]", "There is no test to run: the coach runs the shipped test, so this means no package was found. Run: go run ./coach reset NAME"},
	{"WARNING: DATA RACE", "The race detector saw two goroutines touch the same memory, at least one writing, with nothing ordering them."},
	{"fatal error: all goroutines are asleep - deadlock!", "Deadlock: every goroutine is blocked waiting for another."},
	{"deadlock: all goroutines in bubble are blocked", "Deadlock inside the synctest bubble: every goroutine in it is blocked, and no timer is left to wake one."},
	{"found unexpected goroutines", "Goroutines are still running after the tests finished: something was started and never stopped (a leak)."},
	{"panic: test timed out", "Your code did not finish: the tests were stopped after " + finishWithin.String() + ". Look for a loop that never ends, or a wait for something that never happens."},
	{"the coach stopped go test", "Your code did not finish: the coach stopped it. Look for a loop that never ends."},
	{"panic:", "The code panicked."},
	{"--- FAIL", "A test's check failed."},
}

// Explain says in one line what is still wrong, or "" when nothing is.
func Explain(o Outcome) string {
	if o.Passed {
		return ""
	}
	if o.Untagged {
		return "A file in your copy has lost its first line, //go:build coach. Put it back: it keeps unsolved work out of go build, go vet and make test."
	}
	for _, e := range explanations {
		if strings.Contains(o.Output, e.marker) {
			return e.words
		}
	}
	if o.Vet != "" && okLine.MatchString(o.Output) {
		return "The tests pass, but go vet found a likely mistake. " + ExplainVet(o.Vet)
	}
	return "The test failed."
}

// vetWords explain go vet's findings that a concurrency exercise can meet.
var vetWords = []struct{ marker, words string }{
	{"lostcancel", "A cancel function from context.WithCancel, WithTimeout or WithDeadline is not called on every path: call it (defer cancel() right away), or the context and its timer live on until the deadline."},
	{"possible context leak", "A cancel function from context.WithCancel, WithTimeout or WithDeadline is not called on every path: call it (defer cancel() right away), or the context and its timer live on until the deadline."},
	{"cancel function", "A cancel function from context.WithCancel, WithTimeout or WithDeadline is dropped: call it (defer cancel() right away), or the context and its timer live on until the deadline."},
	{"lock by value", "A value holding a sync.Mutex (or another lock) is copied: each copy is a separate lock that excludes nobody. Pass and keep a pointer."},
	{"copies lock", "A value holding a sync.Mutex (or another lock) is copied: each copy is a separate lock that excludes nobody. Pass and keep a pointer."},
	{"WaitGroup.Add called from inside new goroutine", "wg.Add runs inside the goroutine it counts, so Wait may return before it runs: call Add before the go statement, or use wg.Go."},
	{"non-test goroutine", "t.Fatal (or FailNow) is called from a goroutine the test did not start itself: use t.Error there."},
}

// ExplainVet says in plain words what go vet found.
func ExplainVet(findings string) string {
	for _, w := range vetWords {
		if strings.Contains(findings, w.marker) {
			return w.words
		}
	}
	return "go vet, Go's own checker of likely mistakes, says what it found below."
}

// compilerLines picks the compiler's messages out of go test's output.
func compilerLines(output string) string {
	var b strings.Builder
	for line := range strings.Lines(output) {
		if strings.Contains(line, ".go:") && !strings.HasPrefix(strings.TrimSpace(line), "---") {
			b.WriteString(line)
		}
	}
	return b.String()
}
