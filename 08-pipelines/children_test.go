package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// The runtime's verdict when every goroutine is blocked.
const allAsleep = "fatal error: all goroutines are asleep - deadlock!"

// Every cell of the table that panics or blocks, done for real in a child.
// Built without -race: the race detector turns the deadlock check off.
func TestCellChildren(t *testing.T) {
	t.Parallel()
	tests := []struct {
		op, on string
		want   string // in stderr
		state  string // the goroutine's wait state, for the blocking cells
	}{
		{"send", "closed", "panic: send on closed channel", ""},
		{"close", "nil", "panic: close of nil channel", ""},
		{"close", "closed", "panic: close of closed channel", ""},
		{"send", "nil", allAsleep, "goroutine 1 [chan send (nil chan)]:"},
		{"receive", "nil", allAsleep, "goroutine 1 [chan receive (nil chan)]:"},
		{"send", "unbuffered", allAsleep, "goroutine 1 [chan send]:"},
		{"receive", "unbuffered", allAsleep, "goroutine 1 [chan receive]:"},
	}
	for _, tt := range tests {
		t.Run(tt.op+" on "+tt.on, func(t *testing.T) {
			res, err := harness.Run(t.Context(), "./08-pipelines/cell", harness.Options{
				Args: []string{"-op", tt.op, "-on", tt.on}, Timeout: 20 * time.Second,
			})
			require.NoError(t, err)
			assert.False(t, res.TimedOut, res.String())
			assert.Equal(t, 2, res.ExitCode, res.String())
			assert.Contains(t, res.Stdout, tt.op+" on a "+tt.on+" channel...")
			assert.Contains(t, res.Stderr, tt.want)
			if tt.state != "" {
				assert.Contains(t, res.Stderr, tt.state)
			}
		})
	}
	t.Run("the cells that do not fail", func(t *testing.T) {
		for _, args := range [][]string{{"-op", "receive", "-on", "closed"}, {"-op", "send", "-on", "buffered"}, {"-op", "close", "-on", "unbuffered"}} {
			res, err := harness.Run(t.Context(), "./08-pipelines/cell", harness.Options{Args: args, Timeout: 20 * time.Second})
			require.NoError(t, err)
			assert.Equal(t, 0, res.ExitCode, res.String())
		}
	})
	t.Run("bad flag", func(t *testing.T) {
		res, err := harness.Run(t.Context(), "./08-pipelines/cell", harness.Options{Args: []string{"-op", "peek"}, Timeout: 20 * time.Second})
		require.NoError(t, err)
		assert.Equal(t, 2, res.ExitCode)
		assert.Equal(t, "08-pipelines/cell: -op must be send, receive or close, got \"peek\"\n", res.Stderr)
	})
}

func TestRangeForever(t *testing.T) {
	t.Parallel()
	res, err := harness.Run(t.Context(), "./08-pipelines/rangeforever", harness.Options{Race: false, Timeout: 20 * time.Second})
	require.NoError(t, err)
	assert.False(t, res.TimedOut, res.String())
	assert.Equal(t, 2, res.ExitCode, res.String())
	assert.Equal(t, "got 1\ngot 2\ngot 3\n", res.Stdout)
	assert.Contains(t, res.Stderr, allAsleep)
	assert.Contains(t, res.Stderr, "goroutine 1 [chan receive]:")
	assert.NotContains(t, res.Stdout, "the loop ended")
}

// Without the experiment the leak is only visible as a goroutine count; with
// it, the collector names both stages.
func TestLeakChild(t *testing.T) {
	t.Parallel()
	res, err := harness.Run(t.Context(), "./08-pipelines/leak", harness.Options{Timeout: 20 * time.Second})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, res.String())
	assert.Equal(t, `first square over 1000: 1024
goroutines: 1 before, 3 after it returned
no goroutineleak profile in this build (GOEXPERIMENT=goroutineleakprofile go run ./08-pipelines/leak has one)
`, res.Stdout)

	bin, err := buildWithLeakProfile(t.Context(), t.TempDir(), "./08-pipelines/leak")
	require.NoError(t, err)
	res, err = harness.Exec(t.Context(), bin, harness.Options{Args: []string{"-limit", "50"}, Timeout: 20 * time.Second})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, res.String())
	assert.Equal(t, `first square over 50: 64
goroutines: 1 before, 3 after it returned
goroutineleak profile: 2 leaked, started by: numbers, squares
`, res.Stdout)
}

// The spinning select burns CPU while it waits; the plain receive does not.
// How much CPU the spinner gets depends on how busy the machine is, so the
// test checks the difference, not the amount.
func TestSpinChild(t *testing.T) {
	t.Parallel()
	res, err := harness.Run(t.Context(), "./08-pipelines/spin", harness.Options{Args: []string{"-wait", "500ms"}, Timeout: 20 * time.Second})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, res.String())
	m := regexp.MustCompile(`select with default: (\S+) of CPU, (\d+) empty rounds\n\s+plain receive:\s+(\S+) of CPU`).FindStringSubmatch(res.Stdout)
	require.NotNil(t, m, res.String())
	spin, err := time.ParseDuration(m[1])
	require.NoError(t, err)
	rounds, err := strconv.Atoi(m[2])
	require.NoError(t, err)
	block, err := time.ParseDuration(m[3])
	require.NoError(t, err)
	assert.Greater(t, rounds, 1000, "the spinner went round and round")
	assert.GreaterOrEqual(t, spin, 10*time.Millisecond, res.Stdout)
	assert.Greater(t, spin, 5*block, res.Stdout)
}

// buildWithLeakProfile builds pkg into dir with Go 1.26's goroutine leak
// profile experiment switched on. The harness builds with the parent's
// environment, so this is a plain go build with GOEXPERIMENT set. The first
// such build recompiles the standard library for the experiment (a minute
// or more on a busy machine); the build cache keeps it for the next.
func buildWithLeakProfile(ctx context.Context, dir, pkg string) (string, error) {
	root, err := harness.ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, filepath.Base(pkg))
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := harness.Command(ctx, "go", "build", "-o", bin, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=goroutineleakprofile")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("GOEXPERIMENT=goroutineleakprofile go build %s: %v\n%s", pkg, err, out)
	}
	return bin, nil
}
