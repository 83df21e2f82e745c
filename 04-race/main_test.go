package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocourse/concurrency/internal/harness"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(harness.WithCleanup(m)) }

// lineOf returns "file:line" of the first line in file (relative to the
// module root) that contains marker, so the tests follow the code when lines
// move instead of hard-coding numbers.
func lineOf(t *testing.T, file, marker string) string {
	t.Helper()
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	f, err := os.Open(filepath.Join(root, file))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), marker) {
			return fmt.Sprintf("%s:%d", file, n)
		}
	}
	require.FailNowf(t, "marker not found", "%q is not in %s", marker, file)
	return ""
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	return root
}

// The race detector must name the count++ line as both the read/write and the
// earlier write, and exit with its own status, 66.
func TestRacyUnderTheRaceDetector(t *testing.T) {
	res, err := runChild(context.Background(), "./04-race/racy", true, "-goroutines", "4", "-n", "1000")
	require.NoError(t, err)
	assert.Equal(t, 66, res.ExitCode, res.String())
	assert.Contains(t, res.Stderr, "WARNING: DATA RACE")
	assert.Regexp(t, `Found \d+ data race\(s\)`, res.Stderr)

	inc := lineOf(t, "04-race/racy/main.go", "count++ // the race")
	reports := parseRaces(res.Stderr, moduleRoot(t))
	require.NotEmpty(t, reports, res.String())
	for _, r := range reports {
		require.Len(t, r.accesses, 2, "a report names two accesses")
		assert.False(t, r.accesses[0].previous)
		assert.True(t, r.accesses[1].previous)
		writes := 0
		for _, a := range r.accesses {
			assert.Equal(t, inc, a.where, "both sides of the race are count++")
			if a.op == "write" {
				writes++
			}
		}
		assert.Positive(t, writes, "a data race needs at least one write")
	}
}

// Without -race the program runs to the end and reports what it lost. How
// many is up to the scheduler (often none on a busy machine), so the test
// checks the report, not the number.
func TestRacyWithoutTheRaceDetector(t *testing.T) {
	res, err := runChild(context.Background(), "./04-race/racy", false, "-goroutines", "4", "-n", "100000")
	require.NoError(t, err)
	require.Equal(t, 0, res.ExitCode, res.String())
	lost, ok := lostUpdates(res.Stdout)
	require.True(t, ok, res.String())
	assert.GreaterOrEqual(t, lost, 0)
	assert.Less(t, lost, 400000)
	t.Logf("lost %d of 400000 updates", lost)
}

func TestMapWritesIsFatal(t *testing.T) {
	res, err := runChild(context.Background(), "./04-race/mapwrites", false)
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode, res.String())
	assert.True(t, strings.HasPrefix(res.Stderr, "fatal error: concurrent map writes\n"), res.String())
	assert.Equal(t, lineOf(t, "04-race/mapwrites/main.go", "m[i] = g //"),
		firstFrameIn(res.Stderr, moduleRoot(t), "04-race/mapwrites"), "the traceback points at the map write")
}

// On Go 1.26.8 (amd64) the compiler reloads the plain bool on every pass of
// the loop and async preemption lets main run, so the spinner does stop. The
// memory model does not promise it: if a toolchain hoists the load, this test
// fails with the child killed at its -wait, which is the lesson's warning
// coming true; update docs/04-race.md then.
func TestSpinWithoutTheRaceDetector(t *testing.T) {
	res, err := runChild(context.Background(), "./04-race/spin", false, "-wait", "5s")
	require.NoError(t, err)
	assert.False(t, res.TimedOut, res.String())
	assert.Equal(t, 0, res.ExitCode, res.String())
	assert.Contains(t, res.Stdout, "the spinner saw done = true")
}

func TestSpinUnderTheRaceDetector(t *testing.T) {
	res, err := runChild(context.Background(), "./04-race/spin", true)
	require.NoError(t, err)
	assert.Equal(t, 66, res.ExitCode, res.String())
	reports := parseRaces(res.Stderr, moduleRoot(t))
	require.NotEmpty(t, reports, res.String())
	read := lineOf(t, "04-race/spin/main.go", "for !done { //")
	write := lineOf(t, "04-race/spin/main.go", "done = true // the write")
	got := map[string]string{}
	for _, a := range reports[0].accesses {
		got[a.op] = a.where
	}
	assert.Equal(t, map[string]string{"read": read, "write": write}, got)
}

