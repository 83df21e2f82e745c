package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"
	"github.com/gocourse/concurrency/internal/lesson/lessontest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(harness.WithCleanup(m)) }

func TestBadFlags(t *testing.T) {
	lessontest.Refuses(t, chapter,
		lessontest.Bad{Args: "-rounds 0", Stderr: "03-deadlock: -rounds must be between 1 and 1000000, got 0\n"},
		lessontest.Bad{Args: "-philosophers 1", Stderr: "03-deadlock: -philosophers must be between 2 and 20, got 1\n"},
		lessontest.Bad{Args: "-meals 0", Stderr: "03-deadlock: -meals must be between 1 and 100, got 0\n"},
		lessontest.Bad{Args: "-width 5", Stderr: "03-deadlock: -width must be between 10 and 400, got 5\n"},
		lessontest.Bad{Args: "-only 5", Stderr: "03-deadlock: -only takes section numbers from 1 to 4, got \"5\"\n"},
		lessontest.Bad{Args: "abba", Stderr: "03-deadlock: unexpected argument \"abba\" (all options are flags; see -h)\n"},
		lessontest.Bad{Args: "-fast", Stderr: "03-deadlock: flag provided but not defined: -fast (see -h)\n"},
	)
}

// The lesson as a learner runs it, with small sizes: every section, in
// order, with what each child really did.
func TestLessonTellsTheWholeStory(t *testing.T) {
	out, errs, code := lessontest.Run(t, chapter, "-rounds", "50", "-philosophers", "3", "-meals", "2", "-width", "40")
	require.Equal(t, 0, code, errs)
	lessontest.InOrder(t, out,
		"== 1. Make it: ABBA ==",
		"  transfer 1->2: holds account 1, wants account 2",
		"  exit status 2: "+runtimeDeadlock,
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
		"Next: 04-race",
	)
	assert.Equal(t, 2, strings.Count(out, "\nphilosopher 3 |"), "one timeline per strategy")
}

func TestLessonWithoutChildren(t *testing.T) {
	out, errs, code := lessontest.Run(t, chapter, "-rounds", "10", "-philosophers", "2", "-meals", "1", "-width", "20", "-only", "1,4", "-children=false")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "(skipped: -children=false)")
	assert.NotContains(t, out, "== 2.")
	assert.Contains(t, out, "meals eaten [1 1]")
}

// A bad flag is one line on stderr and exit status 2, from the real binary.
func TestBadFlagExitsTwo(t *testing.T) {
	t.Parallel()
	res, err := harness.Run(t.Context(), "./03-deadlock", harness.Options{Args: []string{"-philosophers", "1"}, Timeout: 20 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode, res.String())
	assert.Equal(t, "03-deadlock: -philosophers must be between 2 and 20, got 1\n", res.Stderr)
	assert.Empty(t, res.Stdout)
}

// With -detectors, section 3 also runs synctest in a child go test and the
// leak profile in a child built with the experiment. (It calls the section
// itself, with its own config, so that it can run in parallel: the tests
// that run the whole lesson share its flags and remove its binaries, and
// run first, one at a time.)
func TestSectionThreeWithDetectors(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	require.NoError(t, showDetectors(t.Context(), &b, config{children: true, detectors: true}))
	out := b.String()
	assert.Contains(t, out, "synctest TestChannelDeadlock: go test exit status 1: panic: deadlock: all goroutines in bubble are blocked\n")
	assert.Contains(t, out, "synctest TestMutexABBA: go test exit status 1: panic: test timed out after 1s\n")
	assert.Contains(t, out, "goroutineleak profile: 5 goroutines reported as leaked\n")
	assert.NotContains(t, out, "== 1.")
}

// The page follows the lesson: the same sections, in the same order, in the
// shape every chapter page has.
func TestPageFollowsTheLesson(t *testing.T) { lessontest.Page(t, chapter) }
