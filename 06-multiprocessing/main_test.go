//go:build unix

package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"
	"github.com/gocourse/concurrency/internal/lesson/lessontest"
)

// TestMain lets the test binary be its own helper: a child that a test starts
// runs this same binary with roleEnv set, and dispatchRole plays the role and
// exits before any test runs (os/exec's tests work the same way).
//
// The parent sets GODEBUG=execwait=2: every exec.Cmd then gets a finalizer
// that panics, with the stack that created it, if the Cmd started a process
// and was collected without Wait. Two GCs at the end give the finalizers a
// chance to run. The check that cannot miss is our own: live counts children
// started and not yet reaped, and must be zero.
func TestMain(m *testing.M) {
	dispatchRole()
	godebug := os.Getenv("GODEBUG")
	if godebug != "" {
		godebug += ","
	}
	os.Setenv("GODEBUG", godebug+"execwait=2")
	// Under -race every child is a race-enabled binary too, and by default
	// the race runtime sleeps a second at exit (atexit_sleep_ms=1000) so that
	// racing goroutines can report. Children here report through their exit
	// status and pipes, so they need not wait.
	os.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	goleak.VerifyTestMain(checkedM{harness.WithCleanup(m)})
}

type checkedM struct{ m harness.TestingM }

func (c checkedM) Run() int {
	code := c.m.Run()
	runtime.GC()
	runtime.GC()
	if n := live.Load(); n != 0 {
		fmt.Fprintf(os.Stderr, "%d child processes were started and never waited for\n", n)
		code = 1
	}
	// Like os/exec's helper commands: after a full run, every role must have
	// been used by some test, so dead roles do not pile up.
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" {
		var unused []string
		for _, name := range unusedRoles() {
			// Benchmarks' roles are used only when benchmarks run.
			if !strings.HasPrefix(name, "bench-") || flag.Lookup("test.bench").Value.String() != "" {
				unused = append(unused, name)
			}
		}
		if len(unused) > 0 {
			fmt.Fprintf(os.Stderr, "roles no test starts: %v\n", unused)
			code = 1
		}
	}
	return code
}

func TestFlags(t *testing.T) {
	lessontest.Refuses(t, chapter,
		lessontest.Bad{Args: "-n 0", Stderr: "06-multiprocessing: -n must be between 1 and 1000, got 0\n"},
		lessontest.Bad{Args: "-n x", Stderr: "06-multiprocessing: invalid value \"x\" for flag -n: parse error (see -h)\n"},
		lessontest.Bad{Args: "-bogus", Stderr: "06-multiprocessing: flag provided but not defined: -bogus (see -h)\n"},
		lessontest.Bad{Args: "extra", Stderr: "06-multiprocessing: unexpected argument \"extra\" (all options are flags; see -h)\n"},
		lessontest.Bad{Args: "-only 7", Stderr: "06-multiprocessing: -only takes section numbers from 1 to 6, got \"7\"\n"},
	)
}

// A child started with a role nobody registered must fail loudly, not fall
// through into the lesson (which would start children of its own).
func TestUnknownRole(t *testing.T) {
	cmd := command(t.Context(), "no-such-role")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	c, err := start(cmd)
	if !assert.NoError(t, err) {
		return
	}
	c.Wait()
	assert.Equal(t, 2, c.State().ExitCode())
	assert.Equal(t, "06-multiprocessing: unknown role \"no-such-role\" in GOCOURSE_06_ROLE\n", errOut.String())
	assert.Empty(t, out.String(), "the lesson did not run")
}

// The page follows the lesson: the same sections, in the same order, in the
// shape every chapter page has.
func TestPageFollowsTheLesson(t *testing.T) { lessontest.Page(t, chapter) }
