package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(harness.WithCleanup(m)) }

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		want    config
	}{
		{name: "defaults", want: config{rounds: 1000, philosophers: 5, meals: 3, width: 60, children: true}},
		{name: "sizes", args: []string{"-rounds", "10", "-philosophers", "7", "-meals", "2", "-detectors"},
			want: config{rounds: 10, philosophers: 7, meals: 2, width: 60, children: true, detectors: true}},
		{name: "only", args: []string{"-only", "1, 4"}, want: config{rounds: 1000, philosophers: 5, meals: 3, width: 60, children: true, only: []int{1, 4}}},
		{name: "zero rounds", args: []string{"-rounds", "0"}, wantErr: "-rounds must be between 1 and 1000000, got 0"},
		{name: "one philosopher", args: []string{"-philosophers", "1"}, wantErr: "-philosophers must be between 2 and 20, got 1"},
		{name: "no meals", args: []string{"-meals", "0"}, wantErr: "-meals must be between 1 and 100, got 0"},
		{name: "narrow", args: []string{"-width", "5"}, wantErr: "-width must be between 10 and 400, got 5"},
		{name: "unknown section", args: []string{"-only", "5"}, wantErr: `-only takes section numbers from 1 to 4, got "5"`},
		{name: "stray argument", args: []string{"abba"}, wantErr: `unexpected argument "abba"`},
		{name: "unknown flag", args: []string{"-fast"}, wantErr: "flag provided but not defined: -fast"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseFlags(tt.args, io.Discard)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), "\n", "an error is one line")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, c)
		})
	}
}

// The lesson as a learner runs it, with small sizes: every section, in
// order, with what each child really did.
func TestRunTellsTheWholeStory(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	require.NoError(t, run(config{rounds: 50, philosophers: 3, meals: 2, width: 40, children: true}, &b))
	out := b.String()
	last := -1
	for _, want := range []string{
		"== 1. Make it: ABBA ==",
		"  transfer 1->2: holds account 1, wants account 2",
		"  exit status 2: " + runtimeDeadlock,
		"  goroutine dump: 2 in [sync.Mutex.Lock], 1 in [sync.WaitGroup.Wait]",
		"circular wait",
		"== 2. Other shapes of being stuck ==",
		"  goroutine dump: 1 in [chan send]",
		"  goroutine dump: 1 in [sync.WaitGroup.Wait]",
		"  goroutine dump: 3 in [chan receive]",
		"== 3. See it: what notices a deadlock ==",
		"killed by the harness; the runtime said nothing",
		"watchdog: no progress for 500ms from 2 of 3 workers:",
		"  exit status 3; the dump shows 2 goroutines in [sync.Mutex.Lock]",
		"== 4. Prevent it: break one of the four conditions ==",
		"lock order by ID (circular wait): 4 goroutines x 50 transfers, half 1->2, half 2->1: done, total 200",
		"TryLock, back off with jitter (hold and wait): 4 goroutines x 50 transfers: done, total 200,",
		"polite pair, with jitter: 1->2 done in",
		"ABBA with timeouts, channel lock: 1->2 (50ms): transfer 1->2: holding 1, lock 2: context deadline exceeded; 2->1 (1s): done",
		"ABBA with timeouts, x/sync/semaphore: 1->2 (50ms): transfer 1->2: holding 1, lock 2: context deadline exceeded; 2->1 (1s): done",
		"dining philosophers, resource hierarchy: meals eaten [2 2 2]",
		"dining philosophers, waiter (semaphore of n-1): meals eaten [2 2 2]",
	} {
		i := strings.Index(out, want)
		if !assert.GreaterOrEqual(t, i, 0, "missing %q in:\n%s", want, out) {
			continue
		}
		assert.Greater(t, i, last, "%q is out of order", want)
		last = i
	}
	assert.Equal(t, 2, strings.Count(out, "\nphilosopher 3 |"), "one timeline per strategy")
}

func TestRunWithoutChildren(t *testing.T) {
	var b strings.Builder
	require.NoError(t, run(config{rounds: 10, philosophers: 2, meals: 1, width: 20, only: []int{1, 4}}, &b))
	assert.Contains(t, b.String(), "(skipped: -children=false)")
	assert.NotContains(t, b.String(), "== 2.")
	assert.Contains(t, b.String(), "meals eaten [1 1]")
}

// A bad flag is one line on stderr and exit status 2, from the real binary.
func TestBadFlagExitsTwo(t *testing.T) {
	t.Parallel()
	res, err := harness.Run(context.Background(), "./03-deadlock", harness.Options{Args: []string{"-philosophers", "1"}, Timeout: 20 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode, res.String())
	assert.Equal(t, "03-deadlock: -philosophers must be between 2 and 20, got 1\n", res.Stderr)
	assert.Empty(t, res.Stdout)
}

// With -detectors, section 3 also runs synctest in a child go test and the
// leak profile in a child built with the experiment.
func TestRunWithDetectors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	require.NoError(t, run(config{rounds: 1, philosophers: 2, meals: 1, width: 20, children: true, detectors: true, only: []int{3}}, &b))
	out := b.String()
	assert.Contains(t, out, "synctest TestChannelDeadlock: go test exit status 1: panic: deadlock: all goroutines in bubble are blocked\n")
	assert.Contains(t, out, "synctest TestMutexABBA: go test exit status 1: panic: test timed out after 1s\n")
	assert.Contains(t, out, "goroutineleak profile: 5 goroutines reported as leaked\n")
	assert.NotContains(t, out, "== 1.")
}
