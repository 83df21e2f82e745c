package main

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"
	"github.com/gocourse/concurrency/internal/lesson/lessontest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(harness.WithCleanup(m)) }

// The whole lesson, in a synctest bubble so that its sleeps take no real
// time and every section's timing is exact.
func TestLessonRunsEverySection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got, errs, code := lessontest.Run(t, chapter, "-goroutines", "1000")
		require.Equal(t, 0, code, errs)
		assert.Empty(t, errs)
		lessontest.InOrder(t, got,
			"== 1. The tutorial's example: four counts on a pool ==\n4 tasks on one sentence, pool of 4\n",
			"  words:            19\n  characters:       93\n  vowels:           31\n  odd-length words: 13\n",
			"Finished in 0.0 second(s)",
			"== 2. A goroutine per task", "6 tasks, 6 goroutines, took 300ms (one after another: 1.2s)",
			"no bound: 1000 tasks waiting at once",
			"== 3. A fixed pool", "6 tasks on 3 workers (IDs 1-3, kept for the pool's life), took 500ms",
			"== 4. errgroup", "g.Wait:         task 3: task failed on purpose",
			"(errors.Is ErrStop: true)",
			"TryGo with all 3 slots busy accepted the task: false",
			"== 5. The executor", "future t5: 300ms, err=<nil>",
			"started before 3 queued tasks",
			"future boom: executor: task panicked: runtime error: index out of range [0] with length 0",
			"metrics: workers=3 submitted=8 completed=8 panicked=1 rejected=0",
			"Next: 06-multiprocessing",
		)
	})
}

func TestOnlyChoosesAndOrders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		got, errs, code := lessontest.Run(t, chapter, "-only", "5,3", "-workers", "2", "-tasks", "4", "-unit", "1s")
		require.Equal(t, 0, code, errs)
		lessontest.InOrder(t, got, "== 5. The executor", "== 3. A fixed pool",
			"4 tasks on 2 workers (IDs 1-2, kept for the pool's life), took 4s")
		assert.Contains(t, got, "started before 2 queued tasks")
		assert.NotContains(t, got, "tutorial's example")
		assert.Contains(t, got, "\nNext: ", "the last section ran")
	})
}

func TestBadFlagsAreOneLineAndExit2(t *testing.T) {
	lessontest.Refuses(t, chapter,
		lessontest.Bad{Args: "-workers 0", Stderr: "05-threadpool: -workers must be between 1 and 100, got 0\n"},
		lessontest.Bad{Args: "-tasks 1", Stderr: "05-threadpool: -tasks must be between 2 and 100, got 1\n"},
		lessontest.Bad{Args: "-pool 0", Stderr: "05-threadpool: -pool must be between 1 and 1000, got 0\n"},
		lessontest.Bad{Args: "-unit 0s", Stderr: "05-threadpool: -unit must be between 1µs and 5s, got 0s\n"},
		lessontest.Bad{Args: "-goroutines 0", Stderr: "05-threadpool: -goroutines must be between 1 and 2000000, got 0\n"},
		lessontest.Bad{Args: "-only 1,9", Stderr: "05-threadpool: -only takes section numbers from 1 to 5, got \"9\"\n"},
		lessontest.Bad{Args: "extra", Stderr: "05-threadpool: unexpected argument \"extra\" (all options are flags; see -h)\n"},
		lessontest.Bad{Args: "-nope", Stderr: "05-threadpool: flag provided but not defined: -nope (see -h)\n"},
	)
}

// The real program, as a learner runs it, ends by itself.
func TestProgramEndsByItself(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the lesson")
	}
	res, err := harness.Run(t.Context(), "./05-threadpool", harness.Options{Args: []string{"-unit", "10ms"}, Timeout: 60 * time.Second})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, res.String())
	assert.Regexp(t, `Finished in \d+\.\d+ second\(s\)`, res.Stdout) // how long depends on the machine's load
	assert.Contains(t, res.Stdout, "== 5. The executor")
	assert.Contains(t, res.Stdout, "\nNext: 06-multiprocessing")
}

// The page follows the lesson: the same sections, in the same order, in the
// shape every chapter page has.
func TestPageFollowsTheLesson(t *testing.T) { lessontest.Page(t, chapter) }
