//go:build unix

package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// The classic traps of pipes between processes.

// waitBeforeRead is the first trap: the parent calls Wait before reading
// what the child writes to a pipe. A pipe holds a fixed amount (64 KiB on
// Linux); a child that writes more blocks until someone reads, and the parent
// will not read until the child exits: a deadlock, and one Go's runtime
// cannot detect, since both sides wait in the kernel. This demo waits at
// most patience, then rescues the child by reading. readFirst does it right.
func waitBeforeRead(ctx context.Context, size int, readFirst bool, patience <-chan struct{}) (deadlocked bool, n int64, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return false, 0, err
	}
	defer r.Close()
	cmd := command(ctx, "flood", strconv.Itoa(size))
	cmd.Stdout = w
	c, err := start(cmd)
	w.Close()
	if err != nil {
		return false, 0, err
	}
	if readFirst {
		n, err = io.Copy(io.Discard, r)
		if werr := c.Wait(); err == nil {
			err = werr
		}
		return false, n, err
	}
	select {
	case <-c.Done(): // the wrong order, but everything fitted in the pipe
	case <-patience:
		deadlocked = true
	}
	n, err = io.Copy(io.Discard, r)
	if werr := c.Wait(); err == nil {
		err = werr
	}
	return deadlocked, n, err
}

// flood writes args[0] bytes to stdout.
func flood(args []string) int {
	n, _ := strconv.Atoi(args[0])
	if _, err := os.Stdout.Write(make([]byte, n)); err != nil {
		return 1
	}
	return 0
}

func init() { register("flood", flood) }

// envCase is how the parent sets cmd.Env.
type envCase int

const (
	envInherit envCase = iota // cmd.Env == nil: the child gets the parent's environment
	envReplace                // cmd.Env = []string{"GREETING=hi"}: that is all it gets
	envAppend                 // cmd.Env = append(os.Environ(), "GREETING=hi")
)

func (e envCase) String() string {
	return [...]string{`Env = nil`, `Env = {"GREETING=hi"}`, `Env = append(os.Environ(), "GREETING=hi")`}[e]
}

// envSeen runs the env program with cmd.Env set as e says, and reports how
// many variables the child saw and whether PATH and GREETING were among them.
func envSeen(ctx context.Context, e envCase) (count int, path, greeting bool, err error) {
	cmd := exec.CommandContext(ctx, "env")
	switch e {
	case envReplace:
		cmd.Env = []string{"GREETING=hi"}
	case envAppend:
		cmd.Env = append(os.Environ(), "GREETING=hi")
	}
	c, r, err := startPiped(cmd)
	if err != nil {
		return 0, false, false, err
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		count++
		path = path || strings.HasPrefix(sc.Text(), "PATH=")
		greeting = greeting || sc.Text() == "GREETING=hi"
	}
	r.Close()
	return count, path, greeting, c.Wait()
}

// after returns a channel that is closed once d has passed.
func after(d time.Duration) <-chan struct{} {
	ch := make(chan struct{})
	time.AfterFunc(d, func() { close(ch) })
	return ch
}
