//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// startPiped starts cmd with its stdout connected to a pipe the caller reads.
// The pipe is an *os.File, so no goroutine copies it: the child writes
// straight into the kernel's pipe buffer. The parent closes its copy of the
// write end right after Start; otherwise the read end would never see EOF,
// because a pipe reports EOF only when every write end is closed.
func startPiped(cmd *exec.Cmd) (*child, *os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	cmd.Stdout = w
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	c, err := start(cmd)
	w.Close()
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return c, r, nil
}

// How a child ended, in Go's words and in Python's.
type exitReport struct {
	what     string
	exitCode int    // ProcessState.ExitCode(): -1 when a signal ended the child
	signal   string // the signal that ended it, if any
	python   int    // multiprocessing.Process.exitcode: -N for signal N
	output   string // what the child printed
}

func reportExit(what string, c *child, out string) exitReport {
	ps := c.State()
	r := exitReport{what: what, exitCode: ps.ExitCode(), python: ps.ExitCode(), output: out}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.signal = unix.SignalName(ws.Signal())
		r.python = -int(ws.Signal())
	}
	return r
}

// exitCodes starts children that end in each of the ways a process can end,
// and reports what the parent sees.
func exitCodes(ctx context.Context) ([]exitReport, error) {
	cases := []struct {
		what string
		role string
		args []string
		sig  syscall.Signal // sent once the child says it is ready; 0: none
	}{
		{"returns from main", "exit", []string{"0"}, 0},
		{"calls os.Exit(3)", "exit", []string{"3"}, 0},
		{"terminate (SIGTERM)", "sleeper", []string{"default"}, syscall.SIGTERM},
		{"kill (SIGKILL)", "sleeper", []string{"default"}, syscall.SIGKILL},
		{"SIGTERM, caught", "sleeper", []string{"graceful"}, syscall.SIGTERM},
		{"SIGKILL, caught?", "sleeper", []string{"graceful"}, syscall.SIGKILL},
	}
	var out []exitReport
	for _, tc := range cases {
		c, r, err := startPiped(command(ctx, tc.role, tc.args...))
		if err != nil {
			return out, err
		}
		br := bufio.NewReader(r)
		if tc.sig != 0 {
			// Wait for "ready": a signal sent before the child has set up
			// its handler would meet the default action instead.
			if _, err := br.ReadString('\n'); err != nil {
				c.cmd.Process.Kill()
			} else if err := c.cmd.Process.Signal(tc.sig); err != nil {
				c.cmd.Process.Kill()
			}
		}
		rest, _ := io.ReadAll(br)
		r.Close()
		c.Wait()
		out = append(out, reportExit(tc.what, c, string(rest)))
	}
	return out, nil
}

func printExits(w io.Writer, rs []exitReport) {
	fmt.Fprintf(w, "%-22s %-12s %-11s %s\n", "the child…", "ExitCode()", "signal", "Python's exitcode")
	for _, r := range rs {
		sig := r.signal
		if sig == "" {
			sig = "-"
		}
		fmt.Fprintf(w, "%-22s %-12d %-11s %d\n", r.what, r.exitCode, sig, r.python)
	}
}

// exitRole exits with the status in args[0].
func exitRole(args []string) int {
	code, _ := strconv.Atoi(args[0])
	return code
}

// sleeperRole says "ready" and then waits to be signalled. With "graceful"
// it catches SIGTERM, cleans up and exits 0; with "stubborn" it ignores
// SIGTERM; with "default" the signal's default action (death) applies.
// Nothing can catch or ignore SIGKILL.
func sleeperRole(args []string) int {
	sigs := make(chan os.Signal, 1)
	switch args[0] {
	case "graceful":
		signal.Notify(sigs, syscall.SIGTERM)
	case "stubborn":
		signal.Ignore(syscall.SIGTERM)
	}
	fmt.Println("ready")
	select {
	case s := <-sigs:
		fmt.Printf("got %v, cleaning up\n", s)
		return 0
	case <-time.After(time.Minute): // never reached in the lesson
		return 1
	}
}

func init() {
	register("exit", exitRole)
	register("sleeper", sleeperRole)
}

// A cancelReport is what happened when a context ended a child.
type cancelReport struct {
	child    string
	err      error  // what Wait returned
	signal   string // what ended the child
	exitCode int
	took     time.Duration // from the context's end to Wait's return
}

