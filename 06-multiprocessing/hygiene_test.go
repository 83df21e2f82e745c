//go:build unix

package main

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Patience for the two directions of a "did it die?" check: a process that
// should die is given plenty of time (the check returns as soon as it has);
// one that should live is watched briefly, since no wait would be long
// enough to prove it never dies.
const (
	shouldDie  = 10 * time.Second
	shouldLive = 200 * time.Millisecond
)

func patience(dies bool) time.Duration {
	if dies {
		return shouldDie
	}
	return shouldLive
}

func TestCancelKillsProcessGroup(t *testing.T) {
	tests := []struct {
		name  string
		group bool
		dies  bool
	}{
		{"exec's default Cancel: the child only", false, false},
		{"Cancel kills the group", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			died, err := cancelKillsGroup(t.Context(), tt.group, patience(tt.dies))
			require.NoError(t, err)
			assert.Equal(t, tt.dies, died, "grandchild died")
		})
	}
}

func TestPdeathsig(t *testing.T) {
	if !hasDeathSignal {
		t.Skip("Pdeathsig is Linux only")
	}
	tests := []struct {
		name string
		on   bool
	}{{"without Pdeathsig the grandchild is orphaned", false}, {"with Pdeathsig it dies with its parent", true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			died, err := deathSignal(t.Context(), tt.on, patience(tt.on))
			require.NoError(t, err)
			assert.Equal(t, tt.on, died)
		})
	}
}

// TestNoLeaks runs each lesson step and checks it left nothing behind: no
// open descriptor, no child (running or zombie), no shared-memory file or
// mapping. The runtime opens its poller once, the first time a pipe is used,
// and keeps it; a pipe made and closed first makes sure it is already open
// when counting starts.
func TestNoLeaks(t *testing.T) {
	ctx := t.Context()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	r.Close()
	w.Close()
	steps := []struct {
		name string
		run  func() error
	}{
		{"seed example", func() error { _, err := runSeed(ctx, upTo(5)); return err }},
		{"exit codes", func() error { _, err := exitCodes(ctx); return err }},
		{"duplex pipe", func() error { _, err := duplex(ctx, upTo(3)); return err }},
		{"queue", func() error { _, _, err := fanIn(ctx, 3, 3, true, nil); return err }},
		{"queue, write end kept", func() error { _, _, err := fanIn(ctx, 2, 1, false, after(50*time.Millisecond)); return err }},
		{"deadlock rescued", func() error { _, _, err := waitBeforeRead(ctx, 1<<20, false, after(50*time.Millisecond)); return err }},
		{"counter", func() error { _, err := sharedCounter(ctx, "atomic", 2, time.Millisecond); return err }},
		{"pool with deaths", func() error {
			p, err := newPool("fragile", PoolOptions{Workers: 2, MaxTasksPerChild: 2})
			if err != nil {
				return err
			}
			defer p.Close()
			p.Map(ctx, []int64{1, 13, 2, 3, -1, 4})
			_, err = p.Map(ctx, upTo(5))
			return err
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			fds, err := openFDs()
			require.NoError(t, err)
			files := leftovers(t)
			require.NoError(t, s.run())
			after, err := openFDs()
			require.NoError(t, err)
			assert.Equal(t, fds, after, "open descriptors")
			assert.Zero(t, live.Load(), "children not reaped")
			assert.Equal(t, files, leftovers(t), "shared-memory files and mappings")
			if runtime.GOOS == "linux" {
				kids, err := childrenOf(os.Getpid())
				require.NoError(t, err)
				assert.Empty(t, kids, "child processes, zombies included")
			}
		})
	}
}

// The lesson itself: it runs, tells its story in order, and leaves nothing.
func TestLesson(t *testing.T) {
	var out, errOut bytes.Buffer
	fds, err := openFDs()
	require.NoError(t, err)
	files := leftovers(t)
	code := run(t.Context(), nil, &out, &errOut)
	require.Equal(t, 0, code, "stderr: %s\nstdout: %s", errOut.String(), out.String())
	text := out.String()
	var last int
	for _, part := range []string{
		"== 1. Squares and cubes", "total         3410",
		"== 2. Processes", "kill (SIGKILL)         -1           SIGKILL     -9",
		"parent: counter is still 42",
		"== 3. Pipes and queues", "parent got 12, per child [4 4 4]",
		"1024 KiB: deadlock", "kept open: both children exited, EOF never came",
		"== 4. A shared counter", "(exact)",
		"== 5. A pool", "[1 4 9 16 25 36 49 64 81 100 121 144] (input order)",
		"ran in 4 different processes", "died (exit status 3) running inputs [13], attempt 2",
		"== 6. Leaving nothing behind", "our Cancel kills the child's process group:  grandchild died: yes",
		"children not reaped: 0", "So: in Go, use processes",
	} {
		i := strings.Index(text[last:], part)
		if !assert.GreaterOrEqual(t, i, 0, "missing, or out of order: %q", part) {
			continue
		}
		last += i
	}
	after, err := openFDs()
	require.NoError(t, err)
	assert.Equal(t, fds, after, "open descriptors")
	assert.Equal(t, files, leftovers(t))
	assert.Zero(t, live.Load())
	assert.Empty(t, errOut.String())
}

// A Cmd started and never waited for is what GODEBUG=execwait=2 reports:
// the leak role does exactly that, and the runtime panics with the stack that
// created the Cmd. This proves the check TestMain switches on can fire.
func TestExecwaitCatchesLeak(t *testing.T) {
	cmd := command(t.Context(), "leak")
	cmd.Env = append(cmd.Env, "GODEBUG=execwait=2")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	c, err := start(cmd)
	require.NoError(t, err)
	c.Wait()
	assert.Equal(t, 2, c.State().ExitCode(), stderr.String())
	assert.Contains(t, stderr.String(), "exec: Cmd started a Process but leaked without a call to Wait")
	assert.Contains(t, stderr.String(), "GODEBUG=execwait=2 detected a leaked exec.Cmd created by:")
}
