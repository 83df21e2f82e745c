//go:build unix

package main

import (
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// The docs compare with Python's multiprocessing. These checks keep those
// claims true where python3 is installed; elsewhere they skip.
func TestPythonComparison(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	ctx := t.Context()

	t.Run("exit codes are -N for signal N", func(t *testing.T) {
		res, err := harness.Exec(ctx, py, harness.Options{Args: []string{root + "/06-multiprocessing/testdata/exitcodes.py"}, Timeout: 30 * time.Second})
		require.NoError(t, err)
		require.Equal(t, 0, res.ExitCode, res.String())
		assert.Equal(t, "calls os._exit(3)        exitcode 3\n"+
			"terminate() (SIGTERM)    exitcode -15\n"+
			"kill() (SIGKILL)         exitcode -9\n", res.Stdout)
	})

	t.Run("Pool.map hangs when a worker dies (bpo-22393)", func(t *testing.T) {
		// The harness kills the whole process group at the timeout, the
		// pool's workers included. The bound covers Python's start-up,
		// which took over 3 s on a loaded machine, before it printed the
		// line this checks.
		res, err := harness.Exec(ctx, py, harness.Options{Args: []string{root + "/06-multiprocessing/testdata/poolhang.py"}, Timeout: 10 * time.Second})
		require.NoError(t, err)
		assert.True(t, res.TimedOut, res.String())
		assert.Equal(t, "Pool.map(fragile, [11, 12, 13, 14]) ...\n", res.Stdout)
	})
}
