package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// TestEveryExerciseFailsAsShippedAndPassesSolved is the course's promise
// about its exercises, checked on the real ones with the real runner:
//
//   - as shipped, each exercise's test fails, and for the reason the
//     exercise is about (its output contains one of its fails_with markers:
//     the race report, the leaked goroutines, the failed check);
//   - with its solution copied over a fresh copy, it passes under -race and
//     goleak.
//
// An exercise that passes unsolved, or a solution that fails, fails this test
// and so make test. Each copy goes in a _selfcheck-* directory inside the
// module (the go command skips _ directories in ./... but tests them when
// named) and is removed afterwards.
func TestEveryExerciseFailsAsShippedAndPassesSolved(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on every exercise twice")
	}
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	exs, err := Load(root)
	require.NoError(t, err)
	require.NotEmpty(t, exs)
	for _, ex := range exs {
		t.Run(ex.ID, func(t *testing.T) {
			t.Parallel() // each copy is its own package; go test runs them side by side
			dir, err := os.MkdirTemp(root, "_selfcheck-")
			require.NoError(t, err)
			t.Cleanup(func() { os.RemoveAll(dir) })

			require.NoError(t, copyGoFiles(ex.Dir, dir))
			shipped, err := runTests(context.Background(), root, dir)
			require.NoError(t, err)
			assert.False(t, shipped.Passed, "%s passes unsolved", ex.Name)
			reason := false
			for _, m := range ex.FailsWith {
				reason = reason || strings.Contains(shipped.Output, m)
			}
			assert.True(t, reason, "%s fails, but not for its reason (want one of %q):\n%s", ex.Name, ex.FailsWith, shipped.Output)

			solution, err := goFiles(filepath.Join(ex.Dir, "solution"))
			require.NoError(t, err)
			require.NotEmpty(t, solution, "%s has no solution", ex.Name)
			require.NoError(t, copyGoFiles(filepath.Join(ex.Dir, "solution"), dir))
			solved, err := runTests(context.Background(), root, dir)
			require.NoError(t, err)
			assert.True(t, solved.Passed, "%s's solution fails:\n%s", ex.Name, solved.Output)
		})
	}
}
