//go:build unix

package main

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
	"github.com/gocourse/concurrency/internal/lesson"
)

// Ctrl-C on the real lesson, built and run as a child in a process group of
// its own, as a terminal runs it. The test waits for a line that says the
// lesson is under way (no sleeping), sends SIGINT to the whole group as a
// terminal does, and checks: exit 130, the lesson's one line on stderr, no
// process left in the group, and no file left in its TMPDIR.
func TestCtrlCStopsCleanly(t *testing.T) {
	bin, err := harness.Build(t.Context(), "./09-context", false)
	require.NoError(t, err)
	tests := []struct {
		name  string
		args  []string
		after string // the line after which to press Ctrl-C
	}{
		{"first line", nil, "== 1. The context tree =="},
		{"children running", []string{"-only", "2"}, "a child process with a 300ms budget:"},
		{"child with a temp file", []string{"-only", "3"}, "  child: working, with a temporary file; press Ctrl-C:"},
		{"server running", []string{"-only", "9"}, "== 9. net/http's server, configured =="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			cmd := harness.Command(t.Context(), bin, tt.args...)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			pgid := cmd.Process.Pid // harness.Command makes the child a group leader

			lines := bufio.NewScanner(stdout)
			seen := false
			for lines.Scan() {
				if lines.Text() == tt.after {
					seen = true
					break
				}
			}
			require.True(t, seen, "the lesson never printed %q", tt.after)
			require.NoError(t, syscall.Kill(-pgid, syscall.SIGINT))
			for lines.Scan() { // drain, so the lesson never blocks on a full pipe
			}
			err = cmd.Wait()

			assert.Equal(t, lesson.ExitInterrupted, cmd.ProcessState.ExitCode(), "err=%v stderr=%s", err, stderr.String())
			assert.Contains(t, stderr.String(), "09-context: interrupted\n")
			assert.NotContains(t, stderr.String(), "panic")
			// Nothing left behind: no process in the group...
			assert.True(t, errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH), "a process of the lesson's group is still alive")
			// ...and no temporary file.
			left, err := os.ReadDir(tmp)
			require.NoError(t, err)
			assert.Empty(t, left, "files left in TMPDIR")
		})
	}
}