// The check-then-act race is invisible to the detector: the lesson built
// with -race shows the invariant broken and exits 0 with no report.
func TestCheckThenActUnderTheRaceDetector(t *testing.T) {
	res, err := harness.Run(context.Background(), "./04-race", harness.Options{
		Race: true, Args: []string{"-only", "check-then-act", "-rounds", "50"}, Timeout: childTimeout,
	})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode, res.String())
	assert.NotContains(t, res.Output(), "DATA RACE")
	assert.Regexp(t, `each step locked: overdrawn in [1-9]\d* of 50 rounds`, res.Stdout)
	assert.Contains(t, res.Stdout, "lock across both: overdrawn in 0 of 50 rounds")
	assert.Contains(t, res.Stdout, "compare-and-swap: overdrawn in 0 of 50 rounds")
}

// The whole lesson, small, in this process: every section says its piece.
func TestLesson(t *testing.T) {
	var out bytes.Buffer
	cfg := config{goroutines: 2, per: 1000, rounds: 20, only: sections}
	require.NoError(t, run(context.Background(), &out, cfg))
	got := out.String()
	for _, want := range []string{
		"racy: count++ from 2 goroutines, 1000 times each",
		" of 2000 updates lost\n",
		"exit status 66",
		"first report: ",
		"exit status 2: fatal error: concurrent map writes\n",
		"each step locked: overdrawn in ",
		"lock across both: overdrawn in 0 of 20 rounds\n",
		"the spinner saw done = true",
		"fixed with atomic.Bool: the spinner stopped\n",
		"fixed with closed channel: the spinner stopped\n",
		"fixes: the same count, 2 goroutines x 1000, want 2000\n",
		"  confined  2000  ",
	} {
		assert.Contains(t, got, want)
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		args []string
		err  string
		only []string
	}{
		{args: nil, only: sections},
		{args: []string{"-only", "fixes, racy"}, only: []string{"racy", "fixes"}},
		{args: []string{"-goroutines", "0"}, err: "-goroutines must be ≥ 1, got 0"},
		{args: []string{"-n", "-3"}, err: "-n must be ≥ 1, got -3"},
		{args: []string{"-rounds", "0"}, err: "-rounds must be ≥ 1, got 0"},
		{args: []string{"-only", "races"}, err: `-only: no section "races"`},
		{args: []string{"-n", "many"}, err: `invalid value "many" for flag -n`},
		{args: []string{"extra"}, err: `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var usage bytes.Buffer
			cfg, err := parseFlags(tt.args, &usage)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.Empty(t, usage.String(), "a bad flag is one line, not a usage dump")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.only, cfg.only)
		})
	}
}

// A bad flag, run for real: one line on stderr and exit status 2.
func TestBadFlagExits2(t *testing.T) {
	res, err := harness.Run(context.Background(), "./04-race", harness.Options{Args: []string{"-goroutines", "0"}})
	require.NoError(t, err)
	assert.Equal(t, 2, res.ExitCode, res.String())
	assert.Equal(t, "04-race: -goroutines must be ≥ 1, got 0\n", res.Stderr)
	assert.Empty(t, res.Stdout)
}

func TestParseRaces(t *testing.T) {
	const stderr = `==================
WARNING: DATA RACE
Write at 0x00000065d7c8 by main goroutine:
  main.main()
      /root/m/04-race/spin/main.go:42 +0x264

Previous read at 0x00000065d7c8 by goroutine 8:
  main.main.func1()
      /root/m/04-race/spin/main.go:34 +0x46

Goroutine 8 (running) created at:
  main.main()
      /root/m/04-race/spin/main.go:32 +0x230
==================
Found 1 data race(s)
`
	got := parseRaces(stderr, "/root/m")
	want := []raceReport{{accesses: []raceAccess{
		{op: "write", where: "04-race/spin/main.go:42"},
		{op: "read", previous: true, where: "04-race/spin/main.go:34"},
	}}}
	assert.Equal(t, want, got)
	assert.Equal(t, "write at 04-race/spin/main.go:42 vs earlier read at 04-race/spin/main.go:34", describe(got[0]))
	assert.Empty(t, parseRaces("no races here\n", "/root/m"))
}
