package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(harness.WithCleanup(m)) }

// The whole lesson, in a synctest bubble so that its sleeps take no real
// time and every step's timing is exact.
func TestLessonRunsEveryStep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out, errOut bytes.Buffer
		code := run([]string{"-goroutines", "1000"}, &out, &errOut)
		require.Equal(t, 0, code, errOut.String())
		got := out.String()
		for _, want := range []string{
			"== the seed example: 4 tasks on one sentence, pool of 4 ==",
			"  words:            19\n  characters:       93\n  vowels:           31\n  odd-length words: 13\n",
			"Finished in 0.0 second(s)",
			"== step 1:", "6 tasks, 6 goroutines, took 300ms (one after another: 1.2s)",
			"no bound: 1000 tasks waiting at once",
			"== step 2:", "6 tasks on 3 workers (IDs 1-3, kept for the pool's life), took 500ms",
			"== step 3:", "g.Wait:         task 3: task failed on purpose",
			"(errors.Is ErrStop: true)",
			"TryGo with all 3 slots busy accepted the task: false",
			"== step 4:", "future t5: 300ms, err=<nil>",
			"started before 3 queued tasks",
			"future boom: executor: task panicked: runtime error: index out of range [0] with length 0",
			"metrics: workers=3 submitted=8 completed=8 panicked=1 rejected=0",
		} {
			assert.Contains(t, got, want)
		}
		assert.Empty(t, errOut.String())
		// Steps appear once each, in order.
		last := -1
		for _, h := range []string{"the seed example", "step 1", "step 2", "step 3", "step 4"} {
			i := strings.Index(got, "== "+h)
			assert.Greater(t, i, last, h)
			last = i
		}
	})
}

func TestStepsFlagChoosesAndOrders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out, errOut bytes.Buffer
		require.Equal(t, 0, run([]string{"-steps", "4,2", "-workers", "2", "-tasks", "4", "-unit", "1s"}, &out, &errOut), errOut.String())
		got := out.String()
		i4, i2 := strings.Index(got, "== step 4"), strings.Index(got, "== step 2")
		assert.True(t, i4 >= 0 && i2 > i4, got)
		assert.NotContains(t, got, "seed example")
		assert.Contains(t, got, "4 tasks on 2 workers (IDs 1-2, kept for the pool's life), took 4s")
		assert.Contains(t, got, "started before 2 queued tasks")
	})
}

func TestBadFlagsAreOneLineAndExit2(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-workers", "0"}, "05-threadpool: -workers must be 1-100, got 0\n"},
		{[]string{"-tasks", "1"}, "05-threadpool: -tasks must be 2-100, got 1\n"},
		{[]string{"-pool", "0"}, "05-threadpool: -pool must be 1-1000, got 0\n"},
		{[]string{"-unit", "0s"}, "05-threadpool: -unit must be >0 and ≤5s, got 0s\n"},
		{[]string{"-goroutines", "0"}, "05-threadpool: -goroutines must be 1-2000000, got 0\n"},
		{[]string{"-steps", "seed,9"}, "05-threadpool: -steps: unknown step \"9\" (want some of seed,1,2,3,4)\n"},
		{[]string{"extra"}, "05-threadpool: unexpected argument \"extra\"\n"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			assert.Equal(t, 2, run(tc.args, &out, &errOut))
			assert.Equal(t, tc.want, errOut.String())
			assert.Empty(t, out.String())
		})
	}
	t.Run("unknown flag", func(t *testing.T) {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, run([]string{"-nope"}, &out, &errOut))
		assert.Equal(t, "05-threadpool: flag provided but not defined: -nope\n", errOut.String())
	})
	t.Run("help", func(t *testing.T) {
		var out, errOut bytes.Buffer
		assert.Equal(t, 0, run([]string{"-h"}, &out, &errOut))
		assert.Contains(t, errOut.String(), "-steps")
	})
}

// The real program, as a learner runs it, ends by itself.
func TestProgramEndsByItself(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the lesson")
	}
	res, err := harness.Run(context.Background(), "./05-threadpool", harness.Options{Args: []string{"-unit", "10ms"}, Timeout: 60 * time.Second})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, res.String())
	assert.Contains(t, res.Stdout, "Finished in 0.0 second(s)")
	assert.Contains(t, res.Stdout, "== step 4:")
}
