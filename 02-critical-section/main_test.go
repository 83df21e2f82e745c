package main

import (
	"context"
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

// The lesson itself, run in-process with small numbers: every bank keeps
// its books and every section of the story is there, in order.
func TestLessonTellsTheStory(t *testing.T) {
	s, errs, code := lessontest.Run(t, chapter, "-workers", "4", "-transfers", "300", "-slow", "5ms")
	require.Equal(t, 0, code, "stderr: %s\nstdout: %s", errs, s)
	assert.Empty(t, errs)
	assert.Equal(t, len(Implementations), strings.Count(s, "books balance,"), s)
	assert.NotContains(t, s, "BROKEN")
	for _, impl := range Implementations {
		assert.Contains(t, s, "   "+impl.Name+" ")
	}
	lessontest.InOrder(t, s, "== 1. One bank, five protections ==", "4 workers × 300 random transfers",
		"== 2. sync.Once ==", "loaded 1 time(s)", "all saw 1.08: true",
		"== 3. A bounded buffer", "sync.Cond received 300 values, sum 45150 (want 45150)",
		"channel   received 300 values, sum 45150 (want 45150)",
		"== 4. Keep critical sections small ==", "lock held across the fetch: balance 324",
		"only the add is locked: balance 324", "Broken on purpose", "Next: 03-deadlock")
}

func TestBadFlags(t *testing.T) {
	lessontest.Refuses(t, chapter,
		lessontest.Bad{Args: "-workers 0", Stderr: "02-critical-section: -workers must be between 1 and 10000, got 0\n"},
		lessontest.Bad{Args: "-transfers -1", Stderr: "02-critical-section: -transfers must be between 1 and 10000000, got -1\n"},
		lessontest.Bad{Args: "-accounts 1", Stderr: "02-critical-section: -accounts must be between 2 and 10000, got 1\n"},
		lessontest.Bad{Args: "-slow 2s", Stderr: "02-critical-section: -slow must be between 1ns and 1s, got 2s\n"},
		lessontest.Bad{Args: "-workers many", Stderr: "02-critical-section: invalid value \"many\" for flag -workers: parse error (see -h)\n"},
		lessontest.Bad{Args: "-nope", Stderr: "02-critical-section: flag provided but not defined: -nope (see -h)\n"},
		lessontest.Bad{Args: "extra", Stderr: "02-critical-section: unexpected argument \"extra\" (all options are flags; see -h)\n"},
		lessontest.Bad{Args: "-only 1,5", Stderr: "02-critical-section: -only takes section numbers from 1 to 4, got \"5\"\n"},
	)
}

func TestOnlyRunsThoseSections(t *testing.T) {
	tests := []struct {
		only      string
		want, not []string
	}{
		{"2", []string{"== 2. sync.Once"}, []string{"== 1.", "== 3.", "== 4.", "Broken on purpose", "Next:"}},
		{"3,1", []string{"== 3. A bounded buffer", "== 1. One bank"}, []string{"== 2.", "== 4."}},
	}
	for _, tt := range tests {
		t.Run(tt.only, func(t *testing.T) {
			s, errs, code := lessontest.Run(t, chapter, "-only", tt.only, "-transfers", "50")
			require.Equal(t, 0, code, errs)
			lessontest.InOrder(t, s, tt.want...)
			for _, n := range tt.not {
				assert.NotContains(t, s, n)
			}
		})
	}
}

// The broken program really deadlocks, and the runtime says where. It is
// built without -race: a -race binary links cgo, and the runtime skips its
// "all goroutines are asleep" check in any binary that links cgo.
func TestReentrantLockDeadlocks(t *testing.T) {
	res, err := harness.Run(t.Context(), "./02-critical-section/reentrant",
		harness.Options{Race: false, Timeout: 20 * time.Second})
	require.NoError(t, err)
	require.False(t, res.TimedOut, res.String())
	assert.Equal(t, 2, res.ExitCode, res.String())
	assert.Equal(t, "withdrawing 30 from an account of 100...\n", res.Stdout)
	assert.Contains(t, res.Stderr, "fatal error: all goroutines are asleep - deadlock!")
	assert.Contains(t, res.Stderr, "sync.(*Mutex).Lock")
	assert.Contains(t, res.Stderr, "main.(*account).Balance")
	assert.Contains(t, res.Stderr, "main.(*account).Withdraw")
}

// A mutex copied by a value receiver protects nothing. go vet says so before
// the program runs, and the race detector when it does.
func TestCopiedLock(t *testing.T) {
	const pkg = "./02-critical-section/testdata/copylock"
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	vet := harness.Command(ctx, "go", "vet", pkg)
	vet.Dir = root
	out, err := vet.CombinedOutput()
	require.Error(t, err, "go vet must fail on a copied lock:\n%s", out)
	assert.Contains(t, string(out), "Inc passes lock by value")
	assert.Contains(t, string(out), "Hits contains sync.Mutex")

	res, err := harness.Run(ctx, pkg, harness.Options{Race: true, Timeout: 30 * time.Second})
	require.NoError(t, err)
	// The race detector reports first. Then either the program ends and the
	// detector makes the exit status 66, or the runtime's own check catches
	// the map in use by two goroutines at once ("concurrent map writes", or
	// "concurrent map read and map write") and stops it with status 2.
	assert.Contains(t, []int{66, 2}, res.ExitCode, res.String())
	if res.ExitCode == 2 {
		assert.Contains(t, res.Stderr, "fatal error: concurrent map ")
	}
	assert.Contains(t, res.Stderr, "WARNING: DATA RACE")
	assert.Contains(t, res.Stderr, "main.Hits.Inc()")
}

// The page follows the lesson: the same sections, in the same order, in the
// shape every chapter page has.
func TestPageFollowsTheLesson(t *testing.T) { lessontest.Page(t, chapter) }
