//go:build coach

// Exercise 06.4, solved: the child leads a process group of its own, which
// everything it starts joins unless it asks for another, and Cancel sends
// SIGKILL to the group (a negative PID names a group) instead of to the
// child alone. Unix only, like the chapter.
package group

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// Command is exec.CommandContext, except that when ctx ends, the child is
// killed together with every process it started that has not left its
// process group.
func Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	// The group's ID is the child's PID.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Cancel runs only after a successful Start, so cmd.Process is set.
	cmd.Cancel = func() error {
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone // the whole group is gone already
		}
		return err
	}
	return cmd
}
