//go:build unix

package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// Ctrl-C in the middle of the lesson, sent to the real program run as a
// child: the first SIGINT cancels the lesson's context, which kills every
// child's process group; the lesson waits for them, says it was
// interrupted, and exits 130, leaving no process and no file behind.
//
// Each case waits for a line printed while children are at work, so the
// signal lands in the middle of a section: the pool's collatz Map (three
// worker processes), and the hygiene section's grandchildren in process
// groups of their own.
func TestInterruptLeavesNothingBehind(t *testing.T) {
	bin, err := harness.Build(t.Context(), "./06-multiprocessing", false)
	require.NoError(t, err)
	tests := []struct {
		name  string
		args  []string
		after string // the line to wait for before Ctrl-C
	}{
		{"pool at work", []string{"-only", "5"}, "Python's Pool would hang forever"},
		{"grandchildren", []string{"-only", "6"}, "cancel, exec's default Cancel kills the child only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Every process the lesson starts inherits its environment:
			// the marker finds them, and TMPDIR holds any file they make.
			marker := "GOCOURSE_06_INTERRUPT_TEST=" + strconv.Itoa(os.Getpid()) + "-" + tt.name
			tmp := t.TempDir()
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			cmd := harness.Command(ctx, bin, tt.args...)
			cmd.Env = append(os.Environ(), marker, "TMPDIR="+tmp)
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())

			out := bufio.NewScanner(stdout)
			var seen []string
			for out.Scan() && !strings.HasPrefix(out.Text(), tt.after) {
				seen = append(seen, out.Text())
			}
			require.True(t, strings.HasPrefix(out.Text(), tt.after), "never printed %q; printed:\n%s", tt.after, strings.Join(seen, "\n"))
			if runtime.GOOS == "linux" {
				// The check below can see the lesson (and whichever children
				// are at work at this instant).
				require.NotEmpty(t, processesWith(t, marker), "the marker does not find the lesson itself")
			}
			require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
			_, _ = io.Copy(io.Discard, stdout)
			err = cmd.Wait()

			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "stderr: %s", stderr.String())
			assert.Equal(t, 130, ee.ExitCode(), "stderr: %s", stderr.String())
			assert.Equal(t, "\nstopping... (Ctrl-C again to force)\n06-multiprocessing: interrupted\n", stderr.String())
			if runtime.GOOS == "linux" {
				assert.Empty(t, processesWith(t, marker), "processes the lesson started are still alive")
			}
			files, err := os.ReadDir(tmp)
			require.NoError(t, err)
			assert.Empty(t, files, "files left in TMPDIR")
		})
	}
}

// processesWith lists the live processes whose environment holds entry
// (Linux: /proc/PID/environ; a zombie's is empty).
func processesWith(t *testing.T, entry string) []int {
	t.Helper()
	dirs, err := filepath.Glob("/proc/[0-9]*")
	require.NoError(t, err)
	var pids []int
	for _, d := range dirs {
		env, err := os.ReadFile(d + "/environ")
		if err != nil {
			continue // gone meanwhile, or not ours
		}
		for e := range strings.SplitSeq(string(env), "\x00") {
			if e == entry {
				pid, _ := strconv.Atoi(filepath.Base(d))
				pids = append(pids, pid)
			}
		}
	}
	return pids
}
