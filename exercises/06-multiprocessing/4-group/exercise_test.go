//go:build coach

package group

// Rejects:
//   - nogroup: signals a process group that was never made
//   - setpgidonly: a group of its own, but only the child is killed

import (
	"bufio"
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The grandchild outlives its parent, the shell, by a moment even when
	// all goes well: adopt such orphans (on Linux) so the test can reap them.
	if err := adoptOrphans(); err != nil {
		panic(err)
	}
	goleak.VerifyTestMain(m)
}

// patience bounds each wait. When all goes well, each ends in milliseconds;
// it runs out only when something that should have died is still alive.
const patience = 5 * time.Second

// kill SIGKILLs pid, if it is still there.
func kill(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		p.Kill()
		p.Release()
	}
}

func TestCancelKillsTheGrandchild(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The child, a shell, starts a grandchild that sleeps for a minute,
	// prints its PID and waits for it. Both hold the pipe's write end as
	// their stdout, so the pipe ends (EOF) only when both have exited.
	cmd := Command(ctx, "/bin/sh", "-c", "sleep 60 & echo $!; wait")
	cmd.Stdout = w
	err = cmd.Start()
	w.Close()
	require.NoError(t, err)

	pidc := make(chan int, 1)
	eof := make(chan struct{})
	go func() {
		defer close(eof)
		br := bufio.NewReader(r)
		line, _ := br.ReadString('\n')
		pid, _ := strconv.Atoi(strings.TrimSpace(line))
		pidc <- pid
		io.Copy(io.Discard, br)
	}()
	var gpid int
	select {
	case gpid = <-pidc:
	case <-time.After(patience):
	}
	if gpid == 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the shell did not print its child's PID")
	}
	defer reap(gpid)

	cancel()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case <-waited:
	case <-time.After(patience):
		cmd.Process.Kill()
		kill(gpid)
		<-waited
		t.Fatal("Wait did not return after the cancel: the child was not killed")
	}

	select {
	case <-eof: // the shell and the sleep are both gone
	case <-time.After(patience):
		kill(gpid)
		<-eof
		t.Fatalf("the grandchild (sleep, pid %d) survived the cancel: "+
			"only the child was killed, not its process group", gpid)
	}
}