// cancelWithDelay runs a child under a context that is cancelled as soon as
// the child is ready. Cmd.Cancel asks politely (SIGTERM, Python's
// terminate); if the child is still there after WaitDelay, exec kills it
// (SIGKILL, Python's kill) and Wait returns. A child that honours SIGTERM is
// gone long before the delay.
func cancelWithDelay(ctx context.Context, mode string, delay time.Duration) (cancelReport, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := command(ctx, "sleeper", mode)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = delay
	c, r, err := startPiped(cmd)
	if err != nil {
		return cancelReport{}, err
	}
	defer r.Close()
	br := bufio.NewReader(r)
	br.ReadString('\n') // "ready": the child has set up its signal handling
	cancel()
	cancelled := time.Now()
	io.Copy(io.Discard, br)
	err = c.Wait()
	rep := cancelReport{child: mode, err: err, exitCode: c.State().ExitCode(), took: time.Since(cancelled)}
	if ws, ok := c.State().Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		rep.signal = unix.SignalName(ws.Signal())
	}
	return rep, nil
}

// own memory ----------------------------------------------------------------

// counter is a package variable that the parent and a child each change.
var counter int

// ownMemory sets counter in the parent, starts a child that reports and
// changes its own counter, and returns what both saw.
func ownMemory(ctx context.Context) (childSaw string, parentAfter int, err error) {
	counter = 42
	c, r, err := startPiped(command(ctx, "own-memory"))
	if err != nil {
		return "", 0, err
	}
	out, _ := io.ReadAll(r)
	r.Close()
	if err := c.Wait(); err != nil {
		return "", 0, err
	}
	return string(out), counter, nil
}

func ownMemoryRole([]string) int {
	fmt.Printf("child: counter starts at %d (a fresh program, not a copy of the parent); ", counter)
	counter = 99
	fmt.Printf("set it to %d\n", counter)
	return 0
}

// CPU time ------------------------------------------------------------------

type cpuReport struct {
	what      string
	user, sys time.Duration
}

// cpuTimes runs a child that computes and one that makes the kernel work,
// each for about d of CPU, and reads their CPU times from ProcessState.
func cpuTimes(ctx context.Context, d time.Duration) ([]cpuReport, error) {
	var out []cpuReport
	for _, kind := range []string{"compute", "syscalls"} {
		c, err := startRole(ctx, "burn", nil, kind, d.String())
		if err != nil {
			return out, err
		}
		if err := c.Wait(); err != nil {
			return out, err
		}
		out = append(out, cpuReport{kind, c.State().UserTime(), c.State().SystemTime()})
	}
	return out, nil
}

// burnRole uses CPU until it has used args[1] of it: "compute" in user
// space, "syscalls" mostly in the kernel (reading /dev/zero makes the kernel
// zero-fill the buffer every time).
func burnRole(args []string) int {
	d, err := time.ParseDuration(args[1])
	if err != nil {
		return 2
	}
	var ru unix.Rusage
	used := func() time.Duration {
		unix.Getrusage(unix.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	// Count from here, not from exec: a race-enabled child spends tens of
	// milliseconds of user time just starting up.
	base := used()
	d += base
	switch args[0] {
	case "compute":
		x := uint64(1)
		for used() < d {
			for range 1_000_000 {
				x = x*6364136223846793005 + 1442695040888963407
			}
		}
		if x == 0 {
			fmt.Println(x) // keeps the loop from being optimised away
		}
	case "syscalls":
		fd, err := unix.Open("/dev/zero", unix.O_RDONLY, 0)
		if err != nil {
			return 1
		}
		buf := make([]byte, 1<<20)
		for used() < d {
			// The raw system call: unix.Read would, in a -race build,
			// also tell the race detector about every byte, in user time.
			unix.Syscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
		}
		unix.Close(fd)
	}
	return 0
}

func init() {
	register("own-memory", ownMemoryRole)
	register("burn", burnRole)
}

func printProcesses(ctx context.Context, w io.Writer) error {
	exits, err := exitCodes(ctx)
	if err != nil {
		return err
	}
	printExits(w, exits)

	fmt.Fprintln(w, "cancel the context: Cmd.Cancel sends SIGTERM; after WaitDelay (300ms) exec sends SIGKILL")
	for _, mode := range []string{"graceful", "stubborn"} {
		r, err := cancelWithDelay(ctx, mode, 300*time.Millisecond)
		if err != nil {
			return err
		}
		how := fmt.Sprintf("exited %d", r.exitCode)
		if r.signal != "" {
			how = "killed by " + r.signal
		}
		fmt.Fprintf(w, "  %-9s child %-18s Wait returned after %v: %v\n", r.child, how, r.took.Round(10*time.Millisecond), r.err)
	}

	saw, after, err := ownMemory(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "parent: counter = 42, then starts a child")
	fmt.Fprint(w, saw)
	fmt.Fprintf(w, "parent: counter is still %d after the child exited\n", after)

	cpu, err := cpuTimes(ctx, 100*time.Millisecond)
	if err != nil {
		return err
	}
	for _, r := range cpu {
		fmt.Fprintf(w, "CPU of the %-8s child: user %v, system %v\n", r.what, r.user.Round(time.Millisecond), r.sys.Round(time.Millisecond))
	}
	return nil
}
