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

func TestFlags(t *testing.T) {
	lessontest.Refuses(t, chapter,
		lessontest.Bad{Args: "-workers 0", Stderr: "01-threads: -workers must be between 1 and 1024, got 0\n"},
		lessontest.Bad{Args: "-parked -1", Stderr: "01-threads: -parked must be between 1 and 10000000, got -1\n"},
		lessontest.Bad{Args: "-limit 1", Stderr: "01-threads: -limit must be between 2 and 1000000000, got 1\n"},
		lessontest.Bad{Args: "-width 3", Stderr: "01-threads: -width must be between 10 and 400, got 3\n"},
		lessontest.Bad{Args: "-only 7", Stderr: "01-threads: -only takes section numbers from 1 to 6, got \"7\"\n"},
		lessontest.Bad{Args: "extra", Stderr: "01-threads: unexpected argument \"extra\" (all options are flags; see -h)\n"},
		lessontest.Bad{Args: "-limit lots", Stderr: "01-threads: invalid value \"lots\" for flag -limit: parse error (see -h)\n"},
	)
}

// The lesson as a learner runs it, with small sizes: every section appears,
// in order, and the prime counts agree.
func TestLessonTellsTheWholeStory(t *testing.T) {
	out, errs, code := lessontest.Run(t, chapter, "-parked", "100", "-limit", "10000", "-workers", "3", "-width", "40")
	require.Equal(t, 0, code, errs)
	lessontest.InOrder(t, out,
		"== 1. Start and join ==",
		"== 2. Thread, Start, Join",
		"== 3. One address space ==",
		"(Go 1.21 rules): [3 3 3]",
		"== 4. Forget the join ==",
		"main: returning without joining them",
		"== 5. Goroutines are not OS threads ==",
		"goroutines parked:           100",
		"== 6. Splitting CPU-bound work ==",
		"1 goroutine:  1229 primes below 10000",
		"3 goroutines, split by ranges: 1229 primes",
		"3 goroutines, split by blocks: 1229 primes",
		"Next: 02-critical-section",
	)
	assert.NotRegexp(t, `worker \d: finished`, out, "a worker of nojoin outlived main")
}

func TestOnlyOneSection(t *testing.T) {
	out, errs, code := lessontest.Run(t, chapter, "-only", "2")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, 1, strings.Count(out, "== "), out)
	assert.Contains(t, out, "== 2. Thread")
	assert.NotContains(t, out, "Next:")
}

func TestWithoutChildren(t *testing.T) {
	out, errs, code := lessontest.Run(t, chapter, "-only", "4", "-children=false")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "(skipped: -children=false)")
}

func TestLessonWritesATrace(t *testing.T) {
	file := t.TempDir() + "/lesson.trace"
	out, errs, code := lessontest.Run(t, chapter, "-only", "2", "-trace", file)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "go tool trace "+file)
	assert.FileExists(t, file)

	_, errs, code = lessontest.Run(t, chapter, "-only", "2", "-trace", t.TempDir()+"/no/such/dir/t")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "01-threads: cannot write the trace")
}

// The broken program really loses its workers: the child exits 0 having
// printed only main's lines.
func TestNoJoinLosesItsWorkers(t *testing.T) {
	for _, race := range []bool{false, true} {
		res, err := harness.Run(t.Context(), "./01-threads/nojoin", harness.Options{Race: race, Timeout: 30 * time.Second})
		require.NoError(t, err)
		assert.Equal(t, 0, res.ExitCode, res.String())
		assert.Equal(t, "main: started 3 workers\nmain: returning without joining them\n", res.Stdout)
		assert.Empty(t, res.Stderr)
	}
}

// testdata/oldloop declares go1.21, so its loop shares one variable: every
// goroutine sees the final value. And go vet says so.
func TestOldLoopSemantics(t *testing.T) {
	res, err := harness.Run(t.Context(), "./01-threads/testdata/oldloop", harness.Options{})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode, res.String())
	assert.Equal(t, "loop variable seen by 3 goroutines (Go 1.21 rules): [3 3 3]\n", res.Stdout)

	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	vet := harness.Command(t.Context(), "go", "vet", "./01-threads/testdata/oldloop")
	vet.Dir = root
	out, err := vet.CombinedOutput()
	require.Error(t, err, "go vet should fail on the old loop")
	assert.Contains(t, string(out), "loop variable i captured by func literal")
}

func TestMainExitsWithOneLineOnABadFlag(t *testing.T) {
	res, err := harness.Run(t.Context(), "./01-threads", harness.Options{Args: []string{"-workers", "0"}})
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode)
	assert.Equal(t, "01-threads: -workers must be between 1 and 1024, got 0\n", res.Stderr)
	assert.Empty(t, res.Stdout)
}

// The page follows the lesson: the same sections, in the same order, in the
// shape every chapter page has.
func TestPageFollowsTheLesson(t *testing.T) { lessontest.Page(t, chapter) }
