//go:build unix

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Leaving nothing behind: no zombie, no orphan, no open descriptor, no file.

// alive reports whether pid is a running process: it exists and (where
// /proc tells) is not a zombie waiting to be reaped by someone else.
func alive(pid int) bool {
	if err := unix.Kill(pid, 0); errors.Is(err, unix.ESRCH) {
		return false
	}
	if runtime.GOOS == "linux" {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return false
		}
		// The state is the field after the parenthesised command name.
		s := string(stat)
		if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
			return s[i+2] != 'Z'
		}
	}
	return true
}

// goneWithin polls until pid is no longer alive or limit has passed. The
// other party is a process that the kernel is tearing down, not a goroutine,
// so there is nothing to synchronise on but its state.
func goneWithin(pid int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for alive(pid) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// grandchild starts a child with role middle and the given args; the middle
// starts a sleeping grandchild and prints its PID. It returns the middle and
// the grandchild's PID.
func grandchild(cmd *exec.Cmd) (*child, int, error) {
	c, r, err := startPiped(cmd)
	if err != nil {
		return nil, 0, err
	}
	line, _ := bufio.NewReader(r).ReadString('\n')
	r.Close()
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		c.cmd.Process.Kill()
		c.Wait()
		return nil, 0, fmt.Errorf("middle child said %q", line)
	}
	return c, pid, nil
}

// cancelKillsGroup starts a child that starts a grandchild, then cancels the
// child's context. With group true, Cmd.Cancel kills the child's whole
// process group; with false, exec's default kills the child alone and the
// grandchild lives on as an orphan. It reports whether the grandchild died,
// and kills it if not.
//
// Until the middle has told us the grandchild's PID, nothing but this
// function may end the middle: a Ctrl-C that killed it in between would
// leave a grandchild we cannot name, alive for a minute after the lesson.
// So the middle runs under a context of its own, which ctx does not cancel;
// ctx is checked before anything starts, and the whole run takes well under
// a second.
func cancelKillsGroup(ctx context.Context, group bool, patience time.Duration) (grandchildDied bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	// The grandchild outlives its parent here, so adopt it to reap it.
	adoptOrphans(true)
	defer adoptOrphans(false)
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	cmd := command(ctx, "middle", "same-group")
	if !group {
		cmd.Cancel = func() error { return cmd.Process.Kill() }
	}
	c, gpid, err := grandchild(cmd)
	if err != nil {
		return false, err
	}
	cancel()
	c.Wait()
	died := goneWithin(gpid, patience)
	if !died {
		unix.Kill(gpid, unix.SIGKILL)
	}
	reapOrphan(gpid)
	return died, nil
}

// deathSignal starts a child that starts a grandchild in a process group of
// its own, with or without Pdeathsig, then SIGKILLs the child alone. Only
// Pdeathsig takes the grandchild with it. Linux only. It reports whether
// the grandchild died within patience, and kills it if not.
//
// As in cancelKillsGroup, ctx does not reach the middle: killed by a Ctrl-C
// before it said the grandchild's PID, it would leave a grandchild in a
// group of its own that nobody could find. This function kills the middle
// itself as soon as it knows the PID.
func deathSignal(ctx context.Context, pdeathsig bool, patience time.Duration) (grandchildDied bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	adoptOrphans(true)
	defer adoptOrphans(false)
	mode := "own-group-no-deathsig"
	if pdeathsig {
		mode = "own-group-deathsig"
	}
	c, gpid, err := grandchild(command(context.WithoutCancel(ctx), "middle", mode))
	if err != nil {
		return false, err
	}
	c.cmd.Process.Kill()
	c.Wait()
	died := goneWithin(gpid, patience)
	if !died {
		killGroup(gpid, unix.SIGKILL)
	}
	reapOrphan(gpid)
	return died, nil
}

// middleRole starts a grandchild that sleeps, prints its PID, and waits to
// be killed. "same-group" puts the grandchild in this process's group;
// "own-group-*" gives it its own, with or without Pdeathsig.
func middleRole(args []string) int {
	cmd := command(context.Background(), "sleeper", "default")
	switch args[0] {
	case "same-group":
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	case "own-group-no-deathsig":
		clearDeathSignal(cmd.SysProcAttr)
	}
	cmd.Stdout = nil // its "ready" goes nowhere
	c, err := start(cmd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "middle:", err)
		return 1
	}
	if hold, err := time.ParseDuration(os.Getenv(holdEnv)); err == nil {
		// A test's window: the grandchild is running and nobody knows it.
		fmt.Fprintf(os.Stderr, "middle %s: holding grandchild %d for %v\n", args[0], c.Pid(), hold)
		time.Sleep(hold)
	}
	fmt.Println(c.Pid())
	select {
	case <-c.Done():
	case <-time.After(time.Minute):
	}
	return 0
}

// holdEnv, set to a duration, makes the middle wait that long between
// starting the grandchild and saying its PID, and say so on stderr first.
// TestInterruptLeavesNothingBehind interrupts the lesson in that window.
const holdEnv = "GOCOURSE_06_MIDDLE_HOLD"

func init() { register("middle", middleRole) }

// openFDs counts this process's open file descriptors.
func openFDs() (int, error) {
	dir := "/dev/fd"
	if runtime.GOOS == "linux" {
		dir = "/proc/self/fd"
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	return len(ents) - 1, nil // ReadDir's own descriptor is in the list
}

// childrenOf lists the processes whose parent is pid, zombies included.
// Linux only (it reads /proc).
func childrenOf(pid int) ([]int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var kids []int
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			kids = append(kids, p)
		}
	}
	return kids, nil
}

// leakRole starts a child and drops its Cmd without calling Wait: the bug
// GODEBUG=execwait=2 exists to catch. Under that setting the Cmd's finalizer
// panics with the stack that created it, and this process exits 2. Without
// it, nothing happens and the role exits 0 after a few collections.
func leakRole([]string) int {
	leak := func() {
		exe, _ := os.Executable()
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), roleEnv+"=exit")
		cmd.Args = append(cmd.Args, "0")
		cmd.Start()
	}
	leak()
	for range 100 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // let the finalizer goroutine run
	}
	return 0
}

func init() { register("leak", leakRole) }
