package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// Every global deadlock ends the same way on Go 1.26.8: the runtime prints
// its verdict and every goroutine's stack, and exits with status 2. The
// wait states in the dump say who was waiting for what.
func TestRuntimeCatchesGlobalDeadlocks(t *testing.T) {
	tests := []struct {
		prog   broken
		stdout []string
		states map[string]int
		frames []string
	}{
		{
			prog:   abbaProgram,
			stdout: []string{"transfer 1->2: holds account 1, wants account 2", "transfer 2->1: holds account 2, wants account 1"},
			states: map[string]int{"sync.WaitGroup.Wait": 1, "sync.Mutex.Lock": 2},
			frames: []string{"main.transfer(", "abba/main.go:36"},
		},
		{
			prog:   otherShapes[0], // unbuffered
			stdout: []string{"sending 42 on an unbuffered channel"},
			states: map[string]int{"chan send": 1},
			frames: []string{"unbuffered/main.go:19"},
		},
		{
			prog:   otherShapes[1], // waitgroup
			stdout: []string{"worker 1 done", "worker 2 done"},
			states: map[string]int{"sync.WaitGroup.Wait": 1},
			frames: []string{"waitgroup/main.go:"},
		},
		{
			prog:   otherShapes[2], // nestedpool
			stdout: []string{"parent 1: running on a worker", "parent 2: running on a worker"},
			states: map[string]int{"chan receive": 3},
			frames: []string{"main.newPool.func1()"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.prog.name, func(t *testing.T) {
			t.Parallel()
			res, c, err := runBroken(t.Context(), tt.prog, 20*time.Second)
			require.NoError(t, err)
			require.False(t, res.TimedOut, res.String())
			assert.Equal(t, 2, res.ExitCode, res.String())
			assert.Equal(t, runtimeDeadlock, c.fatal)
			assert.Equal(t, tt.states, c.states, res.Stderr)
			for _, s := range tt.stdout {
				assert.Contains(t, res.Stdout, s)
			}
			for _, f := range tt.frames {
				assert.Contains(t, res.Stderr, f)
			}
		})
	}
}

// Built with -race, the same ABBA program is not reported: a race build
// links cgo, and the runtime skips its check in cgo binaries (golang/go#20588,
// still open; TestDeadlockCheckIsOffInCgoBinaries), so the program hangs
// until the harness kills it.
func TestRaceBuildHidesTheDeadlock(t *testing.T) {
	t.Parallel()
	res, err := harness.Run(t.Context(), abbaProgram.Pkg(), harness.Options{Race: true, Timeout: 1500 * time.Millisecond})
	require.NoError(t, err)
	assert.True(t, res.TimedOut, res.String())
	assert.NotContains(t, res.Stderr, "all goroutines are asleep")
}

// A partial deadlock: two workers stuck in ABBA while a third keeps going.
// The runtime says nothing and the program hangs; the watchdog notices the
// stalled workers and dumps every goroutine's stack.
func TestPartialDeadlock(t *testing.T) {
	t.Run("runtime cannot see it", func(t *testing.T) {
		t.Parallel()
		res, _, err := runBroken(t.Context(), watchdogProgram, time.Second, "-stall=0")
		require.NoError(t, err)
		assert.True(t, res.TimedOut, res.String())
		assert.NotContains(t, res.Stderr, "all goroutines are asleep")
	})
	t.Run("watchdog dumps the stacks", func(t *testing.T) {
		t.Parallel()
		res, c, err := runBroken(t.Context(), watchdogProgram, 20*time.Second, "-stall=300ms")
		require.NoError(t, err)
		require.False(t, res.TimedOut, res.String())
		assert.Equal(t, 3, res.ExitCode, res.String())
		assert.Contains(t, res.Stdout, "watchdog: no progress for 300ms from 2 of 3 workers:")
		assert.Contains(t, res.Stdout, "transfer 1->2: holds account 1, waits for account 2")
		assert.Contains(t, res.Stdout, "transfer 2->1: holds account 2, waits for account 1")
		assert.NotContains(t, res.Stdout, "transfer 3->4:")
		assert.Empty(t, c.fatal, "the runtime itself reported nothing")
		assert.Equal(t, 2, c.states["sync.Mutex.Lock"], res.Stderr)
		stuckInTransfer := 0
		for g := range strings.SplitSeq(res.Stderr, "\n\n") {
			if strings.Contains(g, "[sync.Mutex.Lock]") && strings.Contains(g, "main.(*worker).transfer(") {
				stuckInTransfer++
			}
		}
		assert.Equal(t, 2, stuckInTransfer, "the two stuck goroutines are the ABBA workers")
	})
	t.Run("watchdog cannot tell stuck from slow", func(t *testing.T) {
		t.Parallel()
		// Every transfer holds its first account for 1s; the watchdog gives
		// up after 100ms, before any worker has even asked for its second.
		res, _, err := runBroken(t.Context(), watchdogProgram, 20*time.Second, "-audit=1s", "-stall=100ms")
		require.NoError(t, err)
		assert.Equal(t, 3, res.ExitCode, res.String())
		assert.Contains(t, res.Stdout, "watchdog: no progress for 100ms from 3 of 3 workers:")
		assert.Contains(t, res.Stdout, "transfer 3->4: holds account 3, writing the audit log (after 0 transfers)")
		assert.NotContains(t, res.Stdout, "waits for account", "no deadlock had formed yet")
	})
	t.Run("bad flag", func(t *testing.T) {
		t.Parallel()
		res, _, err := runBroken(t.Context(), watchdogProgram, 20*time.Second, "-stall=-1s")
		require.NoError(t, err)
		assert.Equal(t, 2, res.ExitCode)
		assert.Equal(t, "03-deadlock/watchdog: -stall must be between 0s and 1m0s, got -1s\n", res.Stderr)
	})
}

// synctest tests that fail on purpose live in testdata; each runs in a
// child go test so that the failure (or the hang) stays in the child. The
// last case is a plain test without synctest: inside go test the runtime's
// own check cannot fire either, because the -timeout alarm is a pending timer.
func TestSynctestSeesChannelsNotMutexes(t *testing.T) {
	tests := []struct {
		test    string
		timeout string
		want    []string
		sends   int // goroutines the dump shows durably blocked in a channel send
	}{
		{
			test: "TestChannelDeadlock",
			want: []string{"panic: deadlock: all goroutines in bubble are blocked", "[chan send (durable), synctest bubble"},
		},
		{
			test: "TestLeftBehind",
			want: []string{"panic: deadlock: main bubble goroutine has exited but blocked goroutines remain"},
		},
		{
			test: "TestChannelABBA",
			want: []string{"panic: deadlock: all goroutines in bubble are blocked"},
		},
		{
			test:  "TestNaivePhilosophers",
			want:  []string{"panic: deadlock: all goroutines in bubble are blocked"},
			sends: 5,
		},
		{
			test:    "TestMutexABBA",
			timeout: "1s",
			want:    []string{"panic: test timed out after 1s", "[sync.Mutex.Lock, synctest bubble"},
		},
		{
			test:    "TestPlainMutexABBA",
			timeout: "1s",
			want:    []string{"panic: test timed out after 1s", "[sync.Mutex.Lock]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.test, func(t *testing.T) {
			t.Parallel()
			out, code, err := goTest(t.Context(), "./03-deadlock/testdata/synctestdl", tt.test, tt.timeout)
			require.NoError(t, err)
			assert.Equal(t, 1, code, out)
			if tt.timeout == "" {
				assert.Contains(t, out, "--- FAIL: "+tt.test+" ")
			} else {
				assert.Contains(t, out, "running tests:\n\t\t"+tt.test+" (")
			}
			for _, w := range tt.want {
				assert.Contains(t, out, w)
			}
			if tt.sends > 0 {
				assert.Equal(t, tt.sends, strings.Count(out, "[chan send (durable), synctest bubble"), out)
			}
			if tt.timeout != "" {
				assert.NotContains(t, out, "deadlock:", "synctest did not call it a deadlock")
				assert.NotContains(t, out, "all goroutines are asleep", "nor did the runtime")
				assert.Equal(t, 2, strings.Count(out, "[sync.Mutex.Lock"), out)
				assert.NotContains(t, out, "sync.Mutex.Lock (durable)")
			}
		})
	}
}

// The goroutine leak profile is an experiment in Go 1.26: the program has to
// be built with GOEXPERIMENT=goroutineleakprofile. It finds goroutines
// blocked on things nothing alive can reach, and misses the rest.
func TestGoroutineLeakProfile(t *testing.T) {
	t.Parallel()
	bin, err := buildLeakProfile(t.Context(), t.TempDir())
	require.NoError(t, err)

	res, err := harness.Exec(t.Context(), bin, harness.Options{Timeout: 20 * time.Second})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, res.String())
	assert.Equal(t, `goroutineleak profile: 5 goroutines reported as leaked
  abba                 reported (2 goroutines)
  abbaStillReachable   missed
  sendNoReceiver       reported (1 goroutine)
  waitForNeverStarted  reported (1 goroutine)
  waitOnCond           reported (1 goroutine)
  sendOnGlobal         missed
`, res.Stdout)

	// Without the experiment the profile does not exist, and the program says so.
	res, err = harness.Run(t.Context(), "./03-deadlock/leakprofile", harness.Options{Timeout: 20 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, 1, res.ExitCode, res.String())
	assert.Contains(t, res.Stderr, "no goroutineleak profile in this build")
}
