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
