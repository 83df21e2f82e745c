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
		check   func(t *testing.T, c config)
	}{
		{name: "defaults", check: func(t *testing.T, c config) {
			assert.Equal(t, 10_000, c.parked)
			assert.Equal(t, 2_000_000, c.limit)
			assert.True(t, c.children)
		}},
		{name: "sizes", args: []string{"-parked", "5", "-limit", "100", "-workers", "3"}, check: func(t *testing.T, c config) {
			assert.Equal(t, config{parked: 5, limit: 100, workers: 3, width: 60, children: true}, c)
		}},
		{name: "zero workers", args: []string{"-workers", "0"}, wantErr: "-workers must be between 1 and 1024, got 0"},
		{name: "negative parked", args: []string{"-parked", "-1"}, wantErr: "-parked must be between 1 and 10000000, got -1"},
		{name: "limit too small", args: []string{"-limit", "1"}, wantErr: "-limit must be between 2"},
		{name: "narrow timeline", args: []string{"-width", "3"}, wantErr: "-width must be between 10 and 400"},
		{name: "only some sections", args: []string{"-only", "2, 5"}, check: func(t *testing.T, c config) {
			assert.Equal(t, []int{2, 5}, c.only)
			assert.True(t, c.wants(5))
			assert.False(t, c.wants(1))
		}},
		{name: "only an unknown section", args: []string{"-only", "7"}, wantErr: `-only takes section numbers from 1 to 6, got "7"`},
		{name: "only garbage", args: []string{"-only", "1,x"}, wantErr: `got "x"`},
		{name: "stray argument", args: []string{"extra"}, wantErr: `unexpected argument "extra"`},
		{name: "not a number", args: []string{"-limit", "lots"}, wantErr: `invalid value "lots" for flag -limit`},
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
			tt.check(t, c)
		})
	}
}

// The lesson as a learner runs it, with small sizes: every section appears,
// in order, and the prime counts agree.
func TestRunTellsTheWholeStory(t *testing.T) {
	var b strings.Builder
	c := config{parked: 100, limit: 10_000, workers: 3, width: 40, children: true}
	require.NoError(t, run(c, &b))
	out := b.String()
	last := -1
	for _, want := range []string{
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
	} {
		i := strings.Index(out, want)
		require.GreaterOrEqual(t, i, 0, "missing %q in:\n%s", want, out)
		assert.Greater(t, i, last, "%q is out of order", want)
		last = i
	}
	assert.NotRegexp(t, `worker \d: finished`, out, "a worker of nojoin outlived main")
}

func TestRunOnlyOneSection(t *testing.T) {
	var b strings.Builder
	require.NoError(t, run(config{parked: 10, limit: 100, workers: 2, width: 20, only: []int{2}}, &b))
	assert.Equal(t, 1, strings.Count(b.String(), "== "), b.String())
	assert.Contains(t, b.String(), "== 2. Thread")
	assert.NotContains(t, b.String(), "Next:")
}

func TestRunWritesATrace(t *testing.T) {
	file := t.TempDir() + "/lesson.trace"
	var b strings.Builder
	require.NoError(t, run(config{parked: 10, limit: 1000, workers: 2, width: 20, trace: file}, &b))
	assert.Contains(t, b.String(), "go tool trace "+file)
	assert.FileExists(t, file)

	err := run(config{parked: 10, limit: 1000, workers: 2, width: 20, trace: t.TempDir() + "/no/such/dir/t"}, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot write the trace")
}

// The broken program really loses its workers: the child exits 0 having
// printed only main's lines.
func TestNoJoinLosesItsWorkers(t *testing.T) {
	for _, race := range []bool{false, true} {
		res, err := harness.Run(context.Background(), "./01-threads/nojoin", harness.Options{Race: race, Timeout: 30 * time.Second})
		require.NoError(t, err)
		assert.Equal(t, 0, res.ExitCode, res.String())
		assert.Equal(t, "main: started 3 workers\nmain: returning without joining them\n", res.Stdout)
		assert.Empty(t, res.Stderr)
	}
}

// testdata/oldloop declares go1.21, so its loop shares one variable: every
// goroutine sees the final value. And go vet says so.
func TestOldLoopSemantics(t *testing.T) {
	res, err := harness.Run(context.Background(), "./01-threads/testdata/oldloop", harness.Options{})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode, res.String())
	assert.Equal(t, "loop variable seen by 3 goroutines (Go 1.21 rules): [3 3 3]\n", res.Stdout)

	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	vet := harness.Command(context.Background(), "go", "vet", "./01-threads/testdata/oldloop")
	vet.Dir = root
	out, err := vet.CombinedOutput()
	require.Error(t, err, "go vet should fail on the old loop")
	assert.Contains(t, string(out), "loop variable i captured by func literal")
}

func TestMainExitsWithOneLineOnABadFlag(t *testing.T) {
	res, err := harness.Run(context.Background(), "./01-threads", harness.Options{Args: []string{"-workers", "0"}})
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode)
	assert.Equal(t, "01-threads: -workers must be between 1 and 1024, got 0\n", res.Stderr)
	assert.Empty(t, res.Stdout)
}
