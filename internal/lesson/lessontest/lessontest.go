// Package lessontest has the checks every chapter's main_test.go makes of its
// lesson: run it in-process, and find what it printed in the right order.
package lessontest

import (
	"strings"
	"testing"

	"github.com/gocourse/concurrency/internal/lesson"
)

// Run runs l with args, as `go run ./NAME args...` would, and returns what
// it printed on stdout and stderr and its exit status.
func Run(t testing.TB, l *lesson.Lesson, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errs strings.Builder
	code = l.Run(t.Context(), args, &out, &errs)
	return out.String(), errs.String(), code
}

// InOrder checks that out contains each of wants, each one after the one
// before, and reports every one that is missing or out of order.
func InOrder(t testing.TB, out string, wants ...string) {
	t.Helper()
	last, lastWant := -1, ""
	for _, want := range wants {
		i := strings.Index(out, want)
		switch {
		case i < 0:
			t.Errorf("missing %q", want)
		case i <= last:
			t.Errorf("%q comes before %q", want, lastWant)
		default:
			last, lastWant = i, want
		}
	}
	if t.Failed() {
		t.Logf("the output was:\n%s", out)
	}
}

// A Bad is a command line a lesson must refuse, and the one line it must
// print on stderr for it.
type Bad struct {
	Args   string // split at spaces, such as "-workers 0"
	Stderr string // such as "01-threads: -workers must be between 1 and 1024, got 0\n"
}

// Refuses checks that l refuses every bad command line the same way: exit
// status 2, the one expected line on stderr, nothing on stdout.
func Refuses(t *testing.T, l *lesson.Lesson, bad ...Bad) {
	t.Helper()
	for _, b := range bad {
		t.Run(b.Args, func(t *testing.T) {
			out, errs, code := Run(t, l, strings.Fields(b.Args)...)
			if code != 2 || errs != b.Stderr || out != "" {
				t.Errorf("go run ./%s %s: exit status %d, stderr %q, stdout %q; want 2, %q, nothing",
					l.Name, b.Args, code, errs, out, b.Stderr)
			}
		})
	}
}
