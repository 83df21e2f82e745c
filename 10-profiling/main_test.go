package main

import (
	"context"
	"os"
	"path/filepath"
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

// runLesson runs the program in-process; cfg is a package variable, so the
// tests that use it do not run in parallel (the others do).
func runLesson(t *testing.T, args ...string) (code int, out, errs string) {
	t.Helper()
	var o, e strings.Builder
	code = chapter.Run(t.Context(), args, &o, &e)
	return code, o.String(), e.String()
}

// Every section runs, in order, says what it found, and leaves no file
// behind: not in the repository, not in the temp directory.
func TestLessonTellsTheStory(t *testing.T) {
	tmpBefore, _ := filepath.Glob(filepath.Join(os.TempDir(), "10-profiling-*"))
	code, out, errs := runLesson(t, "-window", "50ms", "-workers", "2")
	require.Equal(t, 0, code, "stderr: %s\nstdout: %s", errs, out)
	want := []string{
		"== 1. CPU profile ==", "main.checksum",
		"== 2. Where goroutines wait", "mutex profile: most waiting caused at the Unlock in main.(*oneLock).Transfer",
		"block profile: most waiting done at the Lock in main.(*oneLock).Transfer",
		"money kept: true", "sharded",
		"== 3. Stuck programs ==", "[sync.WaitGroup.Wait] in main.runPool", "[chan send] in main.worker",
		"3 goroutines in main.(*profServer).wait",
		"== 4. The execution tracer ==", "tasks: 400 item; logs: 8 progress", "slow log(s)",
		"== 5. Scheduler and runtime metrics, live ==", "64 goroutines (32x)",
		"== 6. Allocation and GC", "0 allocs/line", "top allocation site: main.writeEventNaive",
		"GOGC=off GOMEMLIMIT=64MiB",
		"== 7. Comparing benchmarks honestly ==", "vs base",
		"Next:",
	}
	last := -1
	for _, w := range want {
		i := strings.Index(out, w)
		if assert.GreaterOrEqual(t, i, 0, "missing %q in\n%s", w, out) {
			assert.Greater(t, i, last, "%q is out of order in\n%s", w, out)
			last = i
		}
	}
	assert.NotContains(t, out, "\r", "piped output has no carriage returns")
	tmpAfter, _ := filepath.Glob(filepath.Join(os.TempDir(), "10-profiling-*"))
	assert.Subset(t, tmpBefore, tmpAfter, "a section left its temp dir behind")
}

// With -dir the files stay where the learner asked.
func TestDirKeepsTheFiles(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runLesson(t, "-only", "2", "-window", "50ms", "-dir", dir)
	require.Equal(t, 0, code, "stderr: %s\nstdout: %s", errs, out)
	for _, f := range []string{"mutex.pprof", "block.pprof"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if assert.NoError(t, err) {
			assert.Positive(t, st.Size(), f)
		}
	}
	assert.Contains(t, out, filepath.Join(dir, "mutex.pprof"))
}

func TestBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-workers", "0"}, "10-profiling: -workers must be between 1 and 256, got 0\n"},
		{[]string{"-window", "1ms"}, "10-profiling: -window must be between 50ms and 1m0s, got 1ms\n"},
		{[]string{"-only", "8"}, "10-profiling: -only takes section numbers from 1 to 7, got \"8\"\n"},
		{[]string{"serve", "-flight", "-1s"}, "10-profiling: serve: -flight must be between 0s and 1m0s, got -1s\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := runLesson(t, tt.args...)
			assert.Equal(t, 2, code)
			assert.Equal(t, tt.want, errs)
			assert.Empty(t, out)
		})
	}
}

// The hung pool is found from its dump alone: the dump names the blocked
// functions and what each waits for.
func TestStuckPoolFoundByItsDump(t *testing.T) {
	t.Parallel() // it does not touch cfg
	dump, err := dumpStuck(t.Context())
	require.NoError(t, err)
	assert.Contains(t, dump, "SIGQUIT: quit")
	got := map[string]int{}
	for _, g := range parseDump(dump) {
		if g.Func != "" {
			got[g.State+" "+g.Func]++
		}
	}
	assert.Equal(t, 1, got["sync.WaitGroup.Wait main.runPool"], dump)
	assert.Equal(t, 3, got["chan send main.worker"], dump)
}

