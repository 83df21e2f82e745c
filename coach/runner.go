package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// An Outcome is what running an exercise's test said.
type Outcome struct {
	Passed bool
	Output string // go test's output
}

// testTimeout bounds one run of an exercise's test: an exercise about
// deadlock must not hang the coach.
const testTimeout = 2 * time.Minute

// runTests runs the tests in dir (inside the module at root) with the race
// detector and the coach build tag. It returns an error only when go test
// could not be run at all.
func runTests(ctx context.Context, root, dir string) (Outcome, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return Outcome{}, errors.New("the go command is not on your PATH; install Go 1.26 (https://go.dev/dl) and try again")
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return Outcome{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, "test", "-race", "-tags", "coach", "-count=1", "-timeout", "60s", "./"+filepath.ToSlash(rel))
	cmd.Dir = root
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	text := strings.ReplaceAll(string(out), root+string(filepath.Separator), "")
	if ctx.Err() != nil {
		return Outcome{Output: text + fmt.Sprintf("\n(the coach stopped the test after %s)\n", testTimeout)}, nil
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return Outcome{}, fmt.Errorf("go test: %v", err)
	}
	return Outcome{Passed: err == nil, Output: text}, nil
}

// explanations turn what a failing test printed into plain words, most
// specific first.
var explanations = []struct{ marker, words string }{
	{"[build failed]", "It does not compile yet. The compiler says:"},
	{"[setup failed]", "It does not compile yet. The compiler says:"},
	{"WARNING: DATA RACE", "The race detector saw two goroutines touch the same memory, at least one writing, with nothing ordering them."},
	{"fatal error: all goroutines are asleep - deadlock!", "Deadlock: every goroutine is blocked waiting for another."},
	{"deadlock: all goroutines in bubble are blocked", "Deadlock inside the synctest bubble: every goroutine in it is blocked."},
	{"found unexpected goroutines", "Goroutines are still running after the tests finished: something was started and never stopped (a leak)."},
	{"panic: test timed out", "The test hung until its timeout: something waits for an event that never comes."},
	{"the coach stopped the test", "The test hung until its timeout: something waits for an event that never comes."},
	{"panic:", "The code panicked."},
	{"--- FAIL", "A test's check failed."},
}

// Explain says in one line what is still wrong, or "" when nothing is.
func Explain(o Outcome) string {
	if o.Passed {
		return ""
	}
	for _, e := range explanations {
		if strings.Contains(o.Output, e.marker) {
			return e.words
		}
	}
	return "The test failed."
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
