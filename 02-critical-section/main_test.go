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
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(harness.WithCleanup(m)) }

// The lesson itself, run in-process with small numbers: every bank keeps
// its books and every part of the story is there, in order.
func TestRunTellsTheStory(t *testing.T) {
	var out, errs strings.Builder
	code := run([]string{"-workers", "4", "-transfers", "300", "-slow", "5ms"}, &out, &errs)
	require.Equal(t, 0, code, "stderr: %s\nstdout: %s", errs.String(), out.String())
	assert.Empty(t, errs.String())
	s := out.String()
	assert.Equal(t, len(Implementations), strings.Count(s, "books balance,"), s)
	assert.NotContains(t, s, "BROKEN")
	for _, impl := range Implementations {
		assert.Contains(t, s, "   "+impl.Name+" ")
	}
	parts := []string{"1. One bank", "2. sync.Once", "loaded 1 time(s)", "all saw 1.08: true",
		"3. Bounded buffer", "sync.Cond received 300 values, sum 45150 (want 45150)",
		"channel   received 300 values, sum 45150 (want 45150)",
		"4. Keep critical sections small", "lock held across the fetch: balance 324",
		"only the add is locked: balance 324", "Broken on purpose"}
	last := -1
	for _, p := range parts {
		i := strings.Index(s, p)
		if assert.GreaterOrEqual(t, i, 0, "missing %q in\n%s", p, s) {
			assert.Greater(t, i, last, "%q is out of order", p)
			last = i
		}
	}
}

func TestBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-workers", "0"}, "02-critical-section: -workers must be ≥ 1, got 0\n"},
		{[]string{"-transfers", "-1"}, "02-critical-section: -transfers must be ≥ 1, got -1\n"},
		{[]string{"-accounts", "1"}, "02-critical-section: -accounts must be ≥ 2 (a transfer needs two), got 1\n"},
		{[]string{"-slow", "2s"}, "02-critical-section: -slow must be between 1ns and 1s, got 2s\n"},
		{[]string{"-workers", "many"}, "02-critical-section: invalid value \"many\" for flag -workers: parse error\n"},
		{[]string{"-nope"}, "02-critical-section: flag provided but not defined: -nope\n"},
		{[]string{"extra"}, "02-critical-section: unexpected argument \"extra\"\n"},
		{[]string{"-only", "1,5"}, "02-critical-section: -only takes part numbers from 1 to 4, got \"5\"\n"},
		{[]string{"-only", "x"}, "02-critical-section: -only takes part numbers from 1 to 4, got \"x\"\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errs strings.Builder
			assert.Equal(t, 2, run(tt.args, &out, &errs))
			assert.Equal(t, tt.want, errs.String())
			assert.Empty(t, out.String())
		})
	}
}

func TestOnlyRunsThoseParts(t *testing.T) {
	tests := []struct {
		only       string
		want, not  []string
		startsWith string
	}{
		{"2", []string{"2. sync.Once"}, []string{"1. One bank", "3. Bounded", "4. Keep", "Broken on purpose"}, "2. sync.Once"},
		{"3,1", []string{"1. One bank", "\n\n3. Bounded"}, []string{"2. sync.Once", "4. Keep"}, "1. One bank"},
	}
	for _, tt := range tests {
		t.Run(tt.only, func(t *testing.T) {
			var out, errs strings.Builder
			require.Equal(t, 0, run([]string{"-only", tt.only, "-transfers", "50"}, &out, &errs), errs.String())
			s := out.String()
			assert.True(t, strings.HasPrefix(s, tt.startsWith), s)
			for _, w := range tt.want {
				assert.Contains(t, s, w)
			}
			for _, n := range tt.not {
				assert.NotContains(t, s, n)
			}
		})
	}
}

func TestHelpIsNotAnError(t *testing.T) {
	var out, errs strings.Builder
	assert.Equal(t, 0, run([]string{"-h"}, &out, &errs))
	assert.Contains(t, errs.String(), "-workers")
	assert.Empty(t, out.String())
}

// The broken program really deadlocks, and the runtime says where. It is
// built without -race: the race runtime switches the deadlock detector off.
func TestReentrantLockDeadlocks(t *testing.T) {
	res, err := harness.Run(context.Background(), "./02-critical-section/reentrant",
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
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
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
