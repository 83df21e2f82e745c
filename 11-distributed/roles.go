package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Workers here are real processes, as they would be on other machines. Go
// has no fork, so the lesson starts its own executable again with a role in
// the environment (chapter 06 does the same, in roles.go there): main looks
// at the variable before anything else and plays the role instead of the
// lesson. In tests the executable is the test binary, whose TestMain does
// the same dispatch.

// roleEnv names the environment variable that carries the role.
const roleEnv = "GOCOURSE_11_ROLE"

// roles maps a role to its whole life: its arguments, and the exit status.
var roles = map[string]func(ctx context.Context, args []string) int{
	"worker":  workerRole,
	"qworker": queueWorkerRole,
	"pipe":    pipeRole,
}

// dispatchRole returns at once in the lesson. In a child it plays the role
// and exits; an unknown role is a loud error, never a fall-through into the
// lesson, which would start children of its own.
func dispatchRole() {
	name, ok := os.LookupEnv(roleEnv)
	if !ok {
		return
	}
	r, ok := roles[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "11-distributed: unknown role %q in %s\n", name, roleEnv)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := r(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// A Child is one worker process.
type Child struct {
	Name string
	cmd  *exec.Cmd
	done chan struct{} // closed when Wait has returned
	err  error         // Wait's error, set before done closes
	out  *syncBuffer   // what it wrote on stderr
}

// StartChild starts this executable again as role, with args. The child
// writes "ready" on stdout once it is connected and listening, and
// StartChild waits for that line (or the child's death) before returning.
func StartChild(ctx context.Context, role, name string, args ...string) (*Child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), roleEnv+"="+role)
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	setDeathSignal(cmd.SysProcAttr)
	c := &Child{Name: name, cmd: cmd, done: make(chan struct{}), out: &syncBuffer{}}
	cmd.Stderr = c.out
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		ok := sc.Scan() && sc.Text() == "ready"
		ready <- ok
		_, _ = io.Copy(io.Discard, stdout) // keep the pipe drained until the child exits
		c.err = cmd.Wait()
		close(c.done)
	}()
	select {
	case ok := <-ready:
		if ok {
			return c, nil
		}
		<-c.done
		return nil, fmt.Errorf("%s did not start: %v: %s", name, c.err, c.out.String())
	case <-ctx.Done():
		c.Kill()
		return nil, ctx.Err()
	case <-time.After(20 * time.Second):
		c.Kill()
		return nil, fmt.Errorf("%s did not say ready within 20s: %s", name, c.out.String())
	}
}

// Kill sends SIGKILL, as a machine losing power would: the child gets no
// chance to ack, flush or say goodbye. It returns when the child is gone.
func (c *Child) Kill() {
	_ = c.cmd.Process.Kill()
	<-c.done
}

// Stop asks the child to finish (SIGTERM) and waits up to 5s before killing
// it. It returns the child's error, if it failed.
func (c *Child) Stop() error {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		c.Kill()
	}
	var ee *exec.ExitError
	if errors.As(c.err, &ee) && !ee.Exited() {
		return nil // ended by our signal
	}
	if c.err != nil {
		return fmt.Errorf("%s: %v: %s", c.Name, c.err, c.out.String())
	}
	return nil
}

// Done is closed when the child has exited.
func (c *Child) Done() <-chan struct{} { return c.done }

// syncBuffer is a bytes buffer that a child's stderr copier and the parent
// may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// stopAll stops every child and joins their errors.
func stopAll(cs []*Child) error {
	var errs []error
	for _, c := range cs {
		if c != nil {
			errs = append(errs, c.Stop())
		}
	}
	return errors.Join(errs...)
}
