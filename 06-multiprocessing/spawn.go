//go:build unix

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// waitDelay is how long Wait keeps waiting for a child's pipes after the
// context is done and the child's process group has been signalled. After it,
// the group gets SIGKILL and Wait returns.
const waitDelay = 500 * time.Millisecond

// command returns a Cmd that runs this same executable as a child playing
// role, with args as its arguments. The child:
//   - inherits the parent's environment plus roleEnv (cmd.Env replaces the
//     whole environment, so it starts from os.Environ());
//   - runs in a process group of its own, and on cancel the whole group is
//     killed, grandchildren included;
//   - on Linux gets SIGKILL if the thread that started it dies (Pdeathsig),
//     which is why start runs Start on a locked OS thread.
func command(ctx context.Context, roleName string, args ...string) *exec.Cmd {
	exe, err := os.Executable()
	cmd := exec.CommandContext(ctx, exe, args...)
	if err != nil {
		cmd.Err = err
	}
	cmd.Env = append(os.Environ(), roleEnv+"="+roleName)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(cmd.SysProcAttr)
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid, unix.SIGKILL) }
	cmd.WaitDelay = waitDelay
	markUsed(roleName)
	return cmd
}

// killGroup sends sig to the process group led by pid. A group that is
// already gone is not an error.
func killGroup(pid int, sig unix.Signal) error {
	err := unix.Kill(-pid, sig)
	if errors.Is(err, unix.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

// live counts children that were started and not yet waited for. A test
// checks it is zero at the end: a child nobody waits for stays a zombie.
var live atomic.Int64

// A child is a started process whose Wait is already being called.
type child struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error // Wait's result; read it only after done is closed
}

// start starts cmd and calls its Wait on the same goroutine, which holds its
// OS thread for the child's whole life. Holding the thread matters on Linux:
// Pdeathsig fires when the *thread* that forked the child exits, not the
// process. Started from an ordinary goroutine, the fork may run on any
// thread, and the runtime ends a thread when a goroutine that locked it
// exits without unlocking; if that is the thread our child was forked from,
// a healthy child gets SIGKILL. Calling Wait here, always, also means no
// child is ever left a zombie: every start is paired with a Wait.
func start(cmd *exec.Cmd) (*child, error) {
	c := &child{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		live.Add(1)
		started <- nil
		c.err = cmd.Wait()
		live.Add(-1)
		close(c.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return c, nil
}

// Wait blocks until the child has exited and been reaped, and returns
// cmd.Wait's error. It may be called many times, from any goroutine.
func (c *child) Wait() error { <-c.done; return c.err }

// Done is closed once the child has been reaped.
func (c *child) Done() <-chan struct{} { return c.done }

// Pid is the child's process ID.
func (c *child) Pid() int { return c.cmd.Process.Pid }

// State is the child's exit state; call it after Wait.
func (c *child) State() *os.ProcessState { return c.cmd.ProcessState }

// startRole is command followed by start, for a child that writes nothing
// to stdout and shares its stderr with the parent. extra become the child's
// fds 3, 4, ...; the caller still owns its copies and must close the ones
// meant for the child alone (a pipe's write end left open in the parent means
// the reader never sees EOF).
func startRole(ctx context.Context, roleName string, extra []*os.File, args ...string) (*child, error) {
	cmd := command(ctx, roleName, args...)
	cmd.ExtraFiles = extra
	cmd.Stderr = os.Stderr
	return start(cmd)
}
