//go:build unix

package lesson

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocourse/concurrency/internal/harness"
)

// startChild runs this test binary as a child playing the lesson name (see
// TestMain) and returns once the child's section has said "ready", with the
// child's stderr to read line by line.
func startChild(t *testing.T, name string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	cmd := harness.Command(ctx, os.Args[0]) // no arguments: Main reads os.Args
	cmd.Env = append(os.Environ(), childEnv+"="+name)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	// Cleanups run last first: if the test fails early, the child is killed,
	// then reaped. (A second Wait after the test's own returns at once.)
	t.Cleanup(func() { _ = cmd.Wait() })
	t.Cleanup(cancel)
	out := bufio.NewScanner(stdout)
	for out.Scan() && out.Text() != "ready" {
	}
	require.Equal(t, "ready", out.Text(), "the child never said ready")
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return cmd, bufio.NewScanner(stderr)
}

// The first Ctrl-C cancels the context: the section returns, the program
// says so in one line and exits 130, and "Next:" is not printed.
func TestFirstInterruptCancels(t *testing.T) {
	cmd, stderr := startChild(t, "patient")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	var lines []string
	for stderr.Scan() {
		lines = append(lines, stderr.Text())
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, ExitInterrupted, ee.ExitCode())
	assert.Equal(t, []string{"", "stopping... (Ctrl-C again to force)", "99-test: interrupted"}, lines)
}

// A section that ignores its context keeps running after the first Ctrl-C;
// the second one ends the program at once, killed by SIGINT.
func TestSecondInterruptKills(t *testing.T) {
	cmd, stderr := startChild(t, "stubborn")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	for stderr.Scan() && stderr.Text() != "stopping... (Ctrl-C again to force)" {
	}
	require.Equal(t, "stopping... (Ctrl-C again to force)", stderr.Text())
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	for stderr.Scan() {
		t.Errorf("unexpected stderr line after the second Ctrl-C: %q", stderr.Text())
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	ws, ok := ee.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	assert.True(t, ws.Signaled(), "not killed by a signal: %v", err)
	assert.Equal(t, syscall.SIGINT, ws.Signal())
}
