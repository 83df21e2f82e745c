package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/gocourse/concurrency/internal/harness"
)

// Ctrl-C done right, on the real program in a child process: the first
// SIGINT stops cleanly, a second one forces. Each test waits for the
// child's first line (never a sleep) before it signals, and checks that
// nothing is left: no listening socket, no process in the child's group.

func buildChapter(t *testing.T) (context.Context, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	bin, err := harness.Build(ctx, "./07-pool-server", false)
	require.NoError(t, err)
	return ctx, bin
}

// startChild starts the program and returns the first line it writes on
// the chosen stream, and a scanner for the rest of that stream.
func startChild(t *testing.T, ctx context.Context, bin string, useStderr bool, args ...string) (*exec.Cmd, string, *bufio.Scanner, *strings.Builder) {
	t.Helper()
	cmd := harness.Command(ctx, bin, args...)
	other := new(strings.Builder)
	var r io.Reader
	var err error
	if useStderr {
		cmd.Stdout = other
		r, err = cmd.StderrPipe()
	} else {
		cmd.Stderr = other
		r, err = cmd.StdoutPipe()
	}
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(r)
	require.True(t, lines.Scan(), "the program printed its first line")
	return cmd, lines.Text(), lines, other
}

// groupGone reports whether no process is left in the child's group.
func groupGone(pid int) bool {
	return errors.Is(unix.Kill(-pid, 0), unix.ESRCH)
}

func rest(lines *bufio.Scanner) string {
	var b strings.Builder
	for lines.Scan() {
		b.WriteString(lines.Text() + "\n")
	}
	return b.String()
}

func TestServeCtrlC(t *testing.T) {
	ctx, bin := buildChapter(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, first, lines, stderr := startChild(t, ctx, bin, false, "serve", "-addr", "127.0.0.1:0", "-mode", "request")
			f := strings.Fields(first) // serving http://127.0.0.1:PORT/ in mode ...
			require.GreaterOrEqual(t, len(f), 2, first)
			addr := strings.TrimSuffix(strings.TrimPrefix(f[1], "http://"), "/")
			status, body, err := roundTrip(addr, get("/primes?n=1000"))
			require.NoError(t, err)
			assert.Equal(t, 200, status)
			assert.Equal(t, "168\n", body)

			require.NoError(t, cmd.Process.Signal(sig))
			out := rest(lines)
			err = cmd.Wait()
			assert.Equal(t, 130, cmd.ProcessState.ExitCode(), "%v\n%s%s", err, out, stderr)
			assert.Contains(t, out, "shutting down: no new connections")
			assert.Contains(t, out, "stopped after serving 1 responses (0 rejected)")
			assert.Contains(t, stderr.String(), "07-pool-server: interrupted")
			_, err = net.Dial("tcp", addr)
			assert.Error(t, err, "nothing listens any more")
			assert.True(t, groupGone(cmd.Process.Pid))
		})
	}
}

// A second Ctrl-C while the server drains a slow request ends it at once.
func TestServeSecondCtrlCForces(t *testing.T) {
	ctx, bin := buildChapter(t)
	cmd, first, lines, _ := startChild(t, ctx, bin, false, "serve", "-addr", "127.0.0.1:0", "-mode", "request")
	addr := strings.TrimSuffix(strings.TrimPrefix(strings.Fields(first)[1], "http://"), "/")
	nc, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer nc.Close()
	_, err = io.WriteString(nc, get("/sleep?ms=5000"))
	require.NoError(t, err)
	// The request is in flight once the server counts two busy: it and
	// the /stats request asking.
	for {
		_, body, err := roundTrip(addr, get("/stats"))
		require.NoError(t, err)
		if strings.Contains(body, `"busy":2`) {
			break
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	for lines.Scan() && !strings.Contains(lines.Text(), "shutting down") {
	}
	start := time.Now()
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err = cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "interrupt", ee.ProcessState.Sys().(syscall.WaitStatus).Signal().String(), "killed by the second SIGINT")
	assert.Less(t, time.Since(start), 4*time.Second, "long before the 5s request would have finished")
	assert.True(t, groupGone(cmd.Process.Pid))
}

// load: the first Ctrl-C stops every client and prints the partial report.
func TestLoadCtrlC(t *testing.T) {
	ctx, bin := buildChapter(t)
	s, addr := startServer(t, Config{Mode: ModeRequest})
	cmd, first, _, stdout := startChild(t, ctx, bin, true, "load", "-addr", addr, "-c", "4", "-d", "1m")
	assert.Contains(t, first, "load: 4 clients against "+addr+" for 1m0s (Ctrl-C stops early and reports)")
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	err := cmd.Wait()
	assert.Equal(t, 130, cmd.ProcessState.ExitCode(), "%v\n%s", err, stdout)
	assert.Contains(t, stdout.String(), "(stopped by Ctrl-C after ")
	assert.Contains(t, stdout.String(), "fairness:")
	assert.True(t, groupGone(cmd.Process.Pid))
	require.NoError(t, s.Shutdown(t.Context()))
	assert.Zero(t, s.Stats().OpenConns, "every client connection is gone")
}

// The slowloris program ends by itself, and an ordinary request gets an
// answer from mode pool within ReadHeaderTimeout even while every worker
// is held by a slow client.
func TestSlowlorisProgram(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	_, addr := startServer(t, Config{Mode: ModePool, Workers: 2, ReadHeaderTimeout: time.Second})
	res, err := harness.Run(ctx, "./07-pool-server/slowloris", harness.Options{Args: []string{"-addr", addr, "-c", "4", "-tries", "1"}})
	require.NoError(t, err)
	assert.Equal(t, 0, res.ExitCode, res.String())
	assert.Contains(t, res.Stdout, "slowloris: 4 slow clients against "+addr)
	assert.Regexp(t, `GET /hello 1: (200|503) after (\d+ms|\d+(\.\d+)?s)\n`, res.Stdout)
}
