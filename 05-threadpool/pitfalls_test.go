package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// The nested-submit deadlock, for real: the runtime itself reports it.
// Built without -race: a race build links cgo, and the runtime skips its
// deadlock check in cgo binaries (golang/go#20588).
func TestNestedSubmitDeadlocks(t *testing.T) {
	res, err := harness.Run(t.Context(), "./05-threadpool/nested", harness.Options{Race: false, Timeout: 30 * time.Second})
	require.NoError(t, err)
	assert.False(t, res.TimedOut, res.String())
	assert.Equal(t, 2, res.ExitCode, res.String())
	assert.Contains(t, res.Stderr, "fatal error: all goroutines are asleep - deadlock!")
	assert.Contains(t, res.Stderr, "executor.(*Future[...]).Wait", "the workers are stuck waiting on futures")
	assert.Contains(t, res.Stdout, "waiting for its child, queued behind the parents")
	assert.NotContains(t, res.Stdout, "parent returned")
}

// errgroup does not recover panics: one panicking task ends the program.
func TestErrgroupPanicCrashesTheProgram(t *testing.T) {
	res, err := harness.Run(t.Context(), "./05-threadpool/grouppanic", harness.Options{Race: true, Timeout: 30 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode, res.String())
	assert.Contains(t, res.Stderr, "panic: runtime error: index out of range [0] with length 0")
	assert.Contains(t, res.Stderr, "golang.org/x/sync/errgroup.(*Group).Go", "the panic happened inside a group task")
}

// With -return, main races the crash. Whichever wins, the outcome is one
// of exactly two: the crash (status 2, panic printed), or a clean exit
// (status 0) in which the panic vanished without a word. How often each
// happens depends on the machine; the docs quote a count.
func TestErrgroupPanicCanVanishWhenMainReturns(t *testing.T) {
	for range 5 {
		res, err := harness.Run(t.Context(), "./05-threadpool/grouppanic", harness.Options{Args: []string{"-return"}, Timeout: 30 * time.Second})
		require.NoError(t, err)
		switch res.ExitCode {
		case 2:
			assert.Contains(t, res.Stderr, "panic: runtime error: index out of range", res.String())
		case 0:
			assert.NotContains(t, res.Output(), "panic", "exit 0 means the panic was never printed")
			assert.Contains(t, res.Stdout, "g.Wait returned <nil>", "and Wait reported success")
		default:
			t.Fatalf("unexpected outcome: %s", res)
		}
	}
}