func TestHotLockChild(t *testing.T) {
	t.Parallel() // it does not touch cfg
	res, err := harness.Run(t.Context(), "./10-profiling/hotlock", harness.Options{Args: []string{"-keys", "100"}, Timeout: 30 * time.Second})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, res.String())
	assert.Contains(t, res.Stdout, "mutex profile: the lock was held, while others waited, in main.(*cache).get\n")
	assert.NotContains(t, res.Stdout, "waited 0s in all")
}

func TestFalseShareChild(t *testing.T) {
	t.Parallel() // it does not touch cfg
	res, err := harness.Run(t.Context(), "./10-profiling/falseshare", harness.Options{Args: []string{"-adds", "100000"}, Timeout: 30 * time.Second})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, res.String())
	assert.Contains(t, res.Stdout, "adjacent: b is 8 bytes after a; same cache line: true; sums 100000 100000")
	assert.Contains(t, res.Stdout, "padded:   b is 72 bytes after a; same cache line: false; sums 100000 100000")
}

func TestAllocHeavyChild(t *testing.T) {
	t.Parallel() // it does not touch cfg
	res, err := harness.Run(t.Context(), "./10-profiling/allocheavy", harness.Options{Timeout: 30 * time.Second})
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, res.String())
	assert.Regexp(t, `render:   (1\d|[2-9]\d) allocations per call`, res.Stdout, "ten or more")
	assert.Contains(t, res.Stdout, "renderTo: 0 allocations per call")
	assert.Contains(t, res.Stdout, "most bytes allocated in main.render\n")
}

func TestEveryBankKeepsTheMoney(t *testing.T) {
	t.Parallel() // it does not touch cfg
	for _, d := range bankDesigns {
		t.Run(d.name, func(t *testing.T) {
			b := d.new(bankAccounts, 1000)
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
			defer cancel()
			n := driveBank(ctx, b, 4, bankAccounts)
			assert.Positive(t, n)
			assert.Equal(t, int64(bankAccounts*1000), b.Total())
		})
	}
}

// The page follows the lesson: the same sections, in the same order, in the
// shape every chapter page has.
func TestPageFollowsTheLesson(t *testing.T) { lessontest.Page(t, chapter) }

// waitGroupSize finds the one group of goroutines in the /wait handler in a
// ?debug=1 profile, and refuses two groups (one handler not parked yet).
func TestWaitGroupSize(t *testing.T) {
	wait := "#\t0x1\t" + ourPrefix + "(*profServer).wait+0x10\t/x/server.go:1\n"
	tests := []struct {
		name, profile string
		want          int
	}{
		{"one group", "goroutine profile: total 9\n5 @ 0x1 0x2\n#\t0x9\truntime.gopark\n\n3 @ 0x3 0x4\n" + wait, 3},
		{"first record", "goroutine profile: total 3\n3 @ 0x3 0x4\n" + wait, 3},
		{"two groups", "goroutine profile: total 3\n2 @ 0x3\n" + wait + "\n1 @ 0x5\n" + wait, 0},
		{"none", "goroutine profile: total 1\n1 @ 0x1\n#\t0x9\truntime.gopark\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, waitGroupSize(tt.profile))
		})
	}
}

// go tool -n prints the tool's path on standard output and, the first time,
// what it downloads on standard error. Only a single line naming a file that
// exists is a path: the download notes, read together with it, once made the
// lesson fail on a machine that had not fetched benchstat yet.
func TestToolPath(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "benchstat")
	require.NoError(t, os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755))
	tests := []struct {
		name, stdout string
		ok           bool
	}{
		{"the path", exe + "\n", true},
		{"download notes mixed in", "go: downloading golang.org/x/perf v0.0.0\n" + exe + "\n", false},
		{"nothing", "\n", false},
		{"a path that does not exist", exe + ".gone\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := toolPath([]byte(tt.stdout))
			if !tt.ok {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, exe, got)
		})
	}
}

// The real go tool -n, with the module cache of the test's environment.
func TestBenchstatBinaryExists(t *testing.T) {
	path, err := benchstatBinary(t.Context())
	require.NoError(t, err)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.False(t, info.IsDir())
}
